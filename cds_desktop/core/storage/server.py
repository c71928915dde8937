"""A shared office's PostgreSQL database: where it is, connecting to it, what a failure means, opening and migrating.

An office that outgrows one PC keeps its data in a PostgreSQL server; every staff PC's data folder then holds
``office-server.json`` (``ServerSettings``: host, port, database, user, TLS mode) instead of ``cds.sqlite``. The
password is never written anywhere by this app: it comes from PostgreSQL's own password file (``PGPASSFILE`` or
``~/.pgpass``, ``%APPDATA%\\postgresql\\pgpass.conf`` on Windows), which libpq reads by itself, or is typed at
start and kept in memory (``password`` arguments below). It is passed to the driver apart from the URL, so it is in
no URL, log line or error message either.

- ``server_engine`` makes the SQLAlchemy engine (psycopg 3); ``check_server`` connects once and says what is there
  (server version, schema revision, whether this user may migrate); ``open_server_database`` opens it for the
  office, migrating to the newest schema when the user is allowed to (the database's owner), else saying that the
  owner must do it once (``server.needs_owner``).
- ``server_error`` turns a driver failure into the ``StorageError`` a person can act on: the server cannot be
  reached, the user or password is wrong, no password was given, the database does not exist, TLS was required
  but the server offers none, the server is too old, the connection was lost.
- Least privilege: staff PCs connect with a role that may read and write the tables but not change or drop them
  (``grant_staff_access``, run by the owner after each migration; docs/operator-guide.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, DisconnectionError

from cds_desktop.core.errors import SchemaTooNewError, StorageError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.storage.peek import SERVER_FILE

DEFAULT_PORT = 5432
TLS_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")  # libpq's sslmode values
MIN_SERVER_VERSION = 140000  # PostgreSQL 14: the oldest major version still supported by its project in 2026
CONNECT_TIMEOUT_S = 10
IDLE_PING_S = 5.0
_IDLE_SINCE = "cds_idle_since"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$.-]{0,62}$")


@dataclasses.dataclass(frozen=True)
class ServerSettings:
    """Where a shared office's database is (never its password)."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    tls: str = "prefer"

    def __post_init__(self) -> None:
        if not self.host.strip() or len(self.host) > 255 or any(c.isspace() for c in self.host):
            raise StorageError("server.bad_settings", field="host", value=self.host)
        if not isinstance(self.port, int) or isinstance(self.port, bool) or not 1 <= self.port <= 65535:
            raise StorageError("server.bad_settings", field="port", value=str(self.port))
        for field in ("database", "user"):
            if not _NAME.match(getattr(self, field)):
                raise StorageError("server.bad_settings", field=field, value=getattr(self, field))
        if self.tls not in TLS_MODES:
            raise StorageError("server.bad_settings", field="tls", value=self.tls)

    def describe(self) -> str:
        """``user@host:port/database``, as shown to a person (never with a password)."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def with_user(self, user: str) -> "ServerSettings":
        return dataclasses.replace(self, user=user)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: object) -> "ServerSettings":
        if not isinstance(data, dict) or set(data) - {"host", "database", "user", "port", "tls"}:
            raise StorageError("server.bad_settings", field="file", value=SERVER_FILE)
        try:
            return cls(**data)
        except TypeError as exc:
            raise StorageError("server.bad_settings", field="file", value=SERVER_FILE) from exc


def read_server_settings(folder: Path) -> ServerSettings | None:
    """The server named in the data folder ``folder`` (None: the office keeps its data on this PC)."""
    path = folder / SERVER_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError("storage.io", path=str(path), problem=exc.strerror or str(exc)) from exc
    if len(raw) > 64 * 1024:
        raise StorageError("server.bad_settings", field="file", value=str(path))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise StorageError("server.bad_settings", field="file", value=str(path)) from exc
    return ServerSettings.from_json(data)


def write_server_settings(folder: Path, settings: ServerSettings) -> Path:
    path = folder / SERVER_FILE
    write_atomic(path, (json.dumps(settings.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


# --- connecting ------------------------------------------------------------------------------------

def server_engine(settings: ServerSettings, password: str | None = None, **options: Any) -> Engine:
    """An engine on ``settings``'s database; ``password`` None: libpq's password file (or none) decides."""
    url = URL.create("postgresql+psycopg", username=settings.user, host=settings.host, port=settings.port,
                     database=settings.database)
    connect_args: dict[str, Any] = {"sslmode": settings.tls, "connect_timeout": CONNECT_TIMEOUT_S,
                                    "application_name": "CDS Desktop"}
    if password is not None:
        connect_args["password"] = password
    engine = create_engine(url, connect_args=connect_args, **options)
    event.listen(engine, "connect", _store_wall_clock_times)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """Ping a pooled connection before handing it out again only when it lay idle ``IDLE_PING_S`` or longer (the
    server may have restarted, a network dropped it): a dead one is replaced unnoticed. SQLAlchemy's
    ``pool_pre_ping`` pings at every checkout — two round trips and two autocommit switches per imported file."""

    @event.listens_for(engine, "checkin")
    def idle_from(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - any failure: the pool drops this connection and makes another
            raise DisconnectionError(f"an idle connection failed its ping: {exc}") from exc


def _store_wall_clock_times(dbapi_connection, _record) -> None:
    """Times are stored as the wall-clock time they carry, as on SQLite (whose driver drops the offset): the
    columns are ``timestamp`` without a zone, into which PostgreSQL would otherwise convert an aware time through
    the session's time zone (09:00+07 stored as 02:00 on a UTC server)."""
    for dumper in _wall_clock_dumpers():
        dbapi_connection.adapters.register_dumper(dt.datetime, dumper)


