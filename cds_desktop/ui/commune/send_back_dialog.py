"""Send a submitted or approved period back for correction: the leader says why.

The reason is required (the service refuses a blank one, with its message shown here) and is recorded in the
period's history, where the officer and the history dialog (and ``cds history``) find it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.ui.commune.action_dialog import ActionDialog
from cds_desktop.ui.commune.workspace import Workspace
from cds_desktop.ui.shared.labels import period_name


class SendBackDialog(ActionDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("send_back_dialog", translate("ui.workflow.send_back_title"), parent)
        self.workspace = workspace
        self.reason = QLineEdit()
        self.reason.setObjectName("send_back_reason")
        self.reason.setPlaceholderText(translate("ui.workflow.send_back_placeholder"))
        label = QLabel(translate("ui.workflow.send_back_reason"))
        label.setBuddy(self.reason)
        fields = QVBoxLayout()
        fields.addWidget(label)
        fields.addWidget(self.reason)
        period = workspace.snapshot().period
        intro = translate("ui.workflow.send_back_intro", period=period_name(period.period_id), revision=period.revision)
        self.lay_out(intro, fields, translate("ui.workflow.send_back_button"), "send_back_ok", (600, 220))
        self.buttons.accepted.connect(self.send_back)

    def send_back(self) -> None:
        workspace = self.workspace
        try:
            changes = workspace.service.send_back(workspace.plan_id, workspace.period_id, workspace.actor,
                                                  self.reason.text())
        except CdsError as exc:
            self.show_error(exc.message())
            self.reason.setFocus()
            return
        workspace.publish(changes)
        self.accept()
