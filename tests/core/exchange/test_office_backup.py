"""Backing up and restoring a receiving office's data folder — its submissions, the evidence it received, its keys
— through the backup service and through ``cds backup …``; a commune's backup never lands on an office's data,
nor the other way round."""

from __future__ import annotations

import hashlib
import json

import pytest

from cds_desktop.cli import main as cds
from cds_desktop.core.errors import InputError, StorageError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.backup import backup, inspect_backup, move_data_dir, restore
from cds_desktop.core.services.office.service import OfficeService

from .conftest import EVIDENCE_PDF, P, PASS_OFFICE, Q1, import_with_evidence

PDF = EVIDENCE_PDF


@pytest.fixture
def office_storage():
    """These are the backups of an office's data folder on one PC (SQLite): a shared office's snapshot of its
    server is tested in tests/core/server/."""
    return lambda folder: None


@pytest.fixture
def received(service, exchange, office, tmp_path):
    """The office after importing the commune's report of Q1 with one evidence file; its sha256."""
    return import_with_evidence(service, exchange, office, tmp_path)


def _reopen(office: OfficeService, mini_plan, clock) -> OfficeService:
    return OfficeService(DataDir(office.data_dir.root), PlanCatalog([mini_plan]), clock)


def test_an_office_backup_holds_its_submissions_evidence_and_keys(office, received, tmp_path):
    info = backup(office, tmp_path / "backups")
    assert info.folder.name == "CDS-backup-office-68-20230520-090000"
    owner = info.installation
    assert (owner.kind, owner.code, owner.name) == ("office", "68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng")
    stored = {p.relative_to(info.folder).as_posix() for p in info.folder.rglob("*") if p.is_file()}
    assert f"evidence/{received[:2]}/{received}" in stored and info.evidence_count == 1
    assert {name.split("/")[0] for name in stored} == {"cds.sqlite", "manifest.json", "evidence", "keys"}
    assert len([name for name in stored if name.startswith("keys/office-")]) == 2  # root and encryption keys
    manifest = json.loads((info.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == 2 and "commune" not in manifest
    assert manifest["office"] == {"code": "68", "name": "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
                                  "province_code": "68"}  # a province office: its own province
    assert inspect_backup(info.folder) == info


def test_restoring_an_office_backup_brings_back_what_it_had_received(office, received, tmp_path, mini_plan, clock):
    info = backup(office, tmp_path / "backups")
    office.receipt("24751", P, Q1, tmp_path / "receipt.json", PASS_OFFICE, "truong.phong")  # after the backup
    assert len(office.receipts_issued("24751", P, Q1)) == 1
    office.evidence_store.path_of(received).unlink()  # lost since
    office.close()

    restore(office.data_dir, info.folder)
    reopened = _reopen(office, mini_plan, clock)
    try:
        submission = reopened.submission("24751", P, Q1)
        assert submission.revision == 1 and reopened.submission_values(submission.id)["1a"]["numerator"] == "60"
        assert reopened.evidence_store.path_of(received).read_bytes() == PDF
        assert reopened.receipts_issued("24751", P, Q1) == []  # as it was when backed up
        reopened.receipt("24751", P, Q1, tmp_path / "again.json", PASS_OFFICE, "truong.phong")  # keys restored
    finally:
        reopened.close()
    kept = list(office.data_dir.backups.glob("before-restore-*"))
    assert len(kept) == 1 and (kept[0] / "cds.sqlite").is_file()


def test_a_backup_is_never_restored_over_data_of_the_other_kind(service, office, received, tmp_path):
    office_backup = backup(office, tmp_path / "office-backups")
    commune_backup = backup(service, tmp_path / "commune-backups")
    office.close()
    service.close()
    with pytest.raises(InputError) as caught:
        restore(office.data_dir, commune_backup.folder)
    assert caught.value.code == "backup.restore_commune_over_office"
    assert "xã" in caught.value.message() and str(office.data_dir.root) in caught.value.message()
    with pytest.raises(InputError) as caught:
        restore(service.data_dir, office_backup.folder)
    assert caught.value.code == "backup.restore_office_over_commune"
    assert not list(office.data_dir.backups.glob("before-restore-*"))  # nothing was replaced
    restore(DataDir(tmp_path / "empty"), office_backup.folder)  # a new folder takes either
    assert (tmp_path / "empty" / "evidence" / received[:2] / received).read_bytes() == PDF


def test_an_office_manifest_over_a_commune_database_or_in_format_1_is_refused(service, office, received, tmp_path):
    info = backup(office, tmp_path / "backups")
    commune = backup(service, tmp_path / "commune-backups")
    manifest_path = info.folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    database = next(f for f in manifest["files"] if f["path"] == "cds.sqlite")
    (info.folder / "cds.sqlite").write_bytes((commune.folder / "cds.sqlite").read_bytes())
    data = (info.folder / "cds.sqlite").read_bytes()
    database["sha256"], database["size"] = hashlib.sha256(data).hexdigest(), len(data)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StorageError) as caught:
        inspect_backup(info.folder)
    assert caught.value.code == "backup.wrong_office_database" and "68" in caught.value.message()

    manifest["format_version"] = 1  # version 1 knows only communes
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StorageError) as caught:
        inspect_backup(info.folder)
    assert caught.value.code == "backup.manifest_damaged"


def test_moving_an_office_data_folder_copies_its_evidence(office, received, tmp_path, mini_plan, clock):
    moved = move_data_dir(office, tmp_path / "new-place")
    assert (moved.evidence / received[:2] / received).read_bytes() == PDF
    reopened = OfficeService(moved, PlanCatalog([mini_plan]), clock)
    try:
        assert reopened.submission("24751", P, Q1).revision == 1
    finally:
        reopened.close()


def test_cds_backup_create_check_and_restore_on_an_office_folder(office, received, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CDS_LANG", "vi")
    root = str(office.data_dir.root)
    office.close()
    assert cds(["--data-dir", root, "backup", "create", str(tmp_path / "usb-backups"), "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert (made["kind"], made["code"], made["evidence_files"]) == ("office", "68", 1)
    assert cds(["--data-dir", root, "backup", "check", made["folder"]]) == 0
    out = capsys.readouterr().out
    assert "nguyên vẹn" in out and "Sở Khoa học và Công nghệ tỉnh Lâm Đồng (68)" in out
    (office.data_dir.evidence / received[:2] / received).unlink()
    assert cds(["--data-dir", root, "backup", "restore", made["folder"]]) == 0
    assert "Đã khôi phục" in capsys.readouterr().out
    assert (office.data_dir.evidence / received[:2] / received).read_bytes() == PDF
