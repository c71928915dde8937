"""What the commune's service returns to read: a period's view and progress summary, evidence and history rows.

Plain frozen values, so front-ends can hold them across threads and compare them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from cds_desktop.core.domain import (
    IndicatorEntry,
    PeriodEntries,
    PeriodState,
    TargetStatus,
    TaskEntry,
    TaskStatus,
)
from cds_desktop.core.plans.model import Level, Plan
from cds_desktop.core.validation import Problem, indicator_result


@dataclass(frozen=True)
class PeriodView:
    plan_id: str
    period_id: str
    kind: str
    start: dt.date
    end: dt.date
    due_before: dt.date
    deadline_text_vi: str
    deadline_text_en: str
    state: PeriodState
    revision: int
    office_status: str | None
    office_reason: str | None
    overdue: bool  # the deadline has passed and the report has not been exported


@dataclass(frozen=True)
class PeriodStatus:
    period: PeriodView
    indicators_answered: int
    indicators_total: int
    targets_met: int
    targets_evaluated: int
    tasks_done: int
    tasks_overdue: int
    tasks_total: int
    errors: int
    warnings: int


def period_status(plan: Plan, period: PeriodView, entries: PeriodEntries, problems: Sequence[Problem]) -> PeriodStatus:
    """The progress summary of a period from what was read of it (its view, entries and problems)."""
    indicators = plan.commune_indicators()
    outcomes = [indicator_result(i, entries.indicators.get(i.code), Level.COMMUNE) for i in indicators]
    tasks = plan.commune_tasks()
    return PeriodStatus(
        period=period,
        indicators_answered=sum(1 for i in indicators if not entries.indicators.get(i.code, IndicatorEntry(i.code)).is_blank),
        indicators_total=len(indicators),
        targets_met=sum(1 for o in outcomes if o.status is TargetStatus.MET),
        targets_evaluated=sum(1 for o in outcomes if o.status in (TargetStatus.MET, TargetStatus.NOT_MET)),
        tasks_done=sum(1 for t in tasks if entries.tasks.get(t.code, TaskEntry(t.code)).status is TaskStatus.DONE),
        tasks_overdue=sum(1 for p in problems if p.code == "task.overdue"),
        tasks_total=len(tasks),
        errors=sum(1 for p in problems if p.is_error),
        warnings=sum(1 for p in problems if not p.is_error),
    )


@dataclass(frozen=True)
class EvidenceView:
    link_id: int
    item_code: str
    name: str
    sha256: str
    size: int
    media_type: str
    path: Path
    added_at: dt.datetime
    added_by: str


@dataclass(frozen=True)
class HistoryView:
    at: dt.datetime
    actor: str
    revision: int
    item_code: str
    field: str
    old_value: str | None
    new_value: str | None
