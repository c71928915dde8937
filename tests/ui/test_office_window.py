"""The office's window (``ui/office/main_window.py``) in its session (``ui/office/application.py``) over a real
office data folder: tabs from ``PAGES`` (stand-in pages that record, ``support/office_pages.py``), the workspace's
requests routed, notices, menus and keys, dropped files, settings and backups of the office, both languages."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from cds_desktop import __version__
from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.office import pages as pages_module
from cds_desktop.ui.office.application import OfficeApp
from cds_desktop.ui.office.main_window import OfficeWindow
from cds_desktop.ui.shared.users_dialog import UsersDialog
from cds_desktop.ui.shell.qt_translator import QtLanguage
from support.office_pages import RecordingPage, use_recording_pages
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

OFFICE_NAME = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
PASSWORD = "mật khẩu đủ dài 2025"
WAIT_MS = 60_000


@pytest.fixture
def office(tmp_path, mini_plan, clock):
    service = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([mini_plan]), clock)
    service.init_office("68", OFFICE_NAME, "province", "cụm mật khẩu của sở")
    yield service
    service.close()


@pytest.fixture
def open_office(qtbot, office):
    """A function making the office's window in a language, as users see it (1366×768)."""
    made = []

    def make(language: str = "vi") -> OfficeWindow:
        set_language(language)
        app = QApplication.instance()
        qt_language = QtLanguage(app)
        qt_language.apply(language)
        desktop = OfficeApp(app, qt_language, office, "van.thu", remember_geometry=False)
        window = desktop.show()
        qtbot.addWidget(window)
        window.resize(1366, 768)
        made.append((desktop, qt_language))
        return window

    yield make
    for desktop, qt_language in made:
        desktop.tasks.wait()
        qt_language.apply("en")
        desktop.deleteLater()
        qt_language.deleteLater()


@pytest.fixture
def recording(monkeypatch):
    return use_recording_pages(monkeypatch)


def _page(window: OfficeWindow, name: str) -> RecordingPage:
    return window.page(name)


def test_the_window_has_the_office_in_its_title_and_a_tab_per_page(qtbot, open_office, recording):
    window = open_office()
    assert OFFICE_NAME in window.windowTitle() and "68" in window.windowTitle()
    assert [window.pages.tabText(i) for i in range(window.pages.count())] == [
        translate(entry.title_id) for entry in recording]
    assert window.page_names == ["inbox", "submission"] and isinstance(_page(window, "inbox"), RecordingPage)
    assert _page(window, "inbox").workspace is window.workspace


def test_without_pages_the_window_says_so_and_still_has_its_menus(qtbot, open_office, monkeypatch):
    monkeypatch.setattr(pages_module, "PAGES", [])
    window = open_office()
    empty = window.findChild(QLabel, "no_pages")
    assert empty is not None and empty.text() == translate("ui.office.no_pages")
    assert not window.view_menu.isEnabled() and window.file_menu.actions()
    window.workspace.show_page("inbox")  # nothing to show: no error
    window.workspace.request_import([])


def test_a_page_request_brings_the_page_with_the_focus_in_it(qtbot, open_office, recording):
    window = open_office()
    window.show()
    window.workspace.show_page("submission")
    assert window.current_page_name() == "submission"
    qtbot.waitUntil(lambda: _page(window, "submission").field.hasFocus(), timeout=WAIT_MS)
    window.workspace.show_page("inbox")
    assert window.current_page_name() == "inbox"


def test_ctrl_and_a_number_switch_pages_and_focus_them(qtbot, open_office, recording):
    window = open_office()
    window.show()
    actions = window.view_menu.actions()
    assert [a.shortcut() for a in actions] == [QKeySequence("Ctrl+1"), QKeySequence("Ctrl+2")]
    actions[1].trigger()
    assert window.current_page_name() == "submission"
    qtbot.waitUntil(lambda: _page(window, "submission").field.hasFocus(), timeout=WAIT_MS)
    actions[0].trigger()
    assert window.current_page_name() == "inbox"


