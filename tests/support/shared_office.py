"""Offices on a real PostgreSQL server in tests: the session's server (``postgres_server``), a database of its own
for each office, and the office's data folder pointing there (``office-server.json``) as a staff PC's would.

``OfficeStorage`` is what the ``office_storage`` fixture (tests/conftest.py) gives a test: where the offices it makes
keep their data — this PC (SQLite) or the session's server — and copies of offices built once per session
(``template``/``copy``: a folder copy, plus ``CREATE DATABASE … TEMPLATE`` on the server)."""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from cds_desktop.core.storage.server import (
    ServerSettings,
    grant_staff_access,
    open_server_database,
    read_server_settings,
    write_server_settings,
)
from support.postgres_server import OWNER, STAFF, TEMPLATE, PostgresServer


def start_server() -> PostgresServer:
    """A started server with the office roles and ``template_office`` migrated to the newest schema, the staff
    role granted its tables."""
    server = PostgresServer()
    server.start()
    try:
        server.set_up_roles()
        server.create_database(TEMPLATE, template="template0")
        engine = open_server_database(settings_for(server, TEMPLATE, OWNER))
        try:
            grant_staff_access(engine, STAFF)
        finally:
            engine.dispose()
    except BaseException:
        server.remove()
        raise
    return server


def settings_for(server: PostgresServer, database: str, user: str = STAFF) -> ServerSettings:
    return ServerSettings(host=server.socket_dir, port=server.port, database=database, user=user, tls="disable")


def point_folder_at_server(server: PostgresServer, folder: Path, user: str = STAFF) -> ServerSettings:
    """A new office database (a copy of the template) and ``folder`` made a staff PC's data folder for it."""
    settings = settings_for(server, server.create_database(), user)
    folder.mkdir(parents=True, exist_ok=True)
    write_server_settings(folder, settings)
    return settings


_TEMPLATES: dict[tuple[str, int], Path] = {}  # (name, id of the server or 0) → a built office's data folder


class OfficeStorage:
    """Where the offices a test makes keep their data: ``server`` None, this PC (SQLite); else the server."""

    def __init__(self, server: PostgresServer | None) -> None:
        self.server = server
        self.kind = "sqlite" if server is None else "postgresql"
        self.databases: list[str] = []

    def __call__(self, folder: Path) -> None:
        """Make ``folder`` a new office's data folder (SQLite: nothing to do until the office is set up)."""
        if self.server is not None:
            self.databases.append(point_folder_at_server(self.server, folder).database)

    def template(self, name: str, build: Callable[[Path], None]) -> Path:
        """The data folder of the office ``build(root)`` makes at ``root / "office"``, built once per session."""
        key = (name, id(self.server) if self.server is not None else 0)
        if key not in _TEMPLATES:
            root = Path(tempfile.mkdtemp(prefix=f"cds-{name}-{self.kind}-"))
            atexit.register(shutil.rmtree, root, ignore_errors=True)
            if self.server is not None:
                point_folder_at_server(self.server, root / "office")
            build(root)
            _TEMPLATES[key] = root / "office"
        return _TEMPLATES[key]

    def copy(self, template: Path, folder: Path) -> None:
        """``folder`` made a copy of the office at ``template`` (on the server: a copy of its database too)."""
        shutil.copytree(template, folder)
        if self.server is not None:
            settings = read_server_settings(template)
            database = self.server.create_database(template=settings.database)
            self.databases.append(database)
            write_server_settings(folder, dataclasses.replace(settings, database=database))

    def drop_databases(self) -> None:
        for database in self.databases:
            self.server.drop_database(database)
