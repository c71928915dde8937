"""Reading what the office received: submissions (one per accepted bundle), their values and problems, the
value-by-value difference between two revisions, and ``submission_detail``, everything the submission page shows
of one revision, read in one session through ``storage/queries/office_submission.py``.

What the detail says, and from where:
- on time or late: the office's first import of the commune's plan period (any revision) strictly before the
  period's ``due_before`` — the office's clock decides, as in the consolidated report (``report.py``), on the
  date of the office's own time zone (times are stored in UTC);
- met / not met / invalid: the ``target_status`` stored at import, judged by ``validation.indicator_result``, with
  the plan's target for the commune level;
- overdue tasks: those the office's validation at import found overdue (``task.overdue``);
- the commune's history: the record's own history (who entered, submitted and approved what), newest first,
  without the bookkeeping columns that repeat a state change (``REPEATED_IN_HISTORY``); who approved the
  revision shown (and so had it signed) comes from it;
- the differences: from the revision received before it (``diff``), none for a first revision.

Evidence files (``evidence_files.py``) are opened from verified copies.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import select

from cds_desktop.core.bundle.keys import KeyKind, PublicKey
from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.errors import InputError
from cds_desktop.core.plans.model import IndicatorKind, Level, LocalizedText, Plan, Target, TaskDeadline
from cds_desktop.core.plans.schedule import scheduled_period
from cds_desktop.core.services.office.evidence_files import EvidenceFiles
from cds_desktop.core.storage.exchange_models import (
    Submission,
    SubmissionEvidence,
    SubmissionIndicator,
    SubmissionProblem,
    SubmissionTask,
)
from cds_desktop.core.storage.queries import office_submission as queries
from cds_desktop.core.validation import Problem, Severity

INDICATOR_FIELDS = ("numerator", "denominator", "value", "note", "data_source", "result")
# The report's bookkeeping columns, recorded beside the state change that sets them: left out of the history shown
REPEATED_IN_HISTORY = frozenset({"submitted_at", "submitted_by", "approved_at", "approved_by", "exported_at",
                                 "office_revision"})
TASK_FIELDS = ("status", "progress_pct", "completed_on", "result", "difficulties", "proposals")


@dataclass(frozen=True)
class ValueChange:
    item: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Decision:
    """The head's decision on a revision, as its receipt says."""

    decision: str  # accepted | returned
    reason: str | None
    issued_at: dt.datetime
    issued_by: str
    file_name: str | None  # the receipt file written (None for receipts issued before it was recorded)
    receipt_id: int | None = None
    receipt_stored: bool = False  # the receipt's bytes are kept: ``receipt_copy`` saves it again


@dataclass(frozen=True)
class RevisionChoice:
    revision: int
    received_at: dt.datetime
    is_current: bool
    decision: str | None


@dataclass(frozen=True)
class SubmissionHeader:
    submission_id: int
    commune_code: str
    commune_name: str  # the office's name for it (the code when the commune left the list)
    plan_id: str
    plan_title: LocalizedText
    period_id: str
    revision: int
    is_current: bool
    latest_revision: int
    previous_revision: int | None
    received_at: dt.datetime
    first_received_at: dt.datetime
    created_at: dt.datetime  # signed by the commune when it exported the bundle
    submitted_at: dt.datetime | None
    due_before: dt.date
    on_time: bool
    approved_by: str | None  # who approved this revision (and so had it signed), from the record's history
    approved_at: dt.datetime | None
    signing_key_id: str
    fingerprint: str | None  # of the key that signed it; None when it is no longer enrolled
    key_status: str | None  # active | retired | revoked
    file_name: str
    file_sha256: str
    decision: Decision | None
    revisions: tuple[RevisionChoice, ...]  # newest first
    plan_version: int = 1  # the plan version the commune reported against (what the lines are read with)


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    group_title: LocalizedText
    name: LocalizedText
    kind: IndicatorKind
    numerator: str | None
    denominator: str | None
    value: str | None
    note: str | None
    data_source: str | None
    result: str | None  # comparable result, a percentage for ratios
    status: TargetStatus
    target: Target | None  # the target at the commune level


@dataclass(frozen=True)
class TaskLine:
    code: str
    title: LocalizedText
    deadline: TaskDeadline
    reported: bool  # False: the report says nothing of it (shown as not started)
    status: TaskStatus
    progress_pct: int | None
    completed_on: dt.date | None
    result: str | None
    difficulties: str | None
    proposals: str | None
    overdue: bool


