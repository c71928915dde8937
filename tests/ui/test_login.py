"""Signing in: the login dialog, the signed-in person as the actor, roles enforced by the services, signing out."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.roles import Permission, Role, permission_label
from cds_desktop.ui.shell.application import DesktopApp
from cds_desktop.ui.shared.login_dialog import LoginDialog
from cds_desktop.ui.shell.qt_translator import QtLanguage
from tests.ui.conftest import PERIOD, PLAN
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

PASSWORDS = {"quan.tri": "Quan-tri 2025!", "lanh.dao": "Lanh-dao ky 2025", "can.bo": "Can-bo nhap 2025"}  # typed: ASCII
PEOPLE = (("quan.tri", "Nguyễn Văn Quản", {Role.ADMIN}), ("lanh.dao", "Trần Thị Lãnh", {Role.LEADER}),
          ("can.bo", "Lê Văn Cán", {Role.OFFICER}))


@pytest.fixture
def accounts(service):
    """An administrator, a leader and an officer; nobody signed in."""
    accounts = Accounts(service)
    for username, name, roles in PEOPLE:
        accounts.create(NewUser(username, name, frozenset(roles), PASSWORDS[username]))
        if username == "quan.tri":
            accounts.sign_in(username, PASSWORDS[username])
    accounts.sign_out()
    return accounts


@pytest.fixture
def desktop(qtbot, service, accounts):
    """The application object as ``cds-desktop`` makes it, before anyone signs in."""
    app = QApplication.instance()
    qt_language = QtLanguage(app)
    qt_language.apply("vi")
    desktop = DesktopApp(app, qt_language, service, "os-login", remember_geometry=False)
    yield desktop
    desktop.tasks.wait()
    if desktop.window is not None:
        desktop.window.close()
    desktop.deleteLater()
    qt_language.apply("en")
    qt_language.deleteLater()


def answer_login(password: str, username: str | None = None, seen: list | None = None) -> None:
    """Type into the login dialog once it is shown (it runs its own event loop) and press Sign in."""

    def answer() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(20, answer)
            return
        dialog = dialogs[0]
        if seen is not None:
            seen.append(dialog.username.text())
        if username is not None:
            dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)


def signed_in_window(qtbot, desktop, username):
    answer_login(PASSWORDS[username], username)
    window = desktop.start()  # closed by the ``desktop`` fixture (or deleted by the app after signing out)
    assert window is not None
    window.period_bar.choose(PLAN, PERIOD)
    return window


def test_a_wrong_password_shows_the_error_and_the_dialog_stays_open(qtbot, service, accounts):
    dialog = LoginDialog(service.unit().name, "lanh.dao", Accounts(service).sign_in)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.username.text() == "lanh.dao"
    qtbot.keyClicks(dialog.password, "not the password")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == translate("error.auth.bad_credentials")
    assert dialog.password.text() == "" and service.principal is None
    qtbot.keyClicks(dialog.password, PASSWORDS["lanh.dao"])
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert service.principal.username == "lanh.dao"


def test_signing_in_before_the_data_is_open_waits_for_it(qtbot, service, accounts):
    dialog = LoginDialog(service.unit().name, "")  # shown at start-up, before the service exists
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.keyClicks(dialog.username, "lanh.dao")
    qtbot.keyClicks(dialog.password, "not the password")
    ok.click()
    assert dialog.isVisible() and not ok.isEnabled()
    assert dialog.error.isVisible() and dialog.error.text() == translate("ui.startup.opening")
    dialog.attach(Accounts(service).sign_in)  # the data is open: the waiting sign-in is tried now
    assert dialog.isVisible() and ok.isEnabled()
    assert dialog.error.text() == translate("error.auth.bad_credentials") and dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, PASSWORDS["lanh.dao"])
    ok.click()
    assert not dialog.isVisible() and dialog.principal.username == "lanh.dao"


def test_a_sign_in_already_answered_before_the_data_opened_needs_no_second_click(qtbot, service, accounts):
    dialog = LoginDialog(service.unit().name, "lanh.dao")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, PASSWORDS["lanh.dao"])
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    dialog.attach(Accounts(service).sign_in)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    assert service.principal.username == "lanh.dao"


def test_the_right_password_opens_the_main_window_with_the_person_as_actor(qtbot, desktop, service):
    window = signed_in_window(qtbot, desktop, "can.bo")
    assert window.isVisible()
    assert desktop.workspace.actor == "can.bo"
    assert window.findChild(QLabel, "signed_in").text() == translate("ui.account.signed_in", who="Lê Văn Cán (can.bo)")
    window.workspace.set_indicator("1a", "numerator", "5")
    assert service.history(PLAN, PERIOD, "1a")[-1].actor == "can.bo"
    history = window.show_history("1a")
    qtbot.addWidget(history)
    assert history.model.data(history.model.index(0, 1)) == "Lê Văn Cán (can.bo)"


def test_an_officer_submits_but_cannot_approve_the_service_refuses_and_the_notice_says_why(qtbot, desktop, service):
    window = signed_in_window(qtbot, desktop, "can.bo")
    workspace = window.workspace
    for code in ("1a", "1b", "1c", "2d"):
        workspace.mutate(lambda code=code: service.set_indicator(PLAN, PERIOD, code, {"numerator": "60",
                                                                                      "denominator": "100"}, "x"))
    for code, value in (("2a", "3"), ("2b", "1"), ("2c", "Mô hình chợ 4.0")):
        workspace.mutate(lambda code=code, value=value: service.set_indicator(PLAN, PERIOD, code, {"value": value}, "x"))
    assert workspace.mutate(lambda: service.submit(PLAN, PERIOD, workspace.actor)) is not None
    assert service.period(PLAN, PERIOD).state is PeriodState.SUBMITTED
    assert not window.workflow.approve_action.isEnabled()
    assert workspace.mutate(lambda: service.approve(PLAN, PERIOD, workspace.actor)) is None
    assert window.notice.text() == translate("error.auth.not_allowed", action=permission_label(Permission.APPROVE))
    assert service.period(PLAN, PERIOD).state is PeriodState.SUBMITTED
    assert {row.actor for row in service.history(PLAN, PERIOD)} == {"can.bo"}


def test_nobody_signed_in_cannot_change_anything(qtbot, desktop, service):
    assert desktop.workspace.mutate(lambda: service.set_setting("evidence_warn_mb", 50)) is None
    assert service.setting("evidence_warn_mb") != 50


def test_the_file_menu_offers_account_actions_by_role(qtbot, desktop):
    window = signed_in_window(qtbot, desktop, "can.bo")
    names = [a.objectName() for a in window.menuBar().actions()[0].menu().actions()]
    assert "change_password_action" in names and "sign_out_action" in names and "users_action" not in names
    assert names.index("sign_out_action") < len(names) - 1  # Quit stays last


def test_signing_out_asks_again_and_opens_the_same_period_for_the_next_person(qtbot, desktop, service):
    window = signed_in_window(qtbot, desktop, "can.bo")
    seen: list[str] = []
    answer_login(PASSWORDS["lanh.dao"], "lanh.dao", seen)
    sign_out = next(a for a in window.menuBar().actions()[0].menu().actions() if a.objectName() == "sign_out_action")
    sign_out.trigger()
    assert seen == ["can.bo"]  # offered the previous username
    assert desktop.window is not window and desktop.window.isVisible()
    assert desktop.workspace.actor == "lanh.dao"
    assert (desktop.workspace.plan_id, desktop.workspace.period_id) == (PLAN, PERIOD)


def test_after_signing_in_again_the_period_state_line_is_filled(qtbot, desktop, service):
    window = signed_in_window(qtbot, desktop, "can.bo")
    before = window.period_bar.status.text()
    assert before
    answer_login(PASSWORDS["can.bo"], "can.bo")
    next(a for a in window.menuBar().actions()[0].menu().actions() if a.objectName() == "sign_out_action").trigger()
    assert desktop.window is not window
    assert desktop.window.period_bar.status.text() == before


def test_the_button_stays_sign_in_after_qt_changes_language_and_a_failed_attempt(qtbot, service, accounts):
    set_language("vi")
    qt_language = QtLanguage(QApplication.instance())
    try:
        dialog = LoginDialog(service.unit().name, "lanh.dao", Accounts(service).sign_in)
        qtbot.addWidget(dialog)
        dialog.show()
        qt_language.apply("vi")  # what app.py does once the data is open (the dialog already shown)
        QApplication.processEvents()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.keyClicks(dialog.password, "not the password")
        ok.click()
        assert dialog.error.isVisible()
        assert ok.text() == translate("ui.login.sign_in") == "Đăng nhậ&p"
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() != "Cancel"  # Qt's own, in Vietnamese
    finally:
        qt_language.apply("en")
        qt_language.deleteLater()


def test_the_last_person_is_offered_and_the_password_has_the_focus(qtbot, service, accounts, clock):
    clock.now += dt.timedelta(minutes=5)  # after the administrator's sign-in of the fixture
    accounts.sign_in("lanh.dao", PASSWORDS["lanh.dao"])
    accounts.sign_out()
    assert accounts.last_username() == "lanh.dao"
    dialog = LoginDialog(service.unit().name, accounts.last_username(), accounts.sign_in)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    # the dialog active (a window an earlier test left in this process may hold the focus for a moment)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and QApplication.focusWidget().window() is dialog)
    assert QApplication.focusWidget() is dialog.password
    qtbot.keyClicks(QApplication.focusWidget(), PASSWORDS["lanh.dao"])  # a fast typist types straight away
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.principal.username == "lanh.dao"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_login_dialog_is_translated(qtbot, service, accounts, language):
    set_language(language)
    qt_language = QtLanguage(QApplication.instance())
    qt_language.apply(language)
    try:
        dialog = LoginDialog(service.unit().name, "quan.tri", Accounts(service).sign_in)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # an empty password: the error shows
        texts = _visible_texts(dialog)
        assert_no_clipped_text(dialog)
        dialog.grab().save(f"/tmp/firstrun/login-{language}.png")
        assert _untranslated(texts, language, {"quan.tri", "Xã Nhân Cơ"}) == []
        assert any(text == translate("error.auth.bad_credentials") for _where, text in texts)
    finally:
        qt_language.apply("en")
