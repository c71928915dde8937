"""The plan workbook (``core/plans/excel_template.py``, ``excel_reader.py``): every built-in plan and template
round-trips; a workbook a clerk edited (here with openpyxl, as Excel would save it) reports every bad cell by sheet,
row, column and header, in Vietnamese and English; Vietnamese ways of typing numbers, dates and words are read;
hostile files are refused with a typed error and nothing is half-written."""

from __future__ import annotations

import datetime as dt
import gc
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook, load_workbook

from cds_desktop.core.errors import StorageError
from cds_desktop.core.plans.document import check_plan_document, plan_document
from cds_desktop.core.plans.excel_cells import MAX_ROWS, MAX_WORKBOOK_BYTES
from cds_desktop.core.plans.excel_layout import SHEETS, PlanWorkbookError
from cds_desktop.core.plans.excel_template import read_plan_workbook, write_plan_workbook
from cds_desktop.core.plans.loader import PlanFileError, builtin_plans, load_plan_file
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.plans.templates import plan_templates
from support.filesystems import fill, small_disk
from support.hostile import FIXED_CASES, hostile_bytes

FIXTURES = Path(__file__).parents[1] / "fixtures"
PLANS = {plan.id: plan for plan in builtin_plans()} | {t.id: t.plan for t in plan_templates()}


def _written(plan: Plan, folder: Path) -> Path:
    path = folder / f"{plan.id}.xlsx"
    write_plan_workbook(plan, path)
    return path


@pytest.fixture(scope="module")
def dak_rlap(tmp_path_factory) -> Path:
    return _written(PLANS["dak-rlap-2023"], tmp_path_factory.mktemp("workbooks"))


def _edited(source: Path, folder: Path, edit) -> Path:
    """A copy of ``source`` changed by ``edit(workbook)`` and saved, as a clerk's Excel would."""
    book = load_workbook(source)
    edit(book)
    path = folder / "edited.xlsx"
    book.save(path)
    return path


def _letter(sheet, header: str) -> str:
    return next(cell.column_letter for cell in sheet[1] if cell.value == header)


def _refused(path: Path) -> PlanWorkbookError:
    with pytest.raises(PlanWorkbookError) as refused:
        read_plan_workbook(path)
    return refused.value


# --- the round trip ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_every_builtin_plan_and_template_round_trips(plan_id, tmp_path):
    plan = PLANS[plan_id]
    document = read_plan_workbook(_written(plan, tmp_path))
    assert Plan.model_validate(document) == plan
    assert document == plan_document(plan)


def test_what_no_shipped_plan_uses_round_trips_too(tmp_path):
    """Fields and choices the shipped plans leave out: a ``lt`` target, decimals, a sub-sub-task, an ``after_end``
    deadline rule, a milestone at the default level, the counted units no plan counts."""
    document = plan_document(load_plan_file(FIXTURES / "plans" / "mini.yaml"))
    indicators = document["groups"][0]["indicators"]
    indicators[3]["target"] = {"comparator": "range", "low": 2.25, "high": 12.5}  # money: decimals allowed
    indicators[0]["level_targets"] = {"province": {"comparator": "eq", "value": 100, "text": {"vi": "đạt 100%",
                                                                                               "en": "100%"}}}
    indicators[2]["unit"], indicators[1]["unit"] = "procedures", "products"
    sub_task = document["groups"][2]["tasks"][1]["subtasks"][0]
    sub_task["subtasks"] = [{"code": "T2a1", "title": {"vi": "Việc con", "en": "A sub-item"},
                             "deadline": {"kind": "date", "date": dt.date(2024, 12, 14)}, "evidence_expected": True,
                             "levels": ["province", "commune"], "source": {"document": "Mini", "section": "III.2a.1"}}]
    document["schedule"]["periods"].append({"kind": "half", "deadline": {
        "rule": "after_end", "days": 10, "text": {"vi": "10 ngày sau khi hết kỳ", "en": "10 days after"}}})
    document["schedule"]["milestones"] = [{"code": "m1", "title": {"vi": "Gửi kế hoạch", "en": "Send the plan"},
                                           "due_before": dt.date(2023, 6, 15)}]
    plan = check_plan_document(document, "test")
    assert Plan.model_validate(read_plan_workbook(_written(plan, tmp_path))) == plan


