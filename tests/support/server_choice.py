"""What the shared-office set-up tests share (``tests/ui/test_server_choice.py``, ``tests/core/test_server_setup.py``):
settings of the ``postgres`` fixture's server through its socket (no password) or 127.0.0.1 (passwords checked), an
empty database, an office set up in a database, the office's set-up answers, and a look for a secret in files.

The fixtures are imported by the modules that use them (``from support.server_choice import empty_database  # noqa``);
``no_password_file`` is autouse there: libpq then reads no password file of the machine running the tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.postgres_server import OWNER, STAFF
from support.set_up import OFFICE_NAME

from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import NewUser
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.core.services.setup import OfficeSetup
from cds_desktop.core.storage.server import ServerSettings, write_server_settings

PASSPHRASE = "Khoa cua So KHCN Lam Dong 2025"
ADMIN_PASSWORD = "Quan tri so KHCN 2025"


@pytest.fixture(autouse=True)
def no_password_file(monkeypatch, tmp_path):
    """libpq reads no password file of the machine running the tests: a password is typed or missing."""
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


@pytest.fixture
def empty_database(postgres):
    """A new, empty database owned by the owner role (as IT staff make one for a new shared office)."""
    name = postgres.create_database(template="template0")
    yield name
    postgres.drop_database(name)


def socket_settings(postgres, database: str, user: str = OWNER) -> ServerSettings:
    return ServerSettings(host=postgres.socket_dir, port=postgres.port, database=database, user=user, tls="disable")


def tcp_settings(postgres, database: str, user: str = STAFF) -> ServerSettings:
    """Through 127.0.0.1, where the server checks passwords."""
    return ServerSettings(host="127.0.0.1", port=postgres.port, database=database, user=user, tls="disable")


def folder_on_server(postgres, folder: Path, settings_of) -> ServerSettings:
    """A staff PC's folder of a new office database (a copy of the migrated template, the staff role granted)."""
    settings = settings_of(postgres, postgres.create_database())
    folder.mkdir(parents=True, exist_ok=True)
    write_server_settings(folder, settings)
    return settings


@pytest.fixture
def server_office(postgres, tmp_path, clock):
    """An office set up in a database of the server, its folder naming the server's socket as the owner."""
    folder = tmp_path / "office-pc"
    settings = folder_on_server(postgres, folder, socket_settings)
    office = OfficeService(DataDir(folder), PlanCatalog([]), clock)
    office.init_office("68", OFFICE_NAME, "province", PASSPHRASE)
    yield office, settings
    office.close()
    postgres.drop_database(settings.database)


def office_setup() -> OfficeSetup:
    """The set-up answers of Lâm Đồng's office: one commune, one person who administers and decides."""
    return OfficeSetup("vi", "province", "68", "68", OFFICE_NAME, "68", ("24751",), None,
                       (NewUser("quan.tri", "Tran Van Quan", frozenset({Role.ADMIN, Role.HEAD}), ADMIN_PASSWORD),),
                       PASSPHRASE)


def files_hold(folder: Path, secret: str) -> list[Path]:
    """The files under ``folder`` in which ``secret`` is written."""
    return [path for path in folder.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()]
