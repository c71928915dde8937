"""Importing bundles at the office: a batch of files, each verified, checked and stored — or refused alone.

Per file, in two phases: ``bundle.reader.verify_bundle`` verifies it completely, reading it once and decrypting
its evidence straight into owned temporaries of this PC's ``evidence/`` folder (``EvidenceStaging``);
``record_checks.check_report`` checks what it says, the commune rules validate it again; only then are the
evidence files put into the office's evidence store (renamed into place and fsynced on one PC; inserted into a
shared office's database, each in its own transaction) and the rest written in one database transaction that
re-runs the ordering check (duplicate, rollback, chain) against the state read in that same transaction and
advances the series. A refused file leaves nothing behind: its temporaries are removed (after a crash, at the
next start).
Lookups and the transaction use SQLAlchemy Core connections (one statement per table), no ORM session or object
per file: at thousands of files a batch, the session's bookkeeping cost more than the SQL.

A batch never stops at a bad file: every failure while importing one file becomes that file's refusal with a
code, and the batch goes on. A failure that is not a ``CdsError`` is a bug: it is logged with its traceback and
an incident number, and the file is refused as ``bundle.import_failed`` (no traceback reaches anyone).
Files are imported in series and revision order read from their cleartext headers (``r10`` after ``r9``, not
after ``r1``); files whose header cannot be read come last, in name order, and get their refusal.

Two imports into one office at once (two clerks, two processes, or several PCs of a shared office) race for the
same series: the transaction holds the series' lock and re-checks it, so the loser sees ``bundle.duplicate`` (a
no-op) or, for a revision met before the one it follows, ``bundle.broken_chain`` (the next run stores it); a busy
database (SQLite's write lock) or a conflict the server reports (serialization failure, deadlock:
``server.conflict``) is retried a few times before the file is refused as ``office.busy``. A shared office's
server that goes away (connection lost, unreachable, restarting) ends the batch as ``office.import_interrupted``:
the files done stay done, the file under way was rolled back whole, and the next run finishes the batch.

Every file's outcome has a kind (``import_log.OutcomeKind``: new report, new revision, already imported, refused),
and every file is logged in ``import_attempt`` (``import_log``): an accepted one in its submission's transaction.
A bundle signed by a commune the office does not list is refused as ``office.commune_not_listed`` (not as a key
that is not enrolled: the commune must be added first). Cancelling stops between files or inside one: the files
done stay done, the file under way and the rest are left as they were.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy.exc import IntegrityError

from cds_desktop.core.bundle.errors import Code, DuplicateBundleError
from cds_desktop.core.bundle.format import FILE_SUFFIX
from cds_desktop.core.bundle.keys import EncryptionKey
from cds_desktop.core.bundle.reader import (
    VerifiedBundle,
    ensure_unchanged,
    inspect_bundle,
    verify_bundle,
)
from cds_desktop.core.errors import BundleError, CdsError, StorageError
from cds_desktop.core.plans.model import Level
from cds_desktop.core.progress import Cancelled, CancelToken, check_cancelled
from cds_desktop.core.services.office.enrolment import Enrolment
from cds_desktop.core.services.office.import_log import (
    FileAttempt,
    HeaderClaims,
    ImportBatch,
    ImportLog,
    OutcomeKind,
    advice_text,
    file_identity,
)
from cds_desktop.core.services.office.keys import OfficeKeys
from cds_desktop.core.services.office.record_checks import CheckedReport, check_report
from cds_desktop.core.services.office.storing import provinces, series_state, write_submission
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.exchange_models import OfficeCommune
from cds_desktop.core.storage.server import is_conflict
from cds_desktop.core.storage.queries.office_plans import refused_plan_ids
from cds_desktop.core.storage.evidence_store import EvidenceStaging
from cds_desktop.core.validation import validate_period
from cds_desktop.core.validation.problems import Problem

log = logging.getLogger(__name__)

STORE_ATTEMPTS = 8
RETRY_PAUSE_SECONDS = 0.05  # doubled after each busy attempt (0.05 … 6.4 s in all)
SERVER_GONE = frozenset({"server.connection_lost", "server.unreachable", "server.starting",
                         "server.connection_failed"})  # no file can be imported or logged: the batch ends


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


def import_order(files: Iterable[Path]) -> list[tuple[Path, HeaderClaims | None]]:
    """``files`` with what their cleartext headers claim, by series and revision; unreadable headers (None) last,
    by name."""

    def claims(file: Path) -> HeaderClaims | None:
        try:
            core = inspect_bundle(file).core
        except Exception:  # noqa: BLE001 - any header that cannot be read: the import refuses the file with its code
            return None
        series = core.series
        return HeaderClaims(series.commune, series.plan, series.period, core.revision)

    def key(item: tuple[Path, HeaderClaims | None]) -> tuple:
        file, claimed = item
        if claimed is None:
            return (1, str(file))
        return (0, *claimed, str(file))

    return sorted(((file, claims(file)) for file in files), key=key)


@dataclass(frozen=True)
class _BatchInputs:
    """What every file of a batch is checked against, read once when the batch starts: the office, its decryption
    keys, the province of each commune it lists, and the plans it takes no report on (a plan published or refused
    while the batch runs counts from the next batch on)."""

    office_code: str
    keys: list[EncryptionKey]
    provinces: dict[str, str]
    refused_plans: frozenset[str]


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
        with self.repo.reading_connection() as connection:
            refused_plans = refused_plan_ids(connection)
            listed = provinces(connection)
        inputs = _BatchInputs(office.code, self._encryption_keys(passphrase), listed, refused_plans)
        files = import_order(bundle_files(paths))
        outcomes = []
        for index, (file, header) in enumerate(files):
            check_cancelled(cancel)
            if on_file is not None:
                on_file(file, index, len(files))
            outcome = self._import_one(FileAttempt(batch, file, self.clock(), header), inputs, cancel)
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if progress is not None:
                progress(index + 1, len(files))
        return outcomes

    def _import_one(self, attempt: FileAttempt, inputs: _BatchInputs, cancel) -> ImportOutcome:
        """Import one file, or say why not; a file not stored is logged here (a stored one with its submission)."""
        file = attempt.file
        try:
            return self._import_checked(file, inputs, cancel, attempt)
        except DuplicateBundleError as exc:
            kind, error = OutcomeKind.DUPLICATE, exc
        except StorageError as exc:
            if exc.code in SERVER_GONE:
                raise StorageError("office.import_interrupted", server=exc.params.get("server", "?"),
                                   file=file.name) from exc
            kind, error = OutcomeKind.REFUSED, exc
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

    def _import_checked(self, file: Path, inputs: _BatchInputs, cancel, file_attempt: FileAttempt) -> ImportOutcome:
        # owned temporaries in this PC's evidence folder: if this process dies, the next start removes them
        with EvidenceStaging(self.evidence_store) as staging:
            return self._import_into(file, staging, inputs, cancel, file_attempt)

    def _import_into(self, file: Path, staging: EvidenceStaging, inputs: _BatchInputs, cancel,
                     file_attempt: FileAttempt) -> ImportOutcome:
        with self.repo.reading_connection() as lookups:  # one connection for what verifying and checking look up
            verified = verify_bundle(file, staging, office=inputs.office_code, keys=inputs.keys,
                                     lookup_sender=self._sender_lookup(lookups),
                                     lookup_series=lambda series: series_state(lookups, series), cancel=cancel)
        province = inputs.provinces.get(verified.manifest.series.commune)
        report = check_report(verified, self.catalog, province, inputs.refused_plans)
        problems = validate_period(report.plan, report.record.entries(), report.scheduled.period.end,
                                   verified.manifest.created_at.date(), Level.COMMUNE)
        self._store_evidence(verified, staging)
        manifest = verified.manifest
        series = manifest.series
        # the chain check admits no predecessor only for the first revision the office stores of a series
        kind = OutcomeKind.NEW_REPORT if manifest.previous_manifest_sha256 is None else OutcomeKind.NEW_REVISION
        outcome = ImportOutcome(file, kind, series.commune, series.plan, series.period, manifest.revision,
                                problems=len(problems), file_sha256=verified.sha256,
                                fingerprint=verified.fingerprint)
        return self._store(verified, report, problems, file_attempt, outcome)

    def _store_evidence(self, verified: VerifiedBundle, staging: EvidenceStaging) -> None:
        """Put the decrypted evidence into the content-addressed store, kept for good before the transaction
        (harmless if the transaction then fails: content nobody refers to). Nothing is hashed again:
        ``ensure_unchanged`` checks by ``stat`` that each file is still the one verification wrote and hashed."""
        ensure_unchanged(verified)
        staging.commit((attachment.path, attachment.sha256) for attachment in verified.attachments)

    def _store(self, verified: VerifiedBundle, report: CheckedReport, problems: list[Problem],
               file_attempt: FileAttempt, outcome: ImportOutcome) -> ImportOutcome:
        """One transaction: the submission and its rows, the series advanced, the log row; retried while the
        database is busy or reports a conflict, or another import of the same series got in first (the retry then
        finds it: ``bundle.duplicate``). Returns ``outcome`` with the submission stored."""
        pause = RETRY_PAUSE_SECONDS
        conflicts = 0
        for attempt in range(STORE_ATTEMPTS):
            try:
                with self.repo.writing_connection() as connection:
                    submission_id = write_submission(connection, verified, report, problems, self.clock())
                    stored = replace(outcome, submission_id=submission_id)
                    self._log_attempt(connection, file_attempt, stored)
                return stored
            except IntegrityError:
                conflicts += 1
                if conflicts > 1:  # the retry's ordering check did not explain the conflict: a bug
                    raise
            except StorageError as exc:  # SQLite's "database is locked" (storage.busy), the server's conflicts
                if exc.code != "storage.busy" and not is_conflict(exc):
                    raise
            if attempt < STORE_ATTEMPTS - 1:
                time.sleep(pause)
                pause *= 2
        raise StorageError("office.busy", file=verified.source.name)

