"""Read models of one submission at the office (the submission page, decisions, "accept all clean").

Each function is one SQLAlchemy Core ``select`` returning plain NamedTuples; ``runner`` is an open ``Session``
or ``Connection``. Nothing here is SQLite-only: correlated scalar subqueries and outer joins only.

- ``submission_header``: the submission (a given revision, else the current one) with its commune, the key that
  signed it, when the office first received the series, the newest revision, the revision before it, and the
  latest decision on it;
- ``submission_revisions``: every revision received of a commune's plan period, newest first, with its decision;
- ``submission_indicators`` / ``submission_tasks`` / ``submission_evidence`` / ``submission_problems``: its rows;
- ``evidence_file``: one evidence row by id;
- ``decision_target``: what a decision needs to check inside its transaction (still current? decided already?);
- ``period_submissions_to_decide``: the current submissions of a plan period with their problem counts and the
  decision on each (for "accept all clean").
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from cds_desktop.core.storage.exchange_models import (
    EnrolledKey,
    OfficeCommune,
    ReceiptIssued,
    Submission,
    SubmissionEvidence,
    SubmissionIndicator,
    SubmissionProblem,
    SubmissionTask,
)

Runner = Session | Connection


class SubmissionHeaderRow(NamedTuple):
    submission_id: int
    bundle_id: str
    commune_code: str
    commune_name: str | None  # None: the commune is no longer on the office's list
    plan_id: str
    period_id: str
    revision: int
    is_current: bool
    latest_revision: int
    previous_revision: int | None  # the highest revision received before this one
    received_at: dt.datetime
    first_received_at: dt.datetime  # the office's first import of this commune's plan period
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    signing_key_id: str
    signing_public_b64: str | None  # None: the key is not (or no longer) enrolled
    signing_key_status: str | None
    file_name: str
    file_sha256: str
    manifest_hash: str
    history_json: str
    decision: str | None  # the latest decision on this revision: accepted | returned
    decision_reason: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    receipt_file_name: str | None
    receipt_id: int | None  # that decision's receipt
    receipt_stored: bool | None  # its bytes are kept (it can be saved again); None: no decision
    plan_version: int  # the plan version the commune reported against


class RevisionRow(NamedTuple):
    submission_id: int
    revision: int
    received_at: dt.datetime
    is_current: bool
    decision: str | None


class IndicatorRow(NamedTuple):
    indicator_code: str
    numerator: str | None
    denominator: str | None
    value: str | None
    note: str | None
    data_source: str | None
    result: str | None
    target_status: str


class TaskRow(NamedTuple):
    task_code: str
    status: str
    progress_pct: int | None
    completed_on: dt.date | None
    result: str | None
    difficulties: str | None
    proposals: str | None


class EvidenceRow(NamedTuple):
    evidence_id: int
    submission_id: int
    item_code: str
    name: str
    sha256: str
    size: int
    media_type: str


class ProblemRow(NamedTuple):
    code: str
    severity: str
    item_code: str
    field: str
    params_json: str


class DecisionTarget(NamedTuple):
    submission_id: int
    commune_name: str | None
    revision: int
    is_current: bool
    latest_revision: int
    decision: str | None  # the decision already taken on it, if any
    decided_at: dt.datetime | None


class SubmissionToDecide(NamedTuple):
    submission_id: int
    commune_code: str
    commune_name: str | None
    revision: int
    problems: int
    errors: int
    decision: str | None


def _series_of(submission) -> list:
    """The conditions selecting the rows of ``Submission`` of the same commune, plan and period as ``submission``
    (an alias of it)."""
    return [Submission.commune_code == submission.commune_code, Submission.plan_id == submission.plan_id,
            Submission.period_id == submission.period_id]


def _latest_receipt_id(submission_id_column):
    return (select(func.max(ReceiptIssued.id)).where(ReceiptIssued.submission_id == submission_id_column)
            .scalar_subquery())


def submission_header(runner: Runner, commune: str, plan_id: str, period_id: str,
                      revision: int | None = None) -> SubmissionHeaderRow | None:
    """The header of ``revision`` (the current revision when None) of a commune's plan period, or None."""
    shown = aliased(Submission, name="shown")
    receipt = aliased(ReceiptIssued, name="latest_receipt")
    series = _series_of(shown)
    query = (
        select(
            shown.id, shown.bundle_id, shown.commune_code, OfficeCommune.name, shown.plan_id, shown.period_id,
            shown.revision, shown.is_current,
            select(func.max(Submission.revision)).where(*series).scalar_subquery(),
            select(func.max(Submission.revision)).where(*series, Submission.revision < shown.revision)
            .scalar_subquery(),
            shown.received_at,
            select(func.min(Submission.received_at)).where(*series).scalar_subquery(),
            shown.created_at, shown.submitted_at, shown.signing_key_id, EnrolledKey.public_b64, EnrolledKey.status,
            shown.file_name, shown.file_sha256, shown.manifest_hash, shown.history_json,
            receipt.decision, receipt.reason, receipt.issued_at, receipt.issued_by, receipt.file_name,
            receipt.id, receipt.content.is_not(None), shown.plan_version,
        )
        .select_from(shown)
        .outerjoin(OfficeCommune, OfficeCommune.code == shown.commune_code)
        .outerjoin(EnrolledKey, EnrolledKey.key_id == shown.signing_key_id)
        .outerjoin(receipt, receipt.id == _latest_receipt_id(shown.id))
        .where(shown.commune_code == commune, shown.plan_id == plan_id, shown.period_id == period_id)
        .where(shown.revision == revision if revision is not None else shown.is_current)
    )
    row = runner.execute(query).first()
    return SubmissionHeaderRow(*row) if row is not None else None


