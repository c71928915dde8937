"""Backing up a shared office while its server runs and others write (one REPEATABLE READ, READ ONLY snapshot
copied into the backup's cds.sqlite), and restoring such a backup into an empty database of the server."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from sqlalchemy import text
from support.postgres_server import OWNER, STAFF
from support.shared_office import OfficeStorage, settings_for

from cds_desktop.core.errors import SchemaTooNewError, StateError, StorageError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.backup import backup, inspect_backup, restore
from cds_desktop.core.services.office.server_move import connect_folder_to_server, restore_backup_to_server
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.storage.database import create_sqlite_engine
from cds_desktop.core.storage.folder_files import adopt_folder_files
from cds_desktop.core.storage.server import server_engine
from cds_desktop.core.storage.table_copy import verify_copy

from .conftest import EVIDENCE_PDF, P, Q1


@pytest.fixture
def office_storage(postgres):
    """The office is a shared one: its folder points at a new database of the session's server."""
    storage = OfficeStorage(postgres)
    yield storage
    storage.drop_databases()


@pytest.fixture
def empty_database(postgres):
    name = postgres.create_database(template="template0")
    yield settings_for(postgres, name, OWNER)
    postgres.drop_database(name)


@pytest.fixture
def shared(office, received, clock):
    """The shared office with its keys and evidence kept in its database, as every staff PC needs them."""
    with office.engine.begin() as connection:
        adopt_folder_files(office.data_dir.root, connection, clock())
    return office


def test_a_shared_office_is_backed_up_while_in_use_and_restored_into_an_empty_database_equal_table_by_table(
        shared, empty_database, tmp_path, mini_plan, clock):
    office = shared
    writer = office.engine.connect()  # another staff PC, in the middle of a write
    busy = writer.begin()
    writer.execute(text("UPDATE office_identity SET name = 'đang sửa' WHERE id = 1"))
    seen = []
    try:
        info = backup(office, tmp_path / "backups", progress=lambda done, total: seen.append((done, total)))
    finally:
        busy.rollback()
        writer.close()
    assert info.installation.name == "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"  # not the uncommitted change
    assert inspect_backup(info.folder) == info and seen and all(done <= total for done, total in seen)
    assert info.evidence_count == 0 and not (info.folder / "evidence").exists()  # it is in the database

    restored = restore_backup_to_server(info.folder, empty_database, staff_role=STAFF)
    assert restored.rows["submission"] == 1 and restored.rows["receipt_issued"] == 1
    assert restored.files.missing_evidence == ()
    original, copy = office.engine, server_engine(empty_database)
    try:
        with original.connect() as left, copy.connect() as right:
            digests = verify_copy(left, right)  # every table equal, evidence and keys included
        assert digests["evidence_content"].rows == 1 and digests["office_key"].rows == 2
    finally:
        copy.dispose()

    staff_pc = tmp_path / "staff-pc"
    connect_folder_to_server(staff_pc, empty_database.with_user(STAFF))
    reopened = OfficeService(DataDir(staff_pc), PlanCatalog([mini_plan]), clock)
    try:
        submission = reopened.submission("24751", P, Q1)
        assert reopened.submission_values(submission.id)["1a"]["numerator"] == "60"
    finally:
        reopened.close()


def test_the_backup_of_a_shared_office_holds_its_database_as_a_self_contained_sqlite_file(shared, tmp_path):
    office = shared
    info = backup(office, tmp_path / "backups")
    assert not (info.folder / "cds.sqlite-wal").exists()
    snapshot = create_sqlite_engine(info.folder / "cds.sqlite", "ro", immutable=True)
    try:
        with office.engine.connect() as left, snapshot.connect() as right:
            verify_copy(left, right)
    finally:
        snapshot.dispose()


