"""The office's submission page with real services and real bundles: a commune's report imported, shown; the head
returns it with a reason; the commune imports the receipt, sees the reason, corrects and sends revision 2; the
office imports it, sees the difference value by value and accepts. Also: accepting all clean reports of a
period, evidence opened from a verified copy (a tampered store file refused), a clerk's page, the consolidated
report, the layout at 1366×768 in Vietnamese and English, and the keyboard."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox
from support.stored_evidence import replace_stored

from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.office.decision_dialog import DecisionDialog
from cds_desktop.ui.office.pages import PAGES
from cds_desktop.ui.office.submission_page import SubmissionPage
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shared.roles import Role as ItemRole
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shell.qt_translator import QtLanguage
from tests.core.exchange.conftest import PASS_OFFICE, P, exchange, office  # noqa: F401 - fixtures
from tests.core.exchange.review_support import SHORT, Q2, correct_and_resend, enrolled_commune, send_report
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _plan_texts, _untranslated, _visible_texts

REASON = "Chỉ tiêu 1a chưa khớp biên bản; đề nghị kiểm tra lại số người có điện thoại thông minh."
PDF = b"%PDF-1.4 bien ban nghiem thu " * 100


@pytest.fixture
def make_page(qtbot, office):  # noqa: F811 - the fixture
    made = []

    def make(language: str = "vi") -> SubmissionPage:
        set_language(language)
        qt_language = QtLanguage(QApplication.instance())
        qt_language.apply(language)
        workspace = OfficeWorkspace(office, "truong_phong")
        tasks = BackgroundTasks()
        page = SubmissionPage(workspace, tasks)
        qtbot.addWidget(page)
        page.resize(1366, 700)  # the window's tab area at 1366×768
        page.show()
        page.notices = []
        workspace.notice.connect(lambda text, failure: page.notices.append((text, failure)))
        made.append((page, tasks, qt_language))
        return page

    yield make
    for page, tasks, qt_language in made:
        tasks.wait()
        qt_language.apply("en")
        qt_language.deleteLater()


def answer_confirmation(dialog: DecisionDialog, sign: bool = True) -> None:
    """Press the signing button (or Cancel) of the confirmation the dialog is about to show."""
    def press() -> None:
        box = next((b for b in dialog.findChildren(QMessageBox, "decision_confirm") if b.isVisible()), None)
        if box is None:
            QTimer.singleShot(10, press)
            return
        role = QMessageBox.ButtonRole.YesRole if sign else QMessageBox.ButtonRole.RejectRole
        next(b for b in box.buttons() if box.buttonRole(b) == role).click()

    QTimer.singleShot(0, press)


def shown_dialog(page: SubmissionPage) -> DecisionDialog:
    return next(d for d in page.findChildren(DecisionDialog) if d.isVisible())


def decide(qtbot, page: SubmissionPage, button, folder: Path, reason: str | None = None) -> DecisionDialog:
    button.click()
    dialog = shown_dialog(page)
    qtbot.addWidget(dialog)
    if reason is not None:
        dialog.reason.setPlainText(reason)
    dialog.folder.setText(str(folder))
    dialog.passphrase.setText(PASS_OFFICE)
    answer_confirmation(dialog)
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: dialog.running is None and dialog.isEnabled(), timeout=30000)
    return dialog


def page_with_the_report(make_page, service, exchange, office, folder: Path) -> SubmissionPage:  # noqa: F811
    """The commune's Q2 report written to ``folder``, imported by the office and shown on a new page."""
    send_report(service, exchange, folder)
    office.import_bundles([folder], PASS_OFFICE)
    page = make_page()
    page.show("24751", P, Q2)
    return page


def column_texts(page: SubmissionPage, table: str, column: int) -> list[str]:
    model = page.models[table]
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_page_is_registered_for_the_window():
    (entry,) = [p for p in PAGES if p.name == "submission"]
    assert entry.factory == "cds_desktop.ui.office.submission_page:SubmissionPage"
    assert "&" in translate(entry.title_id)  # an access key


