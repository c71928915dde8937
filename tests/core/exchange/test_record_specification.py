"""docs/bundle-format.md §16–§17 and the code agree where that can be checked: every member of report.json, the
quantity form, the limits, the office's check order and the members of ``cds import --json``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.services import report_record
from cds_desktop.core.services.office import record_checks

SPECIFICATION = (Path(__file__).parents[3] / "docs" / "bundle-format.md").read_text(encoding="utf-8")
RECORD_MODELS = [report_record.ReportRecord, report_record.UnitRecord, report_record.IndicatorRecord,
                 report_record.TaskRecord, report_record.EvidenceRecord, report_record.HistoryRecord]


def section(number: int) -> str:
    start = SPECIFICATION.index(f"\n## {number}. ")
    end = SPECIFICATION.find("\n## ", start + 1)
    return SPECIFICATION[start:end if end > 0 else None]


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_every_member_of_the_record_is_specified(model):
    text = section(16)
    missing = [name for name in model.model_fields if f"`{name}`" not in text]
    assert missing == []


def test_the_quantity_form_and_its_bounds_are_the_specified_ones():
    text = section(16)
    assert f"`{report_record.QUANTITY_PATTERN.pattern}`" in text
    assert f"at most\n  {report_record.INTEGER_DIGITS} digits before the point and {report_record.FRACTION_DIGITS}" in text
    for limit in (report_record.MAX_ITEMS, report_record.MAX_HISTORY):
        assert f"≤ {limit}" in text


def test_the_schema_and_record_versions_are_the_specified_ones():
    text = section(16)
    assert f"**Schema version {report_record.SCHEMA_VERSION}**" in text
    assert f"`record_version` = {report_record.RECORD_VERSION}" in text
    assert f"named `{report_record.RECORD_NAME}`" in text


def test_the_office_checks_are_the_specified_ones():
    """The codes §16 lists for the office's checks are those ``record_checks`` and ``parse_record`` raise."""
    codes = {code.value.removeprefix("bundle.") for code in Code}
    listed = section(16).split("**The office's checks**")[1].split("A refused")[0]
    documented = {name for name in re.findall(r"`([a-z_]+)`", listed) if name in codes}
    raised = set()
    for module in (record_checks, report_record):
        source = Path(module.__file__).read_text(encoding="utf-8")
        raised |= {Code[name].value.removeprefix("bundle.") for name in re.findall(r"Code\.([A-Z_]+)", source)}
    assert documented == raised


def documented_import_members() -> list[str]:
    table = section(17).split("| Member | Type | Meaning |")[1].split("\n\n")[0]
    return re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)?(?:, `([a-z_]+)`)?", table, re.MULTILINE)


def test_the_import_output_members_are_specified():
    members = {name for row in documented_import_members() for name in row if name}
    assert members == {"file", "kind", "status", "commune", "plan", "period", "revision", "problems", "fingerprint",
                       "error", "advice"}
