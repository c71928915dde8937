"""Completeness and timeliness of the communes' reports for one plan: the office's home screen.

- ``completeness_cells``: every commune of the office × every period asked for, in commune-code then period order,
  each with its state, current revision and dates (one row per cell, missing reports included);
- ``period_figures``: per period, how many reports were expected, received, on time, returned and accepted;
- ``not_reported``: the communes with no report at all for one period;
- ``plan_activity``: which plans the office has received reports for, and how recently.

What a cell's state means (``CellState``), decided in SQL from ``submission`` and ``receipt_issued``:
no current submission → not received; else the latest decision (by id) on the current revision (the receipt's
``submission_id``) → accepted or returned; else on time when the period's FIRST import (the earliest
``received_at`` of any revision: a correction does not make a report late) is strictly before the deadline day,
late otherwise. Times are stored in UTC (SQLModel's ``UTCDateTime``) and ``received_at`` is the office's clock, so
the caller gives each deadline as an instant: the start of the ``due_before`` day in the office's time zone. The
deadlines come from the plan (``plans.schedule``); with the periods they become a small literal table (``UNION ALL``
of typed bound values) joined to the office's communes. Everything here is portable SQLAlchemy Core (no
SQLite-only SQL; no ``CAST`` to a date type, which SQLite would read as a number).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple, Sequence

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlmodel.sql.sqltypes import UTCDateTime

from cds_desktop.core.storage.exchange_models import OfficeCommune, ReceiptIssued, Submission


class CellState(StrEnum):
    NOT_RECEIVED = "not_received"
    ON_TIME = "on_time"
    LATE = "late"
    RETURNED = "returned"  # returned to the commune for correction (the current revision)
    ACCEPTED = "accepted"


class PeriodDue(NamedTuple):
    """A reporting period and the instant its report is due before: the start of ``plans.schedule.due_before``'s
    day in the office's time zone (timezone-aware)."""

    period_id: str
    due_at: dt.datetime


class CompletenessCell(NamedTuple):
    commune_code: str
    commune_name: str
    period_id: str
    state: str  # a CellState value
    revision: int | None  # the current revision; None when nothing was received
    on_time: bool | None  # first received strictly before the deadline (whatever was decided since); None: nothing
    first_received_at: dt.datetime | None  # the period's first import (decides on time)
    received_at: dt.datetime | None  # when the current revision was imported
    decided_at: dt.datetime | None  # when the decision on the current revision was signed


class PeriodFigures(NamedTuple):
    period_id: str
    expected: int
    received: int
    on_time: int  # first received strictly before the deadline (returned and accepted reports included)
    returned: int
    accepted: int


class MissingCommune(NamedTuple):
    code: str
    name: str


class PlanActivity(NamedTuple):
    plan_id: str
    reports: int  # current submissions
    latest_period_id: str  # the greatest period id (so the latest year) received
    last_received_at: dt.datetime


def _periods_table(count: int):
    """``count`` periods as a derived table (period_id, position, due_at): one ``SELECT`` of bound values each,
    filled by ``_period_values``."""
    rows = [
        select(bindparam(f"period_{position}", type_=String).label("period_id"),
               literal(position, Integer).label("position"),
               bindparam(f"due_{position}", type_=UTCDateTime()).label("due_at"))
        for position in range(count)
    ]
    return (rows[0] if count == 1 else union_all(*rows)).subquery("period")


def _period_values(plan_id: str, periods: Sequence[PeriodDue]) -> dict[str, object]:
    values: dict[str, object] = {"plan_id": plan_id}
    for position, period in enumerate(periods):
        values[f"period_{position}"], values[f"due_{position}"] = period.period_id, period.due_at
    return values


class _Cells(NamedTuple):
    """What the questions about cells share: the periods table, each cell's current submission and the latest
    decision on it, the first import of the period and the state."""

    period: object
    current: object
    decision: object
    first_received_at: object
    on_time: object
    state: object


def _cells(period_count: int) -> _Cells:
    """The parts of a cell's state; the plan and the periods are bound parameters (``_period_values``)."""
    period = _periods_table(period_count)
    current = aliased(Submission, name="current")
    earlier = aliased(Submission, name="earlier")
    decision = aliased(ReceiptIssued, name="decision")
    earliest = (
        select(func.min(earlier.received_at))
        .where(earlier.plan_id == current.plan_id, earlier.period_id == current.period_id,
               earlier.commune_code == current.commune_code)
        .scalar_subquery()
    )
    # a first revision that is current is the only one: its own import is the first (no lookup for most cells)
    first_received_at = case((current.revision == 1, current.received_at), else_=earliest)
    on_time = first_received_at < period.c.due_at
    state = case(
        (current.id.is_(None), CellState.NOT_RECEIVED.value),
        (decision.decision == CellState.ACCEPTED.value, CellState.ACCEPTED.value),
        (decision.decision == CellState.RETURNED.value, CellState.RETURNED.value),
        (on_time, CellState.ON_TIME.value),
        else_=CellState.LATE.value,
    )
    return _Cells(period, current, decision, first_received_at, on_time, state)


