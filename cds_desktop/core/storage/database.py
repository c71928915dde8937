"""Opening the database: engine settings, schema migrations, and the safety checks around them.

- SQLite runs in WAL mode with foreign keys on and a busy timeout.
- ``open_database`` migrates to the newest schema with Alembic; before changing an existing database it
  copies it aside (``backups/``) with SQLite's online backup, so a failed migration loses nothing.
- A database stamped with a revision this app does not know was written by a newer version: refused.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError

from cds_desktop.core.errors import SchemaTooNewError, StorageError

_MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


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


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


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
        engine = create_sqlite_engine(path)
        revision = current_revision(engine)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        raise StorageError("storage.not_a_database", path=str(path), problem=str(exc.args[0])) from exc
    if revision is not None and revision not in known_revisions():
        engine.dispose()
        raise SchemaTooNewError("storage.schema_too_new", path=str(path), revision=revision)
    if revision != head_revision():
        if existed and backups_dir is not None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup_sqlite(path, backups_dir / f"cds-{stamp}-before-{revision or 'empty'}.sqlite")
        migrate(engine)
    return engine


def migrate(engine: Engine, target: str = "head") -> None:
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
