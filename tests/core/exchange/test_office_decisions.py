"""The head's decisions through the real services: accept, return for correction with a reason, accept all clean
submissions of a period; the receipt files the commune imports; the refusals (decided already, superseded, no
reason, a clerk, a wrong passphrase) that leave nothing behind."""

from __future__ import annotations

import unicodedata

import pytest

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.errors import BundleError, InputError, PermissionDeniedError, StateError
from cds_desktop.core.progress import CancelToken
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.receipts import receipt_file_name
from cds_desktop.core.services.roles import Role

from .conftest import PASS_OFFICE, P
from .review_support import SHORT, Q2, correct_and_resend, enrolled_commune, send_report

PASSWORD = "mật khẩu đủ dài 2025"
REASON = "Chỉ tiêu 1a chưa có biên bản nghiệm thu"


@pytest.fixture
def received(service, exchange, office, tmp_path):
    send_report(service, exchange, tmp_path / "usb")
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    return tmp_path / "receipts"


def test_accept_writes_a_named_receipt_the_commune_imports(service, exchange, office, received):
    issued = office.accept("24751", P, Q2, 1, received, PASS_OFFICE, "truong_phong")
    assert issued.path == received / "24751_mini-plan_2023Q2_r1_accepted.cdsr" and issued.path.is_file()
    assert issued.path.name == receipt_file_name("24751", P, Q2, 1, "accepted")
    (record,) = office.receipts_issued("24751", P, Q2)
    submission = office.submission("24751", P, Q2)
    assert (record.decision, record.submission_id, record.file_name, record.issued_by) == (
        "accepted", submission.id, issued.path.name, "truong_phong")
    decision = office.submission_detail("24751", P, Q2).header.decision
    assert (decision.decision, decision.file_name, decision.issued_by) == ("accepted", issued.path.name,
                                                                           "truong_phong")
    exchange.import_receipt(issued.path, "chu_tich")
    assert service.period(P, Q2).office_status == "accepted"


def test_deciding_again_on_the_same_revision_is_refused(office, received):
    office.accept("24751", P, Q2, 1, received, PASS_OFFICE, "truong_phong")
    for attempt in (lambda: office.accept("24751", P, Q2, 1, received / "again", PASS_OFFICE, "x"),
                    lambda: office.return_for_correction("24751", P, Q2, 1, REASON, received / "again",
                                                         PASS_OFFICE, "x"),
                    lambda: office.receipt("24751", P, Q2, received / "again" / "r.cdsr", PASS_OFFICE, "x")):
        with pytest.raises(StateError) as refused:
            attempt()
        assert refused.value.code == "office.already_accepted"
        assert refused.value.message("vi") == ("Lần 1 của báo cáo Quý II năm 2023 của Xã Nhân Cơ (24751) đã được "
                                               "chấp nhận ngày 20/05/2023; mỗi lần báo cáo chỉ quyết định một lần.")
        assert "2023Q2" not in refused.value.message("vi") and "for Q2 2023 was already accepted" in refused.value.message("en")
    assert not (received / "again").exists() and len(office.receipts_issued("24751", P, Q2)) == 1


def test_the_whole_loop_return_correct_resend_accept(service, exchange, office, received, tmp_path):
    returned = office.return_for_correction("24751", P, Q2, 1, f"  {unicodedata.normalize('NFD', REASON)}\n",
                                            received, PASS_OFFICE, "truong_phong")
    assert returned.path.name == "24751_mini-plan_2023Q2_r1_returned.cdsr"
    assert office.receipts_issued("24751", P, Q2)[0].reason == REASON  # trimmed and NFC
    exchange.import_receipt(returned.path, "chu_tich")
    view = service.period(P, Q2)
    assert (view.state, view.revision, view.office_reason) == (PeriodState.DRAFT, 2, REASON)

    correct_and_resend(service, exchange, tmp_path / "r2", values={"1a": {"numerator": "95"}})
    (outcome,) = office.import_bundles([tmp_path / "r2"], PASS_OFFICE)
    assert (outcome.status, outcome.revision) == ("accepted", 2)
    with pytest.raises(StateError) as superseded:  # the head still looking at revision 1
        office.accept("24751", P, Q2, 1, received, PASS_OFFICE, "truong_phong")
    assert superseded.value.code == "office.decision_superseded"
    assert "lần 2" in superseded.value.message("vi") and "Quý II năm 2023" in superseded.value.message("vi")

    accepted = office.accept("24751", P, Q2, 2, received, PASS_OFFICE, "truong_phong")
    assert sorted(p.name for p in received.iterdir()) == [
        "24751_mini-plan_2023Q2_r1_returned.cdsr", "24751_mini-plan_2023Q2_r2_accepted.cdsr"]
    exchange.import_receipt(accepted.path, "chu_tich")
    assert service.period(P, Q2).office_status == "accepted"


def test_a_return_needs_a_reason_of_at_most_4000_characters(office, received):
    for reason, code in (("", "office.return_needs_reason"), ("   \n ", "office.return_needs_reason"),
                         ("x" * 4001, "office.reason_too_long")):
        with pytest.raises(InputError) as refused:
            office.return_for_correction("24751", P, Q2, 1, reason, received, PASS_OFFICE, "truong_phong")
        assert refused.value.code == code
    assert "4001" in refused.value.message("vi") and "4000" in refused.value.message("vi")
    office.return_for_correction("24751", P, Q2, 1, "ý" * 4000, received, PASS_OFFICE, "truong_phong")
    assert office.receipts_issued("24751", P, Q2)[0].reason == "ý" * 4000


