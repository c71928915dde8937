"""``cds office move-to-server`` and ``cds office server check|connect|upgrade|restore`` through ``cds``'s own
parser, against the session's real PostgreSQL server: over TCP with passwords read from ``--password-file`` (never
an option taking the password), and over its Unix socket."""

from __future__ import annotations

import json

import pytest
from support.postgres_server import OWNER, OWNER_PASSWORD, STAFF, STAFF_PASSWORD

from cds_desktop.cli import main as cds
from cds_desktop.core.paths import CONFIG_DIR_ENV, DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.storage.database import head_revision, migrate
from cds_desktop.core.storage.server import ServerSettings, grant_staff_access, server_engine

PASS_OFFICE = "mật khẩu sở KHCN 2025"


@pytest.fixture
def local_office(tmp_path, monkeypatch, mini_plan, clock):
    """An office kept on this PC, with its communes."""
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    office = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([mini_plan]), clock)
    office.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
    communes = tmp_path / "communes.csv"
    communes.write_text("code,name,province\n24751,Xã Nhân Cơ,68\n", encoding="utf-8-sig")
    office.import_communes(communes)
    office.close()
    monkeypatch.delenv("PGPASSFILE")
    return tmp_path / "office"


@pytest.fixture
def empty_database(postgres):
    name = postgres.create_database(template="template0")
    yield name
    postgres.drop_database(name)


def _secret(tmp_path, name: str, password: str) -> str:
    path = tmp_path / name
    path.write_text(password + "\nignored second line\n", encoding="utf-8")
    return str(path)


def _tcp(postgres, database: str, user: str, password_file: str) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(postgres.port), "--database", database, "--user", user,
            "--tls", "disable", "--password-file", password_file]


def _socket(postgres, database: str, user: str) -> list[str]:
    return ["--host", postgres.socket_dir, "--port", str(postgres.port), "--database", database, "--user", user,
            "--tls", "disable"]


def test_an_office_moves_to_the_server_and_a_staff_pc_connects_to_it(local_office, postgres, empty_database,
                                                                     tmp_path, capsys, mini_plan, clock):
    owner_file = _secret(tmp_path, "owner.txt", OWNER_PASSWORD)
    code = cds(["--lang", "en", "--data-dir", str(local_office), "office", "move-to-server",
                *_tcp(postgres, empty_database, OWNER, owner_file), "--staff-user", STAFF])
    out = capsys.readouterr().out
    assert code == 0 and "now uses the database" in out and "office-server.json" in out
    assert json.loads((local_office / "office-server.json").read_text("utf-8"))["user"] == STAFF
    assert (local_office / "cds.sqlite").is_file()

    code = cds(["--lang", "en", "office", "server", "check", *_tcp(postgres, empty_database, STAFF,
                                                                   _secret(tmp_path, "staff.txt", STAFF_PASSWORD)),
                "--json"])
    found = json.loads(capsys.readouterr().out)
    assert code == 0 and found["revision"] == head_revision() and found["may_migrate"] is False

    staff_pc = tmp_path / "staff-pc"
    code = cds(["--lang", "en", "office", "server", "connect", str(staff_pc),
                *_socket(postgres, empty_database, STAFF)])
    assert code == 0 and "now uses this shared database" in capsys.readouterr().out
    office = OfficeService(DataDir(staff_pc), PlanCatalog([mini_plan]), clock)
    try:
        assert office.identity().code == "68" and office.root_fingerprint()
    finally:
        office.close()


def test_a_wrong_password_is_said_in_plain_words_and_no_option_takes_a_password(postgres, empty_database, tmp_path,
                                                                                capsys):
    code = cds(["--lang", "en", "office", "server", "check",
                *_tcp(postgres, empty_database, OWNER, _secret(tmp_path, "wrong.txt", "not-it")), "--json"])
    captured = capsys.readouterr()
    assert code == 1 and json.loads(captured.out)["error"]["code"] == "server.wrong_password"
    assert "not-it" not in captured.out + captured.err
    code = cds(["office", "server", "check", "--host", "127.0.0.1", "--database", empty_database, "--user", OWNER,
                "--password", "not-it"])
    assert code == 2


def test_upgrade_needs_the_owner_and_then_migrates_and_grants(postgres, empty_database, tmp_path, capsys):
    engine = server_engine(ServerSettings(postgres.socket_dir, empty_database, OWNER, postgres.port, "disable"))
    try:
        migrate(engine, "0004")  # an office of an older release, its staff granted then
        grant_staff_access(engine, STAFF)
    finally:
        engine.dispose()
    code = cds(["--lang", "en", "office", "server", "upgrade", *_socket(postgres, empty_database, STAFF), "--json"])
    assert code == 1 and json.loads(capsys.readouterr().out)["error"]["code"] == "server.needs_owner"
    code = cds(["--lang", "en", "office", "server", "upgrade", *_socket(postgres, empty_database, OWNER),
                "--staff-user", STAFF, "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["revision"] == head_revision()
    code = cds(["--lang", "en", "office", "server", "check", *_socket(postgres, empty_database, STAFF)])
    out = capsys.readouterr().out
    assert code == 0 and head_revision() in out and "cannot upgrade" in out


def test_a_backup_is_restored_into_an_empty_database(local_office, postgres, empty_database, tmp_path, capsys):
    assert cds(["--data-dir", str(local_office), "backup", "create", str(tmp_path / "usb"), "--json"]) == 0
    folder = json.loads(capsys.readouterr().out)["folder"]
    code = cds(["--lang", "en", "office", "server", "restore", folder, *_socket(postgres, empty_database, OWNER),
                "--json"])
    restored = json.loads(capsys.readouterr().out)
    assert code == 0 and restored["rows"]["office_commune"] == 1 and restored["keys"] == 0  # sealed already
    code = cds(["--lang", "en", "office", "server", "restore", folder, *_socket(postgres, empty_database, OWNER)])
    assert code == 1 and "is not empty" in capsys.readouterr().err
