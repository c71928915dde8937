"""The office's Database dialog (File → Database…): where the office's data is kept, and its connection.

- On this PC only: the SQLite file's path, and "Move to a server…" (``move_to_server_requested``; the button is
  enabled when whoever opens the dialog can do it: ``move_available``).
- On a shared server: ``user@host:port/database`` and the TLS mode in the server form, with the connection test
  (off the GUI thread; a password typed here is used for the test only, never stored). An administrator may
  correct where the server is (its address changed): Save is offered once a test found this same office there,
  writes the data folder's ``office-server.json`` (never a password) and takes effect at the next start.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.server_setup import ServerSettings, read_server_settings, save_server_settings
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE
from cds_desktop.ui.shared.server_form import OK_STYLE, ServerForm


class DatabaseDialog(QDialog):
    move_to_server_requested = Signal()

    def __init__(self, workspace, parent: QWidget | None = None, move_available: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("database_dialog")
        self.setWindowTitle(translate("ui.database.title"))
        self.service = workspace.service
        self.server: ServerSettings | None = read_server_settings(self.service.data_dir.root)
        self.form: ServerForm | None = None
        self.move: QPushButton | None = None
        self.save: QPushButton | None = None
        where = QLabel()
        where.setObjectName("database_where")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where = where
        self.note = QLabel()
        self.note.setObjectName("database_note")
        self.note.setWordWrap(True)
        self.note.hide()
        box = QGroupBox(translate("ui.database.where"))
        inner = QVBoxLayout(box)
        inner.addWidget(where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(translate("ui.database.close"))
        buttons.rejected.connect(self.reject)
        if self.server is None:
            where.setText(translate("ui.database.local", path=str(self.service.data_dir.database)))
            self.move = QPushButton(translate("ui.database.move"))
            self.move.setObjectName("move_to_server")
            self.move.setEnabled(move_available)
            self.move.clicked.connect(self.move_to_server_requested)
            hint = QLabel(translate("ui.database.move_hint" if move_available else "ui.database.move_later"))
            hint.setWordWrap(True)
            inner.addWidget(hint)
            inner.addWidget(self.move, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            where.setText(translate("ui.database.server", where=self.server.describe(),
                                    tls=translate(f"ui.server.tls.{self.server.tls}")))
            self.form = ServerForm(parent=self)
            self.form.set_settings(self.server)
            self.form.tested.connect(self._tested)
            self.form.changed.connect(self._changed)
            inner.addWidget(self.form)
            self.save = buttons.addButton(translate("ui.database.save"), QDialogButtonBox.ButtonRole.ApplyRole)
            self.save.setObjectName("database_save")
            self.save.setEnabled(False)
            self.save.clicked.connect(self.save_settings)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(640)

    def _tested(self, found) -> None:
        """Save is offered only for other settings under which a test found this same office."""
        identity = self.service.identity()
        same = found is not None and identity is not None and found.office_code == identity.code
        self.save.setEnabled(same and not found.needs_owner and self.form.settings() != self.server)
        if found is not None and not same:
            self._say(translate("ui.database.other_office"), failure=True)

    def _changed(self) -> None:
        self.save.setEnabled(False)
        self.note.hide()

    def save_settings(self) -> None:
        """Point this PC's data folder at the settings tested (an administrator's change)."""
        try:
            settings = self.form.settings()
            save_server_settings(self.service, settings)
        except CdsError as exc:
            self._say(exc.message(), failure=True)
            return
        self.server = settings
        self.save.setEnabled(False)
        self.where.setText(translate("ui.database.server", where=settings.describe(),
                                     tls=translate(f"ui.server.tls.{settings.tls}")))
        self._say(translate("ui.database.saved"))

    def _say(self, message: str, failure: bool = False) -> None:
        self.note.setStyleSheet(ERROR_STYLE if failure else OK_STYLE)
        self.note.setText(message)
        self.note.show()
