"""The receiving office's whole road on its real screens, with real bundles made by the real commune services (no
mock of the bundle or the database anywhere):

set up the office in the wizard (office branch, through its widgets) → a commune, enrolled with the office's key
file and enrolled by the office from its enrolment file, fills and exports the third quarter of the built-in plan →
the clerk imports a USB folder with a good, a duplicate and a tampered bundle through the inbox page (counts shown)
→ the completeness matrix and its header figures → the submission opened from the matrix (Enter) → the head
returns it with a reason in the decision dialog (passphrase) → the commune imports the receipt, sees the reason,
corrects and exports revision 2 → the clerk imports it → the submission page shows the difference value by value
→ the head accepts → the matrix shows "accepted, revision 2".

People change at the office as they do in real life: the window's sign-out, and the sign-in dialog typed in.
Role refusals (a clerk cannot accept) are the services' tests: ``tests/core/exchange/test_office_decisions.py``
and ``test_office_roles.py``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWizard

from cds_desktop.core.i18n import set_language
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.presentation import number_text
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.demo import fill_past_period, indicator_fields
from cds_desktop.core.services.office.import_log import OutcomeKind, outcome_counts, summary_text
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.office.application import OfficeApp
from cds_desktop.ui.office.completeness_page import CODE_COLUMN
from cds_desktop.ui.shared.cells import badge_width
from cds_desktop.ui.shared.login_dialog import LoginDialog
from cds_desktop.ui.shell.qt_translator import QtLanguage
from tests.core.exchange.conftest import PASS_OFFICE
from tests.ui.keyboard import type_text
from tests.ui.test_office_inbox import type_passphrase, wait_done
from tests.ui.test_office_submission import decide  # its dialog is the window's child: decide(qtbot, window, …)
from support.set_up import make_wizard, press as _press, to_office_identity as _to_office_identity  # noqa: F401
from support.set_up import type_user as _type_user

VN = dt.timezone(dt.timedelta(hours=7))
PLAN, Q3 = "dak-rlap-2023", "2023Q3"  # the built-in plan; the third quarter is due before 03/09/2023
OFFICE_NAME = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
PASSPHRASE = PASS_OFFICE  # the office's key passphrase, as the decision helper types it
COMMUNE_PASSPHRASE = "khóa ký số của xã Nhân Cơ 2023"
HEAD, HEAD_PASSWORD = "truong.phong", "Truong phong so KHCN 2025"
CLERK, CLERK_PASSWORD = "van.thu", "Van thu so KHCN 2025"
REASON = "Tỷ lệ hồ sơ trực tuyến chưa khớp số liệu của Bộ phận Một cửa; đề nghị kiểm tra lại."
WAIT_MS = 60_000


def at(clock, month: int, day: int, hour: int = 9) -> None:
    clock.now = dt.datetime(2023, month, day, hour, 0, tzinfo=VN)


def set_up_office_in_the_wizard(qtbot, wizard) -> None:
    """A province office of Lâm Đồng receiving from all its communes, a head (also administrator) and a clerk."""
    _to_office_identity(wizard)
    wizard.office_identity_page.province.lineEdit().setText("Lâm Đồng")
    wizard.office_identity_page.name.setText(OFFICE_NAME)
    _press(wizard)
    assert wizard.office_communes_page.picker.count.text() == "Đã chọn 124/124 xã"
    _press(wizard)
    form = wizard.office_accounts_page.form
    _type_user(qtbot, form, HEAD, "Nguyen Thi Truong", (Role.HEAD, Role.ADMIN), HEAD_PASSWORD)
    wizard.office_accounts_page.add.click()
    _type_user(qtbot, form, CLERK, "Le Van Thu", (Role.CLERK,), CLERK_PASSWORD)
    _press(wizard)
    type_text(wizard.office_key_page.passphrase.first, PASSPHRASE)  # with its Vietnamese letters
    type_text(wizard.office_key_page.passphrase.repeat, PASSPHRASE)
    _press(wizard)
    _press(wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: wizard.result() == QWizard.DialogCode.Accepted, timeout=WAIT_MS)


class Commune:
    """A commune on its own computer: its own data folder, the real commune services, the built-in plan."""

    def __init__(self, folder: Path, code: str, name: str, clock) -> None:
        self.service = CommuneService(DataDir(folder), PlanCatalog.builtin(), clock)
        self.service.init_commune("68", code, name)
        self.exchange = CommuneExchange(self.service)
        self.code = code

    def enrol_with(self, office, key_file: Path, exchange_folder: Path) -> None:
        """Pin the office from its key file (fingerprint read on the phone); the office enrols our key."""
        self.exchange.import_office_keys(key_file, office.root_fingerprint())
        fingerprint = self.exchange.generate_key(COMMUNE_PASSPHRASE)
        enrolment = exchange_folder / f"enrol-{self.code}.json"
        self.exchange.export_enrollment(enrolment)
        office.enroll(enrolment, fingerprint)

    def send(self, out: Path) -> Path:
        self.service.submit(PLAN, Q3, "can.bo")
        self.exchange.approve(PLAN, Q3, COMMUNE_PASSPHRASE, "chu.tich")
        return self.exchange.export(PLAN, Q3, out, COMMUNE_PASSPHRASE, "chu.tich").path


def switch_person(qtbot, desktop: OfficeApp, username: str, password: str):
    """File → Sign out, and the next person types their name and password into the sign-in dialog."""
    def type_in() -> None:
        dialog = next((d for d in QApplication.topLevelWidgets() if isinstance(d, LoginDialog) and d.isVisible()),
                      None)
        if dialog is None:
            QTimer.singleShot(20, type_in)
            return
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, type_in)
    desktop.sign_out()
    assert desktop.workspace.service.principal.username == username
    window = desktop.window
    qtbot.addWidget(window)
    window.resize(1366, 768)
    return window


def import_through_the_inbox(qtbot, window, paths: list[Path]):
    """Files given to the window (as a drop does): the inbox asks for the passphrase once and imports them."""
    window.workspace.request_import(paths)
    inbox = window.page("inbox")
    assert window.current_page_name() == "inbox"
    type_passphrase(qtbot, inbox, PASSPHRASE)  # each window asks once (a new person, a new window)
    wait_done(qtbot, inbox)
    return inbox


def matrix_cell(page, code: str, period_column: int):
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, CODE_COLUMN).data() == code)
    return page.proxy.index(row, period_column)


def period_column(page, label: str) -> int:
    return next(c for c in range(page.proxy.columnCount())
                if (page.proxy.headerData(c, Qt.Orientation.Horizontal) or "").splitlines()[0] == label)


def open_from_the_matrix(qtbot, window, code: str):
    """Home page, the commune's third-quarter cell, Enter: the submission page shows it."""
    matrix = window.show_page("completeness")
    qtbot.waitUntil(lambda: matrix.proxy.rowCount() > 0, timeout=WAIT_MS)
    cell = matrix_cell(matrix, code, period_column(matrix, "Quý 3 năm 2023"))
    matrix.table.setFocus()
    matrix.table.selectionModel().setCurrentIndex(cell, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(matrix.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page_name() == "submission", timeout=WAIT_MS)
    return window.page("submission")


def assert_statuses_on_screen(qtbot, page) -> None:
    """At 1366×768 the built-in plan's long indicator names and task titles leave each row's assessment or status
    on screen, its badge whole; each table's headings tell its columns apart."""
    for tab, table_name in ((0, "indicators"), (1, "tasks")):
        page.tabs.setCurrentIndex(tab)
        table, model = page.tables[table_name], page.models[table_name]
        qtbot.waitUntil(table.isVisible)
        right = table.columnViewportPosition(model.STATUS) + table.columnWidth(model.STATUS)
        assert 0 < right <= table.viewport().width(), table_name
        widest = max(badge_width(table.fontMetrics(), model.index(row, model.STATUS).data())
                     for row in range(model.rowCount()))
        assert table.columnWidth(model.STATUS) >= widest, table_name
    page.tabs.setCurrentIndex(0)
    for name, model in page.models.items():  # no two columns of a table under the same heading
        headings = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
        assert len(set(headings)) == len(headings), (name, headings)


@pytest.fixture
def vietnamese_office_time(monkeypatch):
    """Times show in the computer's zone: the office's (UTC+7), whatever the test machine's."""
    import time

    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_set_up_import_review_return_correct_and_accept_on_the_real_screens(qtbot, make_wizard, clock,  # noqa: F811
                                                                            tmp_path, vietnamese_office_time):
    at(clock, 8, 1)
    wizard = make_wizard("vi")
    set_up_office_in_the_wizard(qtbot, wizard)
    office = wizard.service
    accounts = Accounts(office)

    # the administrator hands out the office's key file; two communes enrol
    exchange_folder = tmp_path / "exchange"
    exchange_folder.mkdir()
    accounts.sign_in(HEAD, HEAD_PASSWORD)
    office.export_keys(exchange_folder / "org-keys.json", PASSPHRASE)
    nhan_co = Commune(tmp_path / "nhan-co", "24751", "Xã Nhân Cơ", clock)
    bac_gia_nghia = Commune(tmp_path / "bac-gia-nghia", "24611", "Phường Bắc Gia Nghĩa", clock)
    for commune in (nhan_co, bac_gia_nghia):
        commune.enrol_with(office, exchange_folder / "org-keys.json", exchange_folder)

    # both fill and export the third quarter on time; the USB drive gets a copy and a damaged file too
    at(clock, 8, 25)
    usb = tmp_path / "USB"
    for commune in (nhan_co, bac_gia_nghia):
        fill_past_period(commune.service, Q3)
    first = nhan_co.send(usb)
    (usb / "ban-sao").mkdir()
    shutil.copy2(first, usb / "ban-sao" / first.name)
    damaged = bac_gia_nghia.send(tmp_path / "bac-gia-nghia-out")
    altered = bytearray(damaged.read_bytes())
    altered[-100] ^= 0x01
    (usb / damaged.name).write_bytes(bytes(altered))

    # the clerk opens the office's window and imports the drive through the inbox
    at(clock, 8, 26)
    accounts.sign_in(CLERK, CLERK_PASSWORD)
    set_language("vi")
    qt_language = QtLanguage(QApplication.instance())
    desktop = OfficeApp(QApplication.instance(), qt_language, office, CLERK, remember_geometry=False)
    try:
        window = desktop.show()
        qtbot.addWidget(window)
        window.resize(1366, 768)
        inbox = import_through_the_inbox(qtbot, window, [usb])
        kinds = sorted(line.kind for line in inbox.model.lines())
        assert kinds == sorted([OutcomeKind.NEW_REPORT, OutcomeKind.DUPLICATE, OutcomeKind.REFUSED])
        assert inbox.counts.text() == summary_text(outcome_counts(kinds)) == (
            "3 tệp: 1 báo cáo mới, 0 lần gửi mới của báo cáo đã có, 1 đã nhận trước đây (không cần làm gì), "
            "1 bị từ chối.")
        refused = next(line for line in inbox.model.lines() if line.kind is OutcomeKind.REFUSED)
        assert refused.file_name == damaged.name

        # home: the matrix and its figures
        matrix = window.show_page("completeness")  # it opened on the catalog's first plan: it follows the reports
        qtbot.waitUntil(lambda: matrix.plan_id == PLAN and matrix.running is None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: matrix.proxy.rowCount() == 124 and matrix.year_box.currentText() == "2023",
                        timeout=WAIT_MS)
        q3 = period_column(matrix, "Quý 3 năm 2023")
        assert matrix.proxy.headerData(q3, Qt.Orientation.Horizontal).splitlines()[1:] == [
            "Đã nhận 1/124 (0,8%)", "Đúng hạn 1/124 (0,8%)"]
        assert matrix_cell(matrix, "24751", q3).data() == "Đúng hạn · lần 1"
        assert matrix_cell(matrix, "24611", q3).data() == "Chưa gửi"  # its only file was damaged

        # the head signs in, opens the report from the matrix and returns it with a reason
        at(clock, 8, 28, hour=14)
        window = switch_person(qtbot, desktop, HEAD, HEAD_PASSWORD)
        page = open_from_the_matrix(qtbot, window, "24751")
        assert page.commune.text() == "Xã Nhân Cơ (24751)" and page.period.text() == "Quý 3 năm 2023"
        assert page.timeliness.text() == "Đúng hạn (hạn nộp trước ngày 03/09/2023)"
        assert page.revision_box.currentText() == "Lần 1 (mới nhất) — Chưa quyết định"
        assert "chu.tich phê duyệt lúc 25/08/2023" in page.signer.text()
        assert_statuses_on_screen(qtbot, page)
        receipts = tmp_path / "USB-bien-nhan"
        decide(qtbot, window, page.return_button, receipts, reason=REASON)
        returned = receipts / "24751_dak-rlap-2023_2023Q3_r1_returned.cdsr"
        assert returned.is_file() and page.decision.text().startswith("Đã trả lại để sửa ngày 28/08/2023")
        matrix = window.page("completeness")
        qtbot.waitUntil(lambda: matrix_cell(matrix, "24751", q3).data() == "Trả lại để sửa · lần 1",
                        timeout=WAIT_MS)

        # the commune imports the receipt, reads the reason, corrects one value and sends revision 2
        at(clock, 8, 30)
        nhan_co.exchange.import_receipt(returned, "chu.tich")
        view = nhan_co.service.period(PLAN, Q3)
        assert (view.office_status, view.office_reason, view.revision) == ("returned", REASON, 2)
        plan = nhan_co.service.plan(PLAN)
        corrected = plan.commune_indicators()[1]
        before = indicator_fields(plan, 1)
        after = indicator_fields(plan, 1, growth=4)
        assert before != after
        nhan_co.service.set_indicator(PLAN, Q3, corrected.code, after, "can.bo")
        second = nhan_co.send(tmp_path / "USB-2")

        # the clerk imports it; the head sees the difference value by value and accepts
        window = switch_person(qtbot, desktop, CLERK, CLERK_PASSWORD)
        inbox = import_through_the_inbox(qtbot, window, [second])
        assert [line.kind for line in inbox.model.lines()] == [OutcomeKind.NEW_REVISION]
        at(clock, 9, 1)
        window = switch_person(qtbot, desktop, HEAD, HEAD_PASSWORD)
        page = open_from_the_matrix(qtbot, window, "24751")
        assert page.revision_box.currentText() == "Lần 2 (mới nhất) — Chưa quyết định"
        changes = page.models["changes"]
        rows = [[changes.index(r, c).data() for c in range(4)] for r in range(changes.rowCount())]
        assert rows == [  # the corrected numerator and the result it changes, in Vietnamese numbers
            [corrected.code, "Tử số", number_text(before["numerator"]), number_text(after["numerator"])],
            [corrected.code, "Kết quả", "74", "77,94"]]
        assert page.changes_note.text() == "Thay đổi so với lần 1: 2 giá trị."
        decide(qtbot, window, page.accept_button, receipts)
        accepted = receipts / "24751_dak-rlap-2023_2023Q3_r2_accepted.cdsr"
        assert accepted.is_file() and page.decision.text().startswith("Đã chấp nhận ngày 01/09/2023")
        matrix = window.show_page("completeness")
        qtbot.waitUntil(lambda: matrix_cell(matrix, "24751", q3).data() == "Đã chấp nhận · lần 2", timeout=WAIT_MS)
        assert matrix.proxy.headerData(q3, Qt.Orientation.Horizontal).splitlines()[1:] == [
            "Đã nhận 1/124 (0,8%)", "Đúng hạn 1/124 (0,8%)"]

        nhan_co.exchange.import_receipt(accepted, "chu.tich")
        assert nhan_co.service.period(PLAN, Q3).office_status == "accepted"
    finally:
        desktop.tasks.wait()
        for commune in (nhan_co, bac_gia_nghia):
            commune.service.close()
        qt_language.apply("en")
        desktop.close()
        qt_language.deleteLater()