def test_a_wrong_passphrase_writes_and_records_nothing(office, received):
    with pytest.raises(BundleError) as wrong:
        office.accept("24751", P, Q2, 1, received, "không phải mật khẩu", "truong_phong")
    assert wrong.value.code == "bundle.wrong_passphrase"
    assert not received.exists() and office.receipts_issued("24751", P, Q2) == []


def test_a_folder_that_cannot_be_written_records_nothing(office, received, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(Exception) as failed:
        office.accept("24751", P, Q2, 1, blocker, PASS_OFFICE, "truong_phong")
    assert getattr(failed.value, "code", "").startswith("storage.")
    assert office.receipts_issued("24751", P, Q2) == []
    assert office.accept("24751", P, Q2, 1, received, PASS_OFFICE, "truong_phong").path.is_file()  # then it works


def test_roles_a_clerk_cannot_decide_a_head_can(office, received):
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quantri", PASSWORD)
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), PASSWORD))
    accounts.create(NewUser("truongphong", "Trưởng phòng", frozenset({Role.HEAD}), PASSWORD))
    for username in ("vanthu", "quantri"):
        accounts.sign_in(username, PASSWORD)
        for attempt in (lambda: office.accept("24751", P, Q2, 1, received, PASS_OFFICE, "x"),
                        lambda: office.return_for_correction("24751", P, Q2, 1, REASON, received, PASS_OFFICE, "x"),
                        lambda: office.accept_all_clean(P, Q2, received, PASS_OFFICE, "x")):
            with pytest.raises(PermissionDeniedError) as refused:
                attempt()
            assert refused.value.code == "auth.not_allowed"
    assert not received.exists() and office.receipts_issued("24751", P, Q2) == []
    assert office.submission_detail("24751", P, Q2).header.revision == 1  # reading needs no permission
    accounts.sign_in("truongphong", PASSWORD)
    office.accept("24751", P, Q2, 1, received, PASS_OFFICE, "someone else")
    assert office.receipts_issued("24751", P, Q2)[0].issued_by == "truongphong"


@pytest.fixture
def period_of_three(service, exchange, office, tmp_path, mini_plan, clock):
    """2023Q2 from three communes: Nhân Cơ clean, Bắc Gia Nghĩa with a shortfall, Đắk Wer clean but decided."""
    office.import_communes(_communes_csv(tmp_path))
    send_report(service, exchange, tmp_path / "usb")
    second = enrolled_commune(tmp_path / "commune-2", office, mini_plan, clock)
    send_report(*second, tmp_path / "usb", values=SHORT)
    third = enrolled_commune(tmp_path / "commune-3", office, mini_plan, clock, "24753", "Xã Đắk Wer")
    send_report(*third, tmp_path / "usb")
    outcomes = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert [o.status for o in outcomes] == ["accepted"] * 3
    office.return_for_correction("24753", P, Q2, 1, REASON, tmp_path / "earlier", PASS_OFFICE, "truong_phong")
    return {"24751": (service, exchange), "24752": second, "24753": third}


def _communes_csv(tmp_path):
    path = tmp_path / "communes-3.csv"
    path.write_text("code,name,province\n24751,Xã Nhân Cơ,68\n24752,Phường Bắc Gia Nghĩa,68\n"
                    "24753,Xã Đắk Wer,68\n", encoding="utf-8")
    return path


def test_accept_all_clean_accepts_only_what_has_no_problem_and_no_decision(office, period_of_three, tmp_path):
    steps = []
    result = office.accept_all_clean(P, Q2, tmp_path / "usb-out", PASS_OFFICE, "truong_phong",
                                     progress=lambda done, total: steps.append((done, total)))
    assert [(r.commune_code, r.revision, r.path.name) for r in result.accepted] == [
        ("24751", 1, "24751_mini-plan_2023Q2_r1_accepted.cdsr")]
    assert [(s.commune_code, s.commune_name, s.reason, s.problems) for s in result.skipped] == [
        ("24752", "Phường Bắc Gia Nghĩa", "has_problems", 1), ("24753", "Xã Đắk Wer", "already_returned", 0)]
    assert not result.cancelled and steps[-1] == (3, 3)
    assert [p.name for p in (tmp_path / "usb-out").iterdir()] == ["24751_mini-plan_2023Q2_r1_accepted.cdsr"]
    service, exchange = period_of_three["24751"]
    exchange.import_receipt(result.accepted[0].path, "chu_tich")
    assert service.period(P, Q2).office_status == "accepted"
    again = office.accept_all_clean(P, Q2, tmp_path / "usb-out", PASS_OFFICE, "truong_phong")
    assert again.accepted == () and [s.reason for s in again.skipped] == [
        "already_accepted", "has_problems", "already_returned"]


def test_accept_all_cancelled_keeps_what_was_accepted(office, period_of_three, tmp_path):
    cancel = CancelToken()
    cancel.cancel()
    result = office.accept_all_clean(P, Q2, tmp_path / "usb-out", PASS_OFFICE, "truong_phong", cancel=cancel)
    assert result.cancelled and result.accepted == ()
    assert [s.reason for s in result.skipped] == ["cancelled", "cancelled", "cancelled"]
    assert office.receipts_issued("24751", P, Q2) == []


def test_accept_all_refuses_an_unknown_period_and_a_wrong_passphrase(office, period_of_three, tmp_path):
    with pytest.raises(InputError) as unknown:
        office.accept_all_clean(P, "2031Q1", tmp_path / "out", PASS_OFFICE, "truong_phong")
    assert unknown.value.code == "period.not_in_plan"
    with pytest.raises(BundleError):
        office.accept_all_clean(P, Q2, tmp_path / "out", "sai", "truong_phong")
    assert not (tmp_path / "out").exists()