def test_a_plan_document_is_written_as_its_plan(tmp_path):
    plan = PLANS["ninh-thuan-2024"]
    write_plan_workbook(plan_document(plan), tmp_path / "doc.xlsx")
    assert Plan.model_validate(read_plan_workbook(tmp_path / "doc.xlsx")) == plan


def test_the_sheets_and_headers_are_vietnamese_with_english_beneath(dak_rlap, capsys):
    book = load_workbook(dak_rlap)
    visible = [sheet.title for sheet in book.worksheets if sheet.sheet_state == "visible"]
    assert visible == ["Hướng dẫn", "Thông tin chung", "Nhóm", "Chỉ tiêu", "Nhiệm vụ", "Lịch báo cáo", "Mốc thời hạn"]
    assert book["Hướng dẫn"]["A1"].value == "Mẫu kế hoạch chuyển đổi số — CDS Desktop"
    for sheet in SHEETS:
        rows = [[cell.value for cell in row] for row in book[sheet.name].iter_rows(max_row=3)]
        print(sheet.name, rows, sep="\n  ")  # the clerk's first sight of each sheet, for a reader of the test log
        assert rows[0] == [column.vi for column in sheet.columns]
        assert rows[1] == [column.en for column in sheet.columns]
    indicators = book["Chỉ tiêu"]
    assert "Mục tiêu cấp xã: so sánh" in [cell.value for cell in indicators[1]]
    assert [cell.value for cell in indicators[3]][:6] == ["II.1", "II.1a", "Tỷ lệ dân số (tính trên toàn bộ dân số) "
                                                          "có điện thoại thông minh", indicators["D3"].value,
                                                          "Tỷ lệ (%)", "người"]
    assert "Thông tin chung" in capsys.readouterr().out


def test_words_are_chosen_from_dropdowns(dak_rlap):
    book = load_workbook(dak_rlap)
    indicators, tasks = book["Chỉ tiêu"], book["Nhiệm vụ"]
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1
             for v in indicators.data_validations.dataValidation}
    assert lists[_letter(indicators, "Loại chỉ tiêu")].startswith("'Danh mục'!")
    assert lists[_letter(indicators, "Mã nhóm")] == "'Nhóm'!$A$3:$A$1000"
    kinds = [row[0] for row in book["Danh mục"].iter_rows(values_only=True) if row[0]]
    assert kinds == ["Tỷ lệ (%)", "Số lượng", "Có/Không", "Văn bản"]
    assert any(_letter(tasks, "Loại thời hạn") in str(v.sqref) for v in tasks.data_validations.dataValidation)
    assert book["Danh mục"].sheet_state == "hidden"


# --- a workbook someone edited: every bad cell -------------------------------------------------------------------