def test_return_correct_resend_and_accept_the_whole_loop(qtbot, make_page, service, exchange, office, tmp_path):  # noqa: F811
    scan = tmp_path / "Biên bản nghiệm thu.pdf"
    scan.write_bytes(PDF)
    send_report(service, exchange, tmp_path / "usb1", evidence={"1a": scan},
                tasks={"T2a": {"status": "in_progress", "progress_pct": 40, "difficulties": "Thiếu kinh phí"}})
    office.import_bundles([tmp_path / "usb1"], PASS_OFFICE)
    page = make_page()
    assert page.stack.currentWidget() is not page.stack.widget(1) and page.empty.isVisible()
    assert page.show("24751", P, Q2)
    assert page.commune.text() == "Xã Nhân Cơ (24751)" and page.period.text() == "Quý 2 năm 2023"
    assert page.timeliness.text() == "Đúng hạn (hạn nộp trước ngày 03/06/2023)"
    assert "chu_tich phê duyệt lúc" in page.signer.text() and "đang dùng" in page.signer.text()
    assert page.decision.text().startswith("Chưa quyết định")
    assert page.revision_box.currentText() == "Lần 1 (mới nhất) — Chưa quyết định"
    assert column_texts(page, "indicators", 0) == ["1a", "1b", "1c", "2a", "2b", "2c", "2d"]
    indicators = page.models["indicators"]
    assert [indicators.index(0, c).data() for c in (2, 3, 4, 5)] == ["90 / 100", "90%", "≥ 80%", "Đạt"]
    assert indicators.index(0, 5).data(ItemRole.BADGE) == "met"
    assert page.models["tasks"].index(1, 7).data() == "Thiếu kinh phí"
    assert page.tabs.tabText(2) == "&Minh chứng (1)" and page.tabs.tabText(3) == "&Vấn đề (0)"
    assert page.accept_button.isEnabled() and page.return_button.isEnabled()

    returned = decide(qtbot, page, page.return_button, tmp_path / "receipts", reason=REASON)
    assert not returned.isVisible()
    receipt = tmp_path / "receipts" / "24751_mini-plan_2023Q2_r1_returned.cdsr"
    assert receipt.is_file() and page.notices[-1] == (translate("ui.office_review.receipt_written",
                                                                 file=str(receipt)), False)
    assert page.decision.text().startswith("Đã trả lại để sửa ngày 20/05/2023 (truong_phong)")
    assert REASON[:40] in page.decision.text() and page.decision.toolTip() == REASON
    assert not page.accept_button.isEnabled() and not page.return_button.isEnabled()
    assert page.receipt_folder == tmp_path / "receipts"

    exchange.import_receipt(receipt, "chu_tich")
    view = service.period(P, Q2)
    assert (view.office_status, view.office_reason, view.revision) == ("returned", REASON, 2)
    correct_and_resend(service, exchange, tmp_path / "usb2", values={"1a": {"numerator": "95"}})
    office.import_bundles([tmp_path / "usb2"], PASS_OFFICE)
    page.workspace.publish(OfficeChanges(submissions=True))  # as the inbox does after an import
    assert page.revision_box.count() == 2 and page.revision_box.currentText() == "Lần 2 (mới nhất) — Chưa quyết định"
    assert page.changes_note.text() == "Thay đổi so với lần 1: 2 giá trị."
    changes = page.models["changes"]
    assert [[changes.index(r, c).data() for c in range(4)] for r in range(changes.rowCount())] == [
        ["1a", "Tử số", "90", "95"], ["1a", "Kết quả", "90", "95"]]

    page.revision_box.setCurrentIndex(1)
    page.revision_box.activated.emit(1)  # what choosing it with the keyboard or mouse does
    assert page.detail.header.revision == 1 and not page.accept_button.isEnabled()
    assert page.decision.text().startswith("Đã trả lại để sửa")
    page.revision_box.activated.emit(0)
    accepted = decide(qtbot, page, page.accept_button, tmp_path / "receipts")
    assert not accepted.isVisible()
    receipt2 = tmp_path / "receipts" / "24751_mini-plan_2023Q2_r2_accepted.cdsr"
    assert receipt2.is_file() and page.decision.text().startswith("Đã chấp nhận ngày 20/05/2023")
    exchange.import_receipt(receipt2, "chu_tich")
    assert service.period(P, Q2).office_status == "accepted"


def test_a_lost_receipt_is_saved_again_from_the_office_data(qtbot, make_page, service, exchange, office,  # noqa: F811
                                                           tmp_path):
    page = page_with_the_report(make_page, service, exchange, office, tmp_path / "usb")
    assert not page.receipt_button.isEnabled()  # no decision, no receipt
    decide(qtbot, page, page.return_button, tmp_path / "receipts", reason=REASON)
    receipt = tmp_path / "receipts" / "24751_mini-plan_2023Q2_r1_returned.cdsr"
    signed = receipt.read_bytes()
    receipt.unlink()  # lost on its way to the commune
    assert page.receipt_button.isEnabled() and page.receipt_button.text() == "Lưu lại &phiếu tiếp nhận…"

    again = tmp_path / "again" / receipt.name
    again.parent.mkdir()
    task = page.save_receipt_to(page.detail.header.decision.receipt_id, again)
    qtbot.waitUntil(lambda: page.running is not task, timeout=20000)
    assert again.read_bytes() == signed  # the very bytes signed, not a new receipt
    assert page.notices[-1] == (translate("ui.office_review.receipt_saved", file=str(again)), False)
    assert page.receipt_folder == again.parent
    exchange.import_receipt(again, "chu_tich")
    assert service.period(P, Q2).office_reason == REASON


