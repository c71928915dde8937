"""Moving an office that works on one PC to a shared PostgreSQL server, from Settings → Database (an administrator).

The dialog asks for the server and the EMPTY database IT staff prepared, as the user that owns it, and the user the
staff PCs will connect as; its connection test must find an empty database the owner may fill before "Move the
data" is offered. After a confirmation, the app restarts (``shell/restart.request_restart``): with the office
closed, ``perform_pending`` runs ``server_move.move_office_to_server`` off the GUI thread with progress and Cancel
(it copies, verifies every table, and only then points the data folder at the server; the SQLite file is left
untouched), and the app opens again from the server. The owner's password is kept in memory for the move only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QVBoxLayout

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.server_setup import ServerOffice, ServerSettings
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE
from cds_desktop.ui.shared.server_form import OK_STYLE, ServerForm
from cds_desktop.ui.shell.restart import ServerMove, request_restart

OWNER_SUGGESTED, STAFF_SUGGESTED = "cds_owner", "cds_staff"


class MoveToServerDialog(QDialog):
    def __init__(self, workspace, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("move_to_server_dialog")
        self.setWindowTitle(translate("ui.move.title"))
        self.service = workspace.service
        intro = QLabel(translate("ui.move.intro"))
        intro.setWordWrap(True)
        self.form = ServerForm(parent=self)
        self.form.user.setText(OWNER_SUGGESTED)
        self.form.tested.connect(self._tested)
        self.form.changed.connect(self._changed)
        self.staff = QLineEdit(STAFF_SUGGESTED)
        self.staff.setObjectName("move_staff_user")
        staff_label = QLabel(translate("ui.move.staff"))
        staff_label.setBuddy(self.staff)
        staff_hint = QLabel(translate("ui.move.staff_hint"))
        staff_hint.setWordWrap(True)
        staff_form = QFormLayout()
        staff_form.addRow(staff_label, self.staff)
        staff_form.addRow("", staff_hint)
        self.note = QLabel()
        self.note.setObjectName("move_note")
        self.note.setWordWrap(True)
        self.note.hide()
        buttons = QDialogButtonBox()
        self.start = buttons.addButton(translate("ui.move.start"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.start.setObjectName("move_start")
        self.start.setEnabled(False)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(translate("ui.action.cancel"))
        buttons.accepted.connect(self.confirm_and_move)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addLayout(staff_form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(680)

    def _tested(self, found: ServerOffice | None) -> None:
        if found is None:
            self.start.setEnabled(False)
            return
        settings = self.form.settings()
        empty = found.empty and found.check.revision is None  # no office, and no tables either
        if not empty:
            self._say(translate("ui.move.needs_empty", database=settings.database), failure=True)
        elif not found.check.may_migrate:
            self._say(translate("ui.move.needs_owner", user=settings.user), failure=True)
        else:
            self._say(translate("ui.move.ready", database=settings.database))
        self.start.setEnabled(empty and found.check.may_migrate)

    def _changed(self) -> None:
        self.start.setEnabled(False)
        self.note.hide()

    def _say(self, message: str, failure: bool = False) -> None:
        self.note.setStyleSheet(ERROR_STYLE if failure else OK_STYLE)
        self.note.setText(message)
        self.note.show()

    def move_request(self) -> ServerMove:
        settings: ServerSettings = self.form.settings()
        return ServerMove(settings, self.form.typed_password(), self.staff.text().strip() or None)

    def confirm_and_move(self) -> bool:
        """Ask once more (the office closes, every other PC must be closed), then restart into the move."""
        request = self.move_request()
        box = QMessageBox(QMessageBox.Icon.Question, translate("ui.move.title"),
                          translate("ui.move.confirm", where=request.settings.describe(),
                                    path=str(self.service.data_dir.database)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("move_confirm")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(translate("ui.move.start").replace("&", ""))
        box.button(QMessageBox.StandardButton.No).setText(translate("ui.action.cancel"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        self.accept()
        request_restart(move_to=request)
        return True
