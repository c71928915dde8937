"""Importing bundles at the office: a batch of files, each verified, checked and stored — or refused alone.

Per file, in two phases: ``bundle.reader.verify_bundle`` verifies it completely into a quarantine folder,
``record_checks.check_report`` checks what it says, the commune rules validate it again; only then is it written
in one database transaction that re-runs the ordering check (duplicate, rollback, chain) against the state read
in that same transaction and advances the series.

A batch never stops at a bad file: every failure while importing one file becomes that file's refusal with a
code, and the batch goes on. A failure that is not a ``CdsError`` is a bug: it is logged with its traceback and
an incident number, and the file is refused as ``bundle.import_failed`` (no traceback reaches anyone).
Files are imported in series and revision order read from their cleartext headers (``r10`` after ``r9``, not
after ``r1``); files whose header cannot be read come last, in name order, and get their refusal.

Two imports into one office at once (two clerks, two processes) race for the same series: the transaction
re-checks the series, so the loser sees ``bundle.duplicate`` (a no-op); a busy or conflicting database is
retried a few times before the file is refused as ``office.busy``.

Every file's outcome has a kind (``import_log.OutcomeKind``: new report, new revision, already imported, refused),
and every file is logged in ``import_attempt`` (``import_log``): an accepted one in its submission's transaction.
A bundle signed by a commune the office does not list is refused as ``office.commune_not_listed`` (not as a key
that is not enrolled: the commune must be added first). Cancelling stops between files or inside one: the files
done stay done, the file under way and the rest are left as they were.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cds_desktop.core.bundle.errors import Code, DuplicateBundleError
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.format import FILE_SUFFIX, HeaderCore
from cds_desktop.core.bundle.keys import EncryptionKey
from cds_desktop.core.bundle.reader import (
    VerifiedBundle,
    ensure_unchanged,
    inspect_bundle,
    verify_bundle,
)
from cds_desktop.core.bundle.sequence import SeriesState, check_sequence
from cds_desktop.core.errors import BundleError, CdsError, StorageError
from cds_desktop.core.fileio import create_owned_folder, storage_error
from cds_desktop.core.plans.model import Level
from cds_desktop.core.progress import Cancelled, CancelToken, check_cancelled
from cds_desktop.core.services.office.enrolment import Enrolment
from cds_desktop.core.services.office.import_log import (
    FileAttempt,
    ImportBatch,
    ImportLog,
    OutcomeKind,
    advice_text,
    file_identity,
)
from cds_desktop.core.services.office.keys import OfficeKeys
from cds_desktop.core.services.office.record_checks import CheckedReport, check_report
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.exchange_models import (
    OfficeCommune,
    SequenceState,
    Submission,
    SubmissionEvidence,
    SubmissionIndicator,
    SubmissionProblem,
    SubmissionTask,
)
from cds_desktop.core.validation import indicator_result, validate_period
from cds_desktop.core.validation.problems import Problem

log = logging.getLogger(__name__)

STORE_ATTEMPTS = 8
RETRY_PAUSE_SECONDS = 0.05  # doubled after each busy attempt (0.05 … 6.4 s in all)


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one bundle file: its ``kind``, the series and revision (signed, when accepted; else what
    the cleartext header says, None when unreadable), the refusal (``error``, also for a duplicate), how many
    problems re-validation found, the file's SHA-256 and fingerprint (None when unreadable) and the submission
    stored."""

    file: Path
    kind: OutcomeKind
    commune: str | None = None
    plan: str | None = None
    period: str | None = None
    revision: int | None = None
    error: CdsError | None = None
    problems: int = 0
    file_sha256: str | None = None
    fingerprint: str | None = None
    submission_id: int | None = None

    @property
    def status(self) -> str:
        """The coarser status of ``cds import --json``: accepted | duplicate | rejected."""
        if self.kind.accepted:
            return "accepted"
        return "duplicate" if self.kind is OutcomeKind.DUPLICATE else "rejected"

    def reason(self, language: str | None = None) -> str:
        """Why it was not imported, in plain words ("" when it was)."""
        return self.error.message(language) if self.error else ""

    def advice(self, language: str | None = None) -> str:
        """What to do about it ("" when it was imported)."""
        return advice_text(self.error.code, language) if self.error else ""


FileWatcher = Callable[[Path, int, int], None]
"""``on_file(file, done, total)``: the import starts on ``file``, ``done`` of ``total`` files are done."""
OutcomeWatcher = Callable[[ImportOutcome], None]
"""``on_outcome(outcome)``: one file is done (its log row written)."""


def bundle_files(paths: Iterable[Path]) -> set[Path]:
    """The ``.cdsb`` files among ``paths``; folders are searched."""
    files = set()
    for path in map(Path, paths):
        if path.is_dir():
            files.update(p for p in path.rglob(f"*{FILE_SUFFIX}") if p.is_file())
        else:
            files.add(path)
    return files


