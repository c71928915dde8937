"""Approve and sign: the leader types the signing key's passphrase (masked); unlocking it approves the period.

The key is unlocked on the background lane (deliberately slow key derivation). A wrong passphrase keeps the
dialog open with the reason; on success ``approved`` hands the passphrase on once when the leader asked to
export the bundle right away, so that it is typed only once (it is never stored).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.changes import Changes
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shared.labels import period_name
from cds_desktop.ui.commune.workspace import Workspace

ERROR_STYLE = "color: #a11d16;"


def passphrase_field(object_name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(object_name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(translate("ui.workflow.passphrase_placeholder"))
    return field


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("dialog_error")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


class ApproveDialog(QDialog):
    approved = Signal(str, bool)  # passphrase, export right away

    def __init__(self, workspace: Workspace, tasks: BackgroundTasks, exchange: CommuneExchange,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approve_dialog")
        self.workspace, self.tasks, self.exchange = workspace, tasks, exchange
        self.setWindowTitle(translate("ui.workflow.approve_title"))
        period = workspace.snapshot().period
        unit = workspace.service.require_unit()
        intro = QLabel(translate("ui.workflow.approve_intro", unit=unit.name, period=period_name(period.period_id),
                                 revision=period.revision))
        intro.setWordWrap(True)
        self.passphrase = passphrase_field("approve_passphrase")
        label = QLabel(translate("ui.workflow.passphrase"))
        label.setBuddy(self.passphrase)
        self.export_next = QCheckBox(translate("ui.workflow.export_next"))
        self.export_next.setObjectName("export_next")
        self.export_next.setChecked(True)
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(translate("ui.workflow.approve_button"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        self.buttons.addButton(translate("ui.button.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.approve)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(label)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.export_next)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.running = False
        self.resize(520, 240)

    def approve(self) -> None:
        passphrase = self.passphrase.text()
        if not passphrase:
            self._show_error(translate("ui.workflow.passphrase_missing"))
            return
        workspace, exchange = self.workspace, self.exchange
        plan_id, period_id, actor = workspace.plan_id, workspace.period_id, workspace.actor

        def work(progress: ProgressCallback, cancel: CancelToken) -> Changes:
            return exchange.approve(plan_id, period_id, passphrase, actor)

        self.setEnabled(False)
        self.error.hide()
        self.running = True
        self.tasks.run(work, self._done, translate("ui.workflow.approving"), self, on_failed=self._failed,
                       show_error=self._show_error)

    def _done(self, changes: Changes) -> None:
        self.running = False
        self.workspace.publish(changes)
        passphrase, export_next = self.passphrase.text(), self.export_next.isChecked()
        self.passphrase.clear()
        self.accept()
        self.approved.emit(passphrase, export_next)

    def _failed(self) -> None:
        self.running = False
        self.setEnabled(True)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def reject(self) -> None:
        if not self.running:  # once the key is being unlocked, the approval completes or fails on its own
            super().reject()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