def test_a_backup_is_restored_only_into_an_empty_database_and_only_by_its_owner(
        shared, empty_database, tmp_path):
    info = backup(shared, tmp_path / "backups")
    with pytest.raises(StorageError) as caught:
        restore_backup_to_server(info.folder, empty_database.with_user(STAFF))
    assert caught.value.code == "server.needs_owner"
    restore_backup_to_server(info.folder, empty_database)
    with pytest.raises(StateError) as caught:
        restore_backup_to_server(info.folder, empty_database)
    assert caught.value.code == "server_move.database_not_empty"


def test_a_staff_pc_is_pointed_only_at_a_database_holding_an_office(office, received, empty_database, tmp_path):
    with pytest.raises(StateError) as caught:
        connect_folder_to_server(tmp_path / "staff-pc", empty_database)
    assert caught.value.code == "server_move.no_office"
    assert not (tmp_path / "staff-pc" / "office-server.json").exists()
    with pytest.raises(Exception) as caught:
        connect_folder_to_server(office.data_dir.root.parent / "data", empty_database)  # the commune's folder
    assert getattr(caught.value, "code", None) == "server_move.folder_has_data"


def test_a_staff_pc_is_not_pointed_at_an_office_of_a_newer_app(postgres, tmp_path):
    settings = settings_for(postgres, postgres.create_database(), OWNER)
    engine = server_engine(settings)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO office_identity (id, code, name, level, list_version, created_at) "
                                    "VALUES (1, '68', 'Sở KHCN', 'province', 0, now())"))
        connect_folder_to_server(tmp_path / "today", settings)  # an office of this app: taken
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    finally:
        engine.dispose()
    with pytest.raises(SchemaTooNewError) as caught:
        connect_folder_to_server(tmp_path / "staff-pc", settings)
    assert caught.value.code == "storage.schema_too_new" and not (tmp_path / "staff-pc").exists()
    postgres.drop_database(settings.database)


def test_a_shared_office_backup_restored_onto_one_pc_keeps_its_evidence_as_files(shared, tmp_path, mini_plan,
                                                                                 clock):
    sha256 = shared.submission_evidence(shared.submission("24751", P, Q1).id)[0].sha256
    info = backup(shared, tmp_path / "backups")
    assert info.evidence_count == 0  # the evidence travels in the backup's database

    one_pc = DataDir(tmp_path / "one-pc")
    restore(one_pc, info.folder)
    assert (one_pc.evidence / sha256[:2] / sha256).read_bytes() == EVIDENCE_PDF
    with sqlite3.connect(one_pc.database) as connection:
        assert connection.execute("SELECT count(*) FROM evidence_content").fetchone() == (0,)
    office = OfficeService(one_pc, PlanCatalog([mini_plan]), clock)
    try:
        evidence = office.submission_evidence(office.submission("24751", P, Q1).id)[0]
        saved = office.save_evidence(evidence.id, tmp_path / "saved.pdf")
        assert saved.read_bytes() == EVIDENCE_PDF
        again = backup(office, tmp_path / "backups-one-pc")  # and its own backups now carry the file
        assert again.evidence_count == 1
    finally:
        office.close()


def test_evidence_altered_in_a_shared_office_backup_is_refused_on_one_pc_and_nothing_is_restored(
        shared, tmp_path):
    info = backup(shared, tmp_path / "backups")
    with sqlite3.connect(info.folder / "cds.sqlite") as connection:
        connection.execute("UPDATE evidence_content SET content = ?", (b"%PDF-1.4 forged",))
    manifest = json.loads((info.folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:  # a forger's manifest: the unsigned hashes recomputed
        data = (info.folder / entry["path"]).read_bytes()
        entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    (info.folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    one_pc = DataDir(tmp_path / "one-pc")
    with pytest.raises(StorageError) as caught:
        restore(one_pc, info.folder)
    assert caught.value.code == "backup.file_altered" and "evidence_content" in caught.value.params["path"]
    assert not one_pc.database.exists()  # nothing restored: the staging folder went with the refusal
    assert not one_pc.evidence.exists() or not any(one_pc.evidence.rglob("*"))
