"""Backup, inspection, restore and the data folder's location, through the backup service's public API."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import pathlib
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from cds_desktop.core.errors import InputError, SchemaTooNewError, StateError, StorageError
from cds_desktop.core.paths import CONFIG_DIR_ENV, DataDir, remember_data_dir, remembered_data_dir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.progress import CancelToken, Cancelled
from cds_desktop.core.services.backup import backup, inspect_backup, move_data_dir, restore, switch_data_dir
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.storage.database import head_revision, stamped_revision

P, Q1 = "mini-plan", "2023Q1"
FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(autouse=True)
def _own_config(tmp_path, monkeypatch):
    """Never read or write the real per-user config."""
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "config"))


def _evidence(service, tmp_path, name: str, content: bytes, item="T1"):
    file = tmp_path / name
    file.write_bytes(content)
    service.add_evidence(P, Q1, item, file, "a")
    return hashlib.sha256(content).hexdigest()


def _filled(service, tmp_path):
    service.set_indicator(P, Q1, "1a", {"numerator": "812", "denominator": "1000"}, "a")
    sha = _evidence(service, tmp_path, "bien-ban.pdf", b"%PDF minh chung" * 500)
    (service.data_dir.keys / "commune-key.json").write_text('{"sealed": true}', encoding="utf-8")
    (service.data_dir.plans / "my-plan.yaml").write_text("id: my-plan\n", encoding="utf-8")
    return sha


def _reopen(root: Path, mini_plan, clock) -> CommuneService:
    return CommuneService(DataDir(root), PlanCatalog([mini_plan]), clock)


def _rewrite_manifest(folder: Path) -> None:
    """Recompute the manifest's hashes, as if the backup had been made with these files."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_backup_holds_database_evidence_keys_plans_and_a_manifest(service, tmp_path):
    sha = _filled(service, tmp_path)
    info = backup(service, tmp_path / "usb")
    assert info.folder.parent == tmp_path / "usb" and info.folder.name == "CDS-backup-24751-20230520-090000"
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == [info.folder.name]  # no temporary left
    stored = {p.relative_to(info.folder).as_posix() for p in info.folder.rglob("*") if p.is_file()}
    assert stored == {"cds.sqlite", "manifest.json", f"evidence/{sha[:2]}/{sha}", "keys/commune-key.json",
                      "plans/my-plan.yaml"}
    manifest = json.loads((info.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "cds-backup" and manifest["commune"]["code"] == "24751"
    assert manifest["schema_revision"] and manifest["created_at"] == "2023-05-20T09:00:00+07:00"
    assert {f["path"] for f in manifest["files"]} == stored - {"manifest.json"}
    again = inspect_backup(info.folder)
    assert again == info and (again.installation.name, again.evidence_count) == ("Xã Nhân Cơ", 1)
    assert manifest["format_version"] == 1 and again.installation.kind == "commune"  # older apps still read it
    assert backup(service, tmp_path / "usb").folder.name == info.folder.name + "-2"  # same second: no clash


def test_backup_while_another_connection_writes_is_a_consistent_snapshot(service, tmp_path, mini_plan, clock):
    for number in range(3):
        _evidence(service, tmp_path, f"old-{number}.pdf", f"old {number}".encode() * 100)
    writer = _reopen(service.data_dir.root, mini_plan, clock)
    written, copying = threading.Semaphore(0), threading.Event()
    stop = threading.Event()

    def keep_writing():
        number = 0
        copying.wait(60)
        while not stop.is_set():
            _evidence(writer, tmp_path, f"new-{number}.pdf", f"new {number}".encode() * 100, item="1a")
            writer.set_indicator(P, Q1, "1a", {"numerator": str(number)}, "b")
            written.release()
            number += 1

    def progress(done, total):
        if not copying.is_set():  # the snapshot is taken: let the other connection write meanwhile
            copying.set()
            assert written.acquire(timeout=60) and written.acquire(timeout=60)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        info = backup(service, tmp_path / "usb", progress)
    finally:
        stop.set()
        thread.join()
        writer.close()
    database = sqlite3.connect(info.folder / "cds.sqlite")
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    referenced = [row[0] for row in database.execute("SELECT sha256 FROM evidence_file")]
    database.close()
    assert len(referenced) >= 3 and info.missing_evidence == ()
    for sha in referenced:
        assert hashlib.sha256((info.folder / "evidence" / sha[:2] / sha).read_bytes()).hexdigest() == sha
    assert inspect_backup(info.folder).evidence_count == len(referenced)


def test_restore_brings_the_old_data_back_and_keeps_the_replaced_data_aside(service, tmp_path, mini_plan, clock):
    sha = _filled(service, tmp_path)
    info = backup(service, tmp_path / "usb")
    service.set_indicator(P, Q1, "1a", {"numerator": "999"}, "a")
    newer = _evidence(service, tmp_path, "moi.pdf", b"added after the backup")
    (service.data_dir.plans / "my-plan.yaml").unlink()
    root = service.data_dir.root
    service.close()

    restored = restore(DataDir(root), info.folder)
    assert restored.installation.code == "24751"
    reopened = _reopen(root, mini_plan, clock)
    try:
        assert reopened.entries(P, Q1).indicators["1a"].numerator == "812"
        assert {e.sha256 for e in reopened.evidence(P, Q1)} == {sha}
        assert all(e.path.is_file() for e in reopened.evidence(P, Q1))
        assert (root / "plans" / "my-plan.yaml").is_file() and (root / "keys" / "commune-key.json").is_file()
    finally:
        reopened.close()
    [aside] = list((root / "backups").glob("before-restore-*"))
    assert (aside / "evidence" / newer[:2] / newer).is_file()
    kept = _reopen(aside, mini_plan, clock)  # the replaced data is a complete data folder
    assert kept.entries(P, Q1).indicators["1a"].numerator == "999"
    kept.close()
    assert not [p for p in root.iterdir() if p.name.startswith(".restore")]


def test_restoring_an_older_schema_migrates_it_when_the_service_opens(service, tmp_path, mini_plan, clock):
    info = backup(service, tmp_path / "usb")
    shutil.copyfile(FIXTURES / "databases" / "schema-0001.sqlite", info.folder / "cds.sqlite")
    _rewrite_manifest(info.folder)
    root = service.data_dir.root
    service.close()
    restore(DataDir(root), info.folder)
    reopened = _reopen(root, mini_plan, clock)
    try:
        assert reopened.require_unit().name == "Xã Nhân Cơ"
        assert stamped_revision(root / "cds.sqlite") == head_revision()
    finally:
        reopened.close()
    assert list((root / "backups").glob("cds-*-before-0001.sqlite"))  # the usual copy before migrating


def test_an_altered_backup_is_refused_and_the_data_is_untouched(service, tmp_path, mini_plan, clock):
    sha = _filled(service, tmp_path)
    info = backup(service, tmp_path / "usb")
    stored = info.folder / "evidence" / sha[:2] / sha
    stored.write_bytes(stored.read_bytes()[:-1] + b"X")
    with pytest.raises(StorageError) as caught:
        inspect_backup(info.folder)
    assert caught.value.code == "backup.file_altered" and str(stored) in caught.value.message("en")
    service.set_indicator(P, Q1, "1a", {"numerator": "999"}, "a")
    root = service.data_dir.root
    service.close()
    with pytest.raises(StorageError):
        restore(DataDir(root), info.folder)
    reopened = _reopen(root, mini_plan, clock)
    assert reopened.entries(P, Q1).indicators["1a"].numerator == "999"
    reopened.close()
    assert list((root / "backups").glob("before-restore-*")) == []


@pytest.mark.parametrize("damage", ["no_manifest", "not_backup", "deleted_file", "newer_schema"])
def test_damaged_or_foreign_folders_are_refused_with_a_specific_code(service, tmp_path, damage):
    info = backup(service, tmp_path / "usb")
    if damage == "no_manifest":
        (info.folder / "manifest.json").unlink()
        expected = (InputError, "backup.manifest_missing")
    elif damage == "not_backup":
        (tmp_path / "photos").mkdir()
        info = type(info)(**{**info.__dict__, "folder": tmp_path / "photos"})
        expected = (InputError, "backup.not_a_backup")
    elif damage == "deleted_file":
        (info.folder / "cds.sqlite").unlink()
        expected = (StorageError, "backup.file_missing")
    else:
        database = sqlite3.connect(info.folder / "cds.sqlite")
        database.execute("UPDATE alembic_version SET version_num = '9999'")
        database.commit()
        database.close()
        _rewrite_manifest(info.folder)
        expected = (SchemaTooNewError, "backup.schema_too_new")
    with pytest.raises(expected[0]) as caught:
        inspect_backup(info.folder)
    assert caught.value.code == expected[1]


def test_a_full_disk_leaves_no_partial_backup(service, tmp_path, monkeypatch):
    _filled(service, tmp_path)
    destination = tmp_path / "usb"
    real_open = pathlib.Path.open

    def full_disk(self, mode="r", *args, **kwargs):
        if "w" in mode and destination in self.parents:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", full_disk)
    with pytest.raises(StorageError) as caught:
        backup(service, destination)
    assert caught.value.code == "backup.disk_full"
    assert list(destination.iterdir()) == []


def test_an_unwritable_destination_is_named(service, tmp_path, monkeypatch):
    real_mkdir = pathlib.Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.name.startswith(".CDS-backup-"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", refuse)
    with pytest.raises(StorageError) as caught:
        backup(service, tmp_path / "cd-rom")
    assert caught.value.code == "backup.not_writable" and "cd-rom" in caught.value.message("vi")


def test_cancelling_a_backup_or_a_restore_leaves_nothing(service, tmp_path, mini_plan, clock):
    _filled(service, tmp_path)
    token = CancelToken()

    def cancel_midway(done, total):
        if done:
            token.cancel()

    with pytest.raises(Cancelled):
        backup(service, tmp_path / "usb", cancel_midway, token)
    assert list((tmp_path / "usb").iterdir()) == []
    info = backup(service, tmp_path / "usb")
    service.set_indicator(P, Q1, "1a", {"numerator": "999"}, "a")
    root = service.data_dir.root
    service.close()
    token = CancelToken()
    with pytest.raises(Cancelled):
        restore(DataDir(root), info.folder, cancel_midway, token)
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []
    reopened = _reopen(root, mini_plan, clock)
    assert reopened.entries(P, Q1).indicators["1a"].numerator == "999"
    reopened.close()


def test_a_restore_failing_midway_rolls_back(service, tmp_path, mini_plan, clock, monkeypatch):
    _filled(service, tmp_path)
    info = backup(service, tmp_path / "usb")
    service.set_indicator(P, Q1, "1a", {"numerator": "999"}, "a")
    root = service.data_dir.root
    service.close()
    real_replace = os.replace

    def fail_on_keys(source, target):
        if Path(source).name == "keys" and ".restore-" in str(source):
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", fail_on_keys)
    with pytest.raises(StorageError) as caught:
        restore(DataDir(root), info.folder)
    assert caught.value.code == "backup.io"
    monkeypatch.setattr(os, "replace", real_replace)
    reopened = _reopen(root, mini_plan, clock)
    assert reopened.entries(P, Q1).indicators["1a"].numerator == "999"
    reopened.close()
    assert (root / "keys" / "commune-key.json").is_file() and (root / "plans" / "my-plan.yaml").is_file()
    assert list((root / "backups").glob("before-restore-*")) == []
    assert not [p for p in root.iterdir() if p.name.startswith(".restore")]


def test_restore_refuses_while_another_program_has_the_database_open(service, tmp_path):
    info = backup(service, tmp_path / "usb")
    service.set_indicator(P, Q1, "1a", {"numerator": "5"}, "a")  # the service is still open
    with pytest.raises(StateError) as caught:
        restore(service.data_dir, info.folder)
    assert caught.value.code == "backup.data_in_use"


def test_the_remembered_data_folder_round_trips_outside_the_database(tmp_path, monkeypatch):
    assert remembered_data_dir() is None
    remember_data_dir(tmp_path / "Dữ liệu CĐS")
    assert remembered_data_dir() == (tmp_path / "Dữ liệu CĐS").resolve()
    assert DataDir.resolve(None).root == (tmp_path / "Dữ liệu CĐS").resolve()
    assert DataDir.resolve(tmp_path / "other").root == (tmp_path / "other").resolve()  # --data-dir wins
    (tmp_path / "config" / "data-folder.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(StorageError) as caught:  # damaged: said, never a silent switch to another folder
        remembered_data_dir()
    assert caught.value.code == "data_folder.remembered_damaged"


def test_moving_the_data_folder_copies_it_remembers_it_and_leaves_the_old_one(service, tmp_path, mini_plan, clock):
    sha = _filled(service, tmp_path)
    old_root = service.data_dir.root
    moved = move_data_dir(service, tmp_path / "D" / "CDS")
    assert moved.root == (tmp_path / "D" / "CDS").resolve() and remembered_data_dir() == moved.root
    assert sorted(p.name for p in moved.root.iterdir()) == ["cds.sqlite", "evidence", "keys", "plans"]
    assert (old_root / "cds.sqlite").is_file()
    service.close()
    reopened = _reopen(moved.root, mini_plan, clock)
    try:
        assert reopened.entries(P, Q1).indicators["1a"].numerator == "812"
        assert [e.path.is_file() for e in reopened.evidence(P, Q1)] == [True] and (
            reopened.evidence(P, Q1)[0].sha256 == sha)
    finally:
        reopened.close()


def test_moving_refuses_unsuitable_folders_and_switching_uses_existing_data(service, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thu.docx").write_bytes(b"x")
    for target, code in ((tmp_path / "busy", "backup.folder_not_empty"),
                         (service.data_dir.root / "sub", "backup.folder_inside_data")):
        with pytest.raises(InputError) as caught:
            move_data_dir(service, target)
        assert caught.value.code == code
    other = move_data_dir(service, tmp_path / "other").root
    with pytest.raises(InputError) as caught:
        move_data_dir(service, other)
    assert caught.value.code == "backup.folder_has_data"
    remember_data_dir(tmp_path / "elsewhere")
    assert switch_data_dir(service, other).root == other and remembered_data_dir() == other
    with pytest.raises(InputError) as caught:
        switch_data_dir(service, tmp_path / "busy")
    assert caught.value.code == "backup.no_data_here"


def test_a_failed_move_leaves_nothing_and_remembers_nothing(service, tmp_path, monkeypatch):
    _filled(service, tmp_path)
    token = CancelToken()
    with pytest.raises(Cancelled):
        move_data_dir(service, tmp_path / "new", lambda done, total: token.cancel(), token)
    assert not (tmp_path / "new").exists() and remembered_data_dir() is None