def test_every_bad_cell_is_reported_with_its_sheet_row_and_column(dak_rlap, tmp_path):
    def edit(book):
        sheet = book["Chỉ tiêu"]
        sheet[f"{_letter(sheet, 'Mục tiêu chung: giá trị')}4"] = "tám mươi"  # a bad number
        sheet[f"{_letter(sheet, 'Loại chỉ tiêu')}5"] = "Phần trăm"  # a word not in the list
        sheet[f"{_letter(sheet, 'Tên chỉ tiêu (tiếng Anh)')}6"] = None  # a required cell left blank
        sheet[f"{_letter(sheet, 'Mã chỉ tiêu')}7"] = sheet[f"{_letter(sheet, 'Mã chỉ tiêu')}3"].value  # a duplicate
        tasks = book["Nhiệm vụ"]
        tasks[f"{_letter(tasks, 'Thời hạn')}5"] = "=1+2"  # a formula

    refused = _refused(_edited(dak_rlap, tmp_path, edit))
    found = {(p.sheet.name, p.row, p.letter): p for p in refused.problems}
    assert set(found) == {("Chỉ tiêu", 4, "L"), ("Chỉ tiêu", 5, "E"), ("Chỉ tiêu", 6, "D"), ("Chỉ tiêu", 7, "B"),
                          ("Nhiệm vụ", 5, "M")}
    assert refused.code == "plan.workbook_invalid" and refused.params["count"] == 5
    assert found[("Chỉ tiêu", 4, "L")].message("vi") == (
        "Trang tính «Chỉ tiêu», dòng 4, cột L (Mục tiêu chung: giá trị): phải là số (ví dụ 80 hoặc 55,5), "
        "không phải «tám mươi»")
    assert found[("Chỉ tiêu", 4, "L")].message("en") == (
        "Sheet «Chỉ tiêu», row 4, column L (Target: value(s)): must be a number (e.g. 80 or 55.5), not «tám mươi»")
    assert "«Phần trăm» không có trong danh sách" in found[("Chỉ tiêu", 5, "E")].message("vi")
    assert "cột D (Tên chỉ tiêu (tiếng Anh)): bắt buộc" in found[("Chỉ tiêu", 6, "D")].message("vi")
    assert "mã «II.1a» đã dùng ở trang tính «Chỉ tiêu», dòng 3" in found[("Chỉ tiêu", 7, "B")].message("vi")
    assert "công thức (=1+2)" in found[("Nhiệm vụ", 5, "M")].message("vi")
    vietnamese, english = refused.message("vi"), refused.message("en")
    assert vietnamese.startswith("Tệp Excel kế hoạch edited.xlsx có 5 lỗi:") and vietnamese.count("\n- ") == 5
    assert english.startswith("The plan workbook edited.xlsx has 5 problems:") and "row 7, column B" in english
    assert not {"must", "required", "Sheet", "row"} & set(vietnamese.replace(":", " ").split())
    assert [p["column"] for p in refused.to_dict()["problems"]] == ["L", "E", "D", "B", "M"]  # in reading order


def test_the_plan_formats_rules_are_placed_on_their_cells(dak_rlap, tmp_path):
    def edit(book):
        sheet = book["Chỉ tiêu"]
        sheet[f"{_letter(sheet, 'Đơn vị đếm')}3"] = None  # a ratio without a counted unit
        sheet[f"{_letter(sheet, 'Mục tiêu chung: so sánh')}4"] = "Trong khoảng"  # a range with one number
        schedule = book["Lịch báo cáo"]
        schedule[f"{_letter(schedule, 'Tháng thứ mấy tính từ cuối kỳ (0 = tháng cuối)')}3"] = 5  # beyond a quarter

    refused = _refused(_edited(dak_rlap, tmp_path, edit))
    found = {(p.sheet.name, p.row, p.letter): p.message("vi") for p in refused.problems}
    assert found == {
        ("Chỉ tiêu", 3, "F"): "Trang tính «Chỉ tiêu», dòng 3, cột F (Đơn vị đếm): chỉ tiêu «Tỷ lệ (%)» cần đơn vị "
                              "đếm, tử số và mẫu số",
        ("Chỉ tiêu", 4, "L"): "Trang tính «Chỉ tiêu», dòng 4, cột L (Mục tiêu chung: giá trị): mục tiêu «Trong "
                              "khoảng» cần hai số, ví dụ 55 - 60",
        ("Lịch báo cáo", 3, "E"): "Trang tính «Lịch báo cáo», dòng 3, cột E (Tháng thứ mấy tính từ cuối kỳ (0 = "
                                  "tháng cuối)): kỳ này chỉ có 3 tháng, không thể tính tháng thứ 5 từ cuối kỳ",
    }


def test_a_wrong_header_is_reported_alone_not_with_every_row_it_empties(dak_rlap, tmp_path):
    def edit(book):
        book["Nhiệm vụ"]["B1"] = "Mã nhiệm vu"  # a typo: the column "Mã nhiệm vụ" is missing
        sheet = book["Chỉ tiêu"]
        sheet[f"{_letter(sheet, 'Mục tiêu chung: giá trị')}4"] = "abc"  # still reported

    refused = _refused(_edited(dak_rlap, tmp_path, edit))
    assert [(p.sheet.name, p.row, p.letter, p.problem_id) for p in refused.problems] == [
        ("Chỉ tiêu", 4, "L", "plan_template.problem.not_number"),
        ("Nhiệm vụ", 1, None, "plan_template.problem.missing_column"),
        ("Nhiệm vụ", 1, "B", "plan_template.problem.unknown_column"),
    ]
    assert refused.problems[1].message("vi") == "Trang tính «Nhiệm vụ», dòng 1: thiếu cột «Mã nhiệm vụ» ở dòng tiêu đề"