def test_a_submission_request_is_shown_by_the_submission_page(qtbot, open_office, recording):
    window = open_office()
    window.workspace.show_submission("24751", "mini-plan", "2023Q1")
    assert window.current_page_name() == "submission"
    assert _page(window, "submission").shown == [("24751", "mini-plan", "2023Q1")]


def test_an_import_request_goes_to_the_inbox(qtbot, open_office, recording, tmp_path):
    window = open_office()
    window.pages.setCurrentIndex(1)
    bundle = tmp_path / "24751_mini-plan_2023Q1_r1.cdsb"
    window.workspace.request_import([str(bundle)])
    assert window.current_page_name() == "inbox"
    assert _page(window, "inbox").imports == [[bundle]]


def test_files_dropped_on_the_window_go_to_the_inbox(qtbot, open_office, recording, tmp_path):
    window = open_office()
    usb = tmp_path / "usb"
    usb.mkdir()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(usb)), QUrl("https://example.org/x.cdsb")])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert drop.isAccepted() and _page(window, "inbox").imports == [[usb]]


def test_a_notice_shows_in_the_status_bar_and_a_failure_also_in_a_message_box(qtbot, open_office, recording):
    window = open_office()
    window.workspace.notice.emit(translate("ui.password.changed"), False)
    assert window.notice.text() == translate("ui.password.changed") and window.failure_box is None
    failure = translate("error.auth.sign_in_required")
    window.workspace.notice.emit(failure, True)
    qtbot.waitUntil(lambda: window.failure_box is not None and window.failure_box.isVisible(), timeout=WAIT_MS)
    assert window.failure_box.text() == failure and window.notice.property("failure")
    window.failure_box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.failure_box is None, timeout=WAIT_MS)


