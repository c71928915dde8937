"""A full disk, a read-only data folder and an unreadable evidence file, for real (``support/filesystems.py``):
reading keeps working, writing says what is wrong — the disk is full, the folder is read-only, the *source*
file cannot be read — and nothing is lost or left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest

from cds_desktop.core.errors import StorageError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.backup import backup, restore

from support.data_folders import P, Q1, approve, make_commune, make_exchange, open_commune
from support.filesystems import fill, give_to, read_only_view, shared_folder, small_disk, unreadable_file
from support.processes import CdsProcesses, cds_processes, integrity, temporaries  # noqa: F401


def _status(run) -> dict:
    assert run.code == 0 and not run.crashed, run
    return json.loads(run.stdout)


def test_a_full_disk_keeps_reading_and_says_the_disk_is_full(cds_processes, tmp_path):
    with small_disk(tmp_path / "disk", 8 * 1024) as disk:
        root = make_commune(disk / "data")
        data = ("--data-dir", str(root))
        assert cds_processes.run(*data, "entry", "set", P, Q1, "1a", "--numerator", "812", "--denominator",
                                 "1000").code == 0
        filler = fill(disk)
        status = _status(cds_processes.run(*data, "status", P, Q1, "--json"))
        assert status["indicators_answered"] == 1
        shown = cds_processes.run(*data, "history", P, Q1, "--json")
        assert shown.code == 0 and "812" in shown.stdout, shown
        refused = cds_processes.run(*data, "entry", "set", P, Q1, "1a", "--numerator", "900", "--json")
        assert refused.code == 1 and refused.error_code == "storage.disk_full", refused
        photo = tmp_path / "anh.jpg"
        photo.write_bytes(os.urandom(256 * 1024))
        refused = cds_processes.run(*data, "evidence", "add", P, Q1, "1a", str(photo), "--json")
        assert refused.code == 1 and refused.error_code == "storage.disk_full", refused
        said = cds_processes.run(*data, "entry", "set", P, Q1, "1a", "--numerator", "9").stderr
        assert "nothing was lost" in said.lower()
        filler.unlink()
        assert integrity(root / "cds.sqlite") == "ok"
        assert cds_processes.run(*data, "entry", "set", P, Q1, "1a", "--numerator", "900").code == 0
        assert cds_processes.run(*data, "evidence", "add", P, Q1, "1a", str(photo)).code == 0
        assert temporaries(root) == []


def test_a_nearly_full_disk_refuses_writes_cleanly_at_every_point(cds_processes, tmp_path):
    """Little space left: whichever write runs out — the evidence copy, the write-ahead log, the commit —
    the command says the disk is full (no traceback), keeps what was saved, and works once there is room."""
    text = "Kết quả triển khai nền tảng số tại xã, " * 170  # ~6,800 characters per field
    refusals = 0
    for leave in (0, 24 * 1024, 48 * 1024, 96 * 1024, 192 * 1024):
        with small_disk(tmp_path / f"disk-{leave}", 8 * 1024) as disk:
            root = make_commune(disk / "data")
            data = ("--data-dir", str(root))
            filler = fill(disk, leave)
            saving = cds_processes.run(*data, "task", "set", P, Q1, "T1", "--status", "in_progress", "--result", text,
                                       "--difficulties", text, "--proposals", text, "--json")
            context = f"{leave} bytes left: {saving}"
            assert not saving.crashed, context
            assert saving.code == 0 or saving.error_code == "storage.disk_full", context
            refusals += saving.code != 0
            filler.unlink()
            assert integrity(root / "cds.sqlite") == "ok", context
            again = cds_processes.run(*data, "task", "set", P, Q1, "T1", "--status", "in_progress", "--result", text)
            assert again.code == 0, f"{context}\n{again}"
            assert temporaries(root) == [], context
    assert refusals  # at least one size really ran out of space


def test_a_nearly_full_office_disk_rejects_an_import_cleanly_and_imports_it_later(cds_processes, tmp_path):
    from cds_desktop.core.services.commune.exchange import CommuneExchange
    from support.data_folders import PASS_COMMUNE

    setup = make_exchange(tmp_path / "setup")
    photo = tmp_path / "anh.jpg"
    photo.write_bytes(os.urandom(512 * 1024))
    service = open_commune(setup.commune)
    service.add_evidence(P, Q1, "1a", photo, "lan")
    service.close()
    approve(setup.commune)
    service = open_commune(setup.commune)
    bundle = CommuneExchange(service).export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich").path
    service.close()
    outcomes = set()
    for leave in (0, 64 * 1024, 256 * 1024, 768 * 1024):
        with small_disk(tmp_path / f"disk-{leave}", 12 * 1024) as disk:
            office = disk / "office"
            shutil.copytree(setup.office, office)
            command = ("--data-dir", str(office), "import", str(bundle), "--passphrase-file",
                       str(setup.office_passphrase_file), "--json")
            filler = fill(disk, leave)
            imported = cds_processes.run(*command)
            context = f"{leave} bytes left: {imported}"
            assert not imported.crashed, context
            if imported.code:
                outcomes_shown = json.loads(imported.stdout)
                assert isinstance(outcomes_shown, list), context  # one outcome per file, not a failed command
                assert outcomes_shown[0]["error"]["code"] == "storage.disk_full", context
            outcomes.add(imported.code)
            filler.unlink()
            assert integrity(office / "cds.sqlite") == "ok", context
            assert temporaries(office) == [], context
            again = cds_processes.run(*command)
            assert again.code == 0 and json.loads(again.stdout)[0]["status"] in ("accepted", "duplicate"), again
    assert 1 in outcomes  # at least one size really ran out of space


def test_a_read_only_data_folder_can_be_read_and_says_it_is_read_only(cds_processes, tmp_path):
    root = make_commune(tmp_path / "data")
    assert cds_processes.run("--data-dir", str(root), "entry", "set", P, Q1, "1a", "--numerator", "812",
                             "--denominator", "1000").code == 0
    photo = tmp_path / "anh.jpg"
    photo.write_bytes(b"\xff\xd8 anh" * 100)
    with read_only_view(root) as view:
        data = ("--data-dir", str(view))
        assert _status(cds_processes.run(*data, "status", P, Q1, "--json"))["indicators_answered"] == 1
        assert "812" in cds_processes.run(*data, "history", P, Q1).stdout
        for command in (("entry", "set", P, Q1, "1a", "--numerator", "900"),
                        ("evidence", "add", P, Q1, "1a", str(photo)), ("submit", P, Q1)):
            refused = cds_processes.run(*data, *command, "--json")
            assert refused.code == 1 and refused.error_code == "storage.read_only_folder", refused
        assert not (view / "cds.sqlite-wal").exists() and not (view / "cds.sqlite-shm").exists()


def test_a_read_only_folder_with_an_unfinished_write_ahead_log_shows_its_latest_data(cds_processes, tmp_path):
    """A crashed process leaves changes in ``cds.sqlite-wal``; read-only, the data shown must include them."""
    root = make_commune(tmp_path / "data")
    assert cds_processes.run("--data-dir", str(root), "entry", "set", P, Q1, "1a", "--numerator", "812",
                             "--denominator", "1000").code == 0
    pid = os.fork()
    if pid == 0:  # a process that writes and dies without closing the database (its log is not folded in)
        connection = sqlite3.connect(root / "cds.sqlite")
        connection.execute("UPDATE indicator_value SET numerator = '999' WHERE indicator_code = '1a'")
        connection.commit()
        os._exit(0)
    os.waitpid(pid, 0)
    assert (root / "cds.sqlite-wal").stat().st_size > 0
    with read_only_view(root) as view:
        shown = cds_processes.run("--data-dir", str(view), "entry", "set", P, Q1, "1a", "--numerator", "1", "--json")
        assert shown.error_code == "storage.read_only_folder", shown
        status = cds_processes.run("--data-dir", str(view), "validate", P, Q1, "--json")
        assert status.code in (0, 1) and not status.crashed, status
        connection = sqlite3.connect(f"{(view / 'cds.sqlite').as_uri()}?mode=ro", uri=True)
        assert connection.execute("SELECT numerator FROM indicator_value").fetchall() == [("999",)]
        connection.close()


def test_an_unreadable_evidence_file_is_named_as_the_source_not_the_store():
    shared = shared_folder()
    try:
        root = make_commune(shared / "data")
        source = shared / "bien-ban-mat.pdf"
        user = unreadable_file(source, b"%PDF bi mat" * 100)
        env = {"CDS_DESKTOP_CONFIG_DIR": str(shared / "config"), "CDS_DESKTOP_CACHE_DIR": str(shared / "cache"),
               "CDS_LANG": "en"}
        processes = CdsProcesses(shared / "runs", env)
        give_to(user, root, processes.workdir)
        refused = processes.run("--data-dir", str(root), "evidence", "add", P, Q1, "1a", str(source), "--json",
                                user=user)
        assert refused.code == 2 and refused.error_code == "evidence.unreadable", refused
        assert str(source) in refused.stderr and "incoming" not in refused.stderr
        assert temporaries(root) == [] and not list((root / "evidence").glob("??/*"))
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_a_restore_that_cannot_fit_is_refused_before_anything_is_copied(tmp_path):
    source = make_commune(tmp_path / "source")
    service = open_commune(source)
    video = tmp_path / "video.mp4"
    video.write_bytes(os.urandom(6 * 1024 * 1024))
    service.add_evidence(P, Q1, "T1", video, "lan")
    saved = backup(service, tmp_path / "usb")
    service.close()
    with small_disk(tmp_path / "disk", 4 * 1024) as disk:
        root = make_commune(disk / "data")
        with pytest.raises(StorageError) as caught:
            restore(DataDir(root), saved.folder)
        assert caught.value.code == "backup.disk_full"
        assert temporaries(root) == [] and not list(root.glob("backups/before-restore-*"))
        assert integrity(root / "cds.sqlite") == "ok"
