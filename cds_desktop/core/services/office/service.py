"""The receiving office: its keys and communes, enrolment, verified import of bundles, receipts and diffs.

Import is two-phase: each bundle is verified completely into a quarantine folder (``bundle.reader``), its
report record is parsed strictly and validated again with the commune rules, and only then is it written
in one database transaction that also advances the replay state of its series. Nothing of a refused bundle
reaches the database; a batch goes on past bad files.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError
from sqlalchemy import insert, update
from sqlmodel import select

from cds_desktop.core.bundle.errors import Code, DuplicateBundleError
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.keyfiles import (
    Commune,
    EncryptionKeyStatus,
    Office,
    sign_org_keys,
    verify_enrollment,
)
from cds_desktop.core.bundle.keys import EncryptionKey, KeyKind, KeyStatus, PublicKey, SigningKey, normalize_fingerprint
from cds_desktop.core.bundle.keys import EnrolledKey as LibEnrolledKey
from cds_desktop.core.bundle.private_keys import load_encryption_key, load_signing_key, save_private_key
from cds_desktop.core.bundle.reader import VerifiedBundle, discard_quarantine, ensure_unchanged, verify_bundle
from cds_desktop.core.bundle.receipts import ReceiptDecision, make_receipt
from cds_desktop.core.bundle.sequence import SeriesState
from cds_desktop.core.errors import BundleError, CdsError, InputError, StateError
from cds_desktop.core.fileio import create_owned_folder, storage_error, write_atomic
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.plans.model import Level
from cds_desktop.core.plans.schedule import scheduled_period
from cds_desktop.core.progress import CancelToken
from cds_desktop.core.services.commune.service import installed_catalog
from cds_desktop.core.services.report_record import RECORD_NAME, ReportRecord, evidence_entry_name
from cds_desktop.core.storage.data_folder import open_data_folder
from cds_desktop.core.storage.evidence_store import EvidenceStore
from cds_desktop.core.storage.exchange_models import (
    EnrolledKey,
    OfficeCommune,
    OfficeIdentity,
    OfficeKey,
    ReceiptIssued,
    SequenceState,
    Submission,
    SubmissionEvidence,
    SubmissionIndicator,
    SubmissionProblem,
    SubmissionTask,
)
from cds_desktop.core.storage.repository import CommuneRepository
from cds_desktop.core.text import clean
from cds_desktop.core.validation import indicator_result, validate_period

ORG_KEYS_VALID_DAYS = 365
_CODE = re.compile(r"^\d{5}$")
_PROVINCE = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one bundle file: ``accepted``, ``duplicate`` or ``rejected`` (with the error)."""

    file: Path
    status: str
    commune: str | None = None
    plan: str | None = None
    period: str | None = None
    revision: int | None = None
    error: CdsError | None = None
    problems: int = 0


@dataclass(frozen=True)
class ValueChange:
    item: str
    field: str
    old: str | None
    new: str | None