@dataclass(frozen=True)
class EvidenceLine:
    evidence_id: int
    item_code: str
    name: str
    size: int
    sha256: str
    media_type: str


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    actor: str
    revision: int
    item: str  # an indicator or task code, or "*" for the report itself (its state)
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class SubmissionDetail:
    header: SubmissionHeader
    indicators: tuple[IndicatorLine, ...]
    tasks: tuple[TaskLine, ...]
    evidence: tuple[EvidenceLine, ...]
    problems: tuple[Problem, ...]
    history: tuple[HistoryLine, ...]  # newest first
    changes: tuple[ValueChange, ...]  # from ``header.previous_revision``


class Submissions(EvidenceFiles):
    def submission(self, commune: str, plan_id: str, period_id: str, revision: int | None = None) -> Submission:
        with self.repo.reading() as session:
            query = select(Submission).where(Submission.commune_code == commune, Submission.plan_id == plan_id,
                                             Submission.period_id == period_id)
            query = query.where(Submission.revision == revision) if revision else query.where(Submission.is_current)
            row = session.exec(query).first()
        if row is None:
            raise _no_submission(commune, plan_id, period_id, revision)
        return row

    def submissions(self, plan_id: str | None = None, period_id: str | None = None) -> list[Submission]:
        with self.repo.reading() as session:
            query = select(Submission)
            if plan_id:
                query = query.where(Submission.plan_id == plan_id)
            if period_id:
                query = query.where(Submission.period_id == period_id)
            return list(session.exec(query.order_by(Submission.commune_code, Submission.revision)).all())

    def submission_values(self, submission_id: int) -> dict[str, dict[str, str | None]]:
        """Every reported field of a submission: ``{item: {field: value}}`` (indicators and tasks)."""
        with self.repo.reading() as session:
            indicators = session.exec(select(SubmissionIndicator).where(
                SubmissionIndicator.submission_id == submission_id)).all()
            tasks = session.exec(select(SubmissionTask).where(SubmissionTask.submission_id == submission_id)).all()
        values: dict[str, dict[str, str | None]] = {}
        for row in indicators:
            values[row.indicator_code] = {f: getattr(row, f) for f in INDICATOR_FIELDS}
        for row in tasks:
            values[row.task_code] = {f: None if getattr(row, f) is None else str(getattr(row, f))
                                     for f in TASK_FIELDS}
        return values

    def submission_evidence(self, submission_id: int) -> list[SubmissionEvidence]:
        """The evidence files of a submission (each stored under its SHA-256 in ``evidence_store``)."""
        with self.repo.reading() as session:
            return list(session.exec(select(SubmissionEvidence).where(
                SubmissionEvidence.submission_id == submission_id).order_by(SubmissionEvidence.id)).all())

    def problems(self, submission_id: int) -> list[SubmissionProblem]:
        with self.repo.reading() as session:
            return list(session.exec(select(SubmissionProblem).where(
                SubmissionProblem.submission_id == submission_id)).all())

    def diff(self, commune: str, plan_id: str, period_id: str, rev_a: int, rev_b: int) -> list[ValueChange]:
        """Value-by-value changes between two revisions of a commune's report."""
        a = self.submission_values(self.submission(commune, plan_id, period_id, rev_a).id)
        b = self.submission_values(self.submission(commune, plan_id, period_id, rev_b).id)
        changes = []
        for item in sorted(set(a) | set(b)):
            fields = sorted(set(a.get(item, {})) | set(b.get(item, {})))
            for field in fields:
                old, new = a.get(item, {}).get(field), b.get(item, {}).get(field)
                if old != new:
                    changes.append(ValueChange(item, field, old, new))
        return changes

    def submission_detail(self, commune: str, plan_id: str, period_id: str,
                          revision: int | None = None) -> SubmissionDetail:
        """Everything the office holds of ``revision`` (the current one when None) of a commune's plan period.

        ``InputError``: ``office.no_submission`` when there is no such revision; ``plan.unknown`` when the
        office no longer has the plan.
        """
        with self.repo.reading() as session:
            row = queries.submission_header(session, commune, plan_id, period_id, revision)
            if row is None:
                raise _no_submission(commune, plan_id, period_id, revision)
            revisions = queries.submission_revisions(session, commune, plan_id, period_id)
            indicators = queries.submission_indicators(session, row.submission_id)
            tasks = queries.submission_tasks(session, row.submission_id)
            evidence = queries.submission_evidence(session, row.submission_id)
            problems = [_problem(p) for p in queries.submission_problems(session, row.submission_id)]
        plan = self.catalog.get(row.plan_id, row.plan_version)  # the version it was reported against
        changes = (self.diff(commune, plan_id, period_id, row.previous_revision, row.revision)
                   if row.previous_revision is not None else [])
        history = _history(row.history_json)
        return SubmissionDetail(
            header=_header(row, plan, revisions, _approval(history, row.revision)),
            indicators=_indicator_lines(plan, indicators),
            tasks=_task_lines(plan, tasks, problems),
            evidence=tuple(EvidenceLine(e.evidence_id, e.item_code, e.name, e.size, e.sha256, e.media_type)
                           for e in evidence),
            problems=tuple(problems),
            history=tuple(line for line in history
                          if not (line.item == "*" and line.field in REPEATED_IN_HISTORY)),
            changes=tuple(changes),
        )