def test_about_shows_the_version(qtbot, open_office, recording):
    window = open_office()
    next(a for a in window.findChildren(QAction) if a.objectName() == "about_action").trigger()
    box = window.about_box
    qtbot.addWidget(box)
    assert __version__ in box.text()


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&(\w)", text)
    return found.group(1).casefold() if found else None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_menus_have_access_keys_that_do_not_clash(qtbot, open_office, recording, office, language):
    Accounts(office).create(NewUser("quan.tri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    Accounts(office).sign_in("quan.tri", PASSWORD)
    window = open_office(language)
    bar = [a.text() for a in window.menuBar().actions()]
    bar += [translate(entry.title_id) for entry in pages_module.PAGES]  # tabs answer Alt+letter too
    assert all(_mnemonic(text) for text in bar[:3])
    keys = [_mnemonic(text) for text in bar if _mnemonic(text)]
    assert len(keys) == len(set(keys)), bar
    for menu in (window.file_menu, window.view_menu):
        entries = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert entries and all(_mnemonic(t) for t in entries if menu is window.file_menu), entries
        keys = [_mnemonic(t) for t in entries if _mnemonic(t)]
        assert len(keys) == len(set(keys)), entries


def test_the_real_page_titles_and_the_menu_bar_share_no_access_key():
    """Whatever pages the other parts add to ``PAGES``: their tabs and the menu bar answer Alt+letter together."""
    for language in ("vi", "en"):
        titles = [translate(f"ui.menu.{menu}", language) for menu in ("file", "view", "help")]
        titles += [translate(entry.title_id, language) for entry in pages_module.PAGES]
        keys = [_mnemonic(text) for text in titles if _mnemonic(text)]
        assert len(keys) == len(set(keys)), titles


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_text_is_translated_and_fits_at_1366_by_768(qtbot, open_office, recording, office, tmp_path, language):
    Accounts(office).create(NewUser("quan.tri", "Quản trị", frozenset({Role.ADMIN, Role.HEAD}), PASSWORD))
    Accounts(office).sign_in("quan.tri", PASSWORD)
    window = open_office(language)
    window.show()
    qtbot.waitExposed(window)
    assert_no_clipped_text(window)
    texts = _visible_texts(window)
    settings, data = window.show_settings(), window.show_data()
    for dialog in (settings, data):
        qtbot.addWidget(dialog)
        qtbot.waitExposed(dialog)
        assert_no_clipped_text(dialog)
        texts += _visible_texts(dialog)
    known = {OFFICE_NAME, "quan.tri", "Quản trị", str(office.data_dir.root), "68"}
    assert _untranslated(texts, language, known) == []


def test_the_office_settings_offer_the_language_and_switching_it_keeps_the_page(qtbot, open_office, recording,
                                                                                 office):
    window = open_office("vi")
    window.workspace.show_page("submission")
    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    assert dialog.keys == ("language",) and dialog.data is not None
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    desktop = window.workspace.parent()
    qtbot.waitUntil(lambda: desktop.window is not window, timeout=WAIT_MS)
    qtbot.addWidget(desktop.window)
    assert office.setting("language") == "en" and desktop.window.file_menu.title() == "&File"
    assert desktop.window.current_page_name() == "submission"


def test_a_clerk_cannot_change_the_settings_and_is_told_in_the_dialog(qtbot, open_office, recording, office):
    accounts = Accounts(office)
    accounts.create(NewUser("quan.tri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quan.tri", PASSWORD)
    accounts.create(NewUser("van.thu", "Văn thư", frozenset({Role.CLERK}), PASSWORD))
    accounts.sign_in("van.thu", PASSWORD)
    window = open_office("vi")
    assert not any(a.objectName() == "users_action" for a in window.file_menu.actions())
    dialog = window.show_settings()
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible() and dialog.error.text() and office.setting("language") == "vi"


def test_backing_up_the_office_from_the_data_dialog(qtbot, open_office, recording, office, tmp_path):
    window = open_office()
    dialog = window.show_data()
    qtbot.addWidget(dialog)
    dialog.data.start_backup(tmp_path / "usb")
    qtbot.waitUntil(lambda: not dialog.data.busy, timeout=WAIT_MS)
    (made,) = (tmp_path / "usb").iterdir()
    assert made.name.startswith("CDS-backup-office-68-") and str(made) in dialog.data.status.text()


def test_an_administrator_manages_the_offices_users_with_office_roles(qtbot, open_office, recording, office):
    accounts = Accounts(office)
    accounts.create(NewUser("quan.tri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quan.tri", PASSWORD)
    window = open_office()
    next(a for a in window.file_menu.actions() if a.objectName() == "users_action").trigger()
    users = window.findChild(UsersDialog)
    assert users is not None and users.isVisible()
    assert set(users.roles.boxes) == {Role.CLERK, Role.HEAD, Role.ADMIN}
    add = users.add_user()
    qtbot.addWidget(add)
    qtbot.keyClicks(add.form.username, "van.thu")
    add.form.display_name.setText("Nguyễn Thị Thư")
    add.form.roles.boxes[Role.CLERK].click()
    add.form.password.first.setText(PASSWORD)  # typed with keys: QTest types no Vietnamese letters
    add.form.password.repeat.setText(PASSWORD)
    add.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert "van.thu" in [user.username for user in users.users]
    assert Accounts(office).sign_in("van.thu", PASSWORD).roles == frozenset({Role.CLERK})


def test_the_window_geometry_is_remembered_apart_from_the_communes(qtbot, office, recording):
    from cds_desktop.ui.shell.window_layout import COMMUNE_WINDOW, OFFICE_WINDOW, remembered_layout

    app = QApplication.instance()
    qt_language = QtLanguage(app)
    desktop = OfficeApp(app, qt_language, office, "van.thu")
    try:
        first = desktop.show()
        qtbot.addWidget(first)
        first.resize(640, 480)  # within the offscreen screen: restoring keeps a window on it
        desktop.sign_out()  # no accounts: the same person at once, in a new window placed as the last one was
        second = desktop.window
        qtbot.addWidget(second)
        assert second is not first and (second.width(), second.height()) == (640, 480)
        assert remembered_layout(OFFICE_WINDOW) is not None and remembered_layout(COMMUNE_WINDOW) is None
    finally:
        desktop.tasks.wait()
        qt_language.apply("en")
        desktop.deleteLater()
        qt_language.deleteLater()
