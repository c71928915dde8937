"""The bundle's report record: strict at the boundary, and back to domain entries."""

import datetime as dt

import pytest
from pydantic import ValidationError

from cds_desktop.core.domain import TaskStatus
from cds_desktop.core.services.report_record import ReportRecord, evidence_entry_name

VALID = {
    "unit": {"province_code": "68", "commune_code": "24751", "name": "Xã Nhân Cơ", "kind": "xa"},
    "plan_id": "mini-plan", "plan_version": 1, "period_id": "2023Q1", "revision": 2,
    "indicators": [{"code": "1a", "numerator": "812", "denominator": "1000"}],
    "tasks": [{"code": "T1", "status": "done", "completed_on": "2023-03-15", "result": "Đạt"}],
    "evidence": [{"item": "T1", "name": "bien-ban.pdf", "sha256": "ab" * 32, "size": 10,
                  "media_type": "application/pdf"}],
    "history": [{"at": "2023-03-15T09:00:00+07:00", "actor": "lan", "revision": 1, "item": "1a",
                 "field": "numerator", "old": None, "new": "812"}],
}


def test_valid_record_becomes_domain_entries():
    record = ReportRecord.model_validate(VALID)
    entries = record.entries()
    assert entries.indicators["1a"].numerator == "812"
    assert entries.tasks["T1"].status is TaskStatus.DONE and entries.tasks["T1"].completed_on == dt.date(2023, 3, 15)
    assert entries.evidence_counts == {"T1": 1}
    assert evidence_entry_name("ab" * 32) == "evidence/" + "ab" * 32


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.update(extra_field=1),
        lambda r: r["unit"].update(commune_code="2475"),
        lambda r: r["tasks"][0].update(status="finished"),
        lambda r: r["evidence"][0].update(sha256="xyz"),
        lambda r: r.update(revision=0),
    ],
)
def test_malformed_records_are_refused(mutate):
    import copy

    record = copy.deepcopy(VALID)
    mutate(record)
    with pytest.raises(ValidationError):
        ReportRecord.model_validate(record)
