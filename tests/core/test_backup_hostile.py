"""A backup folder is hostile input (item 8 of issue #16): a damaged manifest, missing or extra files, a huge
file, a link out of the folder, a database of the wrong kind — each refused with its own error, by checking
(``inspect_backup``, ``read_backup``) and by restoring, which leaves the data as it was. And a restore reads
every file once, with its progress counting that single pass."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from cds_desktop.core.errors import CdsError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.backup import backup, inspect_backup, read_backup, restore
from support.hostile import FIXED_CASES, hostile_bytes

P, Q1 = "mini-plan", "2023Q1"
MANIFEST_REFUSALS = {"backup.not_a_backup", "backup.manifest_damaged", "backup.format_too_new"}


def _made(service, tmp_path: Path):
    service.set_indicator(P, Q1, "1a", {"numerator": "812", "denominator": "1000"}, "a")
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF minh chung" * 500)
    service.add_evidence(P, Q1, "T1", evidence, "a")
    (service.data_dir.keys / "commune-key.json").write_text('{"sealed": true}', encoding="utf-8")
    return backup(service, tmp_path / "usb")


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _rewrite(folder: Path, change=None) -> None:
    """Recompute the listed hashes and sizes (a forger's manifest), after ``change(manifest)``."""
    manifest = _manifest(folder)
    if change is not None:
        change(manifest)
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if path.is_file() and path.stat().st_size < 64 * 1024 * 1024:
            data = path.read_bytes()
            entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _refused_everywhere(service, folder: Path) -> str:
    """The code every reader of ``folder`` refuses it with (the same for all); the data is untouched."""
    codes = set()
    service.close()  # a restore needs the data folder closed (the service reconnects when used again)
    for read in (inspect_backup, read_backup, lambda f: restore(service.data_dir, f)):
        with pytest.raises(CdsError) as caught:
            read(folder)
        assert caught.value.message("vi") and caught.value.message("en")
        codes.add(caught.value.code)
    assert len(codes) == 1, codes
    assert service.entries(P, Q1).indicators["1a"].numerator == "812"
    assert not [p for p in service.data_dir.root.iterdir() if p.name.startswith(".restore-")]
    return codes.pop()


@pytest.mark.parametrize("case", sorted(FIXED_CASES))
def test_a_damaged_manifest_is_refused(service, tmp_path, case):
    info = _made(service, tmp_path)
    (info.folder / "manifest.json").write_bytes(FIXED_CASES[case])
    assert _refused_everywhere(service, info.folder) in MANIFEST_REFUSALS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=hostile_bytes(b'{"format": "cds-backup", "format_version": 1, "files": [{"path": "cds.sqlite", '
                          b'"sha256": "' + b"a" * 64 + b'", "size": 1}], "commune": {"province_code": "68", '
                          b'"code": "24751", "name": "X"}, "created_at": "2023-05-20T09:00:00+07:00", '
                          b'"app_version": "0.1.0"}'))
def test_any_mangled_manifest_gives_a_typed_refusal(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("CDS-backup-24751-20230520-090000")
    (folder / "manifest.json").write_bytes(data)
    (folder / "cds.sqlite").write_bytes(b"x")
    with pytest.raises(CdsError):
        inspect_backup(folder)


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "cds.sqlite/x", "evidence/../../x",
                                  "photos/a.jpg", "evidence\\..\\x", "./cds.sqlite"])
def test_a_listed_path_outside_the_data_items_is_refused(service, tmp_path, path):
    info = _made(service, tmp_path)
    _rewrite(info.folder, lambda m: m["files"].append({"path": path, "sha256": "0" * 64, "size": 1}))
    assert _refused_everywhere(service, info.folder) == "backup.manifest_damaged"


