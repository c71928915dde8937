"""User management for administrators (list, add, roles, disable/enable, reset a password) and the
"change my password" dialog every signed-in user has.

All changes go through ``Accounts``, which checks permissions (admin) and keeps the last active administrator;
refusals are shown inside the dialogs, which stay open.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.accounts import Accounts, UserView
from cds_desktop.ui.shared.labels import datetime_text
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE
from cds_desktop.ui.setup_wizard.secret_fields import SecretFields
from cds_desktop.ui.setup_wizard.texts import Texts
from cds_desktop.ui.setup_wizard.user_form import RoleBoxes, UserForm, roles_text

COLUMNS = ("ui.user.column.username", "ui.user.column.display_name", "ui.user.column.roles",
           "ui.user.column.state", "ui.user.column.last_sign_in")
OK_STYLE = "color: #2e6b1f;"


class _Feedback(QLabel):
    """One line under a form: the last refusal (red) or confirmation (green)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("feedback")
        self.setWordWrap(True)

    def run(self, call: Callable[[], object], done_message: str = "") -> bool:
        """Run ``call``; show its ``CdsError`` (→ False) or ``done_message`` (→ True)."""
        try:
            call()
        except CdsError as exc:
            self.setStyleSheet(ERROR_STYLE)
            self.setText(exc.message())
            return False
        self.say(done_message)
        return True

    def fail(self, message: str) -> None:
        self.setStyleSheet(ERROR_STYLE)
        self.setText(message)

    def say(self, message: str) -> None:
        self.setStyleSheet(OK_STYLE)
        self.setText(message)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class AddUserDialog(QDialog):
    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add_user_dialog")
        self.accounts = accounts
        self.setWindowTitle(translate("ui.users.add_title"))
        self.form = UserForm(Texts(), accounts.kind)
        self.feedback = _Feedback()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.feedback)
        layout.addWidget(_buttons(self))
        self.setMinimumWidth(560)

    def accept(self) -> None:
        if not self.form.password.matches():
            self.feedback.fail(translate("ui.user.password_mismatch"))
        elif self.feedback.run(lambda: self.accounts.create(self.form.new_user())):
            super().accept()


class PasswordDialog(QDialog):
    """A new password typed twice: the signed-in user's own (with the current one) or, for an admin, anyone's."""

    def __init__(self, accounts: Accounts, username: str, own: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("password_dialog")
        self.accounts, self.username, self.own = accounts, username, own
        self.setWindowTitle(translate("ui.password.title") if own else translate("ui.users.reset_title", user=username))
        texts = Texts()
        self.current = QLineEdit()
        self.current.setObjectName("current_password")
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.new = SecretFields(texts, "ui.password.new", "ui.user.password_repeat", "new_password")
        form = QFormLayout()
        if own:
            form.addRow(texts.label("ui.password.current", self.current), self.current)
        self.new.add_to(form)
        self.current.setVisible(own)
        self.feedback = _Feedback()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.feedback)
        layout.addWidget(_buttons(self))
        self.setMinimumWidth(520)

    def accept(self) -> None:
        current = self.current.text() if self.own else None
        if not self.new.matches():
            self.feedback.fail(translate("ui.user.password_mismatch"))
        elif self.feedback.run(lambda: self.accounts.set_password(self.username, self.new.text(), current)):
            super().accept()


class UsersDialog(QDialog):
    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("users_dialog")
        self.accounts = accounts
        self.users: list[UserView] = []
        self.setWindowTitle(translate("ui.users.title"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("users")
        self.table.setHorizontalHeaderLabels([translate(column) for column in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add = QPushButton(translate("ui.users.add"))
        self.add.setObjectName("add_user")
        self.add.clicked.connect(self.add_user)

        self.selected = QGroupBox()
        self.roles = RoleBoxes(Texts(), accounts.kind)
        self.save_roles = QPushButton(translate("ui.users.save_roles"))
        self.save_roles.setObjectName("save_roles")
        self.save_roles.clicked.connect(self._save_roles)
        self.toggle_active = QPushButton()
        self.toggle_active.setObjectName("toggle_active")
        self.toggle_active.clicked.connect(self._toggle_active)
        self.reset_password = QPushButton(translate("ui.users.reset_password"))
        self.reset_password.setObjectName("reset_password")
        self.reset_password.clicked.connect(self._reset_password)
        actions = QHBoxLayout()
        for button in (self.save_roles, self.toggle_active, self.reset_password):
            actions.addWidget(button)
        actions.addStretch(1)
        selected_layout = QVBoxLayout(self.selected)
        selected_layout.addWidget(self.roles)
        selected_layout.addLayout(actions)

        self.feedback = _Feedback()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.add)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selected)
        layout.addWidget(self.feedback)
        layout.addWidget(close)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.resize(900, 520)
        self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        self.users = self.accounts.users()
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            state = translate("ui.user.active" if user.active else "ui.user.disabled")
            last = datetime_text(user.last_sign_in) if user.last_sign_in else translate("ui.users.never")
            for column, text in enumerate((user.username, user.display_name, roles_text(user.roles), state, last)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        rows = [row for row, user in enumerate(self.users) if user.username == keep]
        self.table.selectRow(rows[0] if rows else 0)
        self._show_selected()

    def current(self) -> UserView | None:
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def _show_selected(self) -> None:
        user = self.current()
        self.selected.setEnabled(user is not None)
        self.selected.setTitle(translate("ui.users.selected_roles", user=user.username) if user
                               else translate("ui.users.none_selected"))
        self.roles.set_roles(user.roles if user else frozenset())
        self.toggle_active.setText(translate("ui.users.disable" if user is None or user.active else "ui.users.enable"))

    def add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self.accounts, self)
        dialog.accepted.connect(lambda: self._added(dialog.form.username.text().strip()))
        dialog.open()
        return dialog

    def _added(self, username: str) -> None:
        self.refresh(keep=username)
        self.feedback.say(translate("ui.users.added", user=username))

    def _change(self, call: Callable[[UserView], object]) -> None:
        user = self.current()
        if user is not None and self.feedback.run(lambda: call(user), translate("ui.users.saved", user=user.username)):
            self.refresh(keep=user.username)

    def _save_roles(self) -> None:
        self._change(lambda user: self.accounts.set_roles(user.username, self.roles.roles()))

    def _toggle_active(self) -> None:
        self._change(lambda user: self.accounts.set_active(user.username, not user.active))

    def _reset_password(self) -> PasswordDialog | None:
        user = self.current()
        if user is None:
            return None
        dialog = PasswordDialog(self.accounts, user.username, own=False, parent=self)
        dialog.accepted.connect(lambda: self.feedback.say(translate("ui.users.saved", user=user.username)))
        dialog.open()
        return dialog
