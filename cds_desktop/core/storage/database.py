"""Opening the database: engine settings, schema migrations, and the safety checks around them.

- SQLite runs in WAL mode with foreign keys on and a busy timeout.
- ``open_database`` migrates to the newest schema with Alembic; before changing an existing database it
  copies it aside (``backups/``) with SQLite's online backup, so a failed migration loses nothing.
- A database stamped with a revision this app does not know was written by a newer version: refused.
- Start-up speed: the stamped revision is read with ``sqlite3`` and the known revisions from the
  ``revision``/``down_revision`` lines of the migration files, so Alembic (slow to import) is loaded only when
  a migration actually runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from cds_desktop.core.errors import SchemaTooNewError, StorageError

_MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*=\s*(?:\"([^\"]+)\"|'([^']+)'|None)\s*$", re.MULTILINE)


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


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_sqlite_connect)
    return engine


def stamped_revision(path: Path) -> str | None:
    """The schema revision Alembic stamped into the database at ``path`` (``None``: empty or new file)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    connection = sqlite3.connect(path)
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
    tmp = target.with_suffix(target.suffix + ".part")
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    tmp.replace(target)
    return target


def open_database(path: Path, backups_dir: Path | None = None) -> Engine:
    """Open (creating if needed) and migrate the SQLite database at ``path``."""
    existed = path.exists() and path.stat().st_size > 0
    try:
        revision = stamped_revision(path)
    except sqlite3.DatabaseError as exc:
        raise StorageError("storage.not_a_database", path=str(path), problem=str(exc.args[0])) from exc
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNewError("storage.schema_too_new", path=str(path), revision=revision)
    engine = create_sqlite_engine(path)
    if revision != head_revision():
        if existed and backups_dir is not None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup_sqlite(path, backups_dir / f"cds-{stamp}-before-{revision or 'empty'}.sqlite")
        migrate(engine)
    return engine


def migrate(engine: Engine, target: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
