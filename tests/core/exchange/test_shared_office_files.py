"""What every staff PC needs is in the office's database: its sealed private keys (``office_key.sealed``), its
evidence files (a shared office's ``evidence_content``), the receipts it issued (``receipt_issued.content``) — so a
second PC with nothing on disk but ``office-server.json`` opens evidence, signs receipts and exports the keys.
An office made before migration 0008 (keys only in ``keys/``, receipts only in their files) keeps working."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time

import pytest
from sqlalchemy import insert, text, update
from sqlmodel import select
from support.stored_evidence import stored_content

from cds_desktop.cli import main as cds
from cds_desktop.core.errors import BundleError, StateError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.storage.database import create_sqlite_engine
from cds_desktop.core.storage.evidence_store import EvidenceStaging
from cds_desktop.core.storage.exchange_models import EvidenceContent, OfficeKey, ReceiptIssued
from cds_desktop.core.storage.folder_files import adopt_folder_files
from cds_desktop.core.storage.server import read_server_settings, write_server_settings

from .conftest import PASS_COMMUNE, PASS_OFFICE, P
from .review_support import CLEAN, Q2, SHORT, correct_and_resend, send_report

BIG = os.urandom(2_500_000)  # three chunks of 1 MiB as evidence is read back


def _stored_keys(office) -> list[OfficeKey]:
    with office.repo.reading() as session:
        return list(session.exec(select(OfficeKey)).all())


def _key_files(office) -> set[str]:
    return {path.name for path in office.data_dir.keys.iterdir()}


def test_the_private_keys_are_sealed_in_the_database_and_in_files_only_on_one_pc(office):
    office.rotate_encryption_key(PASS_OFFICE)
    rows = _stored_keys(office)
    assert sorted(row.role for row in rows) == ["encryption", "encryption", "root"]
    assert all(row.sealed and row.file_name == f"office-{row.role}-{row.key_id}.key" for row in rows)
    if office.shared:  # never a key file on a staff PC
        assert _key_files(office) == set()
    else:  # the same sealed bytes in keys/ (what a backup carries)
        assert {row.file_name: row.sealed for row in rows} == {
            name: (office.data_dir.keys / name).read_bytes() for name in _key_files(office)}
    with pytest.raises(BundleError) as wrong:
        office.rotate_encryption_key("not the office passphrase")
    assert wrong.value.code == "bundle.wrong_passphrase"


def _two_pcs(postgres, tmp_path, mini_plan, clock) -> tuple[OfficeService, OfficeService]:
    from support.shared_office import point_folder_at_server

    settings = point_folder_at_server(postgres, tmp_path / "pc-a")
    write_server_settings(tmp_path / "pc-b", settings)
    assert read_server_settings(tmp_path / "pc-b") == settings
    pc_a = OfficeService(DataDir(tmp_path / "pc-a"), PlanCatalog([mini_plan]), clock)
    pc_b = OfficeService(DataDir(tmp_path / "pc-b"), PlanCatalog([mini_plan]), clock)
    return pc_a, pc_b


def _close(server, *offices: OfficeService) -> None:
    for office in offices:
        office.close()
    server.drop_database(offices[0].engine.url.database)


def _files_under(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_second_staff_pc_opens_evidence_decides_copies_receipts_and_exports_keys(
        postgres, service, tmp_path, mini_plan, clock):
    pc_a, pc_b = _two_pcs(postgres, tmp_path, mini_plan, clock)
    try:
        # PC A sets up the office, its communes, the commune's key; then imports a report with a large evidence file
        pc_a.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
        communes = tmp_path / "communes.csv"
        communes.write_text("code,name,province\n24751,Xã Nhân Cơ,68\n", encoding="utf-8-sig")
        pc_a.import_communes(communes)
        exchange = CommuneExchange(service)
        pc_a.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
        exchange.import_office_keys(tmp_path / "org-keys.json", pc_a.root_fingerprint())
        fingerprint = exchange.generate_key(PASS_COMMUNE)
        exchange.export_enrollment(tmp_path / "enrollment.json")
        pc_a.enroll(tmp_path / "enrollment.json", fingerprint)
        evidence = tmp_path / "Ảnh chụp hiện trường.jpg"
        evidence.write_bytes(BIG)
        bundle = send_report(service, exchange, tmp_path / "usb1", values=SHORT, evidence={"1a": evidence})
        (outcome,) = pc_a.import_bundles([bundle.path], PASS_OFFICE)
        assert outcome.status == "accepted"
        assert _key_files(pc_a) == set() and _files_under(pc_a.data_dir.evidence) == []  # all of it on the server

        # PC B: its data folder holds office-server.json and nothing else of the office
        assert _files_under(pc_b.data_dir.root) == [pc_b.data_dir.root / "office-server.json"]
        (line,) = pc_b.submission_detail("24751", P, Q2).evidence
        opened = pc_b.evidence_to_open(line.evidence_id, tmp_path / "viewer")
        assert opened.name == "Ảnh chụp hiện trường.jpg" and opened.read_bytes() == BIG
        assert pc_b.save_evidence(line.evidence_id, tmp_path / "saved.jpg").read_bytes() == BIG

        issued = pc_b.return_for_correction("24751", P, Q2, 1, "Thiếu số liệu 1a", tmp_path / "receipts",
                                            PASS_OFFICE, "truong.phong")  # signed with the root key from the DB
        (row,) = pc_a.receipts_issued("24751", P, Q2)  # PC A sees PC B's receipt and can write it again
        copy = pc_a.receipt_copy(row.id, tmp_path / "copy" / "again.cdsr")
        assert copy.read_bytes() == issued.path.read_bytes() == row.content

        # the commune corrects; PC B imports the revision with the same evidence: its content is stored once
        exchange.import_receipt(copy, "lan")  # the commune checks the signature against the pinned root
        (outcome,) = pc_b.import_bundles([correct_and_resend(service, exchange, tmp_path / "usb2",
                                                             values=CLEAN).path], PASS_OFFICE)
        assert (outcome.status, outcome.revision) == ("accepted", 2)
        with pc_b.engine.connect() as connection:
            assert connection.execute(select(EvidenceContent.sha256, EvidenceContent.size)).all() == [
                (hashlib.sha256(BIG).hexdigest(), len(BIG))]
        accepted = pc_a.accept("24751", P, Q2, 2, tmp_path / "receipts", PASS_OFFICE, "truong.phong")
        again = pc_b.receipt_copy(pc_b.receipts_issued("24751", P, Q2)[-1].id, tmp_path / "b.cdsr")
        assert again.read_bytes() == accepted.path.read_bytes()
        exchange.import_receipt(again, "lan")

        pc_b.rotate_encryption_key(PASS_OFFICE)
        assert pc_b.export_keys(tmp_path / "org-keys-b.json", PASS_OFFICE) == 2
        assert len(exchange.import_office_keys(tmp_path / "org-keys-b.json").body.encryption_keys) == 2
        assert _key_files(pc_a) == _key_files(pc_b) == set()
    finally:
        _close(postgres, pc_a, pc_b)


def test_content_stored_by_another_pc_meanwhile_is_taken_as_stored(postgres, tmp_path, mini_plan, clock):
    """PC B finds no row, then waits on PC A's uncommitted insert of the same content: once A commits, B's insert
    fails on the primary key — which means the content is there."""
    pc_a, pc_b = _two_pcs(postgres, tmp_path, mini_plan, clock)
    sha256 = hashlib.sha256(BIG).hexdigest()
    outcome: list = []
    try:
        with pc_a.engine.connect() as holder:
            holder.begin()
            holder.execute(insert(EvidenceContent.__table__).values(sha256=sha256, size=len(BIG), content=BIG,
                                                                    stored_at=clock()))
            with EvidenceStaging(pc_b.evidence_store) as staging:
                staged = staging.open("anh.jpg")
                staged.write(memoryview(BIG))
                staged.finish()

                def keep() -> None:
                    try:
                        staging.commit([(staged.path, sha256)])
                        outcome.append("done")
                    except BaseException as exc:  # noqa: BLE001 - reported to the test below
                        outcome.append(exc)

                worker = threading.Thread(target=keep)
                worker.start()
                _wait_for_a_lock_wait(pc_a)
                holder.commit()
                worker.join(30)
        assert outcome == ["done"]
        assert stored_content(pc_b, sha256) == BIG
        assert list((tmp_path / "pc-b" / "evidence").iterdir()) == []  # the local temporary is gone
    finally:
        _close(postgres, pc_a, pc_b)


def _wait_for_a_lock_wait(office) -> None:
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND wait_event_type = 'Lock'")
    deadline = time.monotonic() + 30
    with office.engine.connect() as watcher:
        while watcher.execute(waiting).scalar() == 0:
            assert time.monotonic() < deadline, "the second insert never waited for the first"
            time.sleep(0.02)
            watcher.rollback()


def test_a_key_recorded_without_its_sealed_bytes_is_read_from_its_file_on_one_pc_only(office, tmp_path):
    """Key rows without their sealed bytes (recorded before 0008): an office on one PC reads its key files; a
    shared office (a move that did not adopt the files) says where the key is, instead of failing on a file the
    staff PC never had."""
    with office.repo.transaction() as session:
        session.exec(update(OfficeKey).values(sealed=None))
    if office.shared:
        with pytest.raises(StateError) as refused:
            office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)
        assert refused.value.code == "office.key_not_in_database" and "office-root-" in refused.value.message("en")
    else:
        assert office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE) == 1  # from keys/


# --- an office made before 0008 ---------------------------------------------------------------------------

def _downgrade_to_0007(database) -> None:
    from alembic import command
    from alembic.config import Config

    from cds_desktop.core.storage import database as storage_database

    engine = create_sqlite_engine(database)
    try:
        config = Config()
        config.set_main_option("script_location", str(storage_database._MIGRATIONS))
        with engine.connect().execution_options(**storage_database.WRITE_OPTIONS) as connection, connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
    finally:
        engine.dispose()


@pytest.mark.parametrize("office_storage", ["sqlite"], indirect=True)
def test_an_office_of_schema_0007_with_key_files_still_opens_and_signs(service, exchange, office, tmp_path,
                                                                      mini_plan, clock):
    returned_bundle = send_report(service, exchange, tmp_path / "usb1", values=SHORT)
    office.import_bundles([returned_bundle.path], PASS_OFFICE)
    first = office.return_for_correction("24751", P, Q2, 1, "Thiếu số liệu", tmp_path / "receipts", PASS_OFFICE,
                                         "truong.phong")
    exchange.import_receipt(first.path, "lan")
    corrected = correct_and_resend(service, exchange, tmp_path / "usb2", values=CLEAN)
    office.close()
    _downgrade_to_0007(office.data_dir.database)

    old = OfficeService(office.data_dir, PlanCatalog([mini_plan]), clock)  # migrated to the head as it opens
    try:
        assert [row.sealed for row in _stored_keys(old)] == [None, None]  # the keys are in keys/ only
        (outcome,) = old.import_bundles([corrected.path], PASS_OFFICE)  # the encryption key from its file
        assert outcome.status == "accepted"
        second = old.accept("24751", P, Q2, 2, tmp_path / "receipts", PASS_OFFICE, "truong.phong")  # the root
        exchange.import_receipt(second.path, "lan")  # signed by the root the commune pinned
        earlier, later = old.receipts_issued("24751", P, Q2)
        assert (earlier.content, later.content) == (None, second.path.read_bytes())
        with pytest.raises(StateError) as not_stored:
            old.receipt_copy(earlier.id, tmp_path / "copy.cdsr")
        assert not_stored.value.code == "office.receipt_not_stored"
        assert first.path.name in not_stored.value.message("vi") and not (tmp_path / "copy.cdsr").exists()

        with old.engine.begin() as connection:  # as a move to a server does first
            assert adopt_folder_files(old.data_dir.root, connection, clock()).keys == 2
            assert adopt_folder_files(old.data_dir.root, connection, clock()).keys == 0
        assert {row.file_name: row.sealed for row in _stored_keys(old)} == {
            name: (old.data_dir.keys / name).read_bytes() for name in _key_files(old)}
        for name in _key_files(old):
            (old.data_dir.keys / name).unlink()
        assert old.export_keys(tmp_path / "org-keys-again.json", PASS_OFFICE) == 2  # signed from the database
    finally:
        old.close()


# --- cds office receipts / receipt-copy ------------------------------------------------------------------

def test_receipts_are_listed_and_copied_again_from_the_command_line(service, exchange, office, tmp_path, capsys):
    office.import_bundles([send_report(service, exchange, tmp_path / "usb").path], PASS_OFFICE)
    issued = office.accept("24751", P, Q2, 1, tmp_path / "receipts", PASS_OFFICE, "truong.phong")
    folder = str(office.data_dir.root)

    assert cds(["--data-dir", folder, "office", "receipts", "24751", P, Q2, "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["revision"], listed["decision"], listed["stored"]) == (1, "accepted", True)
    assert listed["file_name"] == issued.path.name
    assert cds(["--data-dir", folder, "office", "receipt-copy", str(listed["receipt_id"]),
                "--out", str(tmp_path / "again.cdsr")]) == 0
    assert str(tmp_path / "again.cdsr") in capsys.readouterr().out
    assert (tmp_path / "again.cdsr").read_bytes() == issued.path.read_bytes()

    with office.repo.transaction() as session:  # as a receipt recorded before 0008
        session.exec(update(ReceiptIssued).values(content=None))
    assert cds(["--data-dir", folder, "--lang", "en", "office", "receipt-copy", str(listed["receipt_id"]),
                "--out", str(tmp_path / "old.cdsr")]) == 1
    assert issued.path.name in capsys.readouterr().err and not (tmp_path / "old.cdsr").exists()
    assert cds(["--data-dir", folder, "office", "receipt-copy", "999", "--out", str(tmp_path / "x.cdsr")]) == 2
    assert "999" in capsys.readouterr().err
    assert cds(["--data-dir", folder, "office", "receipts", "24752", P, Q2]) == 0
    assert capsys.readouterr().out.strip() == "Chưa lập phiếu tiếp nhận nào cho báo cáo này."
