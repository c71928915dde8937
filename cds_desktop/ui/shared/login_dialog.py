"""The sign-in dialog shown on every start of an installation with user accounts (and after signing out).

A refusal (wrong username or password, disabled or locked account) is shown in the dialog, which stays
open with the password cleared; Cancel closes it (the app then quits).

At start-up the dialog is the first window, shown before the data is open (``app.py``): it needs only the
commune's name and no service. The person types meanwhile; "Sign in" pressed before ``attach(sign_in)``
says that the data is being opened and signs in as soon as it is attached. The password is checked on a
worker thread (scrypt takes ~0.1 s), the window painting meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE

if TYPE_CHECKING:
    from cds_desktop.core.services.roles import Principal

SignIn = Callable[[str, str], "Principal"]  # Accounts.sign_in: (username, password) → the person, or CdsError


class _SignInButtons(QDialogButtonBox):
    """OK and Cancel, OK worded "Sign in" — also after Qt's language changes (the app installs its Vietnamese
    translator once the data is open, and Qt then renames a standard OK button "Đồng ý")."""

    def __init__(self) -> None:
        super().__init__()  # not QDialogButtonBox(buttons): that overload loads the Qt namespace
        self.setStandardButtons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self._name_sign_in()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._name_sign_in()

    def _name_sign_in(self) -> None:
        self.button(QDialogButtonBox.StandardButton.Ok).setText(translate("ui.login.sign_in"))


class LoginDialog(QDialog):
    def __init__(self, unit_name: str | None, username: str = "", sign_in: SignIn | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self._sign_in = sign_in
        self._waiting = False  # "Sign in" was pressed before sign_in was attached
        self._checking = False  # a password is being checked
        self.principal: Principal | None = None
        self.setWindowTitle(translate("ui.login.title"))
        heading = QLabel(translate("ui.login.heading", unit=unit_name) if unit_name else translate("ui.app_title"))
        heading.setWordWrap(True)
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        for label_id, field in (("ui.user.username", self.username), ("ui.user.password", self.password)):
            label = QLabel(translate(label_id))
            label.setBuddy(field)
            form.addRow(label, field)
        self.buttons = _SignInButtons()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        (self.password if username else self.username).setFocus()

    def attach(self, sign_in: SignIn) -> None:
        """The data is open: sign-ins go to ``sign_in`` (at once when the person already asked for one)."""
        self._sign_in = sign_in
        if self._waiting:
            self._waiting = False
            self._show_message("")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
            self.accept()

    def accept(self) -> None:
        if self._sign_in is None:
            self._waiting = True
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            self._show_message(translate("ui.startup.opening"), failure=False)
            return
        from cds_desktop.ui.shell.off_thread import wait_off_the_gui_thread

        username, password, sign_in = self.username.text().strip(), self.password.text(), self._sign_in
        self._checking = True  # the password check takes ~0.1 s (scrypt): off the GUI thread, nothing clickable
        self.buttons.setEnabled(False)
        try:
            self.principal = wait_off_the_gui_thread(lambda: sign_in(username, password))
        except CdsError as exc:
            self._show_message(exc.message())
            self.password.clear()
            self.password.setFocus()
            return
        finally:
            self._checking = False
            self.buttons.setEnabled(True)
        super().accept()

    def reject(self) -> None:
        if not self._checking:  # Escape while the password is being checked waits for the answer
            super().reject()

    def _show_message(self, text: str, failure: bool = True) -> None:
        self.error.setStyleSheet(ERROR_STYLE if failure else "")
        self.error.setText(text)
        self.error.setVisible(bool(text))
