"""Plain domain values shared by validation, storage, services, bundles and reports (no database, no Qt).

Entries hold what a commune reported for one plan period. Quantities are canonical decimal strings
(see ``core/numbers.py``), exactly as stored and as carried in bundles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class UnitKind(StrEnum):
    XA = "xa"  # xã
    PHUONG = "phuong"  # phường
    DAC_KHU = "dac_khu"  # đặc khu


class OfficeLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"


class PeriodState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    EXPORTED = "exported"


class OfficeStatus(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class TargetStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"  # no target, or a text indicator
    NO_DATA = "no_data"  # not answered
    INVALID = "invalid"  # answered, but the answer has an error (150 of 100, not a number …): never judged met


@dataclass(frozen=True)
class UnitIdentity:
    province_code: str
    commune_code: str
    name: str
    kind: UnitKind
    office_code: str | None = None
    office_name: str | None = None
    office_level: OfficeLevel | None = None


@dataclass(frozen=True)
class IndicatorEntry:
    """One indicator's answer. A ratio has numerator and denominator, or a directly reported ``value``
    in percent when only the rate is known; a count has ``value``; yes/no is ``"1"``/``"0"``."""

    indicator_code: str
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None
    note: str | None = None
    data_source: str | None = None

    @property
    def is_blank(self) -> bool:
        return self.numerator is None and self.denominator is None and self.value is None


@dataclass(frozen=True)
class TaskEntry:
    task_code: str
    status: TaskStatus = TaskStatus.NOT_STARTED
    progress_pct: int | None = None
    completed_on: dt.date | None = None
    result: str | None = None
    difficulties: str | None = None
    proposals: str | None = None


@dataclass(frozen=True)
class PeriodEntries:
    """Everything entered for one plan period."""

    indicators: dict[str, IndicatorEntry] = field(default_factory=dict)
    tasks: dict[str, TaskEntry] = field(default_factory=dict)
    evidence_counts: dict[str, int] = field(default_factory=dict)
