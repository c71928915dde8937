"""The plan file format: what loads, and how a malformed file is refused.

Every refusal is a ``PlanError`` whose message, in Vietnamese and in English, names the file, the field (with
its line when known) and the problem.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from cds_desktop.core.errors import PlanError
from cds_desktop.core.plans.loader import PlanCatalog, builtin_plans, load_plan_file, parse_plan
from cds_desktop.core.plans.model import PLAN_FORMAT_VERSION, Comparator, Level, Target
from cds_desktop.core.plans.schedule import Schedule
from cds_desktop.core.resources import builtin_plans_dir

VALID = """\
format: 1
plan:
  id: xa-thu
  title: {vi: "Kế hoạch chuyển đổi số xã Thử năm 2024", en: "Test commune digital-transformation plan 2024"}
  issuing_body:
    name: {vi: "Ủy ban nhân dân xã Thử", en: "Test Commune People's Committee"}
    level: commune
  document_number: "12/KH-UBND"
  document_date: 2024-01-05
  document_kind: {vi: "Kế hoạch", en: "Plan"}
  plan_version: 2
  years: [2024, 2025]
groups:
  - code: G1
    title: {vi: "Hạ tầng số", en: "Digital infrastructure"}
    indicators:
      - code: I1
        name: {vi: "Tỷ lệ hộ có cáp quang", en: "Share of households with fibre"}
        kind: ratio
        unit: households
        numerator_label: {vi: "Số hộ có cáp quang", en: "Households with fibre"}
        denominator_label: {vi: "Tổng số hộ", en: "Total households"}
        target: {comparator: range, low: 55, high: 60}
        level_targets:
          district: {comparator: ge, value: 80}
        source: {document: "Kế hoạch 12", section: "II.1"}
      - code: I2
        name: {vi: "Số sản phẩm", en: "Products"}
        kind: count
        unit: products
        target: {comparator: le, value: 5}
        applies_to_communes: false
        source: {document: "Kế hoạch 12", section: "II.2"}
    tasks:
      - code: T1
        title: {vi: "Phổ cập cáp quang", en: "Fibre for all"}
        lead_agency: {vi: "Công chức văn hóa - xã hội", en: "Culture and social affairs officer"}
        deadline: {kind: month, month: "2024-12", text: {vi: "Tháng 12/2024", en: "December 2024"}}
        source: {document: "Kế hoạch 12", section: "III.1"}
      - code: T2
        title: {vi: "An toàn thông tin", en: "Information security"}
        levels: [district, commune]
        subtasks:
          - code: T2a
            title: {vi: "Cài phần mềm diệt virus", en: "Install anti-virus software"}
            deadline: {kind: yearly}
            source: {document: "Kế hoạch 12", section: "III.2.a"}
          - code: T2b
            title: {vi: "Tuyên truyền", en: "Awareness"}
            levels: [district]
            deadline: {kind: roadmap}
            source: {document: "Kế hoạch 12", section: "III.2.b"}
        source: {document: "Kế hoạch 12", section: "III.2"}
schedule:
  first_year: 2024
  last_year: 2025
  periods:
    - kind: quarter
      deadline: {rule: in_period_month, day: 3, month_from_end: 0, text: {vi: "trước ngày 03 tháng cuối quý", en: "before the 3rd of the quarter's last month"}}
    - kind: year
      deadline: {rule: fixed, day: 10, month: 12, text: {vi: "trước ngày 10/12", en: "before 10 December"}}
  milestones:
    - code: ke-hoach
      title: {vi: "Gửi kế hoạch chi tiết", en: "Send the detailed plan"}
      due_before: 2024-06-15
