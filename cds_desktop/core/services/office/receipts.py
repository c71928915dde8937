"""The head's decisions: accept a commune's report, or return it for correction with a reason, each signed by the
office root as a receipt file the clerk sends back; and "accept all clean submissions of a period" in one step.

Rules (``Permission.DECIDE``: the head; everyone in single-operator mode):
- a decision is on one revision, the current one: a revision superseded by a newer one is refused
  (``office.decision_superseded``), so a head who looked at revision 1 never decides on it once revision 2 came;
- one decision per revision: deciding again on a revision already accepted or returned is refused
  (``office.already_accepted`` / ``office.already_returned``); a returned report is decided again on the
  corrected revision the commune sends;
- a return needs a reason: NFC text of 1–4000 characters (``office.return_needs_reason``,
  ``office.reason_too_long``), carried in the receipt to the commune;
- the passphrase unlocks the root key once (also for a whole period), before anything is written;
- the receipt file is named ``<commune>_<plan>_<period>_r<revision>_<accepted|returned>.cdsr`` in the chosen
  folder (``receipt_file_name``), written atomically inside the transaction that records it in
  ``receipt_issued`` (with its submission and file name) — the transaction holds the write lock, so two heads
  deciding at once cannot both decide the same revision, and a file whose record failed is rewritten by the
  retry under the same name. The commune imports it (``CommuneExchange.import_receipt``) whatever its name.
- the receipt's bytes are recorded with it (``receipt_issued.content``), so any staff PC writes the file again
  (``receipt_copy``); a receipt recorded before that (migration 0008) was only written to the file named then
  (``office.receipt_not_stored``).

"Accept all clean" accepts every current submission of the period the office found no problem in (neither
error nor warning) and that nobody decided yet, one receipt file each; the rest are listed as skipped with why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.receipts import ReceiptBody, ReceiptDecision, make_receipt
from cds_desktop.core.errors import CdsError, InputError, StateError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.plans.schedule import Period, scheduled_period
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.formatting import period_label
from cds_desktop.core.services.office.keys import OfficeKeys
from cds_desktop.core.services.office.submissions import Submissions
from cds_desktop.core.services.report_record import max_length
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage import locks
from cds_desktop.core.storage.exchange_models import ReceiptIssued, Submission
from cds_desktop.core.storage.queries import office_submission as queries
from cds_desktop.core.text import clean

RECEIPT_SUFFIX = ".cdsr"
REASON_LIMIT = max_length(ReceiptBody, "reason")  # 4000 characters


def receipt_file_name(commune: str, plan_id: str, period_id: str, revision: int, decision: str) -> str:
    """``24751_mini-plan_2023Q1_r2_accepted.cdsr``: the bundle's name with the decision, so a clerk sees at a
    glance which commune, report and revision a receipt answers."""
    return f"{commune}_{plan_id}_{period_id}_r{revision}_{decision}{RECEIPT_SUFFIX}"


class DecisionRefused(StateError):
    """A decision the state of the submission does not allow; the period reads as people say it."""

    def message(self, language: str | None = None) -> str:
        language = language or current_language()
        params = dict(self.params, period=period_label(Period.parse(self.params["period"]), language))
        return translate(f"error.{self.code}", language, **params)


@dataclass(frozen=True)
class IssuedReceipt:
    commune_code: str
    plan_id: str
    period_id: str
    revision: int
    decision: str  # accepted | returned
    path: Path
    issued_at: dt.datetime


@dataclass(frozen=True)
class SkippedSubmission:
    commune_code: str
    commune_name: str
    revision: int
    reason: str  # has_problems | already_accepted | already_returned | failed | cancelled
    problems: int = 0
    error: CdsError | None = None  # why it failed (``failed``)


@dataclass(frozen=True)
class AcceptAllResult:
    accepted: tuple[IssuedReceipt, ...]
    skipped: tuple[SkippedSubmission, ...]
    cancelled: bool = False


def skip_reason_text(skipped: SkippedSubmission, language: str | None = None) -> str:
    """Why "accept all clean" left a submission, as people read it."""
    if skipped.error is not None:
        return skipped.error.message(language)
    return translate(f"office.skip.{skipped.reason}", language, problems=skipped.problems)


def check_reason(reason: str | None) -> str:
    """The reason for returning a report: NFC, trimmed, 1–4000 characters; ``InputError`` otherwise."""
    text = clean(reason)
    if not text:
        raise InputError("office.return_needs_reason")
    if len(text) > REASON_LIMIT:
        raise InputError("office.reason_too_long", length=len(text), limit=REASON_LIMIT)
    return text


class Receipts(OfficeKeys, Submissions):
    def accept(self, commune: str, plan_id: str, period_id: str, revision: int, folder: Path, passphrase: str,
               actor: str) -> IssuedReceipt:
        """Accept ``revision`` of the commune's report: a signed receipt in ``folder``, the decision recorded."""
        self.authorize(Permission.DECIDE)
        root = self._root_key(passphrase)
        return self._decide(root, commune, plan_id, period_id, revision, ReceiptDecision.ACCEPTED, None,
                            Path(folder), None, actor)

    def return_for_correction(self, commune: str, plan_id: str, period_id: str, revision: int, reason: str,
                              folder: Path, passphrase: str, actor: str) -> IssuedReceipt:
        """Return ``revision`` to the commune for correction with ``reason`` (see ``check_reason``)."""
        self.authorize(Permission.DECIDE)
        text = check_reason(reason)
        root = self._root_key(passphrase)
        return self._decide(root, commune, plan_id, period_id, revision, ReceiptDecision.RETURNED, text,
                            Path(folder), None, actor)

    def receipt(self, commune: str, plan_id: str, period_id: str, out: Path, passphrase: str, actor: str,
                returned_reason: str | None = None) -> Path:
        """Decide on the commune's current revision, writing the receipt at the file ``out`` (``cds office
        receipt``): accepted, or returned when ``returned_reason`` is given."""
        self.authorize(Permission.DECIDE)
        reason = check_reason(returned_reason) if returned_reason is not None else None
        root = self._root_key(passphrase)
        decision = ReceiptDecision.RETURNED if reason else ReceiptDecision.ACCEPTED
        return self._decide(root, commune, plan_id, period_id, None, decision, reason, None, Path(out), actor).path

    def accept_all_clean(self, plan_id: str, period_id: str, folder: Path, passphrase: str, actor: str,
                         progress: ProgressCallback | None = None,
                         cancel: CancelToken | None = None) -> AcceptAllResult:
        """Accept every current submission of the plan period with no problem and no decision yet, one receipt
        file each in ``folder``, with one passphrase; the others are skipped with the reason. A cancel stops
        between two receipts (those written stay, the rest are skipped as ``cancelled``)."""
        self.authorize(Permission.DECIDE)
        plan = self.catalog.get(plan_id)
        period = scheduled_period(plan, period_id).period
        root = self._root_key(passphrase)
        with self.repo.reading() as session:
            candidates = queries.period_submissions_to_decide(session, plan.id, period.id)
        accepted: list[IssuedReceipt] = []
        skipped: list[SkippedSubmission] = []
        cancelled = False
        for index, candidate in enumerate(candidates):
            name = candidate.commune_name or candidate.commune_code
            reason = self._skip_reason(candidate) if not cancelled else "cancelled"
            if reason is None and cancel is not None and cancel.cancelled:
                cancelled, reason = True, "cancelled"
            if reason is None:
                try:
                    accepted.append(self._decide(root, candidate.commune_code, plan.id, period.id,
                                                 candidate.revision, ReceiptDecision.ACCEPTED, None, Path(folder),
                                                 None, actor))
                except CdsError as exc:  # a newer revision came meanwhile, the folder cannot be written …
                    skipped.append(SkippedSubmission(candidate.commune_code, name, candidate.revision, "failed",
                                                     candidate.problems, exc))
            else:
                skipped.append(SkippedSubmission(candidate.commune_code, name, candidate.revision, reason,
                                                 candidate.problems))
            if progress is not None:
                progress(index + 1, len(candidates))
        return AcceptAllResult(tuple(accepted), tuple(skipped), cancelled)

    @staticmethod
    def _skip_reason(candidate: queries.SubmissionToDecide) -> str | None:
        if candidate.decision is not None:
            return f"already_{candidate.decision}"
        if candidate.problems:
            return "has_problems"
        return None

    def _decide(self, root: SigningKey, commune: str, plan_id: str, period_id: str, revision: int | None,
                decision: ReceiptDecision, reason: str | None, folder: Path | None, out: Path | None,
                actor: str) -> IssuedReceipt:
        """Sign the receipt, write it (at ``out``, else in ``folder`` under its name) and record the decision,
        in one transaction that first checks the revision is current and not decided yet."""
        office = self.require_identity()
        actor = self.actor_name(actor)
        now = self.clock()
        with self.repo.transaction() as session:
            locks.hold(session, "series", commune, plan_id, period_id)  # two heads deciding at once take turns
            target = queries.decision_target(session, commune, plan_id, period_id, revision)
            if target is None:
                raise InputError("office.no_submission", commune=commune, plan=plan_id, period=period_id,
                                 revision=revision or "-")
            _check_decidable(target, commune, period_id)
            submission = session.get(Submission, target.submission_id)
            data = make_receipt(root, office=office.code,
                                series=Series(commune=commune, plan=plan_id, period=submission.period_id),
                                revision=submission.revision, bundle_id=submission.bundle_id,
                                manifest_sha256=submission.manifest_hash, decision=decision, issued_at=now,
                                reason=reason)
            path = out if out is not None else folder / receipt_file_name(
                commune, plan_id, submission.period_id, submission.revision, decision.value)
            write_atomic(path, data)
            session.add(ReceiptIssued(commune_code=commune, plan_id=plan_id, period_id=submission.period_id,
                                      revision=submission.revision, decision=decision.value, reason=reason,
                                      issued_at=now, issued_by=actor, submission_id=submission.id,
                                      file_name=path.name, content=data))
        return IssuedReceipt(commune, plan_id, submission.period_id, submission.revision, decision.value, path, now)

    def receipts_issued(self, commune: str, plan_id: str, period_id: str) -> list[ReceiptIssued]:
        """The receipts issued for a commune's report of a plan period, oldest first; a row whose ``content`` is
        not None can be saved again (``receipt_copy``)."""
        with self.repo.reading() as session:
            return list(session.exec(select(ReceiptIssued).where(
                ReceiptIssued.commune_code == commune, ReceiptIssued.plan_id == plan_id,
                ReceiptIssued.period_id == period_id).order_by(ReceiptIssued.id)).all())


    def receipt_copy(self, receipt_id: int, target: Path) -> Path:
        """Write the receipt ``receipt_id`` again at ``target`` (atomically), from the bytes recorded when it was
        issued — on any staff PC; returns ``target``."""
        with self.repo.reading() as session:
            row = session.get(ReceiptIssued, receipt_id)
        if row is None:
            raise InputError("office.no_receipt", receipt=receipt_id)
        if row.content is None:
            raise StateError("office.receipt_not_stored", receipt=receipt_id, file=row.file_name or "-")
        write_atomic(Path(target), row.content)
        return Path(target)


def _check_decidable(target: queries.DecisionTarget, commune: str, period_id: str) -> None:
    name = target.commune_name or commune
    if not target.is_current:
        raise DecisionRefused("office.decision_superseded", commune=commune, name=name, period=period_id,
                              revision=target.revision, latest=target.latest_revision)
    if target.decision is not None:
        raise DecisionRefused(f"office.already_{target.decision}", commune=commune, name=name, period=period_id,
                              revision=target.revision, date=f"{target.decided_at.astimezone():%d/%m/%Y}")