def test_sizes_and_hashes_of_the_wrong_type_or_a_file_listed_twice_are_refused(service, tmp_path):
    info = _made(service, tmp_path)
    for change in (lambda m: m["files"][0].update(size=True), lambda m: m["files"][0].update(size=-1),
                   lambda m: m["files"][0].update(size=1e400), lambda m: m["files"][0].update(sha256="XYZ"),
                   lambda m: m["files"].append(dict(m["files"][0]))):
        manifest = _manifest(info.folder)
        change(manifest)
        (info.folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        assert _refused_everywhere(service, info.folder) == "backup.manifest_damaged"
        _rewrite(info.folder, lambda m: m["files"].pop() if len(m["files"]) > 4 else None)


def test_a_link_out_of_the_folder_is_refused(service, tmp_path):
    info = _made(service, tmp_path)
    (listed,) = [f for f in info.files if f.path.startswith("evidence/")]
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    shutil.copy(info.folder / listed.path, secret)  # same content: only the link gives it away
    (info.folder / listed.path).unlink()
    (info.folder / listed.path).symlink_to(secret)
    assert _refused_everywhere(service, info.folder) == "backup.unsafe_file"


def test_a_linked_folder_and_a_special_file_are_refused(service, tmp_path):
    info = _made(service, tmp_path)
    keys = info.folder / "keys"
    shutil.move(keys, tmp_path / "elsewhere")
    keys.symlink_to(tmp_path / "elsewhere")
    assert _refused_everywhere(service, info.folder) == "backup.unsafe_file"
    keys.unlink()
    shutil.move(tmp_path / "elsewhere", keys)
    (listed,) = [f for f in info.files if f.path.startswith("evidence/")]
    (info.folder / listed.path).unlink()
    os.mkfifo(info.folder / listed.path)  # reading it would block for ever
    assert _refused_everywhere(service, info.folder) == "backup.unsafe_file"


@pytest.mark.parametrize("extra", ["keys/extra-signing.key", "cds.sqlite-wal", "evidence/ab/unlisted"])
def test_an_extra_file_among_the_data_is_refused(service, tmp_path, extra):
    info = _made(service, tmp_path)
    (info.folder / extra).parent.mkdir(parents=True, exist_ok=True)
    (info.folder / extra).write_bytes(b"added later")
    assert _refused_everywhere(service, info.folder) == "backup.unexpected_file"


def test_a_missing_file_is_refused(service, tmp_path):
    info = _made(service, tmp_path)
    (info.folder / "keys" / "commune-key.json").unlink()
    assert _refused_everywhere(service, info.folder) == "backup.file_missing"


def test_a_huge_file_is_refused_without_being_read(service, tmp_path):
    info = _made(service, tmp_path)
    (listed,) = [f for f in info.files if f.path.startswith("evidence/")]
    with (info.folder / listed.path).open("r+b") as stream:
        stream.truncate(100 * 1024**3)  # sparse: 100 GiB that take no room

    def huge(manifest):
        (entry,) = [e for e in manifest["files"] if e["path"] == listed.path]
        entry["size"] = 100 * 1024**3

    _rewrite(info.folder, huge)
    assert _refused_everywhere(service, info.folder) == "backup.manifest_damaged"


@pytest.mark.parametrize("kind", ["not_sqlite", "office", "other_application", "other_commune"])
def test_a_database_of_the_wrong_kind_is_refused(service, tmp_path, kind, mini_plan, clock):
    info = _made(service, tmp_path)
    database = info.folder / "cds.sqlite"
    if kind == "not_sqlite":
        database.write_bytes(os.urandom(8192))
        expected = "backup.not_a_database"
    elif kind == "office":
        from cds_desktop.core.plans.loader import PlanCatalog
        from cds_desktop.core.services.office.service import OfficeService

        office = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([mini_plan]), clock)
        office.init_office("68", "Sở KHCN", "province", "mật khẩu sở 2025")
        office.close()
        shutil.copy(tmp_path / "office" / "cds.sqlite", database)
        expected = "backup.wrong_database"
    elif kind == "other_application":
        database.unlink()
        connection = sqlite3.connect(database)
        connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
        connection.commit()
        connection.close()
        expected = "backup.wrong_database"
    else:
        connection = sqlite3.connect(database)
        connection.execute("UPDATE unit SET commune_code = '99999'")
        connection.commit()
        connection.close()
        expected = "backup.wrong_database"
    _rewrite(info.folder)
    assert _refused_everywhere(service, info.folder) == expected


def _bytes_read() -> int:
    """Bytes this process has read so far (``rchar`` of ``/proc/self/io``: every ``read`` call counted)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def test_a_restore_reads_every_file_once_and_its_progress_counts_that_pass(service, tmp_path, mini_plan, clock):
    for number in range(3):
        photo = tmp_path / f"anh-{number}.jpg"
        photo.write_bytes(os.urandom(2 * 1024 * 1024))
        service.add_evidence(P, Q1, "T1", photo, "a")
    info = backup(service, tmp_path / "usb")
    root = service.data_dir.root
    service.close()
    steps: list[tuple[int, int]] = []
    before = _bytes_read()
    shown = read_backup(info.folder)  # what the confirmation shows: no file is hashed for it
    restore(DataDir(root), info.folder, lambda done, total: steps.append((done, total)))
    read = _bytes_read() - before
    assert shown == info
    assert steps[-1] == (info.size, info.size) and {total for _, total in steps} == {info.size}
    assert all(a[0] <= b[0] for a, b in zip(steps, steps[1:]))
    database = next(f.size for f in info.files if f.path == "cds.sqlite")
    assert read < info.size + 4 * database + 1024 * 1024, f"read {read} bytes for a {info.size}-byte backup"
