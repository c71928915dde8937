"""Temporaries that can be told abandoned (``core/fileio.py``) and the start-up clean-up of a data folder
(``storage/data_folder.py``): what a dead process left goes, what a live one is writing stays."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from cds_desktop.core.fileio import atomic_writer, create_owned_folder, sweep_abandoned, write_atomic
from cds_desktop.core.paths import DataDir
from cds_desktop.core.storage.data_folder import clean_up, remember_work_folder


_HELD: list = []  # what a child keeps open until it is killed


def _in_child(work) -> int:
    """Fork a child that runs ``work()`` and then waits to be killed; returns its pid once ``work`` is done."""
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_read)
        try:
            work()
            os.write(ready_write, b"x")
            time.sleep(60)
        finally:
            os._exit(0)
    os.close(ready_write)
    assert os.read(ready_read, 1) == b"x"
    os.close(ready_read)
    return pid


def _end(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_temporary_file_is_removed_only_once_its_writer_is_dead(tmp_path):
    def write_forever():
        _HELD.append(atomic_writer(tmp_path / "report.pdf"))
        _HELD[-1].__enter__().write(b"%PDF half")  # never finished: the process is killed with it open

    writer = _in_child(write_forever)
    (temporary,) = tmp_path.glob(".report.pdf.*.part")
    assert sweep_abandoned(tmp_path, ["*.part"]) == []  # its writer is alive: left alone
    assert temporary.exists()
    _end(writer)
    assert sweep_abandoned(tmp_path, ["*.part"]) == [temporary]
    assert list(tmp_path.iterdir()) == []


def test_a_working_folder_is_removed_only_once_its_owner_is_dead(tmp_path):
    made: list[Path] = []

    def own_forever():
        _HELD.append(create_owned_folder(tmp_path, ".CDS-backup-", ".partial"))
        (_HELD[-1].path / "cds.sqlite").write_bytes(b"half a backup")

    owner = _in_child(own_forever)
    (folder,) = tmp_path.glob(".CDS-backup-*.partial")
    assert sweep_abandoned(tmp_path, [".CDS-backup-*.partial"]) == []
    _end(owner)
    made.append(folder)
    assert sweep_abandoned(tmp_path, [".CDS-backup-*.partial"]) == made
    assert list(tmp_path.iterdir()) == []  # its ownership sidecar went with it


def test_what_older_versions_left_is_removed(tmp_path):
    data = DataDir(tmp_path / "data").ensure()
    legacy = [data.evidence / "incoming-0123456789abcdef0123456789abcdef.part",
              data.evidence / ".incoming-0123.part.x1y2z3.part", data.quarantine / "0123456789abcdef0123456789abcdef",
              data.root / ".restore-0123456789abcdef0123456789abcdef", data.keys / ".commune-x.key.ab12.part"]
    for path in legacy:
        if path.suffix == ".part":
            path.write_bytes(b"left by a crash")
        else:
            path.mkdir()
            (path / "evidence.pdf").write_bytes(b"decrypted evidence")
    kept = [data.evidence / "ab" / ("ab" + "0" * 62), data.root / "backups" / "before-restore-20260101-000000"]
    kept[0].parent.mkdir()
    kept[0].write_bytes(b"stored evidence")
    kept[1].mkdir()
    assert sorted(clean_up(data)) == sorted(legacy)
    assert all(path.exists() for path in kept)


def test_abandoned_temporaries_in_registered_folders_outside_the_data_folder_are_removed(tmp_path):
    data = DataDir(tmp_path / "data").ensure()
    usb = tmp_path / "usb"
    usb.mkdir()
    remember_work_folder(data, usb)

    def own_forever():
        _HELD.append(create_owned_folder(usb, ".CDS-backup-", ".partial"))
        write_atomic(usb / "other.txt", b"finished")  # a finished write leaves nothing behind
        _HELD.append(atomic_writer(usb / "24751_mini-plan_2023Q1_r1.cdsb"))
        _HELD[-1].__enter__().write(b"CDSB half")

    owner = _in_child(own_forever)
    live = sorted(p.name for p in usb.iterdir())
    assert clean_up(data) == [] and sorted(p.name for p in usb.iterdir()) == live
    _end(owner)
    assert len(clean_up(data)) == 2
    assert sorted(p.name for p in usb.iterdir()) == ["other.txt"]
    clean_up(data)  # nothing left there: the folder is forgotten
    assert not (data.root / "work-folders.json").read_text(encoding="utf-8").count(str(usb))
