"""Read models of the office's results: what the communes' CURRENT submissions say, value by value.

Each function is one SQLAlchemy Core ``select`` returning plain NamedTuples; ``runner`` is an open ``Session`` or
``Connection`` (a session's rows are read through its Core connection: plain tuples, no ORM processing). Only the current revision of each commune's plan period is read (``submission.is_current``): an
older revision, replaced by a correction, never counts, and a refused bundle was never stored. Portable SQL only
(outer joins, correlated scalar subqueries, ``EXISTS``), so the same queries run on PostgreSQL.

- ``current_submissions``: the current submission of each commune for the periods asked, with its decision;
- ``period_plan_versions``: the plan versions the period's current submissions were made against;
- ``commune_submissions``: every commune of the office with its current submission of one period (or none);
- ``period_answers``: the indicator answers of one period's current submissions as light tuples, read through
  the Core connection (no ORM rows): what the results table of the whole country reads in one go;
- ``indicator_answers``: their indicator answers as stored (text), with the result and target status the import
  judged (``validation.indicator_result`` at the commune level), optionally one indicator or one commune;
- ``task_answers``: their task progress, with whether the office's validation found the task overdue;
- ``current_problems``: the problems the office's validation found in them.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, Sequence

from sqlalchemy import and_, exists, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from cds_desktop.core.storage.exchange_models import (
    OfficeCommune,
    ReceiptIssued,
    Submission,
    SubmissionIndicator,
    SubmissionProblem,
    SubmissionTask,
)
from cds_desktop.core.storage.queries.office_submission import _latest_receipt_id

Runner = Session | Connection
OVERDUE_PROBLEM = "task.overdue"  # the code the office's validation gives a task past its deadline


class CurrentSubmissionRow(NamedTuple):
    commune_code: str
    period_id: str
    submission_id: int
    revision: int
    received_at: dt.datetime  # when the office imported this revision
    decision: str | None  # the latest decision on this revision: accepted | returned; None: not decided yet


class CommuneSubmissionRow(NamedTuple):
    commune_code: str
    commune_name: str
    submission_id: int | None  # None: nothing received for the period (then every column below is None too)
    revision: int | None
    received_at: dt.datetime | None
    decision: str | None  # the latest decision on the current revision; None: not decided, or nothing received


class PeriodAnswerRow(NamedTuple):
    submission_id: int
    indicator_code: str
    numerator: str | None
    denominator: str | None
    value: str | None
    note: str | None
    result: str | None
    target_status: str


class IndicatorAnswerRow(NamedTuple):
    commune_code: str
    period_id: str
    submission_id: int
    indicator_code: str
    numerator: str | None
    denominator: str | None
    value: str | None
    note: str | None
    result: str | None  # the comparable result stored at import (percent for ratios)
    target_status: str  # judged at import by validation.indicator_result at the commune level


class TaskAnswerRow(NamedTuple):
    commune_code: str
    submission_id: int
    task_code: str
    status: str
    progress_pct: int | None
    completed_on: dt.date | None
    overdue: bool


class CurrentProblemRow(NamedTuple):
    commune_code: str
    submission_id: int
    code: str
    severity: str
    item_code: str
    field: str
    params_json: str


def _connection(runner: Runner) -> Connection:
    """The Core connection under ``runner``: rows come back as plain tuples, without the ORM's processing."""
    return runner.connection() if isinstance(runner, Session) else runner


def _current(plan_id: str, period_ids: Sequence[str], plan_version: int | None = None) -> list:
    """Current submissions of the plan's periods (made against ``plan_version`` when given)."""
    where = [Submission.plan_id == plan_id, Submission.period_id.in_(list(period_ids)), Submission.is_current]
    return where if plan_version is None else [*where, Submission.plan_version == plan_version]


def period_plan_versions(runner: Runner, plan_id: str, period_id: str) -> list[int]:
    """The plan versions the period's current submissions were made against, oldest first."""
    query = select(Submission.plan_version).where(*_current(plan_id, [period_id])).distinct()
    return sorted(_connection(runner).execute(query).scalars())


def current_submissions(runner: Runner, plan_id: str, period_ids: Sequence[str]) -> list[CurrentSubmissionRow]:
    """The current submission of every commune that sent one for the periods, with the latest decision on it,
    by commune code then period id."""
    receipt = aliased(ReceiptIssued, name="latest_receipt")
    query = (
        select(Submission.commune_code, Submission.period_id, Submission.id, Submission.revision,
               Submission.received_at, receipt.decision)
        .outerjoin(receipt, receipt.id == _latest_receipt_id(Submission.id))
        .where(*_current(plan_id, period_ids))
        .order_by(Submission.commune_code, Submission.period_id)
    )
    return list(map(CurrentSubmissionRow._make, _connection(runner).execute(query).all()))


