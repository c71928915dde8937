"""``cds plans export-excel | export-yaml | check-excel | templates | export-template`` end to end: the files they
write read back to the same plan, a bad workbook lists its bad cells (exit 1), bad arguments write nothing."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from cds_desktop.cli import main
from cds_desktop.core.plans.excel_template import read_plan_workbook
from cds_desktop.core.plans.loader import builtin_plans, load_plan_file
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.plans.templates import plan_template


@pytest.fixture
def cds(tmp_path, capsys):
    def run(*args: str, lang: str = "vi"):
        code = main(["--data-dir", str(tmp_path / "data"), "--lang", lang, *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_templates_are_listed_in_both_languages(cds):
    code, out, _ = cds("plans", "templates")
    assert code == 0 and out == "national-2026        Mẫu kế hoạch chuyển đổi số năm 2026 theo các chỉ tiêu quốc gia\n"
    code, out, _ = cds("plans", "templates", "--json", lang="en")
    assert json.loads(out) == [{"id": "national-2026", "plan": "mau-ke-hoach-2026",
                                "title": "Template: 2026 digital-transformation plan from the national targets"}]


@pytest.mark.parametrize("name", ["mau.xlsx", "mau.yaml"])
def test_a_template_is_exported_as_a_workbook_or_yaml(cds, tmp_path, name):
    target = tmp_path / name
    code, out, _ = cds("plans", "export-template", "national-2026", target)
    assert code == 0 and out == f"Đã ghi kế hoạch mau-ke-hoach-2026 (phiên bản 1) vào {target}\n"
    read = (lambda path: Plan.model_validate(read_plan_workbook(path))) if name.endswith("xlsx") else load_plan_file
    assert read(target) == plan_template("national-2026").plan


def test_a_plan_is_exported_and_the_workbook_checks_valid(cds, tmp_path):
    plan = next(p for p in builtin_plans() if p.id == "dak-rlap-2023")
    assert cds("plans", "export-excel", plan.id, tmp_path / "p.xlsx")[0] == 0
    assert cds("plans", "export-yaml", plan.id, tmp_path / "p.yaml")[0] == 0
    assert load_plan_file(tmp_path / "p.yaml") == plan
    code, out, _ = cds("plans", "check-excel", tmp_path / "p.xlsx")
    assert code == 0 and out.startswith("Tệp p.xlsx hợp lệ: kế hoạch dak-rlap-2023 (phiên bản 1) — ")
    assert "5 nhóm, 18 chỉ tiêu, 22 nhiệm vụ, 2 loại kỳ báo cáo" in out
    code, out, _ = cds("plans", "check-excel", tmp_path / "p.xlsx", "--json", lang="en")
    assert code == 0 and json.loads(out) | {"title": None} == {
        "valid": True, "plan": "dak-rlap-2023", "version": 1, "title": None, "groups": 5, "indicators": 18,
        "tasks": 22, "periods": 2}


def test_check_excel_lists_every_bad_cell(cds, tmp_path):
    path = tmp_path / "p.xlsx"
    assert cds("plans", "export-template", "national-2026", path)[0] == 0
    book = load_workbook(path)
    book["Chỉ tiêu"]["L3"] = "nhiều"
    book["Chỉ tiêu"]["E4"] = "Phần trăm"
    book.save(path)
    code, out, _ = cds("plans", "check-excel", path)
    assert code == 1 and out.splitlines() == [
        "Tệp Excel kế hoạch p.xlsx có 2 lỗi:",
        "- Trang tính «Chỉ tiêu», dòng 3, cột L (Mục tiêu chung: giá trị): phải là số (ví dụ 80 hoặc 55,5), "
        "không phải «nhiều»",
        "- Trang tính «Chỉ tiêu», dòng 4, cột E (Loại chỉ tiêu): «Phần trăm» không có trong danh sách; hãy chọn một "
        "trong: «Tỷ lệ (%)», «Số lượng», «Có/Không», «Văn bản»",
    ]
    code, out, _ = cds("plans", "check-excel", path, "--json", lang="en")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False and report["code"] == "plan.workbook_invalid"
    assert [(p["sheet"], p["row"], p["column"]) for p in report["problems"]] == [("Chỉ tiêu", 3, "L"),
                                                                                ("Chỉ tiêu", 4, "E")]
    assert report["problems"][0]["message_en"].startswith("Sheet «Chỉ tiêu», row 3, column L (Target: value(s))")


def test_bad_arguments_are_refused_and_write_nothing(cds, tmp_path):
    code, _, err = cds("plans", "export-template", "national-2026", tmp_path / "mau.txt")
    assert code == 2 and "phải có đuôi .xlsx, .yaml, .yml" in err
    code, _, err = cds("plans", "export-template", "tinh-2030", tmp_path / "mau.xlsx")
    assert code == 2 and "Không có mẫu kế hoạch «tinh-2030»" in err
    code, _, err = cds("plans", "export-excel", "khong-co", tmp_path / "p.xlsx")
    assert code == 2 and err.startswith("Lỗi: ")
    code, out, _ = cds("plans", "check-excel", tmp_path / "khong-co.xlsx")
    assert code == 1 and "không mở được tệp" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