def submission_revisions(runner: Runner, commune: str, plan_id: str, period_id: str) -> list[RevisionRow]:
    """Every revision received of the commune's plan period, newest first, with the latest decision on each."""
    receipt = aliased(ReceiptIssued, name="latest_receipt")
    query = (
        select(Submission.id, Submission.revision, Submission.received_at, Submission.is_current, receipt.decision)
        .outerjoin(receipt, receipt.id == _latest_receipt_id(Submission.id))
        .where(Submission.commune_code == commune, Submission.plan_id == plan_id, Submission.period_id == period_id)
        .order_by(Submission.revision.desc())
    )
    return [RevisionRow(*row) for row in runner.execute(query)]


def submission_indicators(runner: Runner, submission_id: int) -> list[IndicatorRow]:
    """The indicator answers of a submission, in the order they were stored (the plan's)."""
    query = (
        select(SubmissionIndicator.indicator_code, SubmissionIndicator.numerator, SubmissionIndicator.denominator,
               SubmissionIndicator.value, SubmissionIndicator.note, SubmissionIndicator.data_source,
               SubmissionIndicator.result, SubmissionIndicator.target_status)
        .where(SubmissionIndicator.submission_id == submission_id)
        .order_by(SubmissionIndicator.id)
    )
    return [IndicatorRow(*row) for row in runner.execute(query)]


def submission_tasks(runner: Runner, submission_id: int) -> list[TaskRow]:
    query = (
        select(SubmissionTask.task_code, SubmissionTask.status, SubmissionTask.progress_pct,
               SubmissionTask.completed_on, SubmissionTask.result, SubmissionTask.difficulties,
               SubmissionTask.proposals)
        .where(SubmissionTask.submission_id == submission_id)
        .order_by(SubmissionTask.id)
    )
    return [TaskRow(*row) for row in runner.execute(query)]


_EVIDENCE_COLUMNS = (SubmissionEvidence.id, SubmissionEvidence.submission_id, SubmissionEvidence.item_code,
                     SubmissionEvidence.name, SubmissionEvidence.sha256, SubmissionEvidence.size,
                     SubmissionEvidence.media_type)


def submission_evidence(runner: Runner, submission_id: int) -> list[EvidenceRow]:
    query = (select(*_EVIDENCE_COLUMNS).where(SubmissionEvidence.submission_id == submission_id)
             .order_by(SubmissionEvidence.item_code, SubmissionEvidence.id))
    return [EvidenceRow(*row) for row in runner.execute(query)]


def evidence_file(runner: Runner, evidence_id: int) -> EvidenceRow | None:
    row = runner.execute(select(*_EVIDENCE_COLUMNS).where(SubmissionEvidence.id == evidence_id)).first()
    return EvidenceRow(*row) if row is not None else None


def submission_problems(runner: Runner, submission_id: int) -> list[ProblemRow]:
    """The problems the office found when it validated the submission again, in the order found (the plan's)."""
    query = (
        select(SubmissionProblem.code, SubmissionProblem.severity, SubmissionProblem.item_code,
               SubmissionProblem.field, SubmissionProblem.params_json)
        .where(SubmissionProblem.submission_id == submission_id)
        .order_by(SubmissionProblem.id)
    )
    return [ProblemRow(*row) for row in runner.execute(query)]


def decision_target(runner: Runner, commune: str, plan_id: str, period_id: str,
                    revision: int | None) -> DecisionTarget | None:
    """The revision a decision is about (the current one when None): is it current, and decided already?"""
    shown = aliased(Submission, name="shown")
    first_receipt = aliased(ReceiptIssued, name="first_receipt")
    query = (
        select(shown.id, OfficeCommune.name, shown.revision, shown.is_current,
               select(func.max(Submission.revision)).where(*_series_of(shown)).scalar_subquery(),
               first_receipt.decision, first_receipt.issued_at)
        .select_from(shown)
        .outerjoin(OfficeCommune, OfficeCommune.code == shown.commune_code)
        .outerjoin(first_receipt, first_receipt.id == (
            select(func.min(ReceiptIssued.id)).where(ReceiptIssued.submission_id == shown.id).scalar_subquery()))
        .where(shown.commune_code == commune, shown.plan_id == plan_id, shown.period_id == period_id)
        .where(shown.revision == revision if revision is not None else shown.is_current)
    )
    row = runner.execute(query).first()
    return DecisionTarget(*row) if row is not None else None


def period_submissions_to_decide(runner: Runner, plan_id: str, period_id: str) -> list[SubmissionToDecide]:
    """The current submission of every commune for a plan period, with how many problems (and errors) the
    office found in it and the latest decision on it, by commune code."""
    receipt = aliased(ReceiptIssued, name="latest_receipt")
    problems = (select(func.count(SubmissionProblem.id)).where(SubmissionProblem.submission_id == Submission.id)
                .scalar_subquery())
    errors = (select(func.count(SubmissionProblem.id))
              .where(and_(SubmissionProblem.submission_id == Submission.id, SubmissionProblem.severity == "error"))
              .scalar_subquery())
    query = (
        select(Submission.id, Submission.commune_code, OfficeCommune.name, Submission.revision, problems, errors,
               receipt.decision)
        .outerjoin(OfficeCommune, OfficeCommune.code == Submission.commune_code)
        .outerjoin(receipt, receipt.id == _latest_receipt_id(Submission.id))
        .where(Submission.plan_id == plan_id, Submission.period_id == period_id, Submission.is_current)
        .order_by(Submission.commune_code)
    )
    return [SubmissionToDecide(*row) for row in runner.execute(query)]
