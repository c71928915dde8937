"""The office's signed receipts: accepted, or returned to the commune for correction with a reason."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.receipts import ReceiptDecision, make_receipt
from cds_desktop.core.errors import InputError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.services.office.keys import OfficeKeys
from cds_desktop.core.services.office.submissions import Submissions
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.exchange_models import ReceiptIssued
from cds_desktop.core.text import clean


class Receipts(OfficeKeys, Submissions):
    def receipt(self, commune: str, plan_id: str, period_id: str, out: Path, passphrase: str, actor: str,
                returned_reason: str | None = None) -> Path:
        """Write a receipt signed by the office root for the commune's current submission."""
        self.authorize(Permission.DECIDE)
        office = self.require_identity()
        submission = self.submission(commune, plan_id, period_id)
        reason = clean(returned_reason)
        if returned_reason is not None and not reason:
            raise InputError("office.return_needs_reason")
        decision = ReceiptDecision.RETURNED if reason else ReceiptDecision.ACCEPTED
        now = self.clock()
        data = make_receipt(self._root_key(passphrase), office=office.code,
                            series=Series(commune=commune, plan=plan_id, period=submission.period_id),
                            revision=submission.revision, bundle_id=submission.bundle_id,
                            manifest_sha256=submission.manifest_hash, decision=decision, issued_at=now, reason=reason)
        write_atomic(Path(out), data)
        with self.repo.transaction() as session:
            session.add(ReceiptIssued(commune_code=commune, plan_id=plan_id, period_id=submission.period_id,
                                      revision=submission.revision, decision=decision.value, reason=reason,
                                      issued_at=now, issued_by=self.actor_name(actor), submission_id=submission.id))
        return Path(out)

    def receipts_issued(self, commune: str, plan_id: str, period_id: str) -> list[ReceiptIssued]:
        """The receipts issued for a commune's report of a plan period, oldest first."""
        with self.repo.reading() as session:
            return list(session.exec(select(ReceiptIssued).where(
                ReceiptIssued.commune_code == commune, ReceiptIssued.plan_id == plan_id,
                ReceiptIssued.period_id == period_id).order_by(ReceiptIssued.id)).all())
