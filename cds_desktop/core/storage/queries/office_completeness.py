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
from typing import NamedTuple, Sequence

from sqlalchemy import (
    Integer,
    String,
    and_,
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


def _periods_table(periods: Sequence[PeriodDue]):
    """The periods as a derived table (period_id, position, due_at): one ``SELECT`` of typed bound values each."""
    rows = [
        select(literal(period.period_id, String).label("period_id"), literal(position, Integer).label("position"),
               literal(period.due_at, UTCDateTime()).label("due_at"))
        for position, period in enumerate(periods)
    ]
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("period")


class _Matrix(NamedTuple):
    """The joined FROM clause every question about cells shares, and the expressions over it."""

    commune: type
    period: object
    current: object
    state: object
    first_received_at: object
    decided_at: object
    from_: object


def _matrix(plan_id: str, periods: Sequence[PeriodDue], every_period: bool = False) -> _Matrix:
    """Communes × periods joined to each cell's current submission and its latest decision; ``every_period`` keeps
    a period without communes (one row with no commune), so that counting gives it zeros."""
    period = _periods_table(periods)
    commune = OfficeCommune
    current = aliased(Submission, name="current")
    earlier = aliased(Submission, name="earlier")
    decision = aliased(ReceiptIssued, name="decision")
    latest_decision = aliased(ReceiptIssued, name="latest_decision")
    first_received_at = (
        select(func.min(earlier.received_at))
        .where(earlier.commune_code == current.commune_code, earlier.plan_id == current.plan_id,
               earlier.period_id == current.period_id)
        .scalar_subquery()
    )
    latest_decision_id = (
        select(func.max(latest_decision.id)).where(latest_decision.submission_id == current.id).scalar_subquery()
    )
    communes = (period.outerjoin(commune.__table__, true()) if every_period
                else commune.__table__.join(period, true()))
    from_ = (
        communes
        .outerjoin(current, and_(current.commune_code == commune.code, current.plan_id == plan_id,
                                 current.period_id == period.c.period_id, current.is_current == true()))
        .outerjoin(decision, decision.id == latest_decision_id)
    )
    state = case(
        (current.id.is_(None), CellState.NOT_RECEIVED.value),
        (decision.decision == CellState.ACCEPTED.value, CellState.ACCEPTED.value),
        (decision.decision == CellState.RETURNED.value, CellState.RETURNED.value),
        (first_received_at < period.c.due_at, CellState.ON_TIME.value),
        else_=CellState.LATE.value,
    )
    return _Matrix(commune, period, current, state, first_received_at, decision.issued_at, from_)


def completeness_cells(session: Session, plan_id: str, periods: Sequence[PeriodDue]) -> list[CompletenessCell]:
    """Every commune of the office × every period of ``periods``: commune-code order, then the order given."""
    if not periods:
        return []
    m = _matrix(plan_id, periods)
    query = (
        select(m.commune.code, m.commune.name, m.period.c.period_id, m.state.label("state"), m.current.revision,
               m.first_received_at.label("first_received_at"), m.current.received_at,
               m.decided_at.label("decided_at"))
        .select_from(m.from_)
        .order_by(m.commune.code, m.period.c.position)
    )
    return list(map(CompletenessCell._make, session.execute(query)))


def period_figures(session: Session, plan_id: str, periods: Sequence[PeriodDue]) -> list[PeriodFigures]:
    """For each period of ``periods`` (in that order): expected, received, on time, returned, accepted."""
    if not periods:
        return []
    m = _matrix(plan_id, periods, every_period=True)

    def counted(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (
        select(
            m.period.c.period_id,
            func.count(m.commune.code),
            func.count(m.current.id),
            counted(and_(m.current.id.is_not(None), m.first_received_at < m.period.c.due_at)),
            counted(m.state == CellState.RETURNED.value),
            counted(m.state == CellState.ACCEPTED.value),
        )
        .select_from(m.from_)
        .group_by(m.period.c.period_id, m.period.c.position)
        .order_by(m.period.c.position)
    )
    return list(map(PeriodFigures._make, session.execute(query)))


def not_reported(session: Session, plan_id: str, period_id: str) -> list[MissingCommune]:
    """The office's communes from which no revision of ``period_id``'s report has been received, by code."""
    received = select(Submission.id).where(Submission.commune_code == OfficeCommune.code,
                                           Submission.plan_id == plan_id, Submission.period_id == period_id)
    query = select(OfficeCommune.code, OfficeCommune.name).where(~received.exists()).order_by(OfficeCommune.code)
    return list(map(MissingCommune._make, session.execute(query)))


def plan_activity(session: Session) -> list[PlanActivity]:
    """Each plan the office holds current reports for, most recently received first."""
    last = func.max(Submission.received_at)
    query = (
        select(Submission.plan_id, func.count(Submission.id), func.max(Submission.period_id), last)
        .where(Submission.is_current == true())
        .group_by(Submission.plan_id)
        .order_by(last.desc(), Submission.plan_id)
    )
    return list(map(PlanActivity._make, session.execute(query)))


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
