"""Connecting to a shared office's PostgreSQL server (core/storage/server.py), against the session's real server:
where the server is written (never a password), what each kind of failure says in plain words, the oldest server
accepted, times stored as their wall-clock time as on SQLite, and a staff PC's folder recognised as an office."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, create_engine, select
from support.postgres_server import OWNER, OWNER_PASSWORD, STAFF, STAFF_PASSWORD, TEMPLATE
from support.shared_office import settings_for

from cds_desktop.core.errors import StorageError
from cds_desktop.core.i18n import set_language
from cds_desktop.core.storage.peek import FolderKind, folder_kind
from cds_desktop.core.storage.server import (
    MIN_SERVER_VERSION,
    ServerSettings,
    check_server,
    read_server_settings,
    require_server_version,
    server_engine,
    write_server_settings,
)

VN = dt.timezone(dt.timedelta(hours=7))


def _over_tcp(postgres, database: str = TEMPLATE, user: str = STAFF, port: int | None = None) -> ServerSettings:
    """Through 127.0.0.1, where the server checks passwords (scram-sha-256); no TLS offered by the test server."""
    return ServerSettings(host="127.0.0.1", port=port or postgres.port, database=database, user=user, tls="disable")


def _failure(settings: ServerSettings, password: str | None, tmp_path, monkeypatch) -> StorageError:
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))  # whatever the machine has: not read here
    with pytest.raises(StorageError) as raised:
        check_server(settings, password)
    return raised.value


def test_the_server_file_holds_where_the_server_is_and_never_a_password(tmp_path):
    settings = ServerSettings(host="db.so-khcn.lamdong.gov.vn", database="cds_office", user="cds_staff",
                              tls="verify-full")
    path = write_server_settings(tmp_path, settings)
    assert json.loads(path.read_text("utf-8")) == {"host": "db.so-khcn.lamdong.gov.vn", "database": "cds_office",
                                                    "user": "cds_staff", "port": 5432, "tls": "verify-full"}
    assert read_server_settings(tmp_path) == settings
    assert folder_kind(tmp_path) is FolderKind.OFFICE  # a staff PC's folder: its data is on the server
    assert settings.describe() == "cds_staff@db.so-khcn.lamdong.gov.vn:5432/cds_office"


@pytest.mark.parametrize("content, field", [
    ({"host": "h", "database": "d", "user": "u", "password": "secret"}, "file"),  # no place for a password
    ({"host": "h", "database": "d", "user": "u", "port": 70000}, "port"),
    ({"host": "h", "database": "d", "user": "u", "tls": "maybe"}, "tls"),
    ({"host": "", "database": "d", "user": "u"}, "host"),
    ({"host": "h", "database": "d; DROP TABLE x", "user": "u"}, "database"),
    ([1, 2], "file"),
])
def test_a_server_file_that_is_not_right_is_refused_by_what_is_wrong(tmp_path, content, field):
    (tmp_path / "office-server.json").write_text(json.dumps(content), "utf-8")
    with pytest.raises(StorageError) as raised:
        read_server_settings(tmp_path)
    assert raised.value.code == "server.bad_settings" and raised.value.params["field"] == field
    assert "secret" not in raised.value.message()


def test_what_the_check_finds_on_a_migrated_office_database(postgres):
    found = check_server(settings_for(postgres, TEMPLATE, OWNER))
    assert found.server_version >= MIN_SERVER_VERSION and found.revision is not None and found.may_migrate
    staff = check_server(settings_for(postgres, TEMPLATE, STAFF))
    assert staff.revision == found.revision and not staff.may_migrate  # the staff role may not change the schema
    assert found.version_text.split(".")[0] == str(found.server_version // 10000)


def test_the_right_password_typed_is_accepted(postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    assert check_server(_over_tcp(postgres), STAFF_PASSWORD).revision is not None


def test_the_password_file_is_read_as_postgresql_does(postgres, tmp_path, monkeypatch):
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{postgres.port}:*:{OWNER}:{OWNER_PASSWORD}\n", "utf-8")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    assert check_server(_over_tcp(postgres, user=OWNER)).may_migrate


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_failure_says_what_is_wrong_in_plain_words(postgres, tmp_path, monkeypatch, language):
    set_language(language)
    wrong = _failure(_over_tcp(postgres), "not-the-password", tmp_path, monkeypatch)
    assert wrong.code == "server.wrong_password" and "not-the-password" not in wrong.message()
    assert _failure(_over_tcp(postgres, user="nobody"), "x", tmp_path, monkeypatch).code == "server.wrong_password"
    assert _failure(_over_tcp(postgres), None, tmp_path, monkeypatch).code == "server.password_needed"
    missing = _failure(_over_tcp(postgres, database="khong_co"), STAFF_PASSWORD, tmp_path, monkeypatch)
    assert missing.code == "server.database_missing" and "khong_co" in missing.message()
    closed = _failure(_over_tcp(postgres, port=1), STAFF_PASSWORD, tmp_path, monkeypatch)
    assert closed.code == "server.unreachable" and "127.0.0.1:1" in closed.message()
    no_tls = ServerSettings(host="127.0.0.1", port=postgres.port, database=TEMPLATE, user=STAFF, tls="require")
    assert _failure(no_tls, STAFF_PASSWORD, tmp_path, monkeypatch).code == "server.tls_unavailable"
    unknown_host = ServerSettings(host="khong-co-may-nay.invalid", database=TEMPLATE, user=STAFF)
    assert _failure(unknown_host, STAFF_PASSWORD, tmp_path, monkeypatch).code == "server.unreachable"
    words = {"vi": "mật khẩu", "en": "password"}[language]
    assert words in wrong.message().lower() and "{" not in wrong.message()


def test_a_server_older_than_postgresql_14_is_refused_with_the_version_it_has():
    require_server_version(MIN_SERVER_VERSION)
    with pytest.raises(StorageError) as raised:
        require_server_version(130012)
    assert raised.value.code == "server.too_old" and raised.value.params == {"version": "13.12", "minimum": "14"}


def test_times_are_stored_as_their_wall_clock_time_on_both_engines(postgres, tmp_path):
    """SQLite's driver drops the offset; PostgreSQL would convert through its own zone (UTC here): the office must
    read back 09:00 on both, or a deadline judged on one would differ on the other."""
    name = postgres.create_database(template="template0")
    try:
        engines = [server_engine(settings_for(postgres, name, OWNER)),
                   create_engine(f"sqlite:///{tmp_path / 'times.sqlite'}")]
        for engine in engines:
            metadata = MetaData()
            table = Table("moment", metadata, Column("id", Integer, primary_key=True), Column("at", DateTime))
            metadata.create_all(engine)
            with engine.begin() as connection:
                connection.execute(table.insert().values(id=1, at=dt.datetime(2025, 7, 1, 9, 0, tzinfo=VN)))
                assert connection.execute(select(table.c.at)).scalar() == dt.datetime(2025, 7, 1, 9, 0)
            engine.dispose()
    finally:
        postgres.drop_database(name)


def test_a_pooled_connection_is_pinged_only_after_lying_idle_and_then_replaced_if_the_server_dropped_it(
        postgres, monkeypatch):
    """No ping a checkout (two round trips a file while importing): a connection used a moment ago is handed out
    as it is; one that lay idle ``IDLE_PING_S`` is pinged first and, when the server dropped it meanwhile (a
    restart, a network cut), replaced without the caller seeing an error."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from cds_desktop.core.storage import server

    engine = server_engine(ServerSettings(host=postgres.socket_dir, port=postgres.port, database=TEMPLATE,
                                          user=STAFF, tls="disable"))

    def pooled_backend() -> int:
        with engine.connect() as connection:
            return connection.execute(text("SELECT pg_backend_pid()")).scalar()

    def drop(pid: int) -> None:
        with postgres.connect(TEMPLATE) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            deadline = time.monotonic() + 10
            while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchall():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.01)

    try:
        first = pooled_backend()
        drop(first)
        monkeypatch.setattr(server, "IDLE_PING_S", 3600.0)  # used a moment ago: no ping
        with pytest.raises(OperationalError):
            pooled_backend()
        second = pooled_backend()  # the pool let the dead one go
        drop(second)
        monkeypatch.setattr(server, "IDLE_PING_S", 0.0)  # lay idle long enough: pinged, found dead, replaced
        third = pooled_backend()
        assert len({first, second, third}) == 3
    finally:
        engine.dispose()
