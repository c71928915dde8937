"""The sign-in dialog shown on every start of an installation with user accounts (and after signing out).

A refusal (wrong username or password, disabled or locked account) is shown in the dialog, which stays
open with the password cleared; Cancel closes it (the app then quits).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.commune import CommuneService
from cds_desktop.core.services.roles import Principal
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE


class LoginDialog(QDialog):
    def __init__(self, service: CommuneService, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.accounts = Accounts(service)
        self.principal: Principal | None = None
        self.setWindowTitle(translate("ui.login.title"))
        unit = service.unit()
        heading = QLabel(translate("ui.login.heading", unit=unit.name) if unit else translate("ui.app_title"))
        heading.setWordWrap(True)
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        form = QFormLayout()
        for label_id, field in (("ui.user.username", self.username), ("ui.user.password", self.password)):
            label = QLabel(translate(label_id))
            label.setBuddy(field)
            form.addRow(label, field)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("ui.login.sign_in"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        (self.password if username else self.username).setFocus()

    def accept(self) -> None:
        try:
            self.principal = self.accounts.sign_in(self.username.text().strip(), self.password.text())
        except CdsError as exc:
            self.error.setText(exc.message())
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()
