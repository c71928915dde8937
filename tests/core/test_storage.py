"""The local store: migration on a fresh database, schema = models, SQLite settings, safety checks."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import cds_desktop.core.storage.exchange_models  # noqa: F401  (registers the tables)
import cds_desktop.core.storage.models  # noqa: F401
from cds_desktop.core.errors import SchemaTooNewError, StorageError
from cds_desktop.core.storage.database import head_revision, open_database


def test_fresh_database_is_migrated_to_head_in_wal_mode_with_foreign_keys(tmp_path):
    engine = open_database(tmp_path / "cds.sqlite", tmp_path / "backups")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision() == "0008"
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert not (tmp_path / "backups").exists()  # nothing to copy aside for a brand-new database


def test_migrated_schema_matches_the_models(tmp_path):
    engine = open_database(tmp_path / "cds.sqlite")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_history_is_append_only(tmp_path):
    engine = open_database(tmp_path / "cds.sqlite")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO period_record (plan_id, period_id, state, revision, updated_at) "
            "VALUES ('p', '2023', 'draft', 1, '2023-01-01')"))
        connection.execute(text(
            "INSERT INTO history (at, actor, period_ref, revision, item_code, field, old_value, new_value) "
            "VALUES ('2023-01-01', 'a', 1, 1, '1a', 'value', NULL, '5')"))
    for statement in ("UPDATE history SET new_value = '6'", "DELETE FROM history"):
        with pytest.raises(Exception, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))


def test_foreign_keys_are_enforced(tmp_path):
    engine = open_database(tmp_path / "cds.sqlite")
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO indicator_value (period_ref, indicator_code, updated_at, updated_by) "
                "VALUES (999, '1a', '2023-01-01', 'a')"))


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "cds.sqlite"
    open_database(path).dispose()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError) as caught:
        open_database(path, tmp_path / "backups")
    assert caught.value.code == "storage.schema_too_new"
    assert "9999" in caught.value.message("en") and "mới hơn" in caught.value.message("vi")
    assert path.read_bytes() == before


def test_existing_database_is_copied_aside_before_migrating(tmp_path):
    path = tmp_path / "cds.sqlite"
    with sqlite3.connect(path) as db:  # an existing database not yet at the current schema
        db.execute("CREATE TABLE legacy (x INTEGER)")
        db.execute("INSERT INTO legacy VALUES (42)")
    open_database(path, tmp_path / "backups").dispose()
    (backup,) = (tmp_path / "backups").glob("cds-*-before-empty.sqlite")
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT x FROM legacy").fetchone() == (42,)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "cds.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError) as caught:
        open_database(path)
    assert caught.value.code == "storage.not_a_database"


def test_every_released_schema_fixture_upgrades_with_its_data(tmp_path, mini_plan, clock):
    """One fixture database per released schema (tests/fixtures/databases/schema-NNNN.sqlite)."""
    import shutil
    from pathlib import Path

    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.plans.loader import PlanCatalog
    from cds_desktop.core.services.commune.service import CommuneService

    fixtures = sorted((Path(__file__).parents[1] / "fixtures" / "databases").glob("schema-*.sqlite"))
    assert fixtures, "no schema fixtures"
    for fixture in fixtures:
        data = DataDir(tmp_path / fixture.stem)
        data.ensure()
        shutil.copy(fixture, data.database)
        service = CommuneService(data, PlanCatalog([mini_plan]), clock)
        assert service.unit().name == "Xã Nhân Cơ"
        assert service.entries("mini-plan", "2023Q1").indicators["1a"].numerator == "812"
        assert [h.new_value for h in service.history("mini-plan", "2023Q1")] == ["812"]
        service.set_indicator("mini-plan", "2023Q1", "1a", {"numerator": "820"}, "minh")
        assert list(data.backups.glob("cds-*-before-*.sqlite")), "the old database was not copied aside"
        service.close()


def test_an_office_database_of_schema_0004_upgrades_and_ties_its_receipts_to_their_submissions(tmp_path, mini_plan,
                                                                                                 clock):
    """The office fixture (tests/fixtures/databases/office-schema-NNNN.sqlite): a submission and a receipt."""
    import shutil
    from pathlib import Path

    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.plans.loader import PlanCatalog
    from cds_desktop.core.services.office.service import OfficeService

    fixture = Path(__file__).parents[1] / "fixtures" / "databases" / "office-schema-0004.sqlite"
    data = DataDir(tmp_path / "office")
    data.ensure()
    shutil.copy(fixture, data.database)
    office = OfficeService(data, PlanCatalog([mini_plan]), clock)
    try:
        (submission,) = office.submissions()
        (receipt,) = office.receipts_issued("24751", "mini-plan", "2023Q1")
        assert (receipt.submission_id, receipt.decision, receipt.reason) == (submission.id, "returned",
                                                                             "Thiếu minh chứng")
        assert office.identity().province_code is None and office.identity().code == "68"
    finally:
        office.close()
