"""The workflow strip of the open period: its next step, the actions that move it on, the office's return.

One ``QAction`` per step (submit, send back, approve and sign, export the bundle, import a receipt, preview
the report) serves both the "Workflow" menu (with shortcuts) and the strip's buttons; the strip shows only the
buttons that fit the period's state, with the next step first. Actions the signed-in person's role does not
allow are disabled (the services still enforce the roles). When the office returned the report, a banner
shows its reason and that a new revision is open for correction.

No step that locks or unlocks the figures happens without a question: submitting asks first, naming the
period; sending back asks for the reason (``SendBackDialog``), which the history keeps.

The exchange service (signing, bundles, receipts) is made on the first action that needs it: importing it
loads the bundle library and the exchange tables, which showing the strip does not need (start-up speed).
"""

from __future__ import annotations

from pathlib import Path
from functools import cached_property
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError

from cds_desktop.core.domain import OfficeStatus, PeriodState
from cds_desktop.core.i18n import translate
from cds_desktop.core.presentation import state_name
from cds_desktop.core.services.commune.service import CommuneService
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shared.labels import period_name
from cds_desktop.ui.commune.confirm import ask, file_dialog
from cds_desktop.ui.commune.models.period_model import shown_state
from cds_desktop.ui.commune.workspace import PeriodSnapshot, Workspace

if TYPE_CHECKING:  # the dialogs (PDF rendering, bundle writing) are imported when first opened
    from cds_desktop.core.services.commune.exchange import CommuneExchange
    from cds_desktop.ui.commune.approve_dialog import ApproveDialog
    from cds_desktop.ui.commune.export_dialog import ExportDialog
    from cds_desktop.ui.commune.send_back_dialog import SendBackDialog
    from cds_desktop.ui.shared.report_preview import ReportPreviewDialog

STEPS = ("draft", "submitted", "approved", "exported", "accepted")  # the road of a period, as ``state.*`` labels
DONE_STYLE = "color: #1e6b2e;"
CURRENT_STYLE = "font-weight: bold; color: white; background: #2d5f9a; border-radius: 3px; padding: 1px 6px;"
LATER_STYLE = "color: #777777;"
RETURNED_STYLE = "background: #fff4e0; border: 1px solid #e0a030; border-radius: 4px; padding: 6px; color: #5a3a00;"
PRIMARY_STYLE = "font-weight: bold;"


def permitted(service: CommuneService, permission: Permission) -> bool:
    """Whether the signed-in person may ``permission``; with nobody signed in the service decides (an
    installation without accounts allows everything, one with accounts asks to sign in)."""
    return service.principal is None or service.principal.can(permission)


def next_step_text(snapshot: PeriodSnapshot) -> str:
    period = snapshot.period
    state = shown_state(period)
    if period.state is PeriodState.DRAFT:
        errors = sum(1 for p in snapshot.problems if p.is_error)
        if errors:
            return translate("ui.workflow.step.fix_errors", count=errors)
        return translate("ui.workflow.step.submit")
    if state == OfficeStatus.ACCEPTED:
        return translate("ui.workflow.step.accepted")
    return translate(f"ui.workflow.step.{period.state.value}")