def _current_of_period(cells: _Cells):
    """The condition joining a period to the current submissions of the plan for it."""
    current = cells.current
    return and_(current.plan_id == bindparam("plan_id", type_=String), current.period_id == cells.period.c.period_id,
                current.is_current == true())


def _latest_decision(cells: _Cells):
    """The condition joining a submission to the latest decision (by id) on it."""
    latest = aliased(ReceiptIssued, name="latest")
    latest_id = select(func.max(latest.id)).where(latest.submission_id == cells.current.id).scalar_subquery()
    return cells.decision.id == latest_id


@lru_cache(maxsize=8)
def _cells_query(period_count: int) -> Select:
    """Every commune × every period, each probed for its current submission (built once per number of periods:
    building the statement costs more than running it for a province)."""
    c = _cells(period_count)
    from_ = (
        OfficeCommune.__table__.join(c.period, true())
        .outerjoin(c.current, and_(_current_of_period(c), c.current.commune_code == OfficeCommune.code))
        .outerjoin(c.decision, _latest_decision(c))
    )
    return (
        select(OfficeCommune.code, OfficeCommune.name, c.period.c.period_id, c.state.label("state"),
               c.current.revision, case((c.current.id.is_(None), None), else_=c.on_time).label("on_time"),
               c.first_received_at.label("first_received_at"), c.current.received_at,
               c.decision.issued_at.label("decided_at"))
        .select_from(from_)
        .order_by(OfficeCommune.code, c.period.c.position)
    )


def completeness_cells(session: Session, plan_id: str, periods: Sequence[PeriodDue]) -> list[CompletenessCell]:
    """Every commune of the office × every period of ``periods``: commune-code order, then the order given."""
    if not periods:
        return []
    rows = session.connection().execute(_cells_query(len(periods)), _period_values(plan_id, periods))
    return list(map(CompletenessCell._make, rows))


@lru_cache(maxsize=8)
def _figures_query(period_count: int) -> Select:
    """Each period with the plan's current submissions for it (a range of the index, no probing per commune: the
    submissions' communes are the office's, a foreign key says so) and the office's number of communes."""
    c = _cells(period_count)
    from_ = c.period.outerjoin(c.current, _current_of_period(c)).outerjoin(c.decision, _latest_decision(c))

    def counted(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        select(
            c.period.c.period_id,
            select(func.count()).select_from(OfficeCommune).scalar_subquery(),
            func.count(c.current.id),
            counted(and_(c.current.id.is_not(None), c.on_time)),
            counted(c.decision.decision == CellState.RETURNED.value),
            counted(c.decision.decision == CellState.ACCEPTED.value),
        )
        .select_from(from_)
        .group_by(c.period.c.period_id, c.period.c.position)
        .order_by(c.period.c.position)
    )


def period_figures(session: Session, plan_id: str, periods: Sequence[PeriodDue]) -> list[PeriodFigures]:
    """For each period of ``periods`` (in that order): expected, received, on time, returned, accepted."""
    if not periods:
        return []
    rows = session.connection().execute(_figures_query(len(periods)), _period_values(plan_id, periods))
    return list(map(PeriodFigures._make, rows))


def not_reported(session: Session, plan_id: str, period_id: str) -> list[MissingCommune]:
    """The office's communes from which no revision of ``period_id``'s report has been received, by code."""
    received = select(Submission.id).where(Submission.commune_code == OfficeCommune.code,
                                           Submission.plan_id == plan_id, Submission.period_id == period_id)
    query = select(OfficeCommune.code, OfficeCommune.name).where(~received.exists()).order_by(OfficeCommune.code)
    return list(map(MissingCommune._make, session.connection().execute(query)))


def plan_activity(session: Session) -> list[PlanActivity]:
    """Each plan the office holds current reports for, most recently received first."""
    last = func.max(Submission.received_at)
    query = (
        select(Submission.plan_id, func.count(Submission.id), func.max(Submission.period_id), last)
        .where(Submission.is_current == true())
        .group_by(Submission.plan_id)
        .order_by(last.desc(), Submission.plan_id)
    )
    return list(map(PlanActivity._make, session.connection().execute(query)))


__all__ = [
    "CellState",
    "CompletenessCell",
    "MissingCommune",
    "PeriodDue",
    "PeriodFigures",
    "PlanActivity",
    "completeness_cells",
    "not_reported",
    "period_figures",
    "plan_activity",
]