def _kind_of(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("phường"):
        return "phuong"
    if lowered.startswith("đặc khu"):
        return "dac_khu"
    return "xa"


class OfficeService:
    def __init__(self, data_dir: DataDir, catalog: PlanCatalog, clock=None) -> None:
        self.data_dir = data_dir.ensure()
        self.catalog = catalog
        self.clock = clock or (lambda: dt.datetime.now().astimezone().replace(microsecond=0))
        self.engine = open_data_folder(data_dir)
        self.repo = CommuneRepository(self.engine)
        self.evidence_store = EvidenceStore(data_dir.evidence)

    def close(self) -> None:
        self.engine.dispose()

    # --- identity and keys -------------------------------------------------------------------
    def identity(self) -> OfficeIdentity | None:
        with self.repo.reading() as session:
            return session.get(OfficeIdentity, 1)

    def require_identity(self) -> OfficeIdentity:
        office = self.identity()
        if office is None:
            raise StateError("office.not_initialized")
        return office

    def init_office(self, code: str, name: str, level: str, passphrase: str) -> str:
        """Create the office: its root signing key and a first encryption key; returns the root fingerprint."""
        if self.identity() is not None:
            raise StateError("office.already_initialized")
        code, name = (code or "").strip(), clean(name)
        if not re.match(r"^\d{2}(\d{3})?$", code):
            raise InputError("office.bad_code", code=code)
        if not name:
            raise InputError("unit.name_required")
        if level not in ("province", "district"):
            raise InputError("unit.bad_kind", value=level)
        root, encryption = SigningKey.generate(), EncryptionKey.generate()
        now = self.clock()
        with self.repo.transaction() as session:
            session.add(OfficeIdentity(code=code, name=name, level=level, created_at=now))
            session.add(self._key_row(root, "root", passphrase, now))
            session.add(self._key_row(encryption, "encryption", passphrase, now))
        return root.public.fingerprint

    def _key_row(self, key, role: str, passphrase: str, now: dt.datetime) -> OfficeKey:
        file_name = f"office-{role}-{key.public.key_id}.key"
        save_private_key(self.data_dir.keys / file_name, key, passphrase)
        return OfficeKey(key_id=key.public.key_id, role=role, public_b64=base64.b64encode(key.public.raw).decode(),
                         file_name=file_name, created_at=now)

    def _keys(self, role: str, statuses: Iterable[str] = ("active",)) -> list[OfficeKey]:
        with self.repo.reading() as session:
            return list(session.exec(select(OfficeKey).where(OfficeKey.role == role,
                                                             OfficeKey.status.in_(list(statuses)))).all())

    def root_fingerprint(self) -> str:
        (root,) = self._keys("root")
        return PublicKey(KeyKind.ED25519, base64.b64decode(root.public_b64)).fingerprint

    def _root_key(self, passphrase: str) -> SigningKey:
        (root,) = self._keys("root")
        return load_signing_key(self.data_dir.keys / root.file_name, passphrase)

    def _encryption_keys(self, passphrase: str) -> list[EncryptionKey]:
        return [load_encryption_key(self.data_dir.keys / row.file_name, passphrase)
                for row in self._keys("encryption", ("active", "retired"))]

    def rotate_encryption_key(self, passphrase: str) -> str:
        """Add a new active encryption key; older keys stay active for the overlap until retired."""
        self._root_key(passphrase)  # the passphrase must be the office's
        key = EncryptionKey.generate()
        with self.repo.transaction() as session:
            session.add(self._key_row(key, "encryption", passphrase, self.clock()))
        return key.public.fingerprint

    def retire_encryption_key(self, key_id: str) -> None:
        """Stop encrypting to ``key_id`` (it still opens bundles made before)."""
        with self.repo.transaction() as session:
            row = session.get(OfficeKey, key_id)
            if row is None or row.role != "encryption":
                raise InputError("office.unknown_key", key=key_id)
            active = session.exec(select(OfficeKey).where(OfficeKey.role == "encryption",
                                                          OfficeKey.status == "active")).all()
            if row.status == "active" and len(active) == 1:
                raise StateError("office.last_active_key", key=key_id)
            row.status, row.retired_at = "retired", self.clock()
            session.add(row)

    # --- communes ----------------------------------------------------------------------------
    def import_communes(self, path: Path) -> int:
        """Load the office's communes from a UTF-8 CSV (header: code, name, province; Vietnamese headers too)."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError("office.communes_unreadable", path=str(path), problem=str(exc)) from None
        rows = list(csv.DictReader(io.StringIO(text)))
        aliases = {"code": ("code", "mã số", "ma", "mã xã"), "name": ("name", "tên", "tên đơn vị hành chính"),
                   "province": ("province", "province_code", "mã tỉnh")}
        communes = []
        for line, row in enumerate(rows, start=2):
            lowered = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            value = {key: next((lowered[a] for a in names if a in lowered), "") for key, names in aliases.items()}
            if not _CODE.match(value["code"]) or not value["name"] or not _PROVINCE.match(value["province"]):
                raise InputError("office.communes_bad_row", path=str(path), line=line)
            communes.append(value)
        if not communes:
            raise InputError("office.communes_empty", path=str(path))
        now = self.clock()
        with self.repo.transaction() as session:
            for value in communes:
                row = session.get(OfficeCommune, value["code"]) or OfficeCommune(
                    code=value["code"], province_code=value["province"], name="", kind="xa", added_at=now)
                row.name, row.province_code, row.kind = clean(value["name"]), value["province"], _kind_of(value["name"])
                session.add(row)
        return len(communes)

    def communes(self) -> list[OfficeCommune]:
        with self.repo.reading() as session:
            return list(session.exec(select(OfficeCommune).order_by(OfficeCommune.code)).all())

    def export_keys(self, out: Path, passphrase: str, valid_days: int = ORG_KEYS_VALID_DAYS) -> int:
        """Write the org-keys file signed by the root; returns its list version."""
        office = self.require_identity()
        root = self._root_key(passphrase)
        now = self.clock()
        keys = [(PublicKey(KeyKind.MLKEM768_X25519, base64.b64decode(row.public_b64)),
                 EncryptionKeyStatus(row.status)) for row in self._keys("encryption", ("active", "retired"))]
        version = office.list_version + 1
        data = sign_org_keys(
            root,
            office=Office(code=office.code, name=office.name, level=office.level),
            list_version=version,
            issued_at=now,
            expires_at=now + dt.timedelta(days=valid_days),
            encryption_keys=keys,
            communes=[Commune(code=c.code, name=c.name) for c in self.communes()],
        )
        write_atomic(Path(out), data)
        with self.repo.transaction() as session:
            row = session.get(OfficeIdentity, 1)
            row.list_version = version
            session.add(row)
        return version

    # --- enrolment ---------------------------------------------------------------------------
    def _lookup_sender(self, org: str, key_id: str) -> LibEnrolledKey | None:
        with self.repo.reading() as session:
            row = session.get(EnrolledKey, key_id)
        if row is None or row.commune_code != org:
            return None
        return LibEnrolledKey(org, PublicKey(KeyKind.ED25519, base64.b64decode(row.public_b64)), KeyStatus(row.status))

    @staticmethod
    def enrollment_claims(path: Path) -> tuple[str, str, str, bool]:
        """(commune code, commune name, key fingerprint, is a rotation) an enrollment file claims.

        Shown before ``enroll`` so the fingerprint of a first key can be compared on the phone.
        """
        enrollment = verify_enrollment(_read_file(path))
        body = enrollment.body
        return body.org, body.org_name, enrollment.key.fingerprint, body.previous_key_id is not None

    def enroll(self, path: Path, confirmed_fingerprint: str | None = None) -> str:
        """Register a commune's signing key; a first key must match the fingerprint confirmed by phone,
        a rotated key is vouched for by the commune's previous key. Returns the commune code."""
        enrollment = verify_enrollment(_read_file(path), lookup_key=self._lookup_sender)
        body = enrollment.body
        with self.repo.reading() as session:
            commune = session.get(OfficeCommune, body.org)
        if commune is None:
            raise InputError("office.unknown_commune", commune=body.org)
        if enrollment.previous is None:
            if not confirmed_fingerprint or normalize_fingerprint(confirmed_fingerprint) != enrollment.key.key_id:
                raise InputError("keys.fingerprint_mismatch", expected=enrollment.key.fingerprint)
        now = self.clock()
        with self.repo.transaction() as session:
            if enrollment.previous is not None:
                previous = session.get(EnrolledKey, body.previous_key_id)
                previous.status = "retired"
                session.add(previous)
            if session.get(EnrolledKey, enrollment.key.key_id) is None:
                session.add(EnrolledKey(key_id=enrollment.key.key_id, commune_code=body.org,
                                        public_b64=base64.b64encode(enrollment.key.raw).decode(),
                                        previous_key_id=body.previous_key_id, enrolled_at=now))
        return body.org

    def revoke(self, commune_code: str) -> int:
        """Revoke every key of a commune; its bundles are refused from now on. Returns how many keys."""
        with self.repo.transaction() as session:
            rows = session.exec(select(EnrolledKey).where(EnrolledKey.commune_code == commune_code,
                                                          EnrolledKey.status != "revoked")).all()
            if not rows and session.get(OfficeCommune, commune_code) is None:
                raise InputError("office.unknown_commune", commune=commune_code)
            for row in rows:
                row.status, row.revoked_at = "revoked", self.clock()
                session.add(row)
        return len(rows)

    # --- import ------------------------------------------------------------------------------
    def _series_state(self, series: Series) -> SeriesState:
        with self.repo.reading() as session:
            state = session.get(SequenceState, (series.commune, _series_key(series)))
            seen = session.exec(select(Submission.bundle_id).where(
                Submission.commune_code == series.commune, Submission.plan_id == series.plan,
                Submission.period_id == series.period)).all()
        if state is None:
            return SeriesState(seen_bundle_ids=frozenset(seen))
        return SeriesState(state.last_revision, state.last_manifest_hash, frozenset(seen))

    def import_bundles(self, paths: Iterable[Path], passphrase: str, cancel: CancelToken | None = None,
                       progress=None) -> list[ImportOutcome]:
        """Verify and import every ``.cdsb`` file among ``paths`` (folders are searched); one outcome per file."""
        office = self.require_identity()
        keys = self._encryption_keys(passphrase)
        files = sorted(_bundle_files(paths))
        outcomes = []
        for index, file in enumerate(files):
            if cancel is not None:
                cancel.raise_if_cancelled()
            outcomes.append(self._import_one(file, office.code, keys, cancel))
            if progress is not None:
                progress(index + 1, len(files))
        return outcomes

    def _import_one(self, file: Path, office_code: str, keys: list[EncryptionKey], cancel) -> ImportOutcome:
        try:  # owned: if this process dies, the next start removes it and the decrypted evidence in it
            owned = create_owned_folder(self.data_dir.quarantine, "")
        except OSError as exc:
            return ImportOutcome(file, "rejected", error=storage_error(exc, self.data_dir.quarantine))
        try:
            return self._import_into(file, owned.path, office_code, keys, cancel)
        finally:
            owned.release()

    def _import_into(self, file: Path, quarantine: Path, office_code: str, keys: list[EncryptionKey],
                     cancel) -> ImportOutcome:
        try:
            verified = verify_bundle(file, quarantine, office=office_code, keys=keys,
                                     lookup_sender=self._lookup_sender, lookup_series=self._series_state,
                                     cancel=cancel)
        except DuplicateBundleError as exc:
            return ImportOutcome(file, "duplicate", error=exc)
        except CdsError as exc:
            return ImportOutcome(file, "rejected", error=exc)
        try:
            record = self._record(verified)
            submission_id, problems = self._store(verified, record)
        except CdsError as exc:
            return ImportOutcome(file, "rejected", error=exc)
        finally:
            discard_quarantine(quarantine)
        series = verified.manifest.series
        return ImportOutcome(file, "accepted", series.commune, series.plan, series.period,
                             verified.manifest.revision, problems=problems)

    def _record(self, verified: VerifiedBundle) -> ReportRecord:
        manifest = verified.manifest
        try:
            record = ReportRecord.model_validate(verified.records[RECORD_NAME])
        except (KeyError, ValidationError) as exc:
            raise BundleError(Code.RECORD_INVALID, record=RECORD_NAME, detail=str(exc)[:300]) from None
        series = manifest.series
        if (record.unit.commune_code, record.plan_id, record.period_id, record.revision) != (
                series.commune, series.plan, series.period, manifest.revision):
            raise BundleError(Code.RECORD_INVALID, record=RECORD_NAME, detail="does not match the signed manifest")
        attached = {a.name for a in verified.attachments}
        missing = [e.name for e in record.evidence if evidence_entry_name(e.sha256) not in attached]
        if missing:
            raise BundleError(Code.RECORD_INVALID, record=RECORD_NAME, detail=f"evidence missing: {missing[0]}")
        return record

    def _store(self, verified: VerifiedBundle, record: ReportRecord) -> tuple[int, int]:
        plan = self.catalog.get(record.plan_id)
        scheduled = scheduled_period(plan, record.period_id)
        entries = record.entries()
        problems = validate_period(plan, entries, scheduled.period.end,
                                   verified.manifest.created_at.date(), Level.COMMUNE)
        for attachment in verified.attachments:  # content-addressed: harmless if the transaction fails
            self.evidence_store.store(attachment.path)
        ensure_unchanged(verified)
        manifest = verified.manifest
        series = manifest.series
        now = self.clock()
        with self.repo.transaction() as session:
            if session.get(OfficeCommune, series.commune) is None:
                raise BundleError(Code.SENDER_NOT_ENROLLED, org=series.commune)
            state = session.get(SequenceState, (series.commune, _series_key(series)))
            if state is not None and manifest.revision <= state.last_revision:  # re-checked inside the transaction
                raise BundleError(Code.ROLLBACK, revision=manifest.revision, last=state.last_revision)
            session.exec(update(Submission).where(
                Submission.commune_code == series.commune, Submission.plan_id == series.plan,
                Submission.period_id == series.period).values(is_current=False))
            submission = Submission(
                bundle_id=manifest.bundle_id, commune_code=series.commune, plan_id=series.plan,
                period_id=series.period, revision=manifest.revision, manifest_hash=verified.manifest_sha256,
                previous_manifest_hash=manifest.previous_manifest_sha256, signing_key_id=manifest.sender.key_id,
                file_name=verified.source.name, file_sha256=verified.sha256, created_at=manifest.created_at,
                submitted_at=record.submitted_at, received_at=now,
                history_json=json.dumps([h.model_dump(mode="json") for h in record.history], ensure_ascii=False))
            session.add(submission)
            session.flush()
            indicator_rows = []
            for indicator in plan.indicators():
                entry = entries.indicators.get(indicator.code)
                if entry is None and not indicator.applies_to_communes:
                    continue
                outcome = indicator_result(indicator, entry, Level.COMMUNE)
                reported = {f: getattr(entry, f) if entry else None
                            for f in ("numerator", "denominator", "value", "note", "data_source")}
                indicator_rows.append({"submission_id": submission.id, "indicator_code": indicator.code, **reported,
                                       "result": str(outcome.result) if outcome.result is not None else None,
                                       "target_status": outcome.status.value})
            task_rows = [{"submission_id": submission.id, "task_code": t.task_code, "status": t.status.value,
                          "progress_pct": t.progress_pct, "completed_on": t.completed_on, "result": t.result,
                          "difficulties": t.difficulties, "proposals": t.proposals} for t in entries.tasks.values()]
            evidence_rows = [{"submission_id": submission.id, "item_code": e.item, "name": e.name,
                              "sha256": e.sha256, "size": e.size, "media_type": e.media_type} for e in record.evidence]
            problem_rows = [{"submission_id": submission.id, "code": p.code, "severity": p.severity.value,
                             "item_code": p.item_code, "field": p.field,
                             "params_json": json.dumps({k: str(v) for k, v in p.params.items()}, ensure_ascii=False)}
                            for p in problems]
            for table, rows in ((SubmissionIndicator, indicator_rows), (SubmissionTask, task_rows),
                                (SubmissionEvidence, evidence_rows), (SubmissionProblem, problem_rows)):
                if rows:  # one multi-row INSERT per table instead of one ORM object per row
                    session.execute(insert(table), rows)
            state = state or SequenceState(commune_code=series.commune, series=_series_key(series),
                                           last_revision=0, last_manifest_hash="", last_bundle_id="")
            state.last_revision, state.last_manifest_hash, state.last_bundle_id = (
                manifest.revision, verified.manifest_sha256, manifest.bundle_id)
            session.add(state)
        return submission.id, len(problems)

    # --- reading submissions -----------------------------------------------------------------
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
            values[row.indicator_code] = {f: getattr(row, f) for f in
                                          ("numerator", "denominator", "value", "note", "data_source", "result")}
        for row in tasks:
            values[row.task_code] = {f: None if getattr(row, f) is None else str(getattr(row, f)) for f in
                                     ("status", "progress_pct", "completed_on", "result", "difficulties", "proposals")}
        return values

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

    # --- receipts ----------------------------------------------------------------------------
    def receipt(self, commune: str, plan_id: str, period_id: str, out: Path, passphrase: str, actor: str,
                returned_reason: str | None = None) -> Path:
        """Write a receipt signed by the office root for the commune's current submission."""
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
                                      issued_at=now, issued_by=actor))
        return Path(out)


def _read_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError("keys.unreadable_file", path=str(path), problem=exc.strerror or str(exc)) from None


def _series_key(series: Series) -> str:
    return f"{series.plan}/{series.period}"


def _bundle_files(paths: Iterable[Path]) -> set[Path]:
    files = set()
    for path in map(Path, paths):
        if path.is_dir():
            files.update(p for p in path.rglob("*.cdsb") if p.is_file())
        else:
            files.add(path)
    return files


def open_office_service(data_dir: str | Path | None = None, clock=None) -> OfficeService:
    folder = DataDir.resolve(data_dir).ensure()
    return OfficeService(folder, installed_catalog(folder), clock)

