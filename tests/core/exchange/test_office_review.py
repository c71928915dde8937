"""One submission at the office, through the real services: what the submission page shows (header, values with
their targets, tasks, evidence, problems, history, differences), evidence opened from verified copies only."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time

import pytest

from cds_desktop.core.bundle.keys import KeyKind, PublicKey
from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.errors import InputError, StorageError
from cds_desktop.core.services.office.evidence_files import is_viewable, viewing_name

from support.stored_evidence import remove_stored, replace_stored
from tests.conftest import VN

from .conftest import PASS_OFFICE, P, Q1, fill_and_approve
from .review_support import CLEAN, Q2, correct_and_resend, send_report

PDF = b"%PDF-1.4 bien ban nghiem thu " * 200


def test_the_detail_of_a_late_report(service, exchange, office, tmp_path):
    fill_and_approve(service, exchange)  # 2023Q1: due before 03/03/2023, imported on 20/05/2023
    exchange.export(P, Q1, tmp_path / "usb", "mật khẩu xã Nhân Cơ", "chu_tich")
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)

    detail = office.submission_detail("24751", P, Q1)
    header = detail.header
    assert (header.commune_code, header.commune_name, header.period_id, header.revision) == (
        "24751", "Xã Nhân Cơ", Q1, 1)
    assert header.plan_title.vi == "Kế hoạch chuyển đổi số thử nghiệm"
    assert header.is_current and header.latest_revision == 1 and header.previous_revision is None
    assert header.due_before == dt.date(2023, 3, 3) and not header.on_time
    assert header.fingerprint == signing_fingerprint(exchange)
    assert header.key_status == "active" and header.decision is None
    assert [r.revision for r in header.revisions] == [1]

    lines = {line.code: line for line in detail.indicators}
    assert "1d" not in lines  # not reported by communes
    assert (lines["1a"].numerator, lines["1a"].denominator, lines["1a"].result) == ("60", "100", "60.00")
    assert lines["1a"].status is TargetStatus.NOT_MET and lines["1a"].target.value == 80
    assert lines["1c"].status is TargetStatus.MET and lines["1c"].target.value == 50  # the commune's own target
    assert lines["2c"].status is TargetStatus.NOT_APPLICABLE and lines["2c"].target is None
    assert [line.code for line in detail.tasks] == ["T1", "T2a", "T2b"]  # the plan's commune tasks, in order
    assert all(not t.reported and t.status is TaskStatus.NOT_STARTED for t in detail.tasks)
    assert {(p.code, p.item_code) for p in detail.problems} == {
        ("indicator.target_not_met", "1a"), ("indicator.target_not_met", "2d")}
    assert detail.problems[0].message("vi")  # the stored problems read as the commune's do
    who = {(h.actor, h.item, h.field) for h in detail.history}
    assert ("lan", "1a", "numerator") in who and ("chu_tich", "*", "state") in who
    assert detail.history[0].at >= detail.history[-1].at  # newest first
    assert not any(h.field in ("approved_by", "submitted_at") for h in detail.history)  # said by the state rows
    assert (header.approved_by, header.approved_at) == ("chu_tich", detail.history[0].at)
    assert detail.changes == ()


def signing_fingerprint(exchange) -> str:
    key = exchange.active_key()
    return PublicKey(KeyKind.ED25519, base64.b64decode(key.public_b64)).fingerprint


def test_tasks_evidence_and_an_on_time_report(service, exchange, office, tmp_path):
    scan = tmp_path / "Biên bản nghiệm thu.pdf"
    scan.write_bytes(PDF)
    send_report(service, exchange, tmp_path / "usb", tasks={
        "T1": {"status": "done", "completed_on": "2023-05-10", "result": "Đã phủ sóng 4G toàn xã"},
        "T2a": {"status": "in_progress", "progress_pct": 40, "difficulties": "Thiếu kinh phí",
                "proposals": "Đề nghị tỉnh hỗ trợ"}}, evidence={"T1": scan})
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)

    detail = office.submission_detail("24751", P, Q2)
    assert detail.header.on_time and detail.header.due_before == dt.date(2023, 6, 3)
    tasks = {t.code: t for t in detail.tasks}
    assert (tasks["T1"].status, tasks["T1"].completed_on, tasks["T1"].result) == (
        TaskStatus.DONE, dt.date(2023, 5, 10), "Đã phủ sóng 4G toàn xã")
    assert (tasks["T2a"].progress_pct, tasks["T2a"].difficulties, tasks["T2a"].proposals) == (
        40, "Thiếu kinh phí", "Đề nghị tỉnh hỗ trợ")
    assert not any(t.overdue for t in detail.tasks)
    (evidence,) = detail.evidence
    assert (evidence.item_code, evidence.name, evidence.size) == ("T1", "Biên bản nghiệm thu.pdf", len(PDF))
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert all(line.status in (TargetStatus.MET, TargetStatus.NOT_APPLICABLE) for line in detail.indicators)


@pytest.fixture
def in_vietnam(monkeypatch):
    """The office's computer in Vietnam's time zone (UTC+7)."""
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_deadline_is_judged_on_the_office_s_own_date(service, exchange, office, tmp_path, clock, in_vietnam):
    clock.now = dt.datetime(2023, 6, 3, 5, 30, tzinfo=VN)  # the due date itself, early: 2 June in UTC
    send_report(service, exchange, tmp_path / "usb")
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    header = office.submission_detail("24751", P, Q2).header
    assert header.received_at.astimezone().date() == dt.date(2023, 6, 3) and not header.on_time


def test_an_overdue_task_is_marked(service, exchange, office, tmp_path, clock):
    clock.now = clock.now.replace(year=2024, month=1, day=20)  # T1 due in 12/2023, T2a by the year end: both past
    send_report(service, exchange, tmp_path / "usb")
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    detail = office.submission_detail("24751", P, Q2)
    assert [t.code for t in detail.tasks if t.overdue] == ["T1", "T2a"] and not detail.header.on_time


def test_differences_from_the_previous_revision_value_by_value(service, exchange, office, tmp_path):
    send_report(service, exchange, tmp_path / "r1")
    office.import_bundles([tmp_path / "r1"], PASS_OFFICE)
    office.return_for_correction("24751", P, Q2, 1, "Số liệu 1a chưa khớp", tmp_path / "receipts", PASS_OFFICE,
                                 "truong_phong")
    (receipt,) = (tmp_path / "receipts").iterdir()
    exchange.import_receipt(receipt, "chu_tich")
    correct_and_resend(service, exchange, tmp_path / "r2", values={"1a": {"numerator": "95"}})
    office.import_bundles([tmp_path / "r2"], PASS_OFFICE)

    detail = office.submission_detail("24751", P, Q2)
    assert (detail.header.revision, detail.header.previous_revision) == (2, 1)
    assert [(c.item, c.field, c.old, c.new) for c in detail.changes] == [
        ("1a", "numerator", "90", "95"), ("1a", "result", "90.00", "95.00")]
    assert [(r.revision, r.is_current, r.decision) for r in detail.header.revisions] == [
        (2, True, None), (1, False, "returned")]
    older = office.submission_detail("24751", P, Q2, revision=1)
    assert not older.header.is_current and older.header.latest_revision == 2 and older.changes == ()
    assert older.header.decision.decision == "returned" and older.header.decision.reason == "Số liệu 1a chưa khớp"
    assert older.header.decision.file_name == receipt.name and older.header.on_time  # first received on time
    with pytest.raises(InputError) as missing:
        office.submission_detail("24751", P, Q2, revision=3)
    assert missing.value.code == "office.no_submission"


# --- evidence ----------------------------------------------------------------------------------------------

@pytest.fixture
def with_evidence(service, exchange, office, tmp_path):
    scan = tmp_path / "Biên bản nghiệm thu.pdf"
    scan.write_bytes(PDF)
    script = tmp_path / "xem-ngay.pdf.exe"
    script.write_bytes(b"MZ not really a program")
    send_report(service, exchange, tmp_path / "usb", evidence={"1a": scan, "1b": script})
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    return {e.name: e for e in office.submission_detail("24751", P, Q2).evidence}


def test_evidence_opens_from_a_verified_copy_under_its_own_name(office, with_evidence, tmp_path):
    evidence = with_evidence["Biên bản nghiệm thu.pdf"]
    opened = office.evidence_to_open(evidence.evidence_id, tmp_path / "open")
    assert opened.name == "Biên bản nghiệm thu.pdf" and opened.read_bytes() == PDF
    assert office.evidence_to_open(evidence.evidence_id, tmp_path / "open") == opened  # opened again: same copy
    saved = office.save_evidence(evidence.evidence_id, tmp_path / "saved" / "bien-ban.pdf")
    assert saved.read_bytes() == PDF


def test_a_tampered_store_file_is_refused_and_no_copy_is_left(office, with_evidence, tmp_path):
    evidence = with_evidence["Biên bản nghiệm thu.pdf"]
    replace_stored(office, evidence.sha256, PDF.replace(b"nghiem", b"NGHIEM"))  # same size, other content
    for attempt in (lambda: office.evidence_to_open(evidence.evidence_id, tmp_path / "open"),
                    lambda: office.save_evidence(evidence.evidence_id, tmp_path / "saved" / "x.pdf")):
        with pytest.raises(StorageError) as refused:
            attempt()
        assert refused.value.code == "office.evidence_altered"
        assert "Biên bản nghiệm thu.pdf" in refused.value.message("vi") and "SHA-256" in refused.value.message("en")
    assert not any(p.is_file() for p in tmp_path.joinpath("open").rglob("*"))
    assert not tmp_path.joinpath("saved", "x.pdf").exists()


def test_a_copy_opened_before_is_not_trusted_once_the_store_changed(office, with_evidence, tmp_path):
    evidence = with_evidence["Biên bản nghiệm thu.pdf"]
    office.evidence_to_open(evidence.evidence_id, tmp_path / "open")
    replace_stored(office, evidence.sha256, b"short")
    with pytest.raises(StorageError) as refused:
        office.evidence_to_open(evidence.evidence_id, tmp_path / "open")
    assert refused.value.code == "office.evidence_altered"


def test_a_missing_store_file_and_a_program_are_refused_plainly(office, with_evidence, tmp_path):
    program = with_evidence["xem-ngay.pdf.exe"]
    with pytest.raises(InputError) as refused:
        office.evidence_to_open(program.evidence_id, tmp_path / "open")
    assert refused.value.code == "office.evidence_not_viewable" and "xem-ngay.pdf.exe" in refused.value.message()
    assert office.save_evidence(program.evidence_id, tmp_path / "kept.bin").read_bytes() == b"MZ not really a program"
    evidence = with_evidence["Biên bản nghiệm thu.pdf"]
    remove_stored(office, evidence.sha256)
    with pytest.raises(StorageError) as missing:
        office.evidence_to_open(evidence.evidence_id, tmp_path / "open")
    assert missing.value.code == "office.evidence_missing"


@pytest.mark.parametrize(("name", "expected"), [
    ("Biên bản.pdf", "Biên bản.pdf"),
    ("../../etc/passwd.txt", "_.._etc_passwd.txt"),
    ("a\\b:c*d?.jpg", "a_b_c_d_.jpg"),
    ("CON.pdf", "evidence-abcdef012345.pdf"),
    ("ảnh\u202egpj.exe", "ảnhgpj.exe"),
    ("  .hidden. ", "hidden"),
    ("...", "evidence-abcdef012345"),
    ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ("ả" * 200 + ".docx", "ả" * 78 + ".docx"),
])
def test_viewing_names_are_safe_file_names(name, expected):
    assert viewing_name(name, "abcdef0123456789") == expected


def test_only_documents_a_viewer_shows_are_opened():
    assert is_viewable("Ảnh chụp.JPG") and is_viewable("bao-cao.docx") and is_viewable("so-lieu.xlsx")
    assert not any(is_viewable(name) for name in (
        "setup.exe", "run.bat", "x.pdf.lnk", "a.js", "b.vbs", "c.ps1", "d.hta", "e.scr", "f.msi", "noextension",
        "ảnh\u202efdp.exe"))


def test_values_of_a_clean_report_are_all_met(service, exchange, office, tmp_path):
    send_report(service, exchange, tmp_path / "usb", values=CLEAN)
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    detail = office.submission_detail("24751", P, Q2)
    assert detail.problems == ()
    assert {line.code: line.status.value for line in detail.indicators} == {
        "1a": "met", "1b": "met", "1c": "met", "2a": "met", "2b": "met", "2c": "not_applicable", "2d": "met"}
