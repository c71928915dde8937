"""The password of a shared office's database, asked at start when PostgreSQL's password file gave none (or a
wrong one): a small dialog naming ``user@host/database``, with the server's refusal when the password was wrong.

``open_with_password(open_service, settings)`` opens the office, asking again after each refusal; Cancel gives
None (the app then quits cleanly). The password lives in memory only: it is handed to ``open_service`` and never
written to settings, logs or a command line; the one that worked is tried first when the same process opens the
office again (its window restarted), so the person is not asked twice.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cds_desktop.core.errors import StorageError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.server_setup import ServerSettings
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE

PASSWORD_CODES = ("server.password_needed", "server.wrong_password")
Opened = TypeVar("Opened")


class ServerPasswordDialog(QDialog):
    def __init__(self, settings: ServerSettings, refusal: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("server_password_dialog")
        self.setWindowTitle(translate("ui.server.password_title"))
        intro = QLabel(translate("ui.server.password_intro", user=settings.user, host=settings.host,
                                 database=settings.database))
        intro.setObjectName("server_password_intro")
        intro.setWordWrap(True)
        self.refusal = QLabel(refusal)
        self.refusal.setObjectName("server_password_refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(ERROR_STYLE)
        self.refusal.setVisible(bool(refusal))
        self.password = QLineEdit()
        self.password.setObjectName("server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel(translate("ui.server.password"))
        label.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(label, self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("ui.server.password_connect"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(translate("ui.server.password_quit"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.refusal)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.password.setFocus()


_OPENED_WITH: dict[ServerSettings, str] = {}  # the password that opened each server's office in this process


def open_with_password(open_service: Callable[[str | None], Opened], settings: ServerSettings | None,
                       ask: Callable[[ServerSettings, str], str | None] | None = None) -> Opened | None:
    """``open_service(None)`` (PostgreSQL's password file decides) — or with the password that opened the same
    office earlier in this process (the app restarting its window after a language switch, a restore); while the
    server wants a password or refuses the one given, ask for it (``ask(settings, refusal)``: the typed password,
    None when cancelled) and try again. Other failures are raised; None when the person cancels."""
    ask = ask or ask_password
    password = _OPENED_WITH.get(settings) if settings is not None else None
    while True:
        try:
            opened = open_service(password)
        except StorageError as exc:
            if settings is None or exc.code not in PASSWORD_CODES:
                raise
            _OPENED_WITH.pop(settings, None)
            refusal = exc.message() if exc.code == "server.wrong_password" else ""
        else:
            if settings is not None and password is not None:
                _OPENED_WITH[settings] = password
            return opened
        password = ask(settings, refusal)
        if password is None:
            return None


def ask_password(settings: ServerSettings, refusal: str = "") -> str | None:
    """The password typed in a ``ServerPasswordDialog`` (None: cancelled)."""
    dialog = ServerPasswordDialog(settings, refusal)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.password.text()
    finally:
        dialog.deleteLater()
