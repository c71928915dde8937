"""Alembic migrations on PostgreSQL from every released schema: each fixture database (tests/fixtures/databases,
one per released schema) is copied into a server database at its revision, upgraded there to the newest schema, and
compared table by table with the same fixture upgraded on SQLite. Migrating needs the owner; the staff role can
neither migrate nor drop a table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from support.postgres_server import OWNER, STAFF
from support.shared_office import settings_for

from cds_desktop.core.errors import StorageError
from cds_desktop.core.storage.database import create_sqlite_engine, head_revision, migrate, stamped_revision
from cds_desktop.core.storage.server import grant_staff_access, open_server_database, server_engine, server_error
from cds_desktop.core.storage.table_copy import copy_tables, revision_of, verify_copy

FIXTURES = sorted((Path(__file__).parents[2] / "fixtures" / "databases").glob("*schema-*.sqlite"))


@pytest.fixture
def empty_database(postgres):
    name = postgres.create_database(template="template0")
    yield settings_for(postgres, name, OWNER)
    postgres.drop_database(name)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_every_released_schema_upgrades_on_postgresql_as_on_sqlite(fixture, empty_database, tmp_path):
    revision = stamped_revision(fixture, "ro")
    assert revision is not None and revision != head_revision()
    local_file = tmp_path / "cds.sqlite"
    shutil.copy(fixture, local_file)
    local, released, server = create_sqlite_engine(local_file), create_sqlite_engine(fixture, "ro"), \
        server_engine(empty_database)
    try:
        migrate(server, revision)
        with released.connect() as source, server.begin() as target:
            rows = copy_tables(source, target)
        assert sum(rows.values()) > 1  # the fixture's data, not only its stamp
        migrate(server)
        migrate(local)
        with local.connect() as on_sqlite, server.connect() as on_postgresql:
            assert revision_of(on_postgresql) == head_revision()
            verify_copy(on_sqlite, on_postgresql)
    finally:
        for engine in (local, released, server):
            engine.dispose()


def test_migrating_needs_the_owner_and_the_staff_role_cannot_drop_a_table(empty_database):
    owner = server_engine(empty_database)
    try:
        migrate(owner, "0004")
        grant_staff_access(owner, STAFF)
    finally:
        owner.dispose()
    staff = empty_database.with_user(STAFF)
    with pytest.raises(StorageError) as caught:
        open_server_database(staff)
    assert caught.value.code == "server.needs_owner"
    engine = server_engine(staff)
    try:
        with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
        assert server_error(refused.value, engine.url).code == "server.not_allowed"
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    finally:
        engine.dispose()
