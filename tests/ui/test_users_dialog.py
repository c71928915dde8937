"""User management by an administrator and "change my password", through the real dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.roles import Role
from cds_desktop.ui.shared.users_dialog import AddUserDialog, PasswordDialog, UsersDialog
from cds_desktop.ui.shell.qt_translator import QtLanguage
from tests.ui.test_login import PASSWORDS, PEOPLE, accounts, answer_login, desktop, signed_in_window  # noqa: F401
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts


def _ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.fixture
def admin(accounts):
    accounts.sign_in("quan.tri", PASSWORDS["quan.tri"])
    return accounts


@pytest.fixture
def users(qtbot, admin):
    dialog = UsersDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _select(dialog: UsersDialog, username: str) -> None:
    dialog.table.selectRow(next(row for row, user in enumerate(dialog.users) if user.username == username))


def test_the_admin_adds_a_user_who_can_then_sign_in(qtbot, users, service):
    assert [users.table.item(row, 0).text() for row in range(users.table.rowCount())] == ["can.bo", "lanh.dao", "quan.tri"]
    add = users.add_user()
    qtbot.addWidget(add)
    qtbot.keyClicks(add.form.username, "pho.chu.tich")
    qtbot.keyClicks(add.form.display_name, "Pham Van Pho")
    add.form.roles.boxes[Role.LEADER].click()
    qtbot.keyClicks(add.form.password.first, "Pho chu tich 2025")
    qtbot.keyClicks(add.form.password.repeat, "Pho chu tich 2025")
    assert add.form.password.hint.text() != ""
    _ok(add)
    assert not add.isVisible()
    assert "pho.chu.tich" in [user.username for user in users.users]
    assert users.current().username == "pho.chu.tich"
    assert users.feedback.text() == translate("ui.users.added", user="pho.chu.tich")
    other = Accounts(service)
    other.sign_out()
    assert other.sign_in("pho.chu.tich", "Pho chu tich 2025").roles == frozenset({Role.LEADER})


def test_adding_a_user_with_different_passwords_is_refused_in_the_dialog(qtbot, admin):
    add = AddUserDialog(admin)
    qtbot.addWidget(add)
    add.show()
    qtbot.keyClicks(add.form.username, "nguoi.moi")
    add.form.roles.boxes[Role.OFFICER].click()
    qtbot.keyClicks(add.form.password.first, "mat khau mot 2025")
    qtbot.keyClicks(add.form.password.repeat, "mat khau hai 2025")
    _ok(add)
    assert add.isVisible()
    assert add.feedback.text() == translate("ui.user.password_mismatch")
    assert "nguoi.moi" not in [user.username for user in admin.users()]


def test_roles_are_changed_and_an_account_disabled(qtbot, users, admin):
    _select(users, "can.bo")
    users.roles.boxes[Role.LEADER].click()
    users.save_roles.click()
    assert next(u for u in admin.users() if u.username == "can.bo").roles == frozenset({Role.OFFICER, Role.LEADER})
    assert users.toggle_active.text().replace("&", "") == translate("ui.users.disable").replace("&", "")
    users.toggle_active.click()
    assert not next(u for u in admin.users() if u.username == "can.bo").active
    assert users.current().username == "can.bo"
    assert users.table.item(users.table.currentRow(), 3).text() == translate("ui.user.disabled")


def test_the_last_admin_cannot_be_disabled_and_the_dialog_says_why(qtbot, users, admin):
    _select(users, "quan.tri")
    users.toggle_active.click()
    assert users.feedback.text() == translate("error.account.last_admin", username="quan.tri")
    assert next(u for u in admin.users() if u.username == "quan.tri").active


def test_an_administrator_who_disables_their_own_account_is_signed_out(qtbot, desktop, accounts):
    window = signed_in_window(qtbot, desktop, "quan.tri")
    accounts.set_roles("lanh.dao", {Role.LEADER, Role.ADMIN})  # another administrator remains
    users = desktop.show_users()  # a child of the window, deleted with it
    _select(users, "quan.tri")
    users.toggle_active.click()
    seen: list[str] = []
    answer_login(PASSWORDS["lanh.dao"], "lanh.dao", seen)
    users.reject()
    assert seen == ["quan.tri"]
    assert desktop.window is not window and desktop.workspace.actor == "lanh.dao"


def test_the_admin_resets_a_password(qtbot, users, service):
    _select(users, "lanh.dao")
    dialog = users._reset_password()
    qtbot.addWidget(dialog)
    assert not dialog.current.isVisible()
    qtbot.keyClicks(dialog.new.first, "Mat khau moi 2025")
    qtbot.keyClicks(dialog.new.repeat, "Mat khau moi 2025")
    _ok(dialog)
    assert not dialog.isVisible()
    Accounts(service).sign_out()
    assert Accounts(service).sign_in("lanh.dao", "Mat khau moi 2025").username == "lanh.dao"


def test_a_user_changes_their_own_password_giving_the_current_one(qtbot, accounts, service):
    accounts.sign_in("can.bo", PASSWORDS["can.bo"])
    dialog = PasswordDialog(accounts, "can.bo", own=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.current, "wrong current")
    qtbot.keyClicks(dialog.new.first, "Can bo moi 2025")
    qtbot.keyClicks(dialog.new.repeat, "Can bo moi 2025")
    _ok(dialog)
    assert dialog.isVisible()
    assert dialog.feedback.text() == translate("error.account.wrong_current_password")
    dialog.current.setText(PASSWORDS["can.bo"])
    _ok(dialog)
    assert not dialog.isVisible()
    accounts.sign_out()
    assert accounts.sign_in("can.bo", "Can bo moi 2025").username == "can.bo"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_user_dialogs_are_translated(qtbot, admin, language):
    set_language(language)
    qt_language = QtLanguage(QApplication.instance())
    qt_language.apply(language)
    data = {name for person in PEOPLE for name in person[:2]}
    try:
        users = UsersDialog(admin)
        add = AddUserDialog(admin, users)
        reset = PasswordDialog(admin, "can.bo", own=False, parent=users)
        own = PasswordDialog(admin, "quan.tri", own=True, parent=users)
        texts = []
        for dialog in (users, add, reset, own):
            qtbot.addWidget(dialog)
            dialog.show()
            texts += _visible_texts(dialog)
            assert_no_clipped_text(dialog)
            dialog.grab().save(f"/tmp/firstrun/{dialog.objectName()}-{'own-' if dialog is own else ''}{language}.png")
        _select(users, "lanh.dao")
        texts += _visible_texts(users)
        assert _untranslated(texts, language, data) == []
    finally:
        qt_language.apply("en")