def test_a_refused_signature_keeps_the_dialog_open_with_the_reason(qtbot, make_page, service, exchange, office,  # noqa: F811
                                                                    tmp_path):
    page = page_with_the_report(make_page, service, exchange, office, tmp_path / "usb")
    page.return_button.click()
    dialog = shown_dialog(page)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "receipts"))
    dialog.passphrase.setText(PASS_OFFICE)
    dialog.sign_button.click()  # no reason: refused before any confirmation
    assert dialog.error.text() == translate("error.office.return_needs_reason") and dialog.isVisible()
    dialog.reason.setPlainText(REASON)
    dialog.passphrase.setText("không đúng")
    answer_confirmation(dialog)
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: dialog.running is None and dialog.isEnabled(), timeout=30000)
    assert dialog.isVisible() and dialog.error.text() == translate("error.bundle.wrong_passphrase")
    assert dialog.focusWidget() is dialog.passphrase  # to type it again (focused when the dialog is active)
    answer_confirmation(dialog, sign=False)  # cancelled at the confirmation: nothing signed
    dialog.passphrase.setText(PASS_OFFICE)
    dialog.sign_button.click()
    assert dialog.isVisible() and not (tmp_path / "receipts").exists()
    assert office.receipts_issued("24751", P, Q2) == []


def test_accept_all_clean_lists_the_one_with_problems(qtbot, make_page, service, exchange, office, tmp_path,  # noqa: F811
                                                     mini_plan, clock):
    send_report(service, exchange, tmp_path / "usb")
    send_report(*enrolled_commune(tmp_path / "commune-2", office, mini_plan, clock), tmp_path / "usb", values=SHORT)
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    page = make_page()
    page.show("24752", P, Q2)
    assert page.tabs.tabText(3) == "&Vấn đề (1)"
    dialog = decide(qtbot, page, page.accept_all_button, tmp_path / "receipts")
    assert dialog.isVisible() and dialog.pages.currentIndex() == 1
    assert dialog.summary.text().startswith("Đã chấp nhận 1 báo cáo, bỏ qua 1 báo cáo.")
    assert dialog.accepted_model.index(0, 2).data() == "24751_mini-plan_2023Q2_r1_accepted.cdsr"
    assert [dialog.skipped_model.index(0, c).data() for c in range(3)] == [
        "Phường Bắc Gia Nghĩa (24752)", "1", "có 1 vấn đề khi kiểm tra lại, cần xem riêng"]
    assert [p.name for p in (tmp_path / "receipts").iterdir()] == ["24751_mini-plan_2023Q2_r1_accepted.cdsr"]
    assert page.decision.text().startswith("Chưa quyết định")  # the one shown had a problem
    assert_no_clipped_text(dialog)


