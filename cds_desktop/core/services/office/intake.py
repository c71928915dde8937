"""Importing bundles at the office: a batch of files, each verified, checked and stored — or refused alone.

Per file, in two phases: ``bundle.reader.verify_bundle`` verifies it completely, reading it once and decrypting
its evidence straight into owned temporaries of the evidence store (``EvidenceStaging``);
``record_checks.check_report`` checks what it says, the commune rules validate it again; only then are the
evidence files moved into place (fsynced) and the rest written in one database transaction that re-runs the
ordering check (duplicate, rollback, chain) against the state read in that same transaction and advances the
series. A refused file leaves nothing behind: its temporaries are removed (after a crash, at the next start).
The transaction writes with SQLAlchemy Core (one statement per table), not one ORM object per row.

A batch never stops at a bad file: every failure while importing one file becomes that file's refusal with a
code, and the batch goes on. A failure that is not a ``CdsError`` is a bug: it is logged with its traceback and
an incident number, and the file is refused as ``bundle.import_failed`` (no traceback reaches anyone).
Files are imported in series and revision order read from their cleartext headers (``r10`` after ``r9``, not
after ``r1``); files whose header cannot be read come last, in name order, and get their refusal.

Two imports into one office at once (two clerks, two processes) race for the same series: the transaction
re-checks the series, so the loser sees ``bundle.duplicate`` (a no-op); a busy or conflicting database is
retried a few times before the file is refused as ``office.busy``.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

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
from cds_desktop.core.progress import Cancelled, CancelToken
from cds_desktop.core.services.office.enrolment import Enrolment
from cds_desktop.core.services.office.keys import OfficeKeys
from cds_desktop.core.services.office.record_checks import CheckedReport, check_report
from cds_desktop.core.services.office.storing import province_of, series_state, write_submission
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.evidence_store import EvidenceStaging
from cds_desktop.core.validation import validate_period
from cds_desktop.core.validation.problems import Problem

log = logging.getLogger(__name__)

STORE_ATTEMPTS = 8
RETRY_PAUSE_SECONDS = 0.05  # doubled after each busy attempt (0.05 … 6.4 s in all)



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


def bundle_files(paths: Iterable[Path]) -> set[Path]:
    """The ``.cdsb`` files among ``paths``; folders are searched."""
    files = set()
    for path in map(Path, paths):
        if path.is_dir():
            files.update(p for p in path.rglob(f"*{FILE_SUFFIX}") if p.is_file())
        else:
            files.add(path)
    return files


def import_order(files: Iterable[Path]) -> list[Path]:
    """``files`` by series and revision as their cleartext headers state; unreadable headers last, by name."""

    def key(file: Path) -> tuple:
        try:
            core = inspect_bundle(file).core
        except Exception:  # noqa: BLE001 - any header that cannot be read: the import refuses the file with its code
            return (1, str(file))
        series = core.series
        return (0, series.commune, series.plan, series.period, core.revision, str(file))

    return sorted(files, key=key)


class Intake(OfficeKeys, Enrolment):
    def import_bundles(self, paths: Iterable[Path], passphrase: str, cancel: CancelToken | None = None,
                       progress=None) -> list[ImportOutcome]:
        """Verify and import every ``.cdsb`` file among ``paths`` (folders are searched); one outcome per file."""
        self.authorize(Permission.IMPORT)
        office = self.require_identity()
        keys = self._encryption_keys(passphrase)
        files = import_order(bundle_files(paths))
        outcomes = []
        for index, file in enumerate(files):
            if cancel is not None:
                cancel.raise_if_cancelled()
            outcomes.append(self._import_one(file, office.code, keys, cancel))
            if progress is not None:
                progress(index + 1, len(files))
        return outcomes

    def _import_one(self, file: Path, office_code: str, keys: list[EncryptionKey], cancel) -> ImportOutcome:
        try:
            return self._import_checked(file, office_code, keys, cancel)
        except DuplicateBundleError as exc:
            return ImportOutcome(file, "duplicate", error=exc)
        except CdsError as exc:
            return ImportOutcome(file, "rejected", error=exc)
        except Cancelled:
            raise
        except Exception:  # noqa: BLE001 - a bug: logged in full, the file refused, the batch goes on
            incident = uuid.uuid4().hex[:8]
            log.exception("import of %s failed unexpectedly (incident %s)", file, incident)
            return ImportOutcome(file, "rejected", error=BundleError(Code.IMPORT_FAILED, file=file.name,
                                                                     incident=incident))

    def _import_checked(self, file: Path, office_code: str, keys: list[EncryptionKey], cancel) -> ImportOutcome:
        # owned temporaries in the evidence store: if this process dies, the next start removes them
        with EvidenceStaging(self.evidence_store) as staging:
            return self._import_into(file, staging, office_code, keys, cancel)

    def _import_into(self, file: Path, staging: EvidenceStaging, office_code: str, keys: list[EncryptionKey],
                     cancel) -> ImportOutcome:
        with self.repo.reading() as session:  # one connection for what verifying and checking look up
            lookups = session.connection()
            verified = verify_bundle(file, staging, office=office_code, keys=keys,
                                     lookup_sender=self._lookup_sender,
                                     lookup_series=lambda series: series_state(lookups, series), cancel=cancel)
            province = province_of(lookups, verified.manifest.series.commune)
        report = check_report(verified, self.catalog, province)
        problems = validate_period(report.plan, report.record.entries(), report.scheduled.period.end,
                                   verified.manifest.created_at.date(), Level.COMMUNE)
        self._store_evidence(verified, staging)
        self._store(verified, report, problems)
        series = verified.manifest.series
        return ImportOutcome(file, "accepted", series.commune, series.plan, series.period,
                             verified.manifest.revision, problems=len(problems))

    def _store_evidence(self, verified: VerifiedBundle, staging: EvidenceStaging) -> None:
        """Move the decrypted evidence into the content-addressed store, on disk before the transaction (harmless
        if the transaction then fails: content nobody refers to). Nothing is read again: ``ensure_unchanged``
        checks by ``stat`` that each file is still the one verification wrote and hashed."""
        ensure_unchanged(verified)
        staging.commit((attachment.path, attachment.sha256) for attachment in verified.attachments)

    def _store(self, verified: VerifiedBundle, report: CheckedReport, problems: list[Problem]) -> None:
        """One transaction: the submission and its rows, the series advanced; retried while the database is busy
        or another import of the same series got in first (the retry then finds it: ``bundle.duplicate``)."""
        pause = RETRY_PAUSE_SECONDS
        conflicts = 0
        for attempt in range(STORE_ATTEMPTS):
            try:
                with self.repo.transaction() as session:
                    write_submission(session.connection(), verified, report, problems, self.clock())
                return
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