@functools.cache
def _wall_clock_dumpers() -> tuple[type, type]:
    from psycopg.types.datetime import DatetimeNoTzBinaryDumper, DatetimeNoTzDumper

    class OneDumper:  # aware and naive times alike (psycopg would otherwise ask to "upgrade" for a naive one)
        def get_key(self, obj, format):
            return self.cls

        def upgrade(self, obj, format):
            return self

    class WallClock(OneDumper, DatetimeNoTzDumper):
        def dump(self, obj):
            return super().dump(obj.replace(tzinfo=None))

    class WallClockBinary(OneDumper, DatetimeNoTzBinaryDumper):
        def dump(self, obj):
            return super().dump(obj.replace(tzinfo=None))

    return WallClock, WallClockBinary


_CONNECT_FAILURES = (  # libpq's words (English: the driver's libpq has no translations) → what it means
    ("password authentication failed", "server.wrong_password"),
    ("no password supplied", "server.password_needed"),
    ("role \"", "server.wrong_password"),
    ("does not exist", "server.database_missing"),
    ("SSL was required", "server.tls_unavailable"),
    ("SSL", "server.tls_failed"),
    ("certificate", "server.tls_failed"),
    ("Connection refused", "server.unreachable"),
    ("timeout expired", "server.unreachable"),
    ("resolve host", "server.unreachable"),
    ("translate host name", "server.unreachable"),
    ("No route to host", "server.unreachable"),
    ("Network is unreachable", "server.unreachable"),
    ("No such file or directory", "server.unreachable"),  # a Unix socket that is not there
    ("too many clients", "server.too_busy"),
    ("the database system is starting up", "server.starting"),
    ("the database system is shutting down", "server.starting"),
)
_LOST_STATES = {"57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"}
_CONFLICT_STATES = {"40001", "40P01"}  # serialization failure, deadlock: the transaction may simply run again


def server_error(exc: BaseException, url: URL) -> StorageError | None:
    """The ``StorageError`` that explains a driver failure on the database at ``url``, or None for a failure that
    is a bug (a broken constraint, a wrong statement)."""
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    sqlstate = getattr(error, "sqlstate", None)
    where = {"server": f"{url.host}:{url.port or DEFAULT_PORT}", "database": url.database or "?",
             "user": url.username or "?"}
    if sqlstate in _LOST_STATES or (sqlstate is None and _is_connection_failure(error)):
        message = str(error)
        for words, code in _CONNECT_FAILURES:
            if words in message:
                return StorageError(code, **where)
        if sqlstate is not None or "server closed the connection" in message or "consuming input" in message:
            return StorageError("server.connection_lost", **where)
        return StorageError("server.connection_failed", problem=_first_line(message), **where)
    if sqlstate == "42501":
        return StorageError("server.not_allowed", problem=_first_line(str(error)), **where)
    if sqlstate in ("53100", "53200"):
        return StorageError("server.disk_full", **where)
    if sqlstate in _CONFLICT_STATES:
        return StorageError("server.conflict", **where)
    return None


