"""The office's import log: one ``import_attempt`` row for every file an import tried, whatever came of it, and how
an outcome reads to people — its reason and what to do about it — in either language.

``intake`` writes the rows: an accepted file's row in the very transaction that stores its submission (the log never
says accepted for something not stored), a duplicate's or a refusal's row in a transaction of its own. A refusal
whose row cannot be written (the database locked by another writer or full) is still reported to the caller; the
application log says that its row is missing. Rows are read through ``import_attempts`` (the read model
``storage/queries/office_imports.py``).

Every refusal code has advice: ``advice.<code>`` in ``translations/messages/office_inbox.yaml`` says what to do
(enrol the commune's key, ask the commune to export again, nothing at all …); a code without its own advice —
a storage condition — gets ``advice.other``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Iterable, Mapping, NamedTuple

from sqlalchemy import Connection, insert

from cds_desktop.core.bundle.errors import DocumentError
from cds_desktop.core.bundle.keys import sha256_fingerprint
from cds_desktop.core.errors import CdsError, DataFileError
from cds_desktop.core.i18n import catalog, current_language, translate
from cds_desktop.core.numbers import format_number
from cds_desktop.core.services.office.base import OfficeBase
from cds_desktop.core.storage.exchange_models import ImportAttempt
from cds_desktop.core.storage.queries.office_imports import ImportAttemptRow, import_attempts

if TYPE_CHECKING:
    from cds_desktop.core.services.office.intake import ImportOutcome

log = logging.getLogger(__name__)

ADVICE_FALLBACK = "advice.other"
HASH_BLOCK = 1024 * 1024
_LOG_ROW = insert(ImportAttempt.__table__)  # Core: one statement, no ORM object per logged file


class OutcomeKind(StrEnum):
    """What importing one file came to; the four add up to the files of a batch."""

    NEW_REPORT = "new_report"  # the first revision of a series the office stored
    NEW_REVISION = "new_revision"  # a later revision of a series it had
    DUPLICATE = "duplicate"  # already imported: nothing was done
    REFUSED = "refused"  # not imported, with a code: its reason and advice

    @property
    def accepted(self) -> bool:
        return self in (OutcomeKind.NEW_REPORT, OutcomeKind.NEW_REVISION)


@dataclass(frozen=True)
class ImportBatch:
    """The files imported together (one drop, one folder, one command) and who imported them."""

    id: str
    actor: str


class HeaderClaims(NamedTuple):
    """What a file's cleartext header says, unverified: the series and the revision. Only these few strings are
    kept per file while a batch waits (a whole parsed header is ~3 KB: 50 MB for a country's 16,000 files)."""

    commune: str
    plan: str
    period: str
    revision: int


@dataclass(frozen=True)
class FileAttempt:
    """One file of a batch as the import starts on it: when, and what its cleartext header says (None: unreadable)."""

    batch: ImportBatch
    file: Path
    attempted_at: dt.datetime
    header: HeaderClaims | None

    @property
    def claimed(self) -> tuple[str | None, str | None, str | None, int | None]:
        """(commune, plan, period, revision) as the header says, unverified; Nones when it could not be read."""
        if self.header is None:
            return None, None, None, None
        return tuple(self.header)


def kind_label(kind: str, language: str | None = None) -> str:
    """"Báo cáo mới", "Lần gửi mới", "Đã nhận trước đây", "Bị từ chối" (or in English)."""
    return translate(f"inbox.kind.{OutcomeKind(kind).value}", language)


def outcome_counts(kinds: Iterable[str]) -> dict[OutcomeKind, int]:
    """How many of each kind (every kind present, zero or more); the counts add up to the files."""
    counts = dict.fromkeys(OutcomeKind, 0)
    for kind in kinds:
        counts[OutcomeKind(kind)] += 1
    return counts


def summary_text(counts: Mapping[OutcomeKind, int], language: str | None = None) -> str:
    """"10 tệp: 4 báo cáo mới, 2 lần gửi mới …, 1 đã nhận trước đây …, 3 bị từ chối." — the CLI's and the inbox's."""
    language = language or current_language()

    def number(value: int) -> str:
        return format_number(value, language)

    return translate("inbox.summary", language, files=number(sum(counts.values())),
                     new_reports=number(counts[OutcomeKind.NEW_REPORT]),
                     new_revisions=number(counts[OutcomeKind.NEW_REVISION]),
                     duplicates=number(counts[OutcomeKind.DUPLICATE]), refused=number(counts[OutcomeKind.REFUSED]))


def advice_text(code: str, language: str | None = None) -> str:
    """What to do about a file refused (or skipped) with ``code``."""
    message_id = f"advice.{code}"
    return translate(message_id if message_id in catalog() else ADVICE_FALLBACK, language)


def logged_error(code: str, params_json: str | None) -> CdsError:
    """The error of a logged refusal, rebuilt from its code and parameters so that it reads in any language."""
    params = json.loads(params_json) if params_json else {}
    if "reason" in params:  # a malformed document: worded from its reason key and field (bundle/wording.py)
        return DocumentError(code, **params)
    if "problem_id" in params:  # a data file refused: its problem message fills the template
        return DataFileError(code, **params)
    return CdsError(code, **params)


def file_identity(file: Path) -> tuple[str | None, str | None]:
    """(SHA-256 in hex, fingerprint grouped for reading aloud) of a regular file; (None, None) when unreadable."""
    try:
        with open(file, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):  # a device or a pipe: never read it
                return None, None
            digest = hashlib.sha256()
            while block := stream.read(HASH_BLOCK):
                digest.update(block)
    except OSError:
        return None, None
    return digest.hexdigest(), sha256_fingerprint(digest.digest())


class ImportLog(OfficeBase):
    def import_attempts(self, *, since: dt.date | None = None, until: dt.date | None = None,
                        outcomes: Collection[str] = (), commune: str | None = None, batch_id: str | None = None,
                        limit: int | None = None) -> list[ImportAttemptRow]:
        """The import log, newest first: attempts from the day ``since`` to the day ``until`` (both included,
        days of the office's clock), with one of ``outcomes`` (``OutcomeKind`` values; all when empty), of one
        ``commune`` (code) or one batch. Reading needs no permission."""
        zone = self.clock().tzinfo

        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time.min, tzinfo=zone)

        start = midnight(since) if since else None
        end = midnight(until + dt.timedelta(days=1)) if until else None
        with self.repo.reading() as session:
            return import_attempts(session.connection(), since=start, before=end, outcomes=outcomes,
                                   commune=commune, batch_id=batch_id, limit=limit)

    def _log_attempt(self, connection: Connection, attempt: FileAttempt, outcome: ImportOutcome) -> None:
        """Add the log row of ``outcome`` in ``connection``'s transaction."""
        error = outcome.error
        connection.execute(_LOG_ROW, [{
            "batch_id": attempt.batch.id, "attempted_at": attempt.attempted_at, "actor": attempt.batch.actor,
            "file_name": attempt.file.name, "file_sha256": outcome.file_sha256, "fingerprint": outcome.fingerprint,
            "outcome": outcome.kind.value, "error_code": error.code if error else None,
            "error_params_json": json.dumps(error.to_dict()["params"], ensure_ascii=False) if error else None,
            "commune_code": outcome.commune, "plan_id": outcome.plan, "period_id": outcome.period,
            "revision": outcome.revision, "submission_id": outcome.submission_id,
        }])

    def _log_alone(self, attempt: FileAttempt, outcome: ImportOutcome) -> None:
        """The log row of a file that was not stored, in a transaction of its own; when the database cannot take
        it (locked, full, read-only) the outcome still stands and the application log says the row is missing."""
        try:
            with self.repo.writing_connection() as connection:
                self._log_attempt(connection, attempt, outcome)
        except CdsError as exc:
            log.warning("import log: no row for %s (%s, %s): %s", attempt.file.name, outcome.kind.value,
                        outcome.error.code if outcome.error else "-", exc.code)
