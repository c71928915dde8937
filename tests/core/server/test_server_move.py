"""Moving an office kept on one PC (SQLite) into an empty database of a real PostgreSQL server: copied, verified by
counts and content hashes before the switch, the SQLite file untouched; refusals and failures leave the data
folder as it was and the server database empty."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import inspect, text
from support.postgres_server import OWNER, STAFF
from support.shared_office import settings_for

from cds_desktop.core.errors import StateError, StorageError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.progress import CancelToken, Cancelled
from cds_desktop.core.services.office.server_move import STEPS, move_office_to_server
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.storage.server import server_engine

from .conftest import P, PDF, Q1


def _digest(path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture
def empty_database(postgres):
    name = postgres.create_database(template="template0")
    yield settings_for(postgres, name, OWNER)
    postgres.drop_database(name)


def _tables(settings) -> list[str]:
    engine = server_engine(settings)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_an_office_moves_to_the_server_verified_and_its_sqlite_file_is_left_as_it_was(
        office, received, empty_database, mini_plan, clock):
    folder = office.data_dir
    key_files = {p.name: p.read_bytes() for p in (folder.root / "keys").iterdir()}
    office.close()
    before = _digest(folder.database)
    seen = []

    moved = move_office_to_server(folder, empty_database, staff_role=STAFF, progress=lambda d, t: seen.append((d, t)))

    assert moved.rows["submission"] == 1 and moved.rows["receipt_issued"] == 1
    # an office made since 0008 has its keys sealed in its database already: only the evidence files move in
    assert (moved.files.keys, moved.files.evidence, moved.files.missing_evidence) == (0, 1, ())
    assert seen[-1] == (STEPS, STEPS) and all(t == STEPS for _, t in seen)
    assert _digest(folder.database) == before  # neither changed nor deleted
    assert json.loads((folder.root / "office-server.json").read_text("utf-8"))["user"] == STAFF
    engine = server_engine(empty_database)
    try:
        with engine.connect() as connection:
            sealed = dict(connection.execute(text("SELECT file_name, sealed FROM office_key")).all())
            content = connection.execute(text("SELECT content FROM evidence_content WHERE sha256 = :s"),
                                         {"s": received}).scalar_one()
            highest = connection.execute(text("SELECT max(id) FROM submission")).scalar_one()
            following = connection.execute(text("SELECT nextval(pg_get_serial_sequence('submission', 'id'))")).scalar()
    finally:
        engine.dispose()
    assert {name: bytes(value) for name, value in sealed.items()} == key_files
    assert bytes(content) == PDF and following > highest
    staff_pc = OfficeService(DataDir(folder.root), PlanCatalog([mini_plan]), clock)  # as the staff role
    try:
        submission = staff_pc.submission("24751", P, Q1)
        assert staff_pc.submission_values(submission.id)["1a"]["numerator"] == "60"
        (receipt,) = staff_pc.receipts_issued("24751", P, Q1)
        assert receipt.reason == "Thiếu số liệu"
    finally:
        staff_pc.close()


def test_a_database_that_is_not_empty_is_refused_before_anything_is_written(office, received, postgres):
    settings = settings_for(postgres, postgres.create_database(), OWNER)  # a migrated office database
    folder = office.data_dir
    office.close()
    tables = _tables(settings)
    with pytest.raises(StateError) as caught:
        move_office_to_server(folder, settings)
    assert caught.value.code == "server_move.database_not_empty"
    assert not (folder.root / "office-server.json").exists() and _tables(settings) == tables
    postgres.drop_database(settings.database)


def test_the_staff_role_cannot_move_an_office(office, received, empty_database):
    office.close()
    with pytest.raises(StorageError) as caught:
        move_office_to_server(office.data_dir, empty_database.with_user(STAFF))
    assert caught.value.code == "server.needs_owner"
    assert _tables(empty_database) == [] and not (office.data_dir.root / "office-server.json").exists()


def test_a_cancelled_move_leaves_the_folder_as_it_was_and_the_database_empty(office, received, empty_database):
    folder = office.data_dir
    office.close()
    before = _digest(folder.database)
    token = CancelToken()

    def cancel_midway(done, total):
        if done >= total // 2:
            token.cancel()

    with pytest.raises(Cancelled):
        move_office_to_server(folder, empty_database, progress=cancel_midway, cancel=token)
    assert _tables(empty_database) == []
    assert not (folder.root / "office-server.json").exists() and _digest(folder.database) == before


def test_a_damaged_evidence_file_stops_the_move_and_empties_the_database(office, received, empty_database):
    folder = office.data_dir
    office.close()
    office.evidence_store.path_of(received).write_bytes(PDF[:-1] + b"X")
    with pytest.raises(StorageError) as caught:
        move_office_to_server(folder, empty_database)
    assert caught.value.code == "server_move.evidence_damaged"
    assert _tables(empty_database) == [] and not (folder.root / "office-server.json").exists()


def test_a_folder_already_on_a_server_is_not_moved_again(office, received, empty_database):
    office.close()
    move_office_to_server(office.data_dir, empty_database)
    with pytest.raises(StateError) as caught:
        move_office_to_server(office.data_dir, empty_database)
    assert caught.value.code == "server_move.already_shared"


def test_a_database_that_cannot_be_emptied_again_is_reported_with_what_stopped_the_move(
        office, received, empty_database, monkeypatch):
    folder = office.data_dir
    office.close()
    office.evidence_store.path_of(received).write_bytes(b"altered")

    def server_gone(self, bind):
        raise ConnectionError("the server went away")

    monkeypatch.setattr("cds_desktop.core.services.office.server_move.MetaData.drop_all", server_gone)
    with pytest.raises(StorageError) as caught:
        move_office_to_server(folder, empty_database)
    assert caught.value.code == "server_move.left_filled"
    assert empty_database.database in caught.value.params["database"]
    assert str(office.evidence_store.path_of(received)) in caught.value.params["problem"]  # what stopped it
    assert _tables(empty_database) != [] and not (folder.root / "office-server.json").exists()