def is_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` is a serialization failure or deadlock: the transaction can be run again as it was."""
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(exc, StorageError):
        return exc.code == "server.conflict"
    return getattr(error, "sqlstate", None) in _CONFLICT_STATES


def _is_connection_failure(error: BaseException) -> bool:
    import psycopg  # only when a server is used

    return isinstance(error, psycopg.OperationalError)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:300] if message.strip() else "?"


@dataclasses.dataclass(frozen=True)
class ServerCheck:
    """What ``check_server`` found: the server's version, the schema revision (None: an empty database) and
    whether the user may migrate the schema (owns the database)."""

    server_version: int
    revision: str | None
    may_migrate: bool

    @property
    def version_text(self) -> str:
        return f"{self.server_version // 10000}.{self.server_version % 10000}"


def require_server_version(version: int) -> None:
    if version < MIN_SERVER_VERSION:
        raise StorageError("server.too_old", version=f"{version // 10000}.{version % 10000}",
                           minimum=str(MIN_SERVER_VERSION // 10000))


def _inspect(engine: Engine) -> ServerCheck:
    try:
        with engine.connect() as connection:
            version = connection.connection.dbapi_connection.info.server_version
            require_server_version(version)
            stamped = connection.execute(text("SELECT to_regclass('public.alembic_version') IS NOT NULL")).scalar()
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar() if stamped else None
            may_migrate = bool(connection.execute(text(
                "SELECT pg_catalog.pg_get_userbyid(datdba) = current_user OR "
                "pg_catalog.pg_has_role(current_user, datdba, 'MEMBER') "
                "FROM pg_catalog.pg_database WHERE datname = current_database()")).scalar())
    except DBAPIError as exc:
        raise server_error(exc, engine.url) or exc from exc
    return ServerCheck(version, revision, may_migrate)


def check_server(settings: ServerSettings, password: str | None = None) -> ServerCheck:
    """Connect once to ``settings``'s database and say what is there; a failure is its ``StorageError``."""
    engine = server_engine(settings, password, poolclass=_null_pool())
    try:
        return _inspect(engine)
    finally:
        engine.dispose()


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def open_server_database(settings: ServerSettings, password: str | None = None) -> Engine:
    """The engine of the shared office's database, migrated to the newest schema.

    A database stamped by a newer app is refused (``storage.schema_too_new``); one that needs migrating is migrated
    when ``settings.user`` owns the database, else refused with ``server.needs_owner``.
    """
    from cds_desktop.core.storage.database import head_revision, known_revisions, migrate

    engine = server_engine(settings, password)
    try:
        found = _inspect(engine)
        if found.revision is not None and found.revision not in known_revisions():
            raise SchemaTooNewError("storage.schema_too_new", path=settings.describe(), revision=found.revision)
        if found.revision != head_revision():
            if not found.may_migrate:
                raise StorageError("server.needs_owner", user=settings.user, database=settings.database)
            try:
                migrate(engine)
            except DBAPIError as exc:
                raise server_error(exc, engine.url) or exc from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def grant_staff_access(engine: Engine, staff_role: str) -> None:
    """Let ``staff_role`` read and write every table of the schema (and use its sequences), and nothing more: run
    by the owner after a migration, so new tables are granted too."""
    if not _NAME.match(staff_role):
        raise StorageError("server.bad_settings", field="user", value=staff_role)
    with engine.begin() as connection:
        role = connection.dialect.identifier_preparer.quote(staff_role)
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
        connection.execute(text(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        connection.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {role}"))
