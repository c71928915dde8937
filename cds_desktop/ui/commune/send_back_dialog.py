"""Send a submitted or approved period back for correction: the leader says why.

The reason is required (the service refuses a blank one, with its message shown here) and is recorded in the
period's history, where the officer and the history dialog (and ``cds history``) find it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.ui.commune.approve_dialog import error_label
from cds_desktop.ui.commune.workspace import Workspace
from cds_desktop.ui.shared.labels import period_name


class SendBackDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("send_back_dialog")
        self.workspace = workspace
        self.setWindowTitle(translate("ui.workflow.send_back_title"))
        period = workspace.snapshot().period
        intro = QLabel(translate("ui.workflow.send_back_intro", period=period_name(period.period_id),
                                 revision=period.revision))
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("send_back_reason")
        self.reason.setPlaceholderText(translate("ui.workflow.send_back_placeholder"))
        label = QLabel(translate("ui.workflow.send_back_reason"))
        label.setBuddy(self.reason)
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(translate("ui.workflow.send_back_button"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("send_back_ok")
        self.ok.setDefault(True)
        buttons.addButton(translate("ui.button.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.send_back)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(600, 220)

    def send_back(self) -> None:
        workspace = self.workspace
        try:
            changes = workspace.service.send_back(workspace.plan_id, workspace.period_id, workspace.actor,
                                                  self.reason.text())
        except CdsError as exc:
            self.error.setText(exc.message())
            self.error.show()
            self.reason.setFocus()
            return
        workspace.publish(changes)
        self.accept()