def _no_submission(commune: str, plan_id: str, period_id: str, revision: int | None) -> InputError:
    return InputError("office.no_submission", commune=commune, plan=plan_id, period=period_id,
                      revision=revision or "-")


def _header(row: queries.SubmissionHeaderRow, plan: Plan, revisions: list[queries.RevisionRow],
            approval: HistoryLine | None) -> SubmissionHeader:
    due_before = scheduled_period(plan, row.period_id).due_before
    decision = (Decision(row.decision, row.decision_reason, row.decided_at, row.decided_by, row.receipt_file_name,
                         row.receipt_id, bool(row.receipt_stored))
                if row.decision is not None else None)
    fingerprint = (PublicKey(KeyKind.ED25519, base64.b64decode(row.signing_public_b64)).fingerprint
                   if row.signing_public_b64 else None)
    return SubmissionHeader(
        submission_id=row.submission_id, commune_code=row.commune_code, commune_name=row.commune_name or row.commune_code,
        plan_id=row.plan_id, plan_title=plan.plan.title, period_id=row.period_id, revision=row.revision,
        is_current=row.is_current, latest_revision=row.latest_revision, previous_revision=row.previous_revision,
        received_at=row.received_at, first_received_at=row.first_received_at, created_at=row.created_at,
        submitted_at=row.submitted_at, due_before=due_before, on_time=row.first_received_at.astimezone().date() < due_before,
        approved_by=approval.actor if approval else None, approved_at=approval.at if approval else None,
        signing_key_id=row.signing_key_id, fingerprint=fingerprint, key_status=row.signing_key_status,
        file_name=row.file_name, file_sha256=row.file_sha256, decision=decision,
        revisions=tuple(RevisionChoice(r.revision, r.received_at, r.is_current, r.decision) for r in revisions),
        plan_version=row.plan_version,
    )


def _indicator_lines(plan: Plan, rows: list[queries.IndicatorRow]) -> tuple[IndicatorLine, ...]:
    known = {indicator.code: (group, indicator) for group in plan.groups for indicator in group.indicators}
    lines = []
    for row in rows:
        if row.indicator_code not in known:  # stored under a plan version the office no longer has
            continue
        group, indicator = known[row.indicator_code]
        target = indicator.target_for(Level.COMMUNE) if indicator.kind is not IndicatorKind.TEXT else None
        lines.append(IndicatorLine(
            code=indicator.code, group_title=group.title, name=indicator.name, kind=indicator.kind,
            numerator=row.numerator, denominator=row.denominator, value=row.value, note=row.note,
            data_source=row.data_source, result=row.result, status=TargetStatus(row.target_status), target=target))
    return tuple(lines)


def _task_lines(plan: Plan, rows: list[queries.TaskRow], problems: list[Problem]) -> tuple[TaskLine, ...]:
    """Every task the plan asks communes about, in plan order; a task the report leaves out is not started."""
    reported = {row.task_code: row for row in rows}
    overdue = {p.item_code for p in problems if p.code == "task.overdue"}
    lines = []
    for task in plan.commune_tasks():
        row = reported.get(task.code)
        lines.append(TaskLine(
            code=task.code, title=task.title, deadline=task.deadline, reported=row is not None,
            status=TaskStatus(row.status) if row else TaskStatus.NOT_STARTED,
            progress_pct=row.progress_pct if row else None, completed_on=row.completed_on if row else None,
            result=row.result if row else None, difficulties=row.difficulties if row else None,
            proposals=row.proposals if row else None, overdue=task.code in overdue))
    return tuple(lines)


def _problem(row: queries.ProblemRow) -> Problem:
    return Problem(row.code, Severity(row.severity), row.item_code, row.field, json.loads(row.params_json))


def _approval(history: tuple[HistoryLine, ...], revision: int) -> HistoryLine | None:
    """The latest approval of ``revision`` in the history (newest first)."""
    return next((line for line in history if line.item == "*" and line.field == "state" and line.new == "approved"
                 and line.revision == revision), None)


def _history(history_json: str) -> tuple[HistoryLine, ...]:
    """The record's history (stored as the commune signed it), newest first."""
    entries = [HistoryLine(dt.datetime.fromisoformat(h["at"]), h["actor"], h["revision"], h["item"], h["field"],
                           h.get("old"), h.get("new")) for h in json.loads(history_json)]
    return tuple(reversed(entries))  # recorded oldest first
