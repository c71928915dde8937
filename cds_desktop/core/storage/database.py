"""Opening the database: engine settings, schema migrations, read-only opening, and what SQLite errors mean.

- SQLite runs in WAL mode with foreign keys on and a busy timeout.
- Write transactions take the write lock first: a connection asked for ``WRITE_OPTIONS`` starts its
  transaction with ``BEGIN IMMEDIATE`` (SQLAlchemy's documented pysqlite recipe: the driver's own implicit
  BEGIN is switched off and the ``begin`` event emits ours), so whatever a change reads to decide is read
  under the lock and two processes can never both act on the same stale state. Other engines (PostgreSQL
  later) ignore the option: their transactions are serialisable by their own means.
- ``open_database`` migrates to the newest schema with Alembic; before changing an existing database it
  copies it aside (``backups/``) with SQLite's online backup, so a failed migration loses nothing. Two
  processes opening an old database at once migrate it once (the migration runs under the write lock).
- A database stamped with a revision this app does not know was written by a newer version: refused.
- A folder that cannot be written (a read-only drive, a locked-down PC, a full disk) is still opened for
  reading: ``mode=ro`` when SQLite can use the existing ``-wal``/``-shm`` files, else ``immutable=1``
  (exact, because there is then no write-ahead log whose content it could miss). ``read_only_reason(engine)``
  says why such an engine cannot write; the repository refuses writes with that reason.
- ``database_error`` turns a SQLite failure into the ``StorageError`` a person can act on: the disk is full,
  the folder is read-only, another program holds the lock too long, the file is damaged or not a database.
- Start-up speed: the stamped revision is read with ``sqlite3`` and the known revisions from the
  ``revision``/``down_revision`` lines of the migration files, so Alembic (slow to import) is loaded only when
  a migration actually runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import shutil
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from cds_desktop.core.errors import SchemaTooNewError, StorageError
from cds_desktop.core.fileio import finish_owned_file, owned_temp_file, storage_error
from cds_desktop.core.storage.sqlite_files import connect, wal_has_content

_MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*=\s*(?:\"([^\"]+)\"|'([^']+)'|None)\s*$", re.MULTILINE)

WRITE_OPTIONS = {"cds_begin": "IMMEDIATE"}  # execution options of a connection that will write
READ_ONLY_OPTION = "cds_read_only"  # engine execution option: why the engine cannot write
NEARLY_FULL = 1024 * 1024  # less free space than this: SQLite cannot even map its shared-memory file


@functools.cache
def _revision_graph() -> dict[str, str | None]:
    """Each migration's revision and the revision it follows, from the assignments in its file."""
    graph: dict[str, str | None] = {}
    for script in sorted((_MIGRATIONS / "versions").glob("*.py")):
        assignments = _REVISION_LINE.findall(script.read_text("utf-8"))
        found = {name: double or single or None for name, double, single in assignments}
        graph[found["revision"]] = found["down_revision"]
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    (head,) = set(graph) - set(graph.values())
    return head


def known_revisions() -> set[str]:
    return set(_revision_graph())


# --- what a failure means ----------------------------------------------------------------------

def why_not_writable(folder: Path) -> str | None:
    """``"read_only"`` or ``"disk_full"`` when files cannot be written in ``folder`` for that reason, else None."""
    try:
        if hasattr(os, "statvfs") and os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read_only"
        if not os.access(folder, os.W_OK):
            return "read_only"
        if shutil.disk_usage(folder).free < NEARLY_FULL:
            return "disk_full"
    except OSError:
        return None
    return None


def _reason_error(reason: str, path: Path) -> StorageError:
    code = "storage.disk_full" if reason == "disk_full" else "storage.read_only_folder"
    return StorageError(code, path=str(path))


def database_error(exc: sqlite3.Error | DBAPIError, path: Path) -> StorageError:
    """The ``StorageError`` that explains the SQLite failure ``exc`` on the database ``path``."""
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = str(error.args[0]) if getattr(error, "args", None) else str(error)
    if primary == sqlite3.SQLITE_FULL:
        return StorageError("storage.disk_full", path=str(path))
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StorageError("storage.busy", path=str(path))
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StorageError("storage.not_a_database", path=str(path), problem=message)
    if primary in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        reason = why_not_writable(path.parent)
        if reason is not None:
            return _reason_error(reason, path.parent)
        if primary == sqlite3.SQLITE_READONLY:
            return StorageError("storage.read_only_folder", path=str(path.parent))
    return StorageError("storage.io", path=str(path), problem=message)


_EXPLAINED = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CORRUPT,
              sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN,
              sqlite3.SQLITE_PERM}


def explains(exc: DBAPIError) -> bool:
    """Whether ``exc`` is a storage condition ``database_error`` explains (not a bug such as a broken constraint)."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _EXPLAINED


def database_path(engine: Engine) -> Path:
    """The file of a SQLite ``engine`` (its URL may be a ``file:`` URI)."""
    name = engine.url.database or ""
    if name.startswith("file:"):
        from urllib.request import url2pathname  # error paths only: slow to import

        return Path(url2pathname(urllib.parse.urlparse(name).path))
    return Path(name)


def explain_failure(engine: Engine, exc: DBAPIError) -> StorageError | None:
    """The ``StorageError`` that explains ``exc`` on ``engine``'s database (SQLite or a shared office's
    PostgreSQL server), or None when it is not a storage condition but a bug."""
    if engine.dialect.name != "sqlite":
        from cds_desktop.core.storage.server import server_error

        return server_error(exc, engine.url)
    return database_error(exc, database_path(engine)) if explains(exc) else None


@contextlib.contextmanager
def explained_failures(engine: Engine) -> Iterator[None]:
    """Leave the block with the ``StorageError`` that explains a storage condition on ``engine`` (``explain_failure``);
    any other database failure (a broken constraint: a bug, or a race the caller handles) as it was."""
    try:
        yield
    except DBAPIError as exc:
        explained = explain_failure(engine, exc)
        if explained is None:
            raise
        raise explained from exc


def write_options(engine: Engine) -> dict[str, str]:
    """The execution options of a connection that will write: SQLite's write lock first (``BEGIN IMMEDIATE``);
    on PostgreSQL plain READ COMMITTED transactions, made safe by unique constraints and the advisory locks of
    ``storage/locks.py`` around each read-then-write decision (no whole-database lock)."""
    return WRITE_OPTIONS if engine.dialect.name == "sqlite" else {}


def lookup_options(engine: Engine) -> dict[str, str]:
    """The execution options of a connection for a few independent lookups: on PostgreSQL each statement in
    autocommit (no BEGIN and COMMIT round trips; a transaction ending in a rollback would also make psycopg
    forget the statements it prepared); SQLite's read transactions cost no round trip."""
    return {} if engine.dialect.name == "sqlite" else {"isolation_level": "AUTOCOMMIT"}