class Viewer(QObject):
    """Stands in for the system's viewer: Qt hands it the file URLs ``QDesktopServices.openUrl`` opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[Path] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.opened.append(Path(url.toLocalFile()))


@pytest.fixture
def viewer():
    viewer = Viewer()
    QDesktopServices.setUrlHandler("file", viewer, "show")
    yield viewer
    QDesktopServices.unsetUrlHandler("file")


def test_evidence_opens_verified_and_a_tampered_store_file_is_refused(qtbot, make_page, service, exchange,  # noqa: F811
                                                                     office, tmp_path, viewer):
    scan = tmp_path / "Biên bản nghiệm thu.pdf"
    scan.write_bytes(PDF)
    send_report(service, exchange, tmp_path / "usb", evidence={"1a": scan})
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    page = make_page()
    page.show("24751", P, Q2)
    assert column_texts(page, "evidence", 1) == ["Biên bản nghiệm thu.pdf"]
    assert column_texts(page, "evidence", 3) == [hashlib.sha256(PDF).hexdigest()]
    page.tabs.setCurrentIndex(2)
    table = page.tables["evidence"]
    table.setFocus()
    table.setCurrentIndex(page.models["evidence"].index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_Return)  # Enter opens the file
    qtbot.waitUntil(lambda: bool(viewer.opened), timeout=20000)
    (opened,) = viewer.opened
    assert opened.name == "Biên bản nghiệm thu.pdf" and opened.read_bytes() == PDF
    assert page.notices[-1][1] is False and "SHA-256" in page.notices[-1][0]

    replace_stored(office, hashlib.sha256(PDF).hexdigest(), PDF.upper())
    page.open_button.click()
    qtbot.waitUntil(lambda: page.running is None, timeout=20000)
    assert len(viewer.opened) == 1  # nothing more opened
    text, failure = page.notices[-1]
    assert failure and text.startswith("Tệp minh chứng «Biên bản nghiệm thu.pdf» trong kho lưu của cơ quan đã bị thay đổi")
    task = page.save_evidence_to(page.models["evidence"].row(0).evidence_id, tmp_path / "copy.pdf")
    qtbot.waitUntil(lambda: page.running is not task, timeout=20000)
    assert not (tmp_path / "copy.pdf").exists() and page.notices[-1][1]


def test_a_clerk_sees_the_report_but_cannot_decide(qtbot, make_page, service, exchange, office, tmp_path):  # noqa: F811
    password = "mật khẩu đủ dài 2025"
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), password))
    accounts.sign_in("quantri", password)
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), password))
    accounts.sign_in("vanthu", password)
    page = page_with_the_report(make_page, service, exchange, office, tmp_path / "usb")
    assert page.report_button.isEnabled() and page.models["indicators"].rowCount() == 7
    for button in (page.accept_button, page.return_button, page.accept_all_button):
        assert not button.isEnabled() and button.toolTip() == translate("ui.office_review.heads_only")


def test_an_unknown_submission_is_a_notice(make_page):
    page = make_page()
    assert not page.show("24751", P, Q2)
    assert page.notices[-1][1] and "24751" in page.notices[-1][0] and page.empty.isVisible()


def test_the_consolidated_report_is_previewed(qtbot, make_page, service, exchange, office, tmp_path):  # noqa: F811
    page = page_with_the_report(make_page, service, exchange, office, tmp_path / "usb")
    dialog = page.preview_report()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.pages()) or dialog.message.text() != translate("ui.report.making"),
                    timeout=30000)
    assert dialog.pages() and dialog.pdf.startswith(b"%PDF")
    assert dialog.windowTitle() == "Báo cáo tổng hợp Quý 2 năm 2023 — xem trước"
    assert dialog.save_to(tmp_path / "tong-hop.pdf") and (tmp_path / "tong-hop.pdf").read_bytes() == dialog.pdf


@pytest.mark.parametrize("language", ["vi", "en"])
def test_layout_and_translations_at_1366x768(qtbot, make_page, service, exchange, office, tmp_path, language):  # noqa: F811
    scan = tmp_path / "Biên bản.pdf"
    scan.write_bytes(PDF)
    send_report(service, exchange, tmp_path / "usb", evidence={"T1": scan}, values=SHORT)
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    page = make_page(language)
    empty_texts = _visible_texts(page)
    page.show("24751", P, Q2)
    data = (_plan_texts(office.catalog.get(P).model_dump(mode="json"))
            | {"Xã Nhân Cơ", "Xã Nhân Cơ (24751)", "Biên bản.pdf", "lan", "chu_tich"})
    texts = list(empty_texts)
    for tab in range(page.tabs.count()):
        page.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        assert_no_clipped_text(page)
        texts += _visible_texts(page)
    assert _untranslated(texts, language, data) == []
    for button in (page.return_button, page.accept_all_button):
        button.click()
        dialog = shown_dialog(page)
        qtbot.addWidget(dialog)
        QApplication.processEvents()
        assert_no_clipped_text(dialog)
        assert _untranslated(_visible_texts(dialog), language, data | {str(Path.home())}) == []
        dialog.reject()


def test_keyboard_access_keys_and_tab_order(qtbot, make_page, service, exchange, office, tmp_path):  # noqa: F811
    page = page_with_the_report(make_page, service, exchange, office, tmp_path / "usb")
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=5000)
    keys = {}
    for text in [page.tabs.tabText(i) for i in range(page.tabs.count())] + [
            b.text() for b in (page.accept_button, page.return_button, page.accept_all_button, page.report_button,
                               page.open_button, page.save_button)] + [translate("ui.office_review.revision")]:
        key = text[text.index("&") + 1].lower()
        assert key not in keys, f"{text!r} and {keys.get(key)!r} share an access key"
        keys[key] = text
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # &Nhiệm vụ
    assert page.tabs.currentIndex() == 1
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # &So với lần trước
    assert page.tabs.currentIndex() == 5
    qtbot.keyClick(page, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Lần &gửi: the revision picker
    assert page.revision_box.hasFocus()
    focus = [QApplication.focusWidget()]
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus.append(QApplication.focusWidget())
    assert focus[1:5] == [page.accept_button, page.return_button, page.accept_all_button, page.report_button]
    assert focus[5] is page.tabs.tabBar()
    qtbot.keyClick(page, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # T&rả lại để sửa… (an animated click)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in page.findChildren(DecisionDialog)), timeout=5000)
    dialog = shown_dialog(page)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reason, timeout=5000)  # typing the reason first
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
