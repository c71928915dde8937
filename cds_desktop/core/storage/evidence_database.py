"""A shared office's evidence, kept in its database (``evidence_content``: one row per SHA-256) so that every
staff PC opens what any of them imported — no shared network folder.

``DatabaseEvidenceStore`` is the ``ContentStore`` (``evidence_store.py``) of an office on a PostgreSQL server:

- an import decrypts each attachment into an owned temporary of this PC's own ``evidence/`` folder
  (``EvidenceStaging``; removed at the next start if the process dies), and ``keep`` inserts each verified one —
  read once, one copy in memory — in a transaction of its own, before the submission's (content nobody refers to
  is harmless). Content already stored is not sent again; another PC storing the same content at the same moment
  makes the insert fail on the primary key, which means it is there (``IntegrityError`` → done);
- ``open_content`` streams the content back in chunks (``substr`` of the column, one query per chunk asked for),
  as the reader asks for them, never the whole file at once; whoever reads it checks its SHA-256 and size
  (``services/office/evidence_files``).

A failure of the server is explained in plain words (``database.explained_failures``: unreachable, connection lost …).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from sqlalchemy import Connection, Engine, LargeBinary, func, insert, select
from sqlalchemy.exc import IntegrityError

from cds_desktop.core.fileio import storage_error
from cds_desktop.core.storage.database import explained_failures, write_options
from cds_desktop.core.storage.evidence_store import StagedFile
from cds_desktop.core.storage.exchange_models import EvidenceContent

_TABLE = EvidenceContent.__table__
_SHA256 = _TABLE.c.sha256
_CONTENT = _TABLE.c.content


class DatabaseEvidenceStore:
    """Evidence in the ``evidence_content`` table of ``engine``'s database; ``staging_folder`` is this PC's."""

    def __init__(self, engine: Engine, staging_folder: Path, clock: Callable[[], dt.datetime]) -> None:
        self.engine = engine
        self.staging_folder = staging_folder
        self._clock = clock

    def location_of(self, sha256: str) -> str:
        return f"{self.engine.url.database}: evidence_content {sha256}"

    def keep(self, staged: StagedFile, sha256: str) -> None:
        """Insert the staged file's content under ``sha256``, committed before this returns, unless it is there."""
        with self._explained(), self.engine.connect() as connection, connection.begin():  # ends in a commit
            if connection.execute(select(_SHA256).where(_SHA256 == sha256)).first() is not None:
                return
        try:
            content = staged.read_all()
        except OSError as exc:
            raise storage_error(exc, staged.path) from exc
        try:
            with self._explained(), self.engine.connect().execution_options(
                    **write_options(self.engine)) as connection, connection.begin():
                connection.execute(insert(_TABLE).values(sha256=sha256, size=len(content), content=content,
                                                         stored_at=self._clock()))
        except IntegrityError:
            return  # another staff PC stored the same content meanwhile

    @contextlib.contextmanager
    def open_content(self, sha256: str) -> Iterator[BinaryIO | None]:
        with self._explained(), self.engine.connect() as connection:
            length = connection.execute(select(func.length(_CONTENT)).where(_SHA256 == sha256)).scalar()
            yield None if length is None else _Content(self, connection, sha256, length)

    def _explained(self):
        return explained_failures(self.engine)  # a broken constraint (content stored meanwhile) goes through as it is


class _Content(io.RawIOBase):
    """One row's content read ``substr`` by ``substr`` over an open connection."""

    def __init__(self, store: DatabaseEvidenceStore, connection: Connection, sha256: str, length: int) -> None:
        super().__init__()
        self._store, self._connection, self._sha256 = store, connection, sha256
        self._length, self._position = length, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self._length - self._position)
        if wanted <= 0:
            return 0
        piece = func.substr(_CONTENT, self._position + 1, wanted, type_=LargeBinary)
        with self._store._explained():
            chunk = self._connection.execute(select(piece).where(_SHA256 == self._sha256)).scalar()
        if not chunk:  # the row went or shrank meanwhile: what was read is all there is
            self._length = self._position
            return 0
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)
