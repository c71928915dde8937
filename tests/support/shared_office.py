"""Offices on a real PostgreSQL server in tests: the session's server (``postgres_server``), a database of its own
for each office, and the office's data folder pointing there (``office-server.json``) as a staff PC's would."""

from __future__ import annotations

from pathlib import Path

from cds_desktop.core.storage.server import (
    ServerSettings,
    grant_staff_access,
    open_server_database,
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
