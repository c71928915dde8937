"""The layout the commune's short action dialogs share — sending a period back with a reason
(``SendBackDialog``), replacing the signing key with passphrases (``RotateKeyDialog``): an explanation, the fields
the action needs, a line for the error (hidden until there is one), then the action's button (the default: Enter
presses it) and Cancel (Esc).

A subclass makes its fields, then calls ``lay_out`` and connects ``buttons.accepted`` (the action's button) to its
action. An action that runs on
the background lane goes through ``run_in_background``: the dialog stays open and disabled until the work ends,
and cannot be cancelled meanwhile; a failure re-enables it with the message in the error line.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.ui.commune.approve_dialog import error_label
from cds_desktop.ui.shell.background import BackgroundTasks, Work


class ActionDialog(QDialog):
    def __init__(self, object_name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.running = False

    def lay_out(self, explanation: str, fields: QLayout, action: str, action_name: str,
                size: tuple[int, int]) -> None:
        """Lay the dialog out around ``fields`` (made first, so that Tab reaches them before the buttons)."""
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName(action_name)
        self.ok.setDefault(True)
        self.buttons.addButton(translate("ui.button.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addLayout(fields)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(*size)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def run_in_background(self, tasks: BackgroundTasks, work: Work, done: Callable[[Any], None], working: str) -> None:
        """Run ``work`` on the background lane; ``done`` gets its result (the dialog is still open then)."""

        def finished(result: Any) -> None:
            self.running = False
            done(result)

        self.setEnabled(False)
        self.error.hide()
        self.running = True
        tasks.run(work, finished, working, self, on_failed=self._failed, show_error=self.show_error)

    def _failed(self) -> None:
        self.running = False
        self.setEnabled(True)

    def reject(self) -> None:
        if not self.running:
            super().reject()
