"""storage/table_copy between a real SQLite file and a real PostgreSQL database: a copy proves equal, any changed,
missing or extra row is named by its table, the revisions must match, a cancelled copy leaves nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from support.postgres_server import OWNER
from support.shared_office import settings_for

from cds_desktop.core.progress import CancelToken, Cancelled
from cds_desktop.core.storage.database import create_sqlite_engine, migrate
from cds_desktop.core.storage.server import server_engine
from cds_desktop.core.storage.table_copy import (
    SchemaRevisionMismatch,
    TableCopyMismatch,
    copy_tables,
    table_digests,
    verify_copy,
)

OFFICE_FIXTURE = Path(__file__).parents[2] / "fixtures" / "databases" / "office-schema-0004.sqlite"


@pytest.fixture
def engines(postgres, tmp_path):
    """(an office database on SQLite at the newest schema, with data; an empty PostgreSQL one at the same)."""
    shutil.copy(OFFICE_FIXTURE, tmp_path / "cds.sqlite")
    local = create_sqlite_engine(tmp_path / "cds.sqlite")
    migrate(local)
    name = postgres.create_database(template="template0")
    server = server_engine(settings_for(postgres, name, OWNER))
    migrate(server)
    yield local, server
    local.dispose()
    server.dispose()
    postgres.drop_database(name)


def _copied(local, server) -> None:
    with local.connect() as source, server.begin() as target:
        copy_tables(source, target)


@pytest.mark.parametrize("change, code", [
    ("UPDATE submission_indicator SET numerator = '61' WHERE id = 1", "content_differs"),
    ("UPDATE receipt_issued SET issued_at = issued_at + interval '1 second'", "content_differs"),
    ("DELETE FROM submission_problem", "rows_differ"),
    ("INSERT INTO office_builtin_plan (plan_id, accepted, changed_at) VALUES ('x', true, now())", "rows_differ"),
])
def test_a_copy_is_proved_equal_and_any_difference_is_named_by_its_table(engines, change, code):
    local, server = engines
    _copied(local, server)
    with local.connect() as left, server.connect() as right:
        digests = verify_copy(left, right)
    assert digests["submission"].rows == 1 and digests["receipt_issued"].rows == 1
    table = change.split()[2 if change.startswith(("DELETE", "INSERT")) else 1]
    with server.begin() as connection:
        connection.execute(text(change))
    with pytest.raises(TableCopyMismatch) as caught, local.connect() as left, server.connect() as right:
        verify_copy(left, right)
    assert (caught.value.code, caught.value.params["table"]) == (f"server_move.{code}", table)


def test_times_booleans_bytes_and_numbers_hash_the_same_on_both_engines(engines):
    local, server = engines
    _copied(local, server)
    with local.connect() as left, server.connect() as right:
        on_sqlite, on_postgresql = table_digests(left), table_digests(right)
    assert on_sqlite == on_postgresql and on_sqlite["alembic_version"].rows == 1


def test_copying_between_two_revisions_is_refused(engines, postgres):
    local, _ = engines
    name = postgres.create_database(template="template0")
    older = server_engine(settings_for(postgres, name, OWNER))
    try:
        migrate(older, "0004")
        with pytest.raises(SchemaRevisionMismatch), local.connect() as source, older.begin() as target:
            copy_tables(source, target)
    finally:
        older.dispose()
        postgres.drop_database(name)


def test_a_cancelled_copy_leaves_the_target_as_it_was(engines):
    local, server = engines
    token = CancelToken()
    with server.connect() as before:
        was = table_digests(before)
    with pytest.raises(Cancelled), local.connect() as source, server.begin() as target:
        copy_tables(source, target, lambda done, total: token.cancel(), token, batch=1)
    with server.connect() as after:
        assert table_digests(after) == was