class WorkflowStrip(QFrame):
    problems_requested = Signal()  # submitting was refused: show the problems
    period_requested = Signal(str, str)  # a receipt concerned this plan period: open it

    def __init__(self, workspace: Workspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workflow_strip")
        self.workspace, self.tasks = workspace, tasks
        self.export_folder = Path.home()
        self.submit_action = self._action("submit", "Ctrl+Shift+G", self.submit)
        self.send_back_action = self._action("send_back", "Ctrl+Shift+T", self.send_back)
        self.approve_action = self._action("approve", "Ctrl+Shift+K", self.approve)
        self.export_action = self._action("export", "Ctrl+Shift+E", self.export)
        self.receipt_action = self._action("receipt", "Ctrl+Shift+R", self.choose_receipt)
        self.report_action = self._action("report", "Ctrl+P", self.preview_report)

        self.step = QLabel()
        self.step.setObjectName("workflow_step")
        self.step.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setObjectName("returned_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(RETURNED_STYLE)
        self.banner.hide()
        self.road: list[QLabel] = []
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for number, state in enumerate(STEPS):
            if number:
                row.addWidget(QLabel("›"))
            label = QLabel(state_name(state))
            label.setObjectName(f"workflow_road_{state}")
            self.road.append(label)
            row.addWidget(label)
        row.addSpacing(16)
        row.addWidget(self.step, 1)
        self.buttons: dict[QAction, QPushButton] = {}
        for action in self.actions_in_order():
            button = QPushButton(action.text())
            button.setObjectName(f"workflow_{action.objectName()}")
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            self.buttons[action] = button
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 4)
        layout.addWidget(self.banner)
        layout.addLayout(row)
        workspace.changed.connect(self.refresh)
        workspace.period_opened.connect(self.refresh)
        self.refresh()

    @cached_property
    def exchange(self) -> CommuneExchange:
        from cds_desktop.core.services.commune.exchange import CommuneExchange

        return CommuneExchange(self.workspace.service)

    def _action(self, name: str, shortcut: str, slot) -> QAction:
        action = QAction(translate(f"ui.workflow.{name}"), self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(translate(f"ui.workflow.{name}_tip", shortcut=action.shortcut().toString(
            QKeySequence.SequenceFormat.NativeText)))
        action.triggered.connect(slot)
        return action

    def actions_in_order(self) -> list[QAction]:
        return [self.submit_action, self.approve_action, self.export_action, self.receipt_action,
                self.send_back_action, self.report_action]

    # --- state -----------------------------------------------------------------------------
    def refresh(self, *_changes) -> None:
        if not self.workspace.has_period:
            return
        snapshot = self.workspace.snapshot()
        period, service = snapshot.period, self.workspace.service
        state = period.state
        leader = permitted(service, Permission.APPROVE)
        self.submit_action.setEnabled(state is PeriodState.DRAFT and permitted(service, Permission.SUBMIT))
        self.send_back_action.setEnabled(state in (PeriodState.SUBMITTED, PeriodState.APPROVED) and leader)
        self.approve_action.setEnabled(state is PeriodState.SUBMITTED and leader)
        self.export_action.setEnabled(state is PeriodState.APPROVED and leader)
        self.receipt_action.setEnabled(leader)
        primary = {PeriodState.DRAFT: self.submit_action, PeriodState.SUBMITTED: self.approve_action,
                   PeriodState.APPROVED: self.export_action, PeriodState.EXPORTED: self.receipt_action}[state]
        finished = shown_state(period) == OfficeStatus.ACCEPTED  # nothing left to do: no step stands out
        for action, button in self.buttons.items():
            button.setVisible(action in (primary, self.report_action)
                              or (action is self.send_back_action and action.isEnabled()))
            button.setEnabled(action.isEnabled())
            button.setStyleSheet(PRIMARY_STYLE if action is primary and not finished else "")
        self.step.setText(next_step_text(snapshot))
        current = STEPS.index(shown_state(period)) if shown_state(period) in STEPS else 0
        for number, label in enumerate(self.road):
            label.setStyleSheet(DONE_STYLE if number < current else CURRENT_STYLE if number == current else LATER_STYLE)
        returned = period.office_status == OfficeStatus.RETURNED and state is not PeriodState.EXPORTED
        self.banner.setVisible(returned)
        if returned:
            self.banner.setText(translate("ui.workflow.returned_banner", reason=period.office_reason or "",
                                          revision=period.revision))

    # --- steps -----------------------------------------------------------------------------
    def submit(self) -> QMessageBox | None:
        """Ask first (the figures are locked once submitted); with errors left, show them instead of asking."""
        snapshot = self.workspace.snapshot()
        if any(p.is_error for p in snapshot.problems):
            self._submit()  # refused with its reason, and the problems shown
            return None
        period = snapshot.period
        return ask(self.window(), "submit_confirm", translate("ui.workflow.submit_confirm_title"),
                   translate("ui.workflow.submit_confirm", period=period_name(period.period_id),
                             revision=period.revision),
                   translate("ui.workflow.submit_confirm_button"), self._submit)

    def _submit(self) -> None:
        workspace = self.workspace
        changes = workspace.mutate(lambda: workspace.service.submit(workspace.plan_id, workspace.period_id,
                                                                     workspace.actor))
        if changes is None and any(p.is_error for p in workspace.snapshot().problems):
            self.problems_requested.emit()

    def send_back(self) -> SendBackDialog:
        from cds_desktop.ui.commune.send_back_dialog import SendBackDialog

        dialog = SendBackDialog(self.workspace, self.window())
        dialog.open()
        return dialog

    def approve(self) -> ApproveDialog:
        from cds_desktop.ui.commune.approve_dialog import ApproveDialog

        dialog = ApproveDialog(self.workspace, self.tasks, self.exchange, self.window())
        dialog.approved.connect(self._approved)
        dialog.open()
        return dialog

    def _approved(self, passphrase: str, export_next: bool) -> None:
        if export_next:
            self.export(passphrase)

    def export(self, passphrase: str = "") -> ExportDialog:
        from cds_desktop.ui.commune.export_dialog import ExportDialog

        dialog = ExportDialog(self.workspace, self.tasks, self.exchange, self.export_folder, passphrase, self.window())
        dialog.folder_chosen.connect(lambda folder: setattr(self, "export_folder", folder))
        dialog.open()
        return dialog

    def receipt_dialog(self) -> QFileDialog:
        dialog = file_dialog(self.window(), "receipt_file_dialog", translate("ui.workflow.receipt_choose"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([translate("ui.workflow.receipt_filter"), translate("ui.workflow.all_files")])
        dialog.setDirectory(str(self.export_folder))
        return dialog

    def choose_receipt(self) -> None:
        dialog = self.receipt_dialog()
        if dialog.exec() and dialog.selectedFiles():
            self.import_receipt(Path(dialog.selectedFiles()[0])).exec()

    def import_receipt(self, path: Path) -> QMessageBox:
        """Apply the office's receipt (chosen, or dropped on the window) and open the period it concerns; a
        message box (not yet shown) tells the result — or, for a file that is not a receipt of this commune's,
        why it was refused."""
        workspace = self.workspace
        box = QMessageBox(self.window())
        box.setObjectName("receipt_result")
        box.setWindowTitle(translate("ui.workflow.receipt_title"))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        try:
            changes = self.exchange.import_receipt(path, workspace.actor)
        except CdsError as exc:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(translate("ui.workflow.receipt_refused", file=path.name))
            box.setInformativeText(exc.message())
            return box
        workspace.publish(changes)
        self.period_requested.emit(changes.plan_id, changes.period_id)
        period = workspace.service.period(changes.plan_id, changes.period_id)
        name = period_name(period.period_id)
        if period.office_status == OfficeStatus.RETURNED:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(translate("ui.workflow.receipt_returned", period=name, reason=period.office_reason or ""))
            if period.state is PeriodState.DRAFT:
                box.setInformativeText(translate("ui.workflow.receipt_reopened", revision=period.revision))
        else:
            box.setIcon(QMessageBox.Icon.Information)
            box.setText(translate("ui.workflow.receipt_accepted", period=name))
        return box

    def preview_report(self) -> ReportPreviewDialog:
        from cds_desktop.core.services.commune.report import missing_report_details
        from cds_desktop.core.services.report_file import commune_report_pdf, report_file_name
        from cds_desktop.ui.shared.report_preview import ReportPreviewDialog

        service, plan_id, period_id = self.workspace.service, self.workspace.plan_id, self.workspace.period_id
        window = self.window()
        dialog = ReportPreviewDialog(
            lambda language, progress, cancel: commune_report_pdf(service, plan_id, period_id, language, progress,
                                                                  cancel),
            report_file_name(service, plan_id, period_id), self.tasks, self.workspace.notice.emit, window,
            missing=missing_report_details(service), open_settings=getattr(window, "show_settings", None))
        dialog.open()
        return dialog
