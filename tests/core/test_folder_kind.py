"""The kind of a data folder, decided by the core from what is in it, on real folders made by the real services;
and the set-up that refuses every folder but a new one (the wizard once replaced an office's database)."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from cds_desktop.core.errors import StateError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.service import CommuneService, open_commune_service
from cds_desktop.core.services.setup import needs_setup, require_folder_kind, require_folder_to_initialise
from cds_desktop.core.storage.database import open_database
from cds_desktop.core.storage.peek import FolderKind, folder_kind, holds_data
from support.folders import copy_of


def _digest(folder):
    """Every file's content (SQLite's ``-wal``/``-shm`` side files, made by any reader of a WAL database, aside)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def test_an_office_made_by_the_office_service_is_an_office(tmp_path):
    office = copy_of("office", tmp_path / "office")
    assert folder_kind(office) is FolderKind.OFFICE and holds_data(office)
    assert not needs_setup(DataDir(office))


def test_a_commune_made_by_the_commune_service_is_a_commune(tmp_path):
    commune = copy_of("commune", tmp_path / "commune")
    assert folder_kind(commune) is FolderKind.COMMUNE and holds_data(commune)


def test_new_folders(tmp_path):
    assert folder_kind(tmp_path / "missing") is FolderKind.NEW
    (tmp_path / "empty").mkdir()
    assert folder_kind(tmp_path / "empty") is FolderKind.NEW
    skeleton = DataDir(tmp_path / "skeleton").ensure()
    (skeleton.root / "desktop.ini").write_text("[.ShellClassInfo]", encoding="utf-8")  # Windows' own litter
    (skeleton.logs / "cds-desktop.log").write_text("started", encoding="utf-8")
    assert folder_kind(skeleton.root) is FolderKind.NEW
    open_database(skeleton.database).dispose()  # the app opened once, set-up cancelled: schema, no identity
    assert folder_kind(skeleton.root) is FolderKind.NEW and not holds_data(skeleton.root)
    (tmp_path / "zero").mkdir()
    (tmp_path / "zero" / "cds.sqlite").touch()
    assert folder_kind(tmp_path / "zero") is FolderKind.NEW


def test_a_folder_with_other_files_and_no_database_is_not_a_cds_folder(tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "báo cáo.docx").write_bytes(b"PK\x03\x04")
    assert folder_kind(tmp_path / "documents") is FolderKind.NOT_CDS
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert folder_kind(tmp_path / "a-file") is FolderKind.NOT_CDS
    other = tmp_path / "other-program"
    other.mkdir()
    with sqlite3.connect(other / "cds.sqlite") as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    assert folder_kind(other) is FolderKind.NOT_CDS


def test_damaged_folders(tmp_path):
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "cds.sqlite").write_bytes(b"not a database at all" * 100)
    assert folder_kind(garbage) is FolderKind.DAMAGED
    cut = copy_of("commune", tmp_path / "cut")
    data = (cut / "cds.sqlite").read_bytes()
    (cut / "cds.sqlite").write_bytes(data[:100] + b"\x00" * 4000)  # the header survives, the pages do not
    assert folder_kind(cut) is FolderKind.DAMAGED
    both = copy_of("office", tmp_path / "both")
    with sqlite3.connect(both / "cds.sqlite") as connection:  # the office database also given a commune's unit
        connection.execute("ATTACH DATABASE ? AS commune", (str(copy_of("commune", tmp_path / "c") / "cds.sqlite"),))
        connection.execute("INSERT INTO unit SELECT * FROM commune.unit")
    assert folder_kind(both) is FolderKind.DAMAGED
    orphan = copy_of("commune", tmp_path / "orphan")
    with sqlite3.connect(orphan / "cds.sqlite") as connection:
        connection.execute("DELETE FROM unit")
    assert folder_kind(orphan) is FolderKind.DAMAGED  # data without an identity: never set up over it


@pytest.mark.parametrize(("kind", "code"), [("office", "folder.office"), ("commune", "setup.already_done")])
def test_set_up_refuses_an_existing_folder_and_changes_nothing(tmp_path, kind, code):
    from support.set_up import ADMIN, LEADER
    from cds_desktop.core.services.setup import CommuneSetup, set_up_commune

    folder = copy_of(kind, tmp_path / kind)
    before = _digest(folder)
    answers = CommuneSetup("vi", "68", "24751", "Xã Nhân Cơ", None, None, (ADMIN, LEADER), "khóa ký xã Nhân Cơ 2025")
    with pytest.raises(StateError) as caught:
        set_up_commune(DataDir(folder), answers)
    assert caught.value.code == code
    assert _digest(folder) == before  # no backup taken, no database replaced, no staging folder


def test_set_up_refuses_a_foreign_and_a_damaged_folder(tmp_path):
    from support.set_up import ADMIN, LEADER
    from cds_desktop.core.services.setup import CommuneSetup, set_up_commune

    answers = CommuneSetup("vi", "68", "24751", "Xã Nhân Cơ", None, None, (ADMIN, LEADER), "khóa ký xã Nhân Cơ 2025")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thư.txt").write_text("riêng", encoding="utf-8")
    with pytest.raises(StateError) as caught:
        set_up_commune(DataDir(documents), answers)
    assert caught.value.code == "folder.not_cds" and sorted(p.name for p in documents.iterdir()) == ["thư.txt"]
    assert "không phải thư mục dữ liệu" in caught.value.message("vi") and "not a CDS" in caught.value.message("en")


def test_initialising_allows_a_new_folder_or_the_same_kind_without_data(tmp_path, mini_plan):
    require_folder_to_initialise(DataDir(tmp_path / "new"), FolderKind.COMMUNE)
    fresh = CommuneService(DataDir(tmp_path / "fresh"), PlanCatalog([mini_plan]))
    fresh.init_commune("68", "24751", "Xã Nhân Cơ")
    fresh.close()
    require_folder_to_initialise(fresh.data_dir, FolderKind.COMMUNE)  # its identity may still be corrected
    with pytest.raises(StateError) as caught:
        require_folder_to_initialise(fresh.data_dir, FolderKind.OFFICE)
    assert caught.value.code == "folder.commune"
    with pytest.raises(StateError) as caught:
        require_folder_to_initialise(DataDir(copy_of("commune", tmp_path / "used")), FolderKind.COMMUNE)
    assert caught.value.code == "folder.has_data"
    with pytest.raises(StateError) as caught:
        require_folder_to_initialise(DataDir(copy_of("office", tmp_path / "office")), FolderKind.COMMUNE)
    assert caught.value.code == "folder.office"


def test_using_a_folder_refuses_only_foreign_and_damaged_ones(tmp_path):
    for kind in ("office", "commune"):
        assert require_folder_kind(DataDir(copy_of(kind, tmp_path / kind)), FolderKind.NEW, FolderKind.COMMUNE,
                                   FolderKind.OFFICE).value == kind
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / "cds.sqlite").write_bytes(b"\x00" * 512)
    with pytest.raises(StateError) as caught:
        require_folder_kind(DataDir(tmp_path / "damaged"), FolderKind.NEW, FolderKind.COMMUNE)
    assert caught.value.code == "folder.damaged"
    assert open_commune_service(copy_of("commune", tmp_path / "again")).close() is None
