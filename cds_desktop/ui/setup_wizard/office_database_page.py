"""Office page 0: where the office's data is kept — on this PC only (SQLite, the default: no more questions) or
in a shared PostgreSQL database (the server form, ``ui/shared/server_form.py``).

On a server, the connection test (off the GUI thread) decides where the wizard goes:

- an empty database: this PC creates the office there — the wizard goes on with the office's identity, communes
  and accounts; creating the tables needs the database's owner role, and another user is told so plainly;
- a database that already holds an office: this PC joins it — this page is the last one, Finish points the data
  folder at the server (``setup.join_server_office``) and the people sign in with their accounts of that office;
- a database of a newer app, or one that cannot be reached: the test's plain-word message, no way on.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QButtonGroup, QFrame, QLabel, QRadioButton, QVBoxLayout

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.server_setup import ServerOffice, ServerSettings
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE, SetupPage
from cds_desktop.ui.shared.server_form import ServerForm

PLAN_STYLE = "font-weight: bold;"


class OfficeDatabasePage(SetupPage):
    def __init__(self, next_id: int, finish: Callable[[], bool]) -> None:
        super().__init__("ui.office_setup.database.title", "ui.office_setup.database.subtitle")
        self._next_id, self._finish = next_id, finish
        self._final = False  # whether Finish (join) is offered instead of Next
        self.local = QRadioButton()
        self.local.setObjectName("database_local")
        self.local.setChecked(True)
        self.texts.bind(self.local.setText, "ui.office_setup.database.local")
        self.server = QRadioButton()
        self.server.setObjectName("database_server")
        self.texts.bind(self.server.setText, "ui.office_setup.database.server")
        self.choice = QButtonGroup(self)
        for button in (self.local, self.server):
            self.choice.addButton(button)
        self.local_hint = self.texts.label("ui.office_setup.database.local_hint", word_wrap=True)
        self.local_hint.setIndent(22)
        self.form = ServerForm(self.texts)
        self.plan = QLabel()
        self.plan.setObjectName("database_plan")
        self.plan.setWordWrap(True)
        self.details = QFrame()
        self.details.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(self.details)
        inner.addWidget(self.form)
        inner.addWidget(self.plan)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local)
        layout.addWidget(self.local_hint)
        layout.addWidget(self.server)
        layout.addWidget(self.details)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.server.toggled.connect(self._chosen)
        self.form.changed.connect(self._show_plan)
        self.form.tested.connect(lambda _found: self._show_plan())
        self.texts.follow(self._show_plan)
        self._chosen()

    # --- what was chosen -------------------------------------------------------------------
    def on_server(self) -> bool:
        return self.server.isChecked()

    def found(self) -> ServerOffice | None:
        return self.form.found if self.on_server() else None

    def joins(self) -> bool:
        """Whether this PC joins an office the server's database already holds (Finish here)."""
        found = self.found()
        return found is not None and not found.empty

    def server_settings(self) -> ServerSettings | None:
        return self.form.settings() if self.on_server() else None

    def password(self) -> str | None:
        return self.form.typed_password() if self.on_server() else None

    def _usable(self) -> bool:
        found = self.found()
        return found is not None and not found.needs_owner

    def _chosen(self) -> None:
        self.details.setVisible(self.on_server())
        self.local_hint.setEnabled(not self.on_server())
        self.clear_error()
        self._show_plan()

    def _show_plan(self) -> None:
        found = self.found()
        if found is None:
            self.plan.setStyleSheet("")
            self.plan.setText(translate("ui.office_setup.database.test_first"))
        else:
            settings = self.form.settings()
            if found.needs_owner:
                key = "owner_needed_empty" if found.empty else "owner_needed_upgrade"
                self.plan.setStyleSheet(ERROR_STYLE)
                self.plan.setText(translate(f"ui.office_setup.database.{key}", user=settings.user,
                                            database=settings.database))
            else:
                self.plan.setStyleSheet(PLAN_STYLE)
                self.plan.setText(translate("ui.office_setup.database.create") if found.empty else translate(
                    "ui.office_setup.database.join", name=found.office_name, code=found.office_code))
        if self._final != self.joins():
            self._final = self.joins()
            self.setFinalPage(self._final)  # Qt lays its buttons out again: Finish instead of Next, or back
        self.completeChanged.emit()

    # --- the wizard's questions ------------------------------------------------------------
    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return not self.on_server() or self._usable()

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        return -1 if self.joins() else self._next_id

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        return self._finish() if self.joins() else True