def test_rows_that_do_not_fit_together_are_reported(dak_rlap, tmp_path):
    def edit(book):
        tasks = book["Nhiệm vụ"]
        tasks[f"{_letter(tasks, 'Mã nhóm')}3"] = "IX"  # a group not on the groups sheet
        tasks[f"{_letter(tasks, 'Mã nhiệm vụ cha')}6"] = "III.99"  # a parent that does not exist
        tasks[f"{_letter(tasks, 'Cơ quan phối hợp (tiếng Anh)')}4"] = "One\nTwo\nThree\nFour\nFive"
        tasks[f"{_letter(tasks, 'Cấp báo cáo')}8"] = "Xã, Thôn"

    found = {(p.sheet.name, p.row, p.letter): p.problem_id.rsplit(".", 1)[1]
             for p in _refused(_edited(dak_rlap, tmp_path, edit)).problems}
    assert found == {("Nhiệm vụ", 3, "A"): "unknown_group", ("Nhiệm vụ", 6, "C"): "unknown_parent",
                     ("Nhiệm vụ", 4, "K"): "partners_count", ("Nhiệm vụ", 8, "P"): "not_word"}


# --- how people type -------------------------------------------------------------------------------------------

def test_vietnamese_numbers_dates_and_words_are_read(dak_rlap, tmp_path):
    def edit(book):
        info = book["Thông tin chung"]
        date_row = next(row[0].row for row in info.iter_rows() if row[0].value == "Ngày văn bản")
        info[f"B{date_row}"] = "05/01/2023"  # the document date typed as text, day first
        sheet = book["Chỉ tiêu"]
        value, comparator = _letter(sheet, "Mục tiêu chung: giá trị"), _letter(sheet, "Mục tiêu chung: so sánh")
        sheet[f"{value}3"] = "82,5"  # a decimal comma
        sheet[f"{value}4"] = 0.76  # typed as 76% in a cell formatted as a percentage
        sheet[f"{value}4"].number_format = "0%"
        sheet[f"{comparator}5"] = "tối thiểu (≥)"  # any case
        sheet[f"{_letter(sheet, 'Xã báo cáo')}5"] = "x"
        tasks = book["Nhiệm vụ"]
        tasks[f"{_letter(tasks, 'Thời hạn')}3"] = dt.datetime(2023, 12, 1)  # "12/2023" as Excel turns it into a date
        tasks[f"{_letter(tasks, 'Cấp báo cáo')}3"] = "Huyện; xã"

    document = read_plan_workbook(_edited(dak_rlap, tmp_path, edit))
    plan = Plan.model_validate(document)
    assert plan.plan.document_date == dt.date(2023, 1, 5)
    assert plan.indicator("II.1a").target.value == Decimal("82.5")
    assert plan.indicator("II.1b").target.value == Decimal("76")
    assert plan.indicator("II.1c").target.comparator.value == "ge" and plan.indicator("II.1c").applies_to_communes
    first = next(plan.all_tasks())
    assert first.deadline.month == "2023-12" and [level.value for level in first.levels] == ["district", "commune"]


def test_the_english_header_row_may_be_deleted(dak_rlap, tmp_path):
    path = _edited(dak_rlap, tmp_path, lambda book: [sheet.delete_rows(2) for sheet in book.worksheets])
    assert Plan.model_validate(read_plan_workbook(path)) == PLANS["dak-rlap-2023"]


