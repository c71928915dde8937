"""Reading what the office received: submissions (one per accepted bundle), their values and problems, and
the value-by-value difference between two revisions of a commune's report."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from cds_desktop.core.errors import InputError
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.storage.exchange_models import (
    Submission,
    SubmissionEvidence,
    SubmissionIndicator,
    SubmissionProblem,
    SubmissionTask,
)

INDICATOR_FIELDS = ("numerator", "denominator", "value", "note", "data_source", "result")
TASK_FIELDS = ("status", "progress_pct", "completed_on", "result", "difficulties", "proposals")


@dataclass(frozen=True)
class ValueChange:
    item: str
    field: str
    old: str | None
    new: str | None


class Submissions(OfficeBase):
    def submission(self, commune: str, plan_id: str, period_id: str, revision: int | None = None) -> Submission:
        with self.repo.reading() as session:
            query = select(Submission).where(Submission.commune_code == commune, Submission.plan_id == plan_id,
                                             Submission.period_id == period_id)
            query = query.where(Submission.revision == revision) if revision else query.where(Submission.is_current)
            row = session.exec(query).first()
        if row is None:
            raise InputError("office.no_submission", commune=commune, plan=plan_id, period=period_id,
                             revision=revision or "-")
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