def read_only_reason(engine: Engine) -> str | None:
    """Why ``engine`` cannot write (``"read_only"`` or ``"disk_full"``), or None when it can."""
    return engine.get_execution_options().get(READ_ONLY_OPTION)


def refuse_if_read_only(engine: Engine) -> None:
    """Raise the ``StorageError`` that says why nothing can be written, when ``engine`` was opened read-only."""
    reason = read_only_reason(engine)
    if reason is not None:
        raise _reason_error(reason, database_path(engine).parent)


# --- engines ---------------------------------------------------------------------------------

def _on_connect(dbapi_connection, _record, writable: bool = True) -> None:
    dbapi_connection.isolation_level = None  # the ``begin`` event below starts every transaction
    cursor = dbapi_connection.cursor()
    if writable:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _on_begin(connection) -> None:
    mode = connection.get_execution_options().get("cds_begin")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def _sqlite_url(path: Path, mode: str, immutable: bool = False) -> URL:
    query = {"mode": mode, "uri": "true", **({"immutable": "1"} if immutable else {})}
    return URL.create("sqlite", database=Path(path).absolute().as_uri(), query=query)


def create_sqlite_engine(path: Path, mode: str = "rwc", immutable: bool = False) -> Engine:
    """An engine on the SQLite file ``path`` (``mode``: ``rwc`` create if missing, ``rw``, ``ro``)."""
    engine = create_engine(_sqlite_url(path, mode, immutable))
    event.listen(engine, "connect", functools.partial(_on_connect, writable=mode != "ro"))
    event.listen(engine, "begin", _on_begin)
    if mode == "ro":
        engine = engine.execution_options(**{READ_ONLY_OPTION: why_not_writable(Path(path).parent) or "read_only"})
    return engine



def stamped_revision(path: Path, mode: str = "rw", immutable: bool = False) -> str | None:
    """The schema revision Alembic stamped into the database at ``path`` (``None``: empty or new file)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    connection = connect(path, mode, immutable)
    try:
        stamped = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        if not connection.execute(stamped).fetchone():
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        connection.close()


def backup_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite database (the online backup API; safe while it is in use)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with owned_temp_file(target.parent, prefix=f".{target.name}.") as (stream, temporary):
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(temporary)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        finish_owned_file(stream, temporary, target)
    return target


_CANNOT_WRITE = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
                 sqlite3.SQLITE_PERM}  # what opening for writing fails with when only reading is possible



def _open_read_only(path: Path, failure: sqlite3.Error) -> tuple[Engine, str | None]:
    """The database at ``path`` opened for reading only, after opening it for writing failed with ``failure``."""
    for immutable in (False, True):
        if immutable and wal_has_content(path):  # immutable would miss what the log holds
            raise StorageError("storage.unfinished_read_only", path=str(path))
        try:
            revision = stamped_revision(path, "ro", immutable)
        except sqlite3.DatabaseError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise database_error(exc, path) from exc
            continue
        return create_sqlite_engine(path, "ro", immutable), revision
    raise database_error(failure, path) from failure


def open_database(path: Path, backups_dir: Path | None = None) -> Engine:
    """Open (creating if needed) and migrate the SQLite database at ``path``.

    When the folder cannot be written the database is opened read-only (``read_only_reason``); one that
    needs a migration then cannot be opened at all (``storage.cannot_upgrade_read_only``).
    """
    existed = path.exists() and path.stat().st_size > 0
    try:
        revision = stamped_revision(path)
        engine = None
    except sqlite3.DatabaseError as exc:
        if not existed or (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _CANNOT_WRITE:
            raise database_error(exc, path) from exc
        engine, revision = _open_read_only(path, exc)
    if revision is not None and revision not in known_revisions():
        if engine is not None:
            engine.dispose()
        raise SchemaTooNewError("storage.schema_too_new", path=str(path), revision=revision)
    if engine is not None:
        if revision != head_revision():
            engine.dispose()
            raise StorageError("storage.cannot_upgrade_read_only", path=str(path.parent))
        return engine
    engine = create_sqlite_engine(path, "rw" if existed else "rwc")
    if revision != head_revision():
        try:
            if existed and backups_dir is not None:
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                backup_sqlite(path, backups_dir / f"cds-{stamp}-before-{revision or 'empty'}.sqlite")
            migrate(engine)
        except (sqlite3.Error, DBAPIError) as exc:
            engine.dispose()
            raise database_error(exc, path) from exc
        except OSError as exc:
            engine.dispose()
            raise storage_error(exc, backups_dir or path) from exc
    return engine


def migrate(engine: Engine, target: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect().execution_options(**WRITE_OPTIONS) as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, target)
