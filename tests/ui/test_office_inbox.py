"""The office's inbox page, driven as a clerk would with pytest-qt, on real bundles made by real commune services
(tests/support/inbox_bundles.py): a USB folder with new reports, a new revision, a duplicate, an altered file, an
older revision, an unknown commune and a bundle for another office.

The page stands alone here (the office window is another part's), built as the window builds it:
``InboxPage(OfficeWorkspace, BackgroundTasks)`` over a real office data folder."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPushButton

from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.import_log import OutcomeKind, outcome_counts, summary_text
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.office.inbox_models import InboxColumn, RESULT_COLUMNS
from cds_desktop.ui.office.inbox_page import InboxPage
from cds_desktop.ui.office.pages import PAGES
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shell.qt_translator import QtLanguage
from support.inbox_bundles import PASS_OFFICE, P, Q1, R1, make_inbox, open_office
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.keyboard import type_text
from tests.ui.test_translations import _untranslated, _visible_texts


@pytest.fixture
def inbox(tmp_path):
    return make_inbox(tmp_path / "inbox")


@pytest.fixture
def open_page(qtbot, inbox, clock):
    """A function making the inbox page in a language at 1366×768, over a fresh copy of the office."""
    made = []

    def make(language: str = "vi", signed_in: Role | None = None) -> InboxPage:
        set_language(language)
        qt_language = QtLanguage(QApplication.instance())
        qt_language.apply(language)
        office = open_office(inbox.office, clock)
        if signed_in is not None:
            accounts = Accounts(office)
            accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), "mật khẩu đủ dài 2025"))
            accounts.sign_in("quantri", "mật khẩu đủ dài 2025")
            accounts.create(NewUser("nguoi_dung", "Người dùng", frozenset({signed_in}), "mật khẩu đủ dài 2025"))
            accounts.sign_in("nguoi_dung", "mật khẩu đủ dài 2025")
        workspace = OfficeWorkspace(office, "van_thu")
        tasks = BackgroundTasks()
        page = next(entry for entry in PAGES if entry.name == "inbox").build(workspace, tasks)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        made.append((office, tasks, qt_language))
        return page

    yield make
    for office, tasks, qt_language in made:
        tasks.wait()
        qt_language.apply("en")
        office.close()


def type_passphrase(qtbot, page: InboxPage, passphrase: str = PASS_OFFICE) -> None:
    qtbot.waitUntil(lambda: page.passphrase_dialog is not None and page.passphrase_dialog.isVisible())
    dialog = page.passphrase_dialog
    assert dialog.focusWidget() is dialog.field  # typing goes straight into the passphrase
    type_text(dialog.field, passphrase)  # as a Vietnamese keyboard delivers the characters
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)


def wait_done(qtbot, page: InboxPage, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: page.running is None and page.passphrase_dialog is None, timeout=timeout)


def shown(page: InboxPage, column: InboxColumn) -> list[str]:
    position = RESULT_COLUMNS.index(column)
    return [page.proxy.index(row, position).data() for row in range(page.proxy.rowCount())]


def double_click(qtbot, view, index) -> None:
    """A person's double-click: QTest's ``mouseDClick`` alone sends no first press (Qt 6)."""
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_usb_folder_imported_through_the_page_shows_each_file_and_counts_that_add_up(qtbot, open_page, inbox):
    page = open_page("vi")
    before = snapshot(inbox.usb)
    with qtbot.waitSignal(page.workspace.changed, timeout=60_000) as changed:
        page.import_paths([inbox.usb])
        type_passphrase(qtbot, page)
    wait_done(qtbot, page)
    assert changed.args[0].submissions

    kinds = [line.kind for line in page.model.lines()]
    assert kinds == [kind for kind, _ in inbox.expected.values()]
    assert page.counts.text() == summary_text(outcome_counts(kinds)) == (
        "7 tệp: 1 báo cáo mới, 1 lần gửi mới của báo cáo đã có, 1 đã nhận trước đây (không cần làm gì), "
        "4 bị từ chối.")
    assert shown(page, InboxColumn.OUTCOME) == ["Báo cáo mới", "Đã nhận trước đây", "Bị từ chối", "Bị từ chối",
                                                "Lần gửi mới", "Bị từ chối", "Bị từ chối"]
    assert shown(page, InboxColumn.COMMUNE)[0] == "Xã Nhân Cơ (24751)"
    assert shown(page, InboxColumn.COMMUNE)[5:] == ["Xã mã 24760 (không có trong danh sách)",
                                                    "Xã mã 25000 (không có trong danh sách)"]
    assert set(shown(page, InboxColumn.PERIOD)) == {"Quý 1 năm 2023"}
    assert shown(page, InboxColumn.REVISION) == ["1", "1", "1", "2", "2", "1", "1"]
    reasons, advice = shown(page, InboxColumn.REASON), shown(page, InboxColumn.ADVICE)
    assert reasons[0] == advice[0] == reasons[4] == ""
    assert all(reasons[row] and advice[row] for row in (1, 2, 3, 5, 6))
    assert advice[2] == "Không cần làm gì: cơ quan đã có lần gửi mới hơn của báo cáo này."
    assert "Khóa và xã" in advice[5] and "cơ quan khác" in advice[6]
    assert page.status.text() == "Đã nhập xong. Các tệp gốc không bị thay đổi."
    assert snapshot(inbox.usb) == before  # the user's files: not changed, not moved, nothing added

    page.table.selectRow(3)
    assert page.details.text().startswith("24751_mini-plan_2023Q1_r2.cdsb — Lý do: ")
    assert "Cách xử lý: Tệp đã bị hỏng hoặc bị sửa." in page.details.text()
    assert not page.open_button.isEnabled()

    history = page.history  # the import log tab lists every attempt
    assert history.model.rowCount() == 7 and history.count.text() == "7 lần nhập"
    history.outcome.setCurrentIndex(history.outcome.findData("refused"))
    assert history.model.rowCount() == 4
    history.commune.setCurrentIndex(history.commune.findData("24751"))
    assert history.model.rowCount() == 2


def test_an_imported_report_opens_and_a_refused_one_does_not(qtbot, open_page, inbox):
    page = open_page("vi")
    page.import_paths([inbox.usb])
    type_passphrase(qtbot, page)
    wait_done(qtbot, page)
    requests = []
    page.workspace.submission_requested.connect(lambda *args: requests.append(args))
    for row in (2, 0, 4):  # refused, then the new report and the new revision
        double_click(qtbot, page.table, page.proxy.index(row, 1))
    assert requests == [("24751", P, Q1), ("24751", P, Q1)]
    page.table.selectRow(4)
    assert page.open_button.isEnabled()
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert len(requests) == 3
    page.tabs.setCurrentIndex(1)  # in the log too
    log_row = next(row for row in range(page.history.proxy.rowCount())
                   if page.history.proxy.index(row, 2).data() == "Báo cáo mới")
    double_click(qtbot, page.history.table, page.history.proxy.index(log_row, 1))
    assert requests[-1] == ("24751", P, Q1) and len(requests) == 4


def test_the_passphrase_is_asked_once_again_when_wrong_and_never_written(qtbot, open_page, inbox, tmp_path):
    page = open_page("en")
    page.import_paths([inbox.usb / R1])
    type_passphrase(qtbot, page, "not the passphrase")
    qtbot.waitUntil(lambda: page.passphrase_dialog is not None and page.passphrase_dialog.error.isVisible(),
                    timeout=60_000)
    assert page.passphrase_dialog.error.text() == translate("error.bundle.wrong_passphrase", "en")
    assert page.model.rowCount() == 0
    type_passphrase(qtbot, page)
    wait_done(qtbot, page)
    assert [line.kind for line in page.model.lines()] == [OutcomeKind.NEW_REPORT]

    page.workspace.import_requested.emit([inbox.usb / "copy"])  # the window asks: no passphrase asked again
    assert page.passphrase_dialog is None
    wait_done(qtbot, page)
    assert [line.kind for line in page.model.lines()] == [OutcomeKind.DUPLICATE]

    secret = PASS_OFFICE.encode("utf-8")
    written = [path for path in tmp_path.rglob("*") if path.is_file() and secret in path.read_bytes()]
    assert written == []  # not in the data folder, its database or log, the settings or anywhere else


def test_cancel_half_way_keeps_what_was_imported_and_leaves_the_rest(qtbot, open_page, inbox):
    page = open_page("vi")
    office = page.workspace.service
    reached, go_on = threading.Event(), threading.Event()
    import_bundles = office.import_bundles

    def paused_at_the_fourth_file(*args, on_file, **kwargs):  # holds the lane at a file boundary, nothing else
        def watched(file, done, total):
            on_file(file, done, total)
            if done == 3:
                reached.set()
                go_on.wait(30)
        return import_bundles(*args, on_file=watched, **kwargs)

    office.import_bundles = paused_at_the_fourth_file
    before = snapshot(inbox.usb)
    page.import_paths([inbox.usb])
    type_passphrase(qtbot, page)
    qtbot.waitUntil(reached.is_set, timeout=60_000)
    dialog = page.running.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and page.model.rowCount() == 3)
    assert dialog.labelText() == "Đang nhập tệp 4/7: 24751_mini-plan_2023Q1_r2.cdsb"
    with qtbot.waitSignal(page.workspace.changed):
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Hủy
        go_on.set()
        wait_done(qtbot, page)
    assert page.status.text() == ("Đã dừng: 3/7 tệp đã xử lý xong (kết quả bên dưới); 4 tệp còn lại chưa được "
                                  "nhập và không bị thay đổi.")
    assert [line.kind for line in page.model.lines()] == [OutcomeKind.NEW_REPORT, OutcomeKind.DUPLICATE,
                                                          OutcomeKind.REFUSED]
    assert [s.revision for s in office.submissions()] == [1]
    assert len(office.import_attempts()) == 3 and page.history.model.rowCount() == 3
    assert snapshot(inbox.usb) == before
    assert page.choose_files_button.isEnabled()


def test_files_dropped_on_the_page_are_imported(qtbot, open_page, inbox):
    page = open_page("vi")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(inbox.usb / R1)), QUrl.fromLocalFile(str(inbox.usb / "copy"))])
    enter = QDragEnterEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, drop)
    type_passphrase(qtbot, page)
    wait_done(qtbot, page)
    assert [line.kind for line in page.model.lines()] == [OutcomeKind.NEW_REPORT, OutcomeKind.DUPLICATE]


def test_a_head_may_read_the_log_but_not_import(qtbot, open_page, inbox):
    page = open_page("vi", signed_in=Role.HEAD)
    assert not page.choose_files_button.isEnabled() and not page.choose_folder_button.isEnabled()
    assert page.status.text() == translate("ui.inbox.not_allowed")
    with qtbot.waitSignal(page.workspace.notice) as notice:
        page.workspace.import_requested.emit([inbox.usb])  # dropped on the window: said at once, nothing asked
    assert notice.args == [translate("ui.inbox.not_allowed"), True] and page.passphrase_dialog is None
    assert page.workspace.service.import_attempts() == [] and page.model.rowCount() == 0


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_text_is_cut_off_or_left_untranslated_at_1366x768(qtbot, open_page, inbox, language):
    page = open_page(language)
    page.import_paths([inbox.usb])
    dialog = page.passphrase_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert_no_clipped_text(dialog)
    texts = _visible_texts(dialog)
    type_passphrase(qtbot, page)
    wait_done(qtbot, page)
    page.table.selectRow(3)
    data = {"Xã Nhân Cơ"}
    for tab in range(page.tabs.count()):
        page.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        assert_no_clipped_text(page)
        texts += _visible_texts(page)
    files = QFileDialog(page, translate("ui.inbox.files_title"))
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.setNameFilter(translate("ui.inbox.files_filter"))
    files.setDirectory(str(inbox.usb))
    files.show()
    qtbot.addWidget(files)
    texts += _visible_texts(files)
    assert len(texts) > 30
    assert _untranslated(texts, language, data | {str(inbox.usb)}) == []


def test_the_page_is_usable_with_the_keyboard_alone(qtbot, open_page, inbox):
    page = open_page("vi")
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # access keys answer in the active window
    page.choose_files_button.setFocus()
    requests = []
    page.workspace.submission_requested.connect(lambda *args: requests.append(args))

    def answer_the_folder_dialog():  # typed into the file dialog, as a person would
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog) and dialog.objectName() == "inbox_folder_dialog"
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.setFocus()
        type_text(name, str(inbox.usb))
        qtbot.keyClick(name, Qt.Key.Key_Return)

    QTimer.singleShot(200, answer_the_folder_dialog)
    qtbot.keyClick(page, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Chọn thư &mục…
    type_passphrase(qtbot, page)
    wait_done(qtbot, page)
    assert page.model.rowCount() == 7

    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.choose_folder_button.setFocus()
    for _ in range(6):  # Tab along until the result table has the focus
        if page.table.hasFocus():
            break
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Tab)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Home)
    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # the duplicate: Enter opens nothing
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert requests == []
    qtbot.keyClick(page.table, Qt.Key.Key_Up)  # the new report
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert requests == [("24751", P, Q1)]
    qtbot.keyClick(page, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Nhật &ký nhập
    assert page.tabs.currentIndex() == 1
    qtbot.keyClick(page, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # &Loại kết quả
    assert page.history.outcome.hasFocus()
    qtbot.keyClick(page.history.outcome, Qt.Key.Key_Down)
    assert page.history.outcome.currentData() == "new_report" and page.history.model.rowCount() == 1
