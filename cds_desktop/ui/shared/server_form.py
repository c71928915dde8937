"""Where a shared office's PostgreSQL database is: host, port, database, user, TLS mode and the password, with a
"test the connection" button — for the set-up wizard's database page and the office's Database dialog.

The password is kept in the field only (echo mode Password) and handed to the service when asked
(``password()``); an empty field means PostgreSQL's own password file decides (``.pgpass``/``PGPASSFILE``). It is
never written to settings or logs.

The test runs ``server_setup.inspect_server_office`` off the GUI thread (``BackgroundTasks``); success says the server's
version and what the database holds (``found``, also emitted by ``tested``), a failure shows the ``StorageError``'s
plain-word message. Changing any field forgets the last result (``changed``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.server_setup import (
    DEFAULT_PORT,
    TLS_MODES,
    ServerOffice,
    ServerSettings,
    inspect_server_office,
)
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE
from cds_desktop.ui.setup_wizard.texts import Texts
from cds_desktop.ui.shell.background import BackgroundTasks

OK_STYLE = "color: #2e6b1f;"
_FIELDS = ("host", "port", "database", "user", "tls")  # ServerSettings' fields, each with its ui.server.<field> label


def found_text(settings: ServerSettings, found: ServerOffice) -> str:
    """What a successful test found, in words: the server's version and the office in the database (or none)."""
    if found.empty:
        return translate("ui.server.found.empty", version=found.check.version_text, database=settings.database)
    return translate("ui.server.found.office", version=found.check.version_text, database=settings.database,
                     name=found.office_name, code=found.office_code)


class ServerForm(QWidget):
    changed = Signal()  # a field was edited: the last test's result no longer holds
    tested = Signal(object)  # ServerOffice, or None when the test failed

    def __init__(self, texts: Texts | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = texts or Texts()
        self.tasks = BackgroundTasks(self)
        self.found: ServerOffice | None = None
        self.testing = False
        self.host = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.user = QLineEdit()
        self.tls = QComboBox()
        for mode in TLS_MODES:
            self.tls.addItem("", mode)
        self.tls.setCurrentIndex(TLS_MODES.index("prefer"))
        self._name_tls_modes()
        self.texts.follow(self._name_tls_modes)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.test = QPushButton()
        self.test.setAutoDefault(False)  # Enter stays the dialog's or wizard's own button
        self.texts.bind(self.test.setText, "ui.server.test")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        for name in ("host", "port", "database", "user", "tls", "password", "test", "result"):
            getattr(self, name).setObjectName(f"server_{name}")
        self.texts.bind(self.password.setPlaceholderText, "ui.server.password_placeholder")
        self.texts.bind(self.host.setPlaceholderText, "ui.server.host_placeholder")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        outer.addLayout(form)
        for field, label_id in ((self.host, "ui.server.host"), (self.port, "ui.server.port"),
                                (self.database, "ui.server.database"), (self.user, "ui.server.user"),
                                (self.tls, "ui.server.tls"), (self.password, "ui.server.password")):
            form.addRow(self.texts.label(label_id, field), field)
        row = QHBoxLayout()
        row.addWidget(self.test)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addWidget(self.result)  # a box layout: its wrapped height is honoured (a form's spanning row's is not)
        for field in (self.host, self.database, self.user, self.password):
            field.textEdited.connect(self._edited)
        self.port.valueChanged.connect(self._edited)
        self.tls.currentIndexChanged.connect(self._edited)
        self.test.clicked.connect(self.run_test)

    def _name_tls_modes(self) -> None:
        for index, mode in enumerate(TLS_MODES):
            self.tls.setItemText(index, translate(f"ui.server.tls.{mode}"))

    # --- the values ------------------------------------------------------------------------
    def settings(self) -> ServerSettings:
        """The settings typed; ``StorageError("server.bad_settings")`` names a field that is not valid."""
        return ServerSettings(host=self.host.text().strip(), database=self.database.text().strip(),
                              user=self.user.text().strip(), port=self.port.value(), tls=self.tls.currentData())

    def set_settings(self, settings: ServerSettings) -> None:
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.database.setText(settings.database)
        self.user.setText(settings.user)
        self.tls.setCurrentIndex(TLS_MODES.index(settings.tls))
        self._edited()

    def typed_password(self) -> str | None:
        """The password typed (kept in memory only), or None: PostgreSQL's password file decides."""
        return self.password.text() or None

    def set_editable(self, editable: bool) -> None:
        """Whether where the server is may be changed (the password always may: it is asked, never stored)."""
        for field in (self.host, self.database, self.user):
            field.setReadOnly(not editable)
        self.port.setReadOnly(not editable)
        self.tls.setEnabled(editable)

    # --- the test --------------------------------------------------------------------------
    def run_test(self) -> None:
        """Connect off the GUI thread and say what was found (or why not) under the button."""
        if self.testing:
            return
        try:
            settings = self.settings()
        except CdsError as exc:
            self._refuse_field(exc)
            return
        password = self.typed_password()
        self.testing = True
        self.test.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(translate("ui.server.testing", where=settings.describe()))
        self.result.show()
        task = self.tasks.run(lambda progress, cancel: inspect_server_office(settings, password),
                              lambda found: self._done(settings, found), translate("ui.server.testing_title"),
                              self, on_failed=self._settle, show_error=self._failed)
        task.dialog.setCancelButton(None)  # a connection attempt cannot be stopped; it gives up by itself in 10 s

    def _done(self, settings: ServerSettings, found: ServerOffice) -> None:
        self._settle()
        if settings != self._current():  # edited while the test ran: this result is for other settings
            return
        self.found = found
        self.result.setStyleSheet(OK_STYLE)
        self.result.setText(found_text(settings, found))
        self.result.show()
        self.tested.emit(found)

    def _failed(self, message: str) -> None:
        self.found = None
        self.result.setStyleSheet(ERROR_STYLE)
        self.result.setText(message)
        self.result.show()
        self.tested.emit(None)

    def _refuse_field(self, exc: CdsError) -> None:
        """A field that is not valid: named by its label, the keyboard focus put there."""
        field = exc.params.get("field") if exc.code == "server.bad_settings" else None
        if field not in _FIELDS:
            self._failed(exc.message())
            return
        label = translate(f"ui.server.{field}").replace("&", "").rstrip(":： ")
        self._failed(translate("ui.server.bad_field", field=label, value=exc.params.get("value", "")))
        getattr(self, field).setFocus()

    def _settle(self) -> None:
        self.testing = False
        self.test.setEnabled(True)

    def _current(self) -> ServerSettings | None:
        try:
            return self.settings()
        except CdsError:
            return None

    def _edited(self, *_args) -> None:
        self.found = None
        self.result.clear()
        self.result.hide()
        self.changed.emit()
