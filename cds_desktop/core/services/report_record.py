"""The report record carried inside a bundle (entry ``report.json``), and its validation at the office.

The record is the commune's whole report for one plan period and revision: the unit, the plan id and
version, the period's state times, every indicator entry, every task's progress, the evidence list (each
evidence file travels as the attachment ``evidence/<sha256>``) and the change history. The office parses
it with ``ReportRecord.model_validate`` (strict, unknown fields refused) before anything is imported.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cds_desktop.core.domain import IndicatorEntry, PeriodEntries, TaskEntry, TaskStatus, UnitIdentity

RECORD_NAME = "report.json"
RECORD_VERSION = 1


def evidence_entry_name(sha256: str) -> str:
    return f"evidence/{sha256}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitRecord(_Strict):
    province_code: str = Field(pattern=r"^\d{2}$")
    commune_code: str = Field(pattern=r"^\d{5}$")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["xa", "phuong", "dac_khu"]


class IndicatorRecord(_Strict):
    code: str = Field(max_length=32)
    numerator: str | None = Field(default=None, max_length=40)
    denominator: str | None = Field(default=None, max_length=40)
    value: str | None = Field(default=None, max_length=4000)
    note: str | None = Field(default=None, max_length=4000)
    data_source: str | None = Field(default=None, max_length=1000)


class TaskRecord(_Strict):
    code: str = Field(max_length=32)
    status: TaskStatus
    progress_pct: int | None = None
    completed_on: dt.date | None = None
    result: str | None = Field(default=None, max_length=8000)
    difficulties: str | None = Field(default=None, max_length=8000)
    proposals: str | None = Field(default=None, max_length=8000)


class EvidenceRecord(_Strict):
    item: str = Field(max_length=32)
    name: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    media_type: str = Field(max_length=200)


class HistoryRecord(_Strict):
    at: dt.datetime
    actor: str = Field(max_length=200)
    revision: int = Field(ge=1)
    item: str = Field(max_length=32)
    field: str = Field(max_length=64)
    old: str | None = None
    new: str | None = None


class ReportRecord(_Strict):
    record_version: Literal[1] = RECORD_VERSION
    unit: UnitRecord
    plan_id: str
    plan_version: int
    period_id: str
    revision: int = Field(ge=1)
    submitted_at: dt.datetime | None = None
    submitted_by: str | None = None
    approved_at: dt.datetime | None = None
    approved_by: str | None = None
    indicators: tuple[IndicatorRecord, ...] = ()
    tasks: tuple[TaskRecord, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()
    history: tuple[HistoryRecord, ...] = ()

    def entries(self) -> PeriodEntries:
        """The record's answers as domain values (for validation and storage)."""
        counts: dict[str, int] = {}
        for item in self.evidence:
            counts[item.item] = counts.get(item.item, 0) + 1
        return PeriodEntries(
            indicators={
                i.code: IndicatorEntry(i.code, i.numerator, i.denominator, i.value, i.note, i.data_source)
                for i in self.indicators
            },
            tasks={
                t.code: TaskEntry(t.code, t.status, t.progress_pct, t.completed_on, t.result, t.difficulties, t.proposals)
                for t in self.tasks
            },
            evidence_counts=counts,
        )


def unit_record(unit: UnitIdentity) -> UnitRecord:
    return UnitRecord(province_code=unit.province_code, commune_code=unit.commune_code, name=unit.name,
                      kind=unit.kind.value)