"""


def refused(text: str, source: str = "thu.yaml") -> PlanError:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, source)
    return caught.value


def edit(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def assert_names(error: PlanError, *, file: str, field: str | None, vi: list[str], en: list[str]) -> None:
    """Both messages name the file and the field; each says the problem in its own language."""
    messages = {"vi": error.message("vi"), "en": error.message("en")}
    for language, words in (("vi", vi), ("en", en)):
        message = messages[language]
        assert file in message, message
        if field is not None:
            assert field in message, message
        for word in words:
            assert word in message, (word, message)
    assert messages["vi"] != messages["en"]
    json.dumps(error.to_dict())  # machine-readable form for --json output


# --- the valid file -----------------------------------------------------------------------------


def test_valid_plan_loads_with_every_part():
    plan = parse_plan(VALID, "thu.yaml")
    assert plan.id == "xa-thu" and plan.plan.plan_version == 2
    assert plan.plan.citation("vi") == "Kế hoạch số 12/KH-UBND ngày 05/01/2024"
    assert plan.plan.citation("en") == "Plan No. 12/KH-UBND of 05/01/2024"
    ratio = plan.indicator("I1")
    assert ratio.target.comparator is Comparator.RANGE and (ratio.target.low, ratio.target.high) == (55, 60)
    assert ratio.target_for(Level.DISTRICT).value == Decimal(80)
    assert ratio.target_for(Level.COMMUNE) is ratio.target
    assert [i.code for i in plan.commune_indicators()] == ["I1"]
    assert [t.code for t in plan.all_tasks()] == ["T1", "T2", "T2a", "T2b"]
    assert [t.code for t in plan.reportable_tasks()] == ["T1", "T2a", "T2b"]
    assert [t.code for t in plan.commune_tasks()] == ["T1", "T2a"]  # default level: commune
    assert plan.task("T2b").deadline.kind == "roadmap"
    assert plan.group_of("T2b").code == "G1" and plan.group_of("nope") is None
    assert plan.schedule.milestones[0].due_before.isoformat() == "2024-06-15"


def test_text_is_nfc_normalised_on_load():
    nfd = unicodedata.normalize("NFD", "Tỷ lệ hộ có cáp quang")
    assert nfd != "Tỷ lệ hộ có cáp quang"
    plan = parse_plan(VALID.replace("Tỷ lệ hộ có cáp quang", nfd), "thu.yaml")
    assert plan.indicator("I1").name.vi == "Tỷ lệ hộ có cáp quang"


def test_plan_without_printed_number_or_date_is_cited_by_title():
    text = edit('  document_number: "12/KH-UBND"\n  document_date: 2024-01-05\n', "")
    plan = parse_plan(text, "thu.yaml")
    assert plan.plan.document_number is None and plan.plan.document_date is None
    assert plan.plan.citation("vi") == "Kế hoạch chuyển đổi số xã Thử năm 2024"
    published = parse_plan(
        edit('  document_number: "12/KH-UBND"\n', "  document_date_basis: published\n"), "thu.yaml"
    )
    assert published.plan.citation_vi == "Kế hoạch chuyển đổi số xã Thử năm 2024 (đăng ngày 05/01/2024)"
    assert published.plan.citation("en").endswith("(published 05/01/2024)")


@pytest.mark.parametrize("path", sorted(builtin_plans_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_builtin_plans_round_trip_through_the_format(path):
    """What the model holds can be written back as a plan file and read again unchanged."""
    plan = load_plan_file(path)
    dumped = yaml.safe_dump(plan.model_dump(mode="json", exclude_defaults=True), allow_unicode=True, sort_keys=False)
    assert parse_plan(dumped, path.name) == plan


# --- YAML-level problems ------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_file_and_line():
    text = edit("    level: commune\n", "    level: [commune\n")
    error = refused(text)
    assert error.code == "plan.yaml"
    assert error.params["line"] >= line_of(text, "level: [commune")
    line = error.params["line"]
    assert_names(error, file="thu.yaml", field=None, vi=[f"dòng {line}", "cú pháp YAML"], en=[f"line {line}", "YAML syntax"])


def test_tab_indentation_is_a_syntax_error():
    error = refused(edit("  plan_version: 2\n", "\tplan_version: 2\n"))
    assert error.code == "plan.yaml"


def test_duplicate_key_is_refused_not_silently_overwritten():
    text = edit("  plan_version: 2\n", "  plan_version: 2\n  plan_version: 3\n")
    error = refused(text)
    assert error.code == "plan.yaml"
    assert error.params["line"] == line_of(text, "plan_version: 3")
    assert_names(
        error, file="thu.yaml", field=None,
        vi=['"plan_version"', "hai lần", f"dòng {error.params['line']}"],
        en=['"plan_version"', "twice", f"line {error.params['line']}"],
    )


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_file_that_is_not_a_mapping_is_refused(text):
    error = refused(text)
    assert error.code == "plan.invalid"
    assert_names(error, file="thu.yaml", field=None, vi=["bảng khóa–giá trị"], en=["mapping"])


# --- format problems ----------------------------------------------------------------------------


def test_missing_field_is_named_with_its_path():
    text = edit('        name: {vi: "Số sản phẩm", en: "Products"}\n', "")
    error = refused(text)
    assert error.code == "plan.invalid"
    field = "groups[0].indicators[1].name"
    assert error.params["field"] == field
    assert_names(error, file="thu.yaml", field=field, vi=["thiếu trường bắt buộc"], en=["required field is missing"])


def test_missing_top_level_section():
    text = VALID[: VALID.index("schedule:")]
    error = refused(text)
    assert error.params["field"] == "schedule"
    assert_names(error, file="thu.yaml", field="schedule", vi=["thiếu trường"], en=["missing"])


def test_unknown_field_is_refused():
    text = edit("        kind: count\n", "        kind: count\n        taget: {comparator: le, value: 5}\n")
    error = refused(text)
    field = "groups[0].indicators[1].taget"
    assert error.params["field"] == field
    assert error.params["line"] == line_of(text, "taget:")
    assert_names(
        error, file="thu.yaml", field=field,
        vi=["không có trong định dạng", f"dòng {error.params['line']}"],
        en=["not part of the plan format", f"line {error.params['line']}"],
    )


def test_unknown_comparator_lists_the_allowed_ones():
    error = refused(edit("target: {comparator: le, value: 5}", "target: {comparator: lte, value: 5}"))
    field = "groups[0].indicators[1].target.comparator"
    assert error.params["field"] == field
    assert_names(error, file="thu.yaml", field=field, vi=["'lte'", "'ge'", "'range'"], en=["'lte'", "'ge'", "'range'"])
    assert " or " not in error.message("vi")


@pytest.mark.parametrize(
    ("target", "field", "vi", "en"),
    [
        ("{comparator: range, low: 55}", "target.high", "cần cả low và high", "needs both 'low' and 'high'"),
        ("{comparator: range, value: 55}", "target.value", "không dùng value", "not 'value'"),
        ("{comparator: range, low: 60, high: 55}", "target.low", "lớn hơn cận trên", "above the high end"),
        ("{comparator: ge, low: 55, high: 60}", "target.low", "dùng value", "takes 'value'"),
        ("{comparator: ge}", "target.value", "cần value", "needs 'value'"),
        ("{comparator: ge, value: 120}", "target", "từ 0 đến 100", "from 0 to 100"),
    ],
)
def test_wrong_comparator_shape_names_the_target_field(target, field, vi, en):
    error = refused(edit("{comparator: range, low: 55, high: 60}", target))
    full = f"groups[0].indicators[0].{field}"
    assert error.params["field"] == full
    assert_names(error, file="thu.yaml", field=full, vi=[vi], en=[en])


def test_level_target_problem_is_located_at_its_level():
    error = refused(edit("district: {comparator: ge, value: 80}", "district: {comparator: ge, value: 180}"))
    assert error.params["field"] == "groups[0].indicators[0].level_targets.district"
    assert error.params["line"] == line_of(VALID, "district: {comparator")


def test_unknown_level_is_refused():
    error = refused(edit("district: {comparator: ge, value: 80}", "huyen: {comparator: ge, value: 80}"))
    assert error.params["field"].startswith("groups[0].indicators[0].level_targets")
    assert "'district'" in error.message("en") and "'huyen'" in error.message("vi")


def test_fractional_count_target_is_refused():
    error = refused(edit("target: {comparator: le, value: 5}", "target: {comparator: le, value: 4.5}"))
    assert_names(
        error, file="thu.yaml", field="groups[0].indicators[1].target", vi=["số nguyên", "4.5"], en=["whole number"]
    )


def test_ratio_without_labels_is_refused():
    error = refused(edit('        denominator_label: {vi: "Tổng số hộ", en: "Total households"}\n', ""))
    field = "groups[0].indicators[0].denominator_label"
    assert_names(error, file="thu.yaml", field=field, vi=["tỷ lệ", "denominator_label"], en=["ratio", "denominator_label"])


def test_boolean_target_must_be_yes_or_no():
    text = edit(
        "        kind: count\n        unit: products\n        target: {comparator: le, value: 5}\n",
        "        kind: boolean\n        target: {comparator: ge, value: 1}\n",
    )
    error = refused(text)
    assert_names(error, file="thu.yaml", field="groups[0].indicators[1].target", vi=["có/không"], en=["yes/no"])


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("code: I2", "code: I1", "groups[0].indicators[1].code"),
        ("code: T2b", "code: T2a", "groups[0].tasks[1].subtasks[1].code"),
        ("code: T2a", "code: T1", "groups[0].tasks[1].subtasks[0].code"),
    ],
)
def test_duplicate_codes_name_both_places(old, new, field):
    error = refused(edit(old, new))
    assert error.params["field"] == field
    code = new.split(": ")[1]
    assert_names(error, file="thu.yaml", field=field, vi=[f'"{code}"', "đã được dùng"], en=[f'"{code}"', "already used"])
    assert error.params["other"] in error.message("vi")


def test_indicator_and_task_may_not_share_a_code():
    error = refused(edit("code: T1", "code: I2"))
    assert error.params["field"] == "groups[0].tasks[0].code"
    assert_names(
        error, file="thu.yaml", field="groups[0].tasks[0].code",
        vi=["vừa là mã chỉ tiêu vừa là mã nhiệm vụ"], en=["both an indicator and a task"],
    )


def test_duplicate_group_codes_are_refused():
    group = VALID[VALID.index("  - code: G1") : VALID.index("schedule:")]
    text = VALID.replace(group, group + group.replace("code: I1", "code: J1").replace("code: I2", "code: J2")
                         .replace("code: T1", "code: U1").replace("code: T2", "code: U2"))
    error = refused(text)
    assert error.params["field"] == "groups[1].code"


def test_bad_code_pattern_is_refused():
    error = refused(edit("code: T1", 'code: "T 1"'))
    assert error.params["field"] == "groups[0].tasks[0].code"
    assert_names(error, file="thu.yaml", field="groups[0].tasks[0].code", vi=["không đúng dạng"], en=["required form"])


@pytest.mark.parametrize("version", [PLAN_FORMAT_VERSION + 1, 99])
def test_format_version_too_new_asks_to_update_the_app(version):
    error = refused(edit("format: 1", f"format: {version}"))
    assert error.code == "plan.format_too_new"
    assert error.params["version"] == version
    assert_names(
        error, file="thu.yaml", field=None,
        vi=[f"định dạng phiên bản {version}", "cập nhật phần mềm"], en=[f"format version {version}", "update the app"],
    )


@pytest.mark.parametrize("value", ["0", '"1"', "1.5", "null"])
def test_format_version_must_be_the_supported_number(value):
    error = refused(edit("format: 1", f"format: {value}"))
    assert error.code == "plan.invalid" and error.params["field"] == "format"


def test_task_deadline_shape():
    error = refused(edit('deadline: {kind: month, month: "2024-12"', 'deadline: {kind: month, date: 2024-12-31'))
    field = "groups[0].tasks[0].deadline.date"
    assert_names(error, file="thu.yaml", field=field, vi=["'date'"], en=["'date'"])


def test_empty_levels_are_refused():
    error = refused(edit("        levels: [district, commune]\n", "        levels: []\n"))
    assert_names(error, file="thu.yaml", field="groups[0].tasks[1].levels", vi=["ít nhất một cấp"], en=["at least one"])


def test_deadline_rule_must_fit_its_period():
    error = refused(edit("day: 3, month_from_end: 0", "day: 3, month_from_end: 3"))
    field = "schedule.periods[0].deadline.month_from_end"
    assert_names(error, file="thu.yaml", field=field, vi=["chỉ có 3 tháng"], en=["only 3 months"])
    error = refused(edit("rule: in_period_month, day: 3, month_from_end: 0", "rule: fixed, day: 3, month: 3"))
    assert_names(error, file="thu.yaml", field="schedule.periods[0].deadline.rule", vi=["chỉ dùng cho kỳ năm"], en=["year periods only"])


def test_deadline_rule_takes_exactly_its_fields():
    error = refused(edit("rule: fixed, day: 10, month: 12", "rule: fixed, day: 10, month: 12, days: 4"))
    assert error.params["field"] == "schedule.periods[1].deadline.days"
    assert "'fixed'" in error.message("vi") and "day, month" in error.message("en")


def test_period_kind_declared_twice_is_refused():
    error = refused(edit("    - kind: quarter\n", "    - kind: year\n"))
    assert error.params["field"] == "schedule.periods[1].kind"
    assert_names(error, file="thu.yaml", field="schedule.periods[1].kind", vi=["hai lần"], en=["twice"])


def test_schedule_must_stay_within_the_plan_years():
    error = refused(edit("  last_year: 2025\n", "  last_year: 2026\n"))
    assert_names(error, file="thu.yaml", field="schedule.last_year", vi=["2024–2026", "2024–2025"], en=["outside"])


def test_wrong_type_is_explained():
    error = refused(edit("  years: [2024, 2025]", "  years: 2024"))
    assert error.params["field"] == "plan.years"
    assert_names(error, file="thu.yaml", field="plan.years", vi=["kiểu giá trị"], en=["wrong kind of value"])


def test_messages_in_vietnamese_do_not_fall_back_to_english_problems():
    for old, new in [
        ('        name: {vi: "Số sản phẩm", en: "Products"}\n', ""),
        ("        kind: count\n", "        kind: count\n        taget: 1\n"),
        ("code: I2", "code: I1"),
    ]:
        error = refused(edit(old, new))
        vi = error.message("vi")
        assert error.params["problem"] not in vi
        assert re.search(r"\b(missing|field|already|line)\b", vi) is None, vi


def test_unreadable_file(tmp_path: Path):
    path = tmp_path / "hong.yaml"
    path.write_bytes("format: 1\nplan: {title: ".encode() + "Ke\u0302\u0301 hoạch".encode("utf-16"))
    with pytest.raises(PlanError) as caught:
        load_plan_file(path)
    assert caught.value.code == "plan.unreadable"
    assert "hong.yaml" in caught.value.message("vi") and "hong.yaml" in caught.value.message("en")
    with pytest.raises(PlanError) as caught:
        load_plan_file(tmp_path / "khong-co.yaml")
    assert caught.value.code == "plan.unreadable"


def test_load_plan_file_names_the_file_not_its_folder(tmp_path: Path):
    path = tmp_path / "sai.yaml"
    path.write_text(edit("format: 1", "format: 7"), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan_file(path)
    assert caught.value.params["file"] == "sai.yaml"


def test_catalog_lookup():
    catalog = PlanCatalog.builtin()
    assert [p.id for p in catalog.all()] == [p.id for p in builtin_plans()]
    with pytest.raises(PlanError) as caught:
        catalog.get("khong-co")
    assert caught.value.code == "plan.unknown"
    assert "dak-rlap-2023" in caught.value.message("vi")


def test_the_documented_examples_are_valid():
    """docs/plan-format.md: the minimal file loads, and every target example has a valid shape."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "plan-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    plan = parse_plan(blocks[0], "plan-format.md")
    assert plan.id == "xa-nhan-co-2026"
    assert plan.plan.citation("vi") == "Kế hoạch số 12/KH-UBND ngày 05/01/2026"
    targets = yaml.safe_load(blocks[1].replace("target:", "- ").replace("level_targets:", "- "))
    assert len([Target.model_validate(t) for t in targets[:3]]) == 3
    assert {level: Target.model_validate(t).value for level, t in targets[3].items()} == {
        "province": 100, "district": 95, "commune": 75
    }
    periods = yaml.safe_load(blocks[2])["periods"]
    Schedule.model_validate({"first_year": 2023, "last_year": 2023, "periods": periods})
