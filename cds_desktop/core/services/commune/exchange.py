"""The commune's side of bundle exchange: its signing key, the pinned office, export, receipts.

- ``generate_key``: a new Ed25519 signing key sealed under a passphrase in ``keys/``; when a key already
  exists this is a rotation: the new key's enrollment is also signed by the old key.
- ``import_office_keys``: the office's org-keys file; the first time its root fingerprint must be the one
  confirmed by phone, afterwards only newer lists signed by the same root are accepted.
- ``approve``: the leader approves by unlocking the signing key with the passphrase.
- ``export``: an approved, error-free period becomes one signed, encrypted bundle (``bundle.writer``), in
  recorded steps that a retry after a crash finishes with the very same bundle.
- ``import_receipt``: the office's signed receipt marks the period accepted, or returned for correction
  (which starts the next revision so the commune can correct it).

Permissions (``services/roles.py``): the signing key and enrollment need ``SIGNING_KEY``, the office's keys
``MANAGE``, approval, export and receipts ``APPROVE``.

The ``bundle`` package (cryptography) is imported by the methods that use it: the workflow screens hold a
``CommuneExchange`` from start-up, but the first window needs none of it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import select

import cds_desktop
from cds_desktop.core.domain import OfficeLevel, PeriodState
from cds_desktop.core.errors import BundleError, CdsError, InputError, StateError
from cds_desktop.core.fileio import (
    create_owned_folder,
    fsync_folder,
    storage_error,
    write_atomic,
)
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.plans.schedule import scheduled_period
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.changes import Changes
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.key_files import read_key_file
from cds_desktop.core.services.passphrase_strength import SecretKind, check_new_secret
from cds_desktop.core.services.report_record import (
    RECORD_NAME,
    SCHEMA_VERSION,
    EvidenceRecord,
    HistoryRecord,
    IndicatorRecord,
    ReportRecord,
    TaskRecord,
    building_record,
    evidence_entry_name,
    unit_record,
)
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.data_folder import (
    EXPORT_WORK_PREFIX,
    remember_work_folder,
)
from cds_desktop.core.storage.exchange_models import (
    CommuneKey,
    ExportAttempt,
    ExportRecord,
    OfficePin,
    ReceiptRecord,
)
from cds_desktop.core.storage.models import PeriodRecord

if TYPE_CHECKING:
    from cds_desktop.core.bundle.keyfiles import OrgKeys
    from cds_desktop.core.bundle.keys import PublicKey, SigningKey
    from cds_desktop.core.bundle.writer import AttachmentSource, WrittenBundle


def _bundle_id_of(path: Path) -> str | None:
    """The bundle id in the cleartext header of the file at ``path`` (None: not a readable bundle)."""
    from cds_desktop.core.bundle.reader import inspect_bundle

    try:
        return inspect_bundle(path).core.bundle_id
    except CdsError:
        return None




class CommuneExchange:
    def __init__(self, service: CommuneService) -> None:
        self.service = service
        self.repo = service.repo

    # --- the commune's signing key -----------------------------------------------------------
    def active_key(self) -> CommuneKey | None:
        with self.repo.reading() as session:
            return session.exec(select(CommuneKey).where(CommuneKey.status == "active")).first()

    def _require_key(self) -> CommuneKey:
        key = self.active_key()
        if key is None:
            raise StateError("keys.no_signing_key")
        return key

    def unlock(self, passphrase: str) -> SigningKey:
        """The active signing key; ``bundle.wrong_passphrase`` when the passphrase does not open it."""
        from cds_desktop.core.bundle.private_keys import load_signing_key

        record = self._require_key()
        return load_signing_key(self.service.data_dir.keys / record.file_name, passphrase)

    def generate_key(self, passphrase: str, old_passphrase: str | None = None) -> str:
        """Create (or rotate) the commune's signing key; returns its fingerprint."""
        from cds_desktop.core.bundle.keyfiles import make_enrollment
        from cds_desktop.core.bundle.keys import SigningKey
        from cds_desktop.core.bundle.private_keys import save_private_key

        self.service.authorize(Permission.SIGNING_KEY)
        check_new_secret(passphrase, SecretKind.PASSPHRASE)
        unit = self.service.require_unit()
        previous = self.active_key()
        old_key = None
        if previous is not None:
            if old_passphrase is None:
                raise InputError("keys.rotation_needs_old_passphrase")
            old_key = self.unlock(old_passphrase)
        key = SigningKey.generate()
        now = self.service.clock()
        file_name = f"commune-{key.public.key_id}.key"
        save_private_key(self.service.data_dir.keys / file_name, key, passphrase)
        enrollment = make_enrollment(key, org=unit.commune_code, org_name=unit.name, created_at=now,
                                     previous_key=old_key)
        write_atomic(self._enrollment_path(key.public.key_id), enrollment)
        with self.repo.transaction() as session:
            if previous is not None:
                row = session.get(CommuneKey, previous.key_id)
                row.status = "retired"
                session.add(row)
            session.add(CommuneKey(key_id=key.public.key_id, public_b64=base64.b64encode(key.public.raw).decode(), file_name=file_name,
                                   previous_key_id=previous.key_id if previous else None, created_at=now))
        return key.public.fingerprint

    def signing_fingerprint(self) -> str | None:
        """The active signing key's fingerprint (grouped by four), to read out to the office; None without a key."""
        record = self.active_key()
        return _public(record).fingerprint if record is not None else None

    def _enrollment_path(self, key_id: str) -> Path:
        return self.service.data_dir.keys / f"enrollment-{key_id}.json"

    def export_enrollment(self, out: Path) -> str:
        """Write the active key's enrollment file for the office; returns the key's fingerprint."""
        self.service.authorize(Permission.SIGNING_KEY)
        record = self._require_key()
        write_atomic(Path(out), self._enrollment_path(record.key_id).read_bytes())
        return _public(record).fingerprint

    # --- the receiving office ----------------------------------------------------------------
    def _pin(self) -> OfficePin | None:
        with self.repo.reading() as session:
            return session.get(OfficePin, 1)

    def pinned_office(self) -> OrgKeys | None:
        """The office's org-keys file as accepted (signature re-checked), or ``None`` before one was imported."""
        from cds_desktop.core.bundle.keyfiles import verify_org_keys

        pin = self._pin()
        if pin is None:
            return None
        return verify_org_keys(pin.org_keys, pinned_root=pin.root_key_id, now=pin.updated_at)

    @staticmethod
    def office_keys_fingerprint(path: Path) -> str:
        """The root fingerprint an org-keys file claims, to read out on the phone before importing it."""
        from cds_desktop.core.bundle.keyfiles import org_keys_root_fingerprint

        return org_keys_root_fingerprint(read_key_file(path))

    def import_office_keys(self, path: Path, confirmed_fingerprint: str | None = None) -> OrgKeys:
        """Pin the office root (first time: it must match ``confirmed_fingerprint``) or accept a newer list signed
        by the pinned root (a rotation of the office's encryption keys). A file signed by another root (the office
        made new keys, or another office) is refused with ``keys.office_root_changed`` unless its fingerprint was
        confirmed again by phone: then it replaces the pin."""

        from cds_desktop.core.bundle.keyfiles import org_keys_root_fingerprint, verify_org_keys
        from cds_desktop.core.bundle.keys import normalize_fingerprint

        self.service.authorize(Permission.MANAGE)
        data = read_key_file(path)
        now = self.service.clock()
        unit = self.service.require_unit()
        pin = self._pin()
        claimed_root = org_keys_root_fingerprint(data)
        new_root = pin is None or normalize_fingerprint(claimed_root) != pin.root_key_id
        if new_root:
            if not confirmed_fingerprint:
                if pin is None:
                    raise InputError("keys.fingerprint_required")
                raise InputError("keys.office_root_changed", found=claimed_root, pinned=_root_fingerprint(pin))
            org_keys = verify_org_keys(data, pinned_root=confirmed_fingerprint, now=now)
        else:
            current = verify_org_keys(pin.org_keys, pinned_root=pin.root_key_id, now=pin.updated_at)
            org_keys = verify_org_keys(data, pinned_root=pin.root_key_id, now=now, current=current)
        office = org_keys.body.office
        with self.repo.transaction() as session:  # the pin and the unit's receiving office change together
            row = session.get(OfficePin, 1)
            if row is None or new_root:  # first pin, or another root confirmed by phone: pinned afresh
                row = row or OfficePin(office_code=office.code, root_key_id="", root_public_b64="", list_version=0,
                                       org_keys=b"", pinned_at=now, updated_at=now)
                row.root_key_id = org_keys.root.key_id
                row.root_public_b64 = base64.b64encode(org_keys.root.raw).decode()
                row.pinned_at = now
            row.office_code, row.list_version, row.org_keys, row.updated_at = (
                office.code, org_keys.body.list_version, data, now)
            session.add(row)
            self.repo.save_unit(session, replace(unit, office_code=office.code, office_name=office.name,
                                                 office_level=OfficeLevel(office.level.value)), now)
        return org_keys

    # --- approval and export -----------------------------------------------------------------
    def approve(self, plan_id: str, period_id: str, passphrase: str, actor: str) -> Changes:
        """The leader approves by unlocking the signing key (a wrong passphrase approves nothing)."""
        self.service.authorize(Permission.APPROVE)
        self.unlock(passphrase)
        return self.service.approve(plan_id, period_id, actor)

    def build_record(self, plan_id: str, period_id: str) -> tuple[ReportRecord, list[AttachmentSource]]:
        """The report record and the evidence files of the period's current revision."""
        plan = self.service.period_plan(plan_id, period_id)
        period_id = scheduled_period(plan, period_id).period.id
        with self.repo.reading() as session:
            report = self._report(session, plan, period_id, self.repo.period(session, plan.id, period_id))
        return report, self._attachments(report)

    def _report(self, session, plan: Plan, period_id: str, period_row: PeriodRecord | None) -> ReportRecord:
        """The report record of the period's current revision, read in ``session``; a value beyond the
        bundle's limits (which validation reports first) refuses with the record's own ``DocumentError``. Values
        of items that ``plan`` (a newer version) no longer has stay stored but are not reported."""
        entries = self.repo.entries(session, period_row)
        known = {i.code for i in plan.indicators()} | {t.code for t in plan.all_tasks()}
        unit = self.repo.unit(session)
        if unit is None:
            raise StateError("unit.not_initialized")
        with building_record():  # a stored value the record schema refuses: a typed error, not a crash
            return ReportRecord(
                unit=unit_record(unit),
                plan_id=plan.id,
                plan_version=plan.plan.plan_version,
                period_id=period_id,
                revision=period_row.revision if period_row else 1,
                submitted_at=period_row.submitted_at if period_row else None,
                submitted_by=period_row.submitted_by if period_row else None,
                approved_at=period_row.approved_at if period_row else None,
                approved_by=period_row.approved_by if period_row else None,
                indicators=tuple(IndicatorRecord(code=e.indicator_code, numerator=e.numerator, denominator=e.denominator,
                                                 value=e.value, note=e.note, data_source=e.data_source)
                                 for e in entries.indicators.values() if e.indicator_code in known),
                tasks=tuple(TaskRecord(code=t.task_code, status=t.status, progress_pct=t.progress_pct,
                                       completed_on=t.completed_on, result=t.result, difficulties=t.difficulties,
                                       proposals=t.proposals) for t in entries.tasks.values() if t.task_code in known),
                evidence=tuple(EvidenceRecord(item=link.item_code, name=link.name, sha256=file.sha256, size=file.size,
                                              media_type=file.media_type)
                               for link, file in self.repo.evidence(session, period_row) if link.item_code in known),
                history=tuple(HistoryRecord(at=h.at, actor=h.actor, revision=h.revision, item=h.item_code,
                                            field=h.field, old=h.old_value, new=h.new_value)
                              for h in self.repo.history(session, period_row)),
            )

    def _attachments(self, report: ReportRecord) -> list[AttachmentSource]:
        from cds_desktop.core.bundle.writer import AttachmentSource

        store = self.service.evidence_store
        unique = {e.sha256: AttachmentSource(evidence_entry_name(e.sha256), store.path_of(e.sha256), e.size, e.sha256)
                  for e in report.evidence}
        return list(unique.values())

    def export(self, plan_id: str, period_id: str, out_dir: Path, passphrase: str, actor: str,
               progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> WrittenBundle:
        """Write the approved period as a bundle into ``out_dir`` and mark it exported.

        Three recorded steps make it recoverable from a crash at any moment: (1) the export is recorded as
        started (``ExportAttempt``: a bundle id, the creation time and everything the bundle is made from);
        (2) the bundle is written in a working folder, the attempt marked ``published`` and the file moved to
        its final name; (3) one transaction records the export (``ExportRecord``) and marks the period exported.
        Exporting again after a crash — or after the file was lost — finds the attempt and writes the very same
        bundle: same id and manifest, so the office sees the same revision or a duplicate, never a broken chain.
        """
        service = self.service
        service.authorize(Permission.APPROVE)
        actor = service.actor_name(actor)
        plan = service.plan(plan_id)
        period_id = scheduled_period(plan, period_id).period.id
        signing_key = self.unlock(passphrase)  # a wrong passphrase exports nothing
        attempt = self._start_export(plan, period_id, signing_key, actor)
        prepared = json.loads(attempt.prepared_json)
        if prepared["signing_key_id"] != signing_key.public.key_id:  # the key was rotated since it started
            signing_key = self._unlock_key(prepared["signing_key_id"], passphrase)
        written = self._write_bundle(Path(out_dir), attempt, prepared, signing_key, progress, cancel)
        with self.repo.transaction() as session:
            started = session.get(ExportAttempt, attempt.id)
            if started is not None:  # else another process finished this very export meanwhile
                now = service.clock()
                session.add(ExportRecord(period_ref=attempt.period_ref, revision=attempt.revision,
                                         bundle_id=attempt.bundle_id, file_name=written.path.name,
                                         file_sha256=written.sha256, manifest_hash=written.manifest_sha256,
                                         exported_at=now, exported_by=actor))
                session.delete(started)
                record = session.get(PeriodRecord, attempt.period_ref)
                self.repo.set_state(session, record, PeriodState.EXPORTED, actor, now, exported_at=now)
                service.remember_exported_version(session, plan.id, period_id, prepared["record"]["plan_version"])
        return written

    def _start_export(self, plan: Plan, period_id: str, signing_key: SigningKey, actor: str) -> ExportAttempt:
        """The started export of the period's current revision: the one recorded before, or a new one."""
        from cds_desktop.core.bundle.errors import Code

        service = self.service
        with self.repo.transaction() as session:
            record = self.repo.period(session, plan.id, period_id)
            state = PeriodState(record.state) if record else PeriodState.DRAFT
            if record is None or state is not PeriodState.APPROVED:
                raise StateError("period.cannot_exported", period=period_id, state=state.value)
            attempt = session.exec(select(ExportAttempt).where(ExportAttempt.period_ref == record.id,
                                                               ExportAttempt.revision == record.revision)).first()
            if attempt is not None:
                return attempt
            scheduled = scheduled_period(plan, period_id)
            problems = service.period_problems(plan, scheduled, self.repo.entries(session, record))
            errors = [p for p in problems if p.is_error]
            if errors:
                raise StateError("period.has_errors", period=period_id, count=len(errors))
            office = self.pinned_office()
            if office is None:
                raise StateError("keys.no_office")
            now = service.clock()
            if now >= office.body.expires_at:  # encrypting to keys the office may have replaced
                raise BundleError(Code.ORG_KEYS_EXPIRED, office=office.body.office.code,
                                  expired=office.body.expires_at.date().isoformat())
            report = self._report(session, plan, period_id, record)
            previous = session.exec(select(ExportRecord).where(ExportRecord.period_ref == record.id)
                                    .order_by(ExportRecord.revision.desc())).first()
            prepared = {
                "created_at": now.isoformat(),
                "previous_manifest_sha256": previous.manifest_hash if previous else None,
                "signing_key_id": signing_key.public.key_id,
                "recipients": [{"org": r.org, "kind": r.key.kind.value, "public": base64.b64encode(r.key.raw).decode()}
                               for r in office.recipients()],
                "app_version": cds_desktop.__version__,
                "schema_version": SCHEMA_VERSION,
                "record": report.model_dump(mode="json"),
            }
            attempt = ExportAttempt(period_ref=record.id, revision=record.revision, bundle_id=os.urandom(16).hex(),
                                    prepared_json=json.dumps(prepared, ensure_ascii=False), started_at=now,
                                    started_by=actor)
            session.add(attempt)
        return attempt

    def _write_bundle(self, out_dir: Path, attempt: ExportAttempt, prepared: dict, signing_key: SigningKey,
                      progress: ProgressCallback | None, cancel: CancelToken | None) -> WrittenBundle:
        """Write the bundle of ``attempt`` in a working folder inside ``out_dir``, then move it to its final name
        (after recording that it may exist there)."""
        from cds_desktop.core.bundle.errors import Code
        from cds_desktop.core.bundle.fields import Series
        from cds_desktop.core.bundle.keys import KeyKind, PublicKey, Recipient
        from cds_desktop.core.bundle.writer import bundle_file_name, write_bundle

        report = ReportRecord.model_validate(prepared["record"])
        series = Series(commune=report.unit.commune_code, plan=report.plan_id, period=report.period_id)
        final = out_dir / bundle_file_name(series, attempt.revision)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            remember_work_folder(self.service.data_dir, out_dir)
            if final.exists():
                if _bundle_id_of(final) != attempt.bundle_id:
                    raise BundleError(Code.OUTPUT_EXISTS, path=str(final))
                final.unlink()  # this very bundle, left by an interrupted attempt: it is written again
            work = create_owned_folder(out_dir, EXPORT_WORK_PREFIX)
        except OSError as exc:
            raise storage_error(exc, out_dir) from exc
        try:
            written = write_bundle(
                work.path,
                series=series,
                revision=attempt.revision,
                previous_manifest_sha256=prepared["previous_manifest_sha256"],
                signing_key=signing_key,
                recipients=[Recipient(r["org"], PublicKey(KeyKind(r["kind"]), base64.b64decode(r["public"])))
                            for r in prepared["recipients"]],
                records={RECORD_NAME: prepared["record"]},
                attachments=self._attachments(report),
                app_version=prepared["app_version"],
                schema_version=prepared["schema_version"],
                created_at=dt.datetime.fromisoformat(prepared["created_at"]),
                bundle_id=attempt.bundle_id,
                progress=progress,
                cancel=cancel,
            )
            with self.repo.transaction() as session:
                started = session.get(ExportAttempt, attempt.id)
                if started is not None and not started.published:
                    started.published = True
                    session.add(started)
            try:
                os.replace(written.path, final)
                fsync_folder(out_dir)
            except OSError as exc:
                raise storage_error(exc, final) from exc
        finally:
            work.release()
        return replace(written, path=final)

    def _unlock_key(self, key_id: str, passphrase: str) -> SigningKey:
        from cds_desktop.core.bundle.private_keys import load_signing_key

        with self.repo.reading() as session:
            record = session.get(CommuneKey, key_id)
        if record is None:
            raise StateError("keys.no_signing_key")
        return load_signing_key(self.service.data_dir.keys / record.file_name, passphrase)

    # --- receipts ----------------------------------------------------------------------------
    def import_receipt(self, path: Path, actor: str) -> Changes:
        """Apply the office's signed receipt: accepted, or returned for correction (next revision starts)."""
        from cds_desktop.core.bundle.receipts import ReceiptDecision, verify_receipt

        self.service.authorize(Permission.APPROVE)
        actor = self.service.actor_name(actor)
        office = self.pinned_office()
        if office is None:
            raise StateError("keys.no_office")
        unit = self.service.require_unit()
        receipt = verify_receipt(read_key_file(path), root=office.root, commune=unit.commune_code)
        body = receipt.body
        service = self.service
        now = service.clock()
        with self.repo.transaction() as session:
            record = self.repo.period(session, body.series.plan, body.series.period)
            export = session.exec(select(ExportRecord).where(ExportRecord.bundle_id == body.bundle_id)).first()
            if record is None or export is None or export.period_ref != record.id:
                raise BundleError("receipt.unknown_bundle", period=body.series.period, revision=body.revision)
            session.add(ReceiptRecord(period_ref=record.id, revision=body.revision, decision=body.decision.value,
                                      reason=body.reason, issued_at=body.issued_at, imported_at=now))
            returned = body.decision is ReceiptDecision.RETURNED
            self.repo.set_state(session, record, PeriodState(record.state), actor, now,
                                office_status=body.decision.value, office_reason=body.reason,
                                office_revision=body.revision)
            if returned and record.revision == body.revision and record.state == PeriodState.EXPORTED.value:
                service.start_next_revision(session, record, actor, now)
        return Changes(body.series.plan, body.series.period, period_state=True)


def _public(record: CommuneKey) -> PublicKey:
    from cds_desktop.core.bundle.keys import KeyKind, PublicKey

    return PublicKey(KeyKind.ED25519, base64.b64decode(record.public_b64))


def _root_fingerprint(pin: OfficePin) -> str:
    from cds_desktop.core.bundle.keys import KeyKind, PublicKey

    return PublicKey(KeyKind.ED25519, base64.b64decode(pin.root_public_b64)).fingerprint
