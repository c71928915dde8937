"""Opening a SQLite file with ``sqlite3`` alone (no SQLAlchemy: start-up and the first look at a folder use it).

``connect`` opens with a mode (``rw``, ``ro``, ``rwc``) and optionally ``immutable``; ``read_only_connection``
reads a database wherever it lies: ``mode=ro`` when SQLite can use its ``-shm`` file, else ``immutable=1`` (a
read-only folder or drive, a full disk) as long as the write-ahead log holds nothing that immutable would miss.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect(path: Path, mode: str, immutable: bool = False) -> sqlite3.Connection:
    uri = Path(path).absolute().as_uri() + f"?mode={mode}" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(uri, uri=True)


def wal_has_content(path: Path) -> bool:
    """Whether the write-ahead log beside the database at ``path`` holds anything."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except FileNotFoundError:
        return False


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that only reads ``path`` (see the module docstring); ``sqlite3.Error`` when it cannot be
    read: a damaged file raises its ``DatabaseError`` at once, an unusable folder the last ``OperationalError``."""
    failure: sqlite3.OperationalError | None = None
    for immutable in (False, True):
        if immutable and wal_has_content(path):
            break
        connection = connect(path, "ro", immutable)
        try:
            connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.OperationalError as exc:  # cannot open the file or its -shm: try the next way
            connection.close()
            failure = exc
            continue
        except BaseException:
            connection.close()
            raise
        return connection
    assert failure is not None
    raise failure