def commune_submissions(runner: Runner, plan_id: str, period_id: str,
                        plan_version: int | None = None) -> list[CommuneSubmissionRow]:
    """Every commune of the office, by code, with its current submission of the period (on ``plan_version`` when
    given) and the latest decision on it (the submission's columns None when the commune sent nothing for the
    period, or sent it on another version)."""
    receipt = aliased(ReceiptIssued, name="latest_receipt")
    query = (
        select(OfficeCommune.code, OfficeCommune.name, Submission.id, Submission.revision, Submission.received_at,
               receipt.decision)
        .select_from(OfficeCommune)
        .outerjoin(Submission, and_(Submission.commune_code == OfficeCommune.code,
                                    *_current(plan_id, [period_id], plan_version)))
        .outerjoin(receipt, receipt.id == _latest_receipt_id(Submission.id))
        .order_by(OfficeCommune.code)
    )
    return list(map(CommuneSubmissionRow._make, _connection(runner).execute(query).all()))


def period_answers(runner: Runner, plan_id: str, period_id: str,
                   plan_version: int | None = None) -> list[PeriodAnswerRow]:
    """The indicator answers of the period's current submissions (on ``plan_version`` when given), by submission
    then the order stored."""
    query = (
        select(SubmissionIndicator.submission_id, SubmissionIndicator.indicator_code, SubmissionIndicator.numerator,
               SubmissionIndicator.denominator, SubmissionIndicator.value, SubmissionIndicator.note,
               SubmissionIndicator.result, SubmissionIndicator.target_status)
        .join(Submission, SubmissionIndicator.submission_id == Submission.id)
        .where(*_current(plan_id, [period_id], plan_version))
        .order_by(SubmissionIndicator.submission_id, SubmissionIndicator.id)
    )
    return list(map(PeriodAnswerRow._make, _connection(runner).execute(query).all()))


def indicator_answers(runner: Runner, plan_id: str, period_ids: Sequence[str], indicator_code: str | None = None,
                      commune_code: str | None = None) -> list[IndicatorAnswerRow]:
    """The indicator answers of the current submissions of the periods (one indicator, one commune when given),
    by commune code, period id, then the order they were stored in (the plan's)."""
    query = (
        select(Submission.commune_code, Submission.period_id, Submission.id, SubmissionIndicator.indicator_code,
               SubmissionIndicator.numerator, SubmissionIndicator.denominator, SubmissionIndicator.value,
               SubmissionIndicator.note, SubmissionIndicator.result, SubmissionIndicator.target_status)
        .join(SubmissionIndicator, SubmissionIndicator.submission_id == Submission.id)
        .where(*_current(plan_id, period_ids))
        .order_by(Submission.commune_code, Submission.period_id, SubmissionIndicator.id)
    )
    if indicator_code is not None:
        query = query.where(SubmissionIndicator.indicator_code == indicator_code)
    if commune_code is not None:
        query = query.where(Submission.commune_code == commune_code)
    return list(map(IndicatorAnswerRow._make, _connection(runner).execute(query).all()))


def task_answers(runner: Runner, plan_id: str, period_id: str,
                 plan_version: int | None = None) -> list[TaskAnswerRow]:
    """The task progress of the period's current submissions (on ``plan_version`` when given), by commune code
    then the plan's order, each with whether the office's validation at import found it overdue."""
    overdue = exists().where(and_(SubmissionProblem.submission_id == Submission.id,
                                  SubmissionProblem.code == OVERDUE_PROBLEM,
                                  SubmissionProblem.item_code == SubmissionTask.task_code))
    query = (
        select(Submission.commune_code, Submission.id, SubmissionTask.task_code, SubmissionTask.status,
               SubmissionTask.progress_pct, SubmissionTask.completed_on, overdue)
        .join(SubmissionTask, SubmissionTask.submission_id == Submission.id)
        .where(*_current(plan_id, [period_id], plan_version))
        .order_by(Submission.commune_code, SubmissionTask.id)
    )
    return [TaskAnswerRow(*row[:6], bool(row[6])) for row in _connection(runner).execute(query).all()]


def current_problems(runner: Runner, plan_id: str, period_id: str) -> list[CurrentProblemRow]:
    """The problems found in the period's current submissions, by commune code then the order found."""
    query = (
        select(Submission.commune_code, Submission.id, SubmissionProblem.code, SubmissionProblem.severity,
               SubmissionProblem.item_code, SubmissionProblem.field, SubmissionProblem.params_json)
        .join(SubmissionProblem, SubmissionProblem.submission_id == Submission.id)
        .where(*_current(plan_id, [period_id]))
        .order_by(Submission.commune_code, SubmissionProblem.id)
    )
    return list(map(CurrentProblemRow._make, _connection(runner).execute(query).all()))