# --- hostile files ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["empty", "random", "huge_line", "yaml_bomb"])
def test_a_file_that_is_not_a_workbook_is_refused(case, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(FIXED_CASES[case])
    refused = _refused(path)
    assert refused.code == "plan.workbook_unreadable"
    assert "không phải tệp Excel .xlsx" in refused.message("vi")


def test_a_zip_that_is_not_a_workbook_is_refused_as_damaged(tmp_path):
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert _refused(path).problems[0].problem_id == "plan_template.problem.damaged"


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "plan.xlsx"
    with path.open("wb") as file:
        file.truncate(MAX_WORKBOOK_BYTES + 1)
    refused = _refused(path)
    assert refused.problems[0].problem_id == "plan_template.problem.too_large" and "10 MiB" in refused.message("vi")


def test_a_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 << 20))
    assert path.stat().st_size < MAX_WORKBOOK_BYTES
    assert _refused(path).problems[0].problem_id == "plan_template.problem.too_large"


def test_missing_sheets_and_merged_cells_are_reported(dak_rlap, tmp_path):
    def edit(book):
        del book["Mốc thời hạn"]
        book["Nhóm"].merge_cells("B3:C3")

    found = {(p.sheet.name, p.row, p.letter, p.problem_id.rsplit(".", 1)[1])
             for p in _refused(_edited(dak_rlap, tmp_path, edit)).problems}
    assert found == {("Mốc thời hạn", None, None, "missing_sheet"), ("Nhóm", 3, "B", "merged"),
                     ("Nhóm", 3, "C", "missing")}  # the merge emptied C3


def test_an_empty_workbook_names_every_missing_sheet(tmp_path):
    Workbook().save(tmp_path / "empty.xlsx")
    refused = _refused(tmp_path / "empty.xlsx")
    assert [p.sheet.name for p in refused.problems] == [sheet.name for sheet in SHEETS]


def test_a_sheet_too_long_is_refused(dak_rlap, tmp_path):
    def edit(book):
        sheet = book["Chỉ tiêu"]
        for row in range(4, MAX_ROWS + 3):
            sheet.cell(row, 30, "x")  # a column outside the template: only the rows' count matters

    refused = _refused(_edited(dak_rlap, tmp_path, edit))
    assert ("Chỉ tiêu", MAX_ROWS + 1, "plan_template.problem.too_many_rows") in {
        (p.sheet.name, p.row, p.problem_id) for p in refused.problems}


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=hostile_bytes())
def test_any_bytes_are_a_plan_or_a_typed_refusal(content, tmp_path):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(content)
    with pytest.raises(PlanWorkbookError):
        read_plan_workbook(path)


def test_damaged_copies_of_a_real_workbook_are_typed_refusals(dak_rlap, tmp_path):
    data = dak_rlap.read_bytes()
    for index, cut in enumerate((len(data) // 2, len(data) - 30, 100)):
        path = tmp_path / f"cut{index}.xlsx"
        path.write_bytes(data[:cut])
        assert _refused(path).code == "plan.workbook_unreadable"


# --- writing ---------------------------------------------------------------------------------------------------

def test_an_invalid_document_is_refused_and_nothing_is_written(tmp_path):
    document = plan_document(PLANS["dak-rlap-2023"])
    document["groups"][0]["indicators"][0]["kind"] = "percent"
    with pytest.raises(PlanFileError) as refused:
        write_plan_workbook(document, tmp_path / "bad.xlsx")
    assert refused.value.params["path"] == "groups[0].indicators[0].kind"
    assert not list(tmp_path.iterdir())


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    with small_disk(tmp_path / "disk", 256) as disk:
        target = disk / "plan.xlsx"
        target.write_bytes(b"old")
        filler = fill(disk)
        with pytest.raises(StorageError) as refused:
            write_plan_workbook(PLANS["dak-rlap-2023"], target)
        assert refused.value.code == "storage.disk_full"
        assert target.read_bytes() == b"old" and sorted(p.name for p in disk.iterdir()) == [filler.name, "plan.xlsx"]
    # XlsxWriter leaves the zip of the failed write open (its error's traceback holds it); closed when collected, it
    # writes to the stream already closed: collected here, so that no later test is told of it
    del refused
    leaked = []
    monkeypatch.setattr(sys, "unraisablehook", leaked.append)
    gc.collect()
    assert all(isinstance(report.exc_value, ValueError) for report in leaked)
