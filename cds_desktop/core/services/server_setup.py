"""What setting up a receiving office in a shared PostgreSQL database needs beyond a set-up on this PC (the set-up
itself is ``setup.set_up_office(…, server=…)`` and ``setup.join_server_office``):

- ``inspect_server_office``: what a database holds, as the wizard's connection test shows it — the server's
  version, whether the schema is there and may be created or upgraded by this user, and the office in it (if any);
  a database of a newer app is refused (``storage.schema_too_new``);
- ``setting_up``: one PC at a time sets an empty database up (a session advisory lock, ``setup.server_busy``),
  only an empty one (``setup.server_has_office``), and a set-up that fails half-way empties the office's tables
  again so that it can simply run again;
- where a staff PC's data folder finds the server (``read_server_settings``, ``save_server_settings``: an
  administrator's correction), and the settings' shape (``ServerSettings``, ``DEFAULT_PORT``, ``TLS_MODES``) — the
  screens reach the storage layer's ``server.py`` only through here.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from cds_desktop.core.errors import SchemaTooNewError, StateError
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.database import head_revision, known_revisions
from cds_desktop.core.storage.server import (
    DEFAULT_PORT,
    TLS_MODES,
    ServerCheck,
    ServerSettings,
    check_server,
    read_server_settings,
    server_engine,
    server_error,
    write_server_settings,
)

__all__ = ["DEFAULT_PORT", "TLS_MODES", "SETUP_LOCK", "ServerOffice", "ServerSettings", "inspect_server_office",
           "read_server_settings", "save_server_settings", "setting_up"]

SETUP_LOCK = 0x43445353  # "CDSS": the session advisory lock a PC holds while it sets up a shared office's database


@dataclass(frozen=True)
class ServerOffice:
    """What a shared office's database holds, as the set-up sees it (``inspect_server_office``)."""

    check: ServerCheck
    office_code: str | None  # None: no office there yet (an empty database)
    office_name: str | None

    @property
    def empty(self) -> bool:
        return self.office_code is None

    @property
    def needs_owner(self) -> bool:
        """Whether the schema must be created or upgraded first, which this user may not do."""
        return self.check.revision != head_revision() and not self.check.may_migrate


@contextlib.contextmanager
def _engine(server: ServerSettings, password: str | None) -> Iterator[Engine]:
    """An engine without a pool (each connection closed when given back); a driver failure in the block is
    ``server_error``'s plain-word ``StorageError``."""
    engine = server_engine(server, password, poolclass=NullPool)
    try:
        yield engine
    except DBAPIError as exc:
        raise server_error(exc, engine.url) or exc from exc
    finally:
        engine.dispose()


def inspect_server_office(server: ServerSettings, password: str | None = None) -> ServerOffice:
    """Connect to ``server``'s database and say what it holds; writes nothing."""
    check = check_server(server, password)
    if check.revision is None:
        return ServerOffice(check, None, None)
    if check.revision not in known_revisions():
        raise SchemaTooNewError("storage.schema_too_new", path=server.describe(), revision=check.revision)
    with _engine(server, password) as engine, engine.connect() as connection:
        row = connection.execute(text("SELECT code, name FROM office_identity WHERE id = 1")).first()
    return ServerOffice(check, *(row if row is not None else (None, None)))


@contextlib.contextmanager
def setting_up(server: ServerSettings, password: str | None = None) -> Iterator[ServerOffice]:
    """While the block sets the office up in ``server``'s database: no other PC does (``setup.server_busy``), the
    database held no office (``setup.server_has_office``), and a failure empties the tables again. The lock is the
    session's: it ends with its connection, however the set-up ends."""
    with _engine(server, password) as engine, engine.connect() as lock:
        if not lock.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": SETUP_LOCK}).scalar():
            raise StateError("setup.server_busy", database=server.describe())
        found = inspect_server_office(server, password)
        if not found.empty:
            raise StateError("setup.server_has_office", database=server.describe(), office=found.office_name)
        try:
            yield found
        except BaseException:
            _empty_tables(engine)
            raise


def _empty_tables(engine: Engine) -> None:
    """Remove what a failed set-up wrote into the database, which held no office when it began (its schema stays;
    the set-up's lock kept other PCs' set-ups out). Best effort: when the server is out of reach or the user may not
    empty the tables, the refusal of the next attempt (``setup.server_has_office``) says what is there."""
    with contextlib.suppress(DBAPIError), engine.begin() as connection:
        tables = connection.execute(text(
            "SELECT quote_ident(tablename) FROM pg_catalog.pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalars().all()
        if tables:
            connection.execute(text(f"TRUNCATE {', '.join(tables)}"))


def save_server_settings(service, settings: ServerSettings) -> None:
    """Point the office ``service``'s data folder at ``settings`` (an administrator's correction of the server's
    address, once a test found the same office there); never a password."""
    service.authorize(Permission.MANAGE)
    write_server_settings(service.data_dir.root, settings)