def import_order(files: Iterable[Path]) -> list[tuple[Path, HeaderCore | None]]:
    """``files`` with their cleartext headers, by series and revision as the headers state; unreadable headers
    (None) last, by name."""

    def header(file: Path) -> HeaderCore | None:
        try:
            return inspect_bundle(file).core
        except Exception:  # noqa: BLE001 - any header that cannot be read: the import refuses the file with its code
            return None

    def key(item: tuple[Path, HeaderCore | None]) -> tuple:
        file, core = item
        if core is None:
            return (1, str(file))
        series = core.series
        return (0, series.commune, series.plan, series.period, core.revision, str(file))

    return sorted(((file, header(file)) for file in files), key=key)


def series_key(series: Series) -> str:
    return f"{series.plan}/{series.period}"


class Intake(OfficeKeys, Enrolment, ImportLog):
    def import_bundles(self, paths: Iterable[Path], passphrase: str, cancel: CancelToken | None = None,
                       progress=None, *, actor: str | None = None, on_file: FileWatcher | None = None,
                       on_outcome: OutcomeWatcher | None = None) -> list[ImportOutcome]:
        """Verify and import every ``.cdsb`` file among ``paths`` (folders are searched); one outcome per file,
        each logged as imported by ``actor`` (the signed-in user when there is one).

        ``progress(done, total)`` counts files; ``on_file`` and ``on_outcome`` follow each file (the current
        file's name, each outcome as soon as it is known). When ``cancel`` is set the import stops — between files
        or inside one — and raises ``Cancelled``: the files whose outcome was reported stay imported (or refused),
        the others are untouched and not logged.
        """
        self.authorize(Permission.IMPORT)
        office = self.require_identity()
        batch = ImportBatch(uuid.uuid4().hex, self.actor_name(actor or ""))
        keys = self._encryption_keys(passphrase)
        files = import_order(bundle_files(paths))
        outcomes = []
        for index, (file, header) in enumerate(files):
            check_cancelled(cancel)
            if on_file is not None:
                on_file(file, index, len(files))
            outcome = self._import_one(FileAttempt(batch, file, self.clock(), header), office.code, keys, cancel)
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if progress is not None:
                progress(index + 1, len(files))
        return outcomes

    def _import_one(self, attempt: FileAttempt, office_code: str, keys: list[EncryptionKey],
                    cancel) -> ImportOutcome:
        """Import one file, or say why not; a file not stored is logged here (a stored one with its submission)."""
        file = attempt.file
        try:
            return self._import_checked(file, office_code, keys, cancel, attempt)
        except DuplicateBundleError as exc:
            kind, error = OutcomeKind.DUPLICATE, exc
        except CdsError as exc:
            kind, error = OutcomeKind.REFUSED, self._as_refusal(exc)
        except Cancelled:
            raise
        except Exception:  # noqa: BLE001 - a bug: logged in full, the file refused, the batch goes on
            incident = uuid.uuid4().hex[:8]
            log.exception("import of %s failed unexpectedly (incident %s)", file, incident)
            kind, error = OutcomeKind.REFUSED, BundleError(Code.IMPORT_FAILED, file=file.name, incident=incident)
        sha256, fingerprint = file_identity(file)
        outcome = ImportOutcome(file, kind, *attempt.claimed, error=error, file_sha256=sha256,
                                fingerprint=fingerprint)
        self._log_alone(attempt, outcome)
        return outcome

    def _as_refusal(self, error: CdsError) -> CdsError:
        """``error`` as the office explains it: a key "not enrolled" of a commune the office does not even list
        is that commune missing from the list (add it, then enrol its key)."""
        if error.code == Code.SENDER_NOT_ENROLLED:
            commune = str(error.params.get("org", ""))
            with self.repo.reading() as session:
                listed = session.get(OfficeCommune, commune) is not None
            if not listed:
                return BundleError("office.commune_not_listed", commune=commune)
        return error

    def _import_checked(self, file: Path, office_code: str, keys: list[EncryptionKey], cancel,
                        file_attempt: FileAttempt) -> ImportOutcome:
        try:  # owned: if this process dies, the next start removes it and the decrypted evidence in it
            owned = create_owned_folder(self.data_dir.quarantine, "")
        except OSError as exc:
            raise storage_error(exc, self.data_dir.quarantine) from exc
        try:
            return self._import_into(file, owned.path, office_code, keys, cancel, file_attempt)
        finally:
            owned.release()  # removes whatever verification left in the quarantine

    def _import_into(self, file: Path, quarantine: Path, office_code: str, keys: list[EncryptionKey],
                     cancel, file_attempt: FileAttempt) -> ImportOutcome:
        verified = verify_bundle(file, quarantine, office=office_code, keys=keys,
                                 lookup_sender=self._lookup_sender, lookup_series=self._series_state,
                                 cancel=cancel)
        report = check_report(verified, self.catalog, self._province_of(verified.manifest.series.commune))
        problems = validate_period(report.plan, report.record.entries(), report.scheduled.period.end,
                                   verified.manifest.created_at.date(), Level.COMMUNE)
        self._store_evidence(verified)
        ensure_unchanged(verified)
        manifest = verified.manifest
        series = manifest.series
        # the chain check admits no predecessor only for the first revision the office stores of a series
        kind = OutcomeKind.NEW_REPORT if manifest.previous_manifest_sha256 is None else OutcomeKind.NEW_REVISION
        outcome = ImportOutcome(file, kind, series.commune, series.plan, series.period, manifest.revision,
                                problems=len(problems), file_sha256=verified.sha256,
                                fingerprint=verified.fingerprint)
        return self._store(verified, report, problems, file_attempt, outcome)

    def _province_of(self, commune: str) -> str | None:
        with self.repo.reading() as session:
            row = session.get(OfficeCommune, commune)
        return row.province_code if row is not None else None

    def _series_state(self, series: Series, session: Session | None = None) -> SeriesState:
        """What the office accepted so far for ``series`` (read in ``session`` when given)."""
        if session is None:
            with self.repo.reading() as reading:
                return self._series_state(series, reading)
        state = session.get(SequenceState, (series.commune, series_key(series)))
        seen = session.exec(select(Submission.bundle_id).where(
            Submission.commune_code == series.commune, Submission.plan_id == series.plan,
            Submission.period_id == series.period)).all()
        if state is None:
            return SeriesState(seen_bundle_ids=frozenset(seen))
        return SeriesState(state.last_revision, state.last_manifest_hash, frozenset(seen))

    def _store_evidence(self, verified: VerifiedBundle) -> None:
        """Copy the evidence into the content-addressed store (harmless if the transaction then fails)."""
        for attachment in verified.attachments:
            stored = self.evidence_store.store(attachment.path)
            if stored.sha256 != attachment.sha256:
                raise BundleError(Code.CHANGED_SINCE_VERIFY, path=str(attachment.path))

    def _store(self, verified: VerifiedBundle, report: CheckedReport, problems: list[Problem],
               file_attempt: FileAttempt, outcome: ImportOutcome) -> ImportOutcome:
        """One transaction: the submission and its rows, the series advanced, the log row; retried while the
        database is busy or another import of the same series got in first (the retry then finds it:
        ``bundle.duplicate``). Returns ``outcome`` with the submission stored."""
        pause = RETRY_PAUSE_SECONDS
        conflicts = 0
        for attempt in range(STORE_ATTEMPTS):
            try:
                with self.repo.transaction() as session:
                    stored = replace(outcome, submission_id=self._write_submission(session, verified, report,
                                                                                   problems))
                    self._log_attempt(session, file_attempt, stored)
                return stored
            except IntegrityError:
                conflicts += 1
                if conflicts > 1:  # the retry's ordering check did not explain the conflict: a bug
                    raise
            except StorageError as exc:  # the repository explains SQLite's "database is locked" as storage.busy
                if exc.code != "storage.busy":
                    raise
            if attempt < STORE_ATTEMPTS - 1:
                time.sleep(pause)
                pause *= 2
        raise StorageError("office.busy", file=verified.source.name)

    def _write_submission(self, session: Session, verified: VerifiedBundle, report: CheckedReport,
                          problems: list[Problem]) -> int:
        """Write the submission and its rows, advance the series; returns the submission's id."""
        manifest = verified.manifest
        series = manifest.series
        record, plan = report.record, report.plan
        check_sequence(manifest, self._series_state(series, session))  # re-checked inside the transaction
        stored = session.exec(select(Submission).where(Submission.bundle_id == manifest.bundle_id)).first()
        if stored is not None:  # stored meanwhile by another import (a duplicate), or the id of another series
            if (stored.commune_code, stored.plan_id, stored.period_id) == (series.commune, series.plan, series.period):
                raise DuplicateBundleError(manifest.bundle_id)
            raise BundleError(Code.BUNDLE_ID_REUSED, bundle_id=manifest.bundle_id)
        session.exec(update(Submission).where(
            Submission.commune_code == series.commune, Submission.plan_id == series.plan,
            Submission.period_id == series.period).values(is_current=False))
        submission = Submission(
            bundle_id=manifest.bundle_id, commune_code=series.commune, plan_id=series.plan,
            period_id=series.period, revision=manifest.revision, manifest_hash=verified.manifest_sha256,
            previous_manifest_hash=manifest.previous_manifest_sha256, signing_key_id=manifest.sender.key_id,
            file_name=verified.source.name, file_sha256=verified.sha256, created_at=manifest.created_at,
            submitted_at=record.submitted_at, received_at=self.clock(),
            history_json=json.dumps([h.model_dump(mode="json") for h in record.history], ensure_ascii=False))
        session.add(submission)
        session.flush()
        entries = record.entries()
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
        state = session.get(SequenceState, (series.commune, series_key(series))) or SequenceState(
            commune_code=series.commune, series=series_key(series), last_revision=0, last_manifest_hash="",
            last_bundle_id="")
        state.last_revision, state.last_manifest_hash, state.last_bundle_id = (
            manifest.revision, verified.manifest_sha256, manifest.bundle_id)
        session.add(state)
        return submission.id

