"""The submission page: one commune's report of a plan period as the office received it, and the head's decision.

``show(commune, plan_id, period_id)`` (the window calls it when ``workspace.submission_requested`` fires) reads
the current revision through ``OfficeService.submission_detail``; the revision picker shows an older one.
The header says who sent it, when, signed with which key, on time or late, and the decision on it; the tabs hold
its indicator values (with the commune-level target and met / not met badges), task progress, evidence files
(opened from a copy verified against its SHA-256, or saved), the problems the office found, the commune's
history and the differences from the revision before.

Accept and Return (the head only: ``Permission.DECIDE``; disabled for others, and for a revision superseded or
decided already) and "Accept all clean" of the period open ``DecisionDialog``; the consolidated report of the
period is previewed and saved in ``ReportPreviewDialog``. Reading a submission is a few indexed queries, done on
the GUI thread; signing, opening evidence (hashing) and making the report run on the background lane.
The page reloads what it shows when submissions or decisions change (``OfficeChanges``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError, PermissionDeniedError
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.submissions import SubmissionDetail, SubmissionHeader
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.office.decision_dialog import DecisionDialog, DecisionKind, DecisionSubject
from cds_desktop.ui.office.submission_models import (
    ChangesModel,
    EvidenceModel,
    HistoryModel,
    IndicatorsModel,
    ProblemsModel,
    RowsModel,
    TasksModel,
)
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shared.cells import BadgeDelegate, badge_width
from cds_desktop.ui.shared.labels import date_text, datetime_text, period_name
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

REASON_SHOWN = 160  # characters of a return reason in the header (all of it in the tooltip)
LATE_STYLE = "color: #a11d16; font-weight: bold;"
ON_TIME_STYLE = "color: #17633a; font-weight: bold;"
LONG_TEXT_COLUMNS = {  # the indicator's name, the task's title, what a change was and became
    "indicators": (1,), "tasks": (1,), "history": (4, 5), "changes": (2, 3)}
LONG_TEXT_SHARE, MIN_LONG_TEXT = 0.3, 240  # of the page's width; pixels
STATUS_SLACK = 6  # pixels beside a badge, so that it never touches the grid
TABS = ("indicators", "tasks", "evidence", "problems", "history", "changes")


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= REASON_SHOWN else flat[: REASON_SHOWN - 1].rstrip() + "…"


class SubmissionPage(QWidget):
    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("submission_page")
        self.workspace, self.tasks = workspace, tasks
        self.detail: SubmissionDetail | None = None
        self.subject: tuple[str, str, str] | None = None  # commune, plan, period shown
        self.receipt_folder = Path.home()
        # the verified copies opened for viewing; removed when the app ends (a file still open stays)
        self._open_copies = tempfile.TemporaryDirectory(prefix="cds-office-evidence-", ignore_cleanup_errors=True)
        self.running: RunningTask | None = None

        self.empty = QLabel(translate("ui.office_review.empty"))
        self.empty.setObjectName("submission_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.stack)
        workspace.changed.connect(self._changed)
        self._update_actions()

    # --- building ----------------------------------------------------------------------------
    def _value(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"submission_{name}")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _content(self) -> QWidget:
        self.commune = self._value("commune")
        self.plan = self._value("plan")
        self.period = self._value("period")
        self.received = self._value("received")
        self.timeliness = self._value("timeliness")
        self.signer = self._value("signer")
        self.decision = self._value("decision")
        self.revision_box = QComboBox()
        self.revision_box.setObjectName("submission_revision")
        self.revision_box.activated.connect(self._revision_chosen)
        revision_label = QLabel(translate("ui.office_review.revision"))
        revision_label.setBuddy(self.revision_box)
        revision_row = QHBoxLayout()
        revision_row.addWidget(self.revision_box)
        revision_row.addStretch(1)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self._caption(grid, "commune", 0, 0)
        grid.addWidget(self.commune, 0, 1)
        self._caption(grid, "plan", 0, 2)
        grid.addWidget(self.plan, 0, 3)
        self._caption(grid, "period", 1, 0)
        grid.addWidget(self.period, 1, 1)
        grid.addWidget(revision_label, 1, 2)
        grid.addLayout(revision_row, 1, 3)
        self._caption(grid, "received", 2, 0)
        grid.addWidget(self.received, 2, 1)
        self._caption(grid, "timeliness", 2, 2)
        grid.addWidget(self.timeliness, 2, 3)
        self._caption(grid, "signer", 3, 0)
        grid.addWidget(self.signer, 3, 1, 1, 3)
        self._caption(grid, "decision", 4, 0)
        grid.addWidget(self.decision, 4, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.accept_button = self._button("accept", lambda: self.decide(DecisionKind.ACCEPT))
        self.return_button = self._button("return", lambda: self.decide(DecisionKind.RETURN))
        self.accept_all_button = self._button("accept_all", lambda: self.decide(DecisionKind.ACCEPT_ALL))
        self.report_button = self._button("report", self.preview_report)
        self.receipt_button = self._button("save_receipt", self.save_receipt)
        actions = QHBoxLayout()
        for button in (self.accept_button, self.return_button, self.accept_all_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.receipt_button)
        actions.addWidget(self.report_button)

        self.tabs = QTabWidget()  # made before its tables: the tab bar comes first in the focus chain
        self.tabs.setObjectName("submission_tabs")
        self.models: dict[str, RowsModel] = {
            "indicators": IndicatorsModel(self), "tasks": TasksModel(self), "evidence": EvidenceModel(self),
            "problems": ProblemsModel(self), "history": HistoryModel(self), "changes": ChangesModel(self)}
        self.tables: dict[str, QTableView] = {name: self._table(name, model) for name, model in self.models.items()}
        badges = BadgeDelegate(self)
        for name in ("indicators", "tasks"):
            self.tables[name].setItemDelegate(badges)
        self.tables["evidence"].activated.connect(lambda _index: self.open_evidence())
        for name in TABS:
            self.tabs.addTab(self._tab(name), "")
        self.open_button.setEnabled(False)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        return page

    @staticmethod
    def _caption(grid: QGridLayout, name: str, row: int, column: int) -> None:
        grid.addWidget(QLabel(translate(f"ui.office_review.header.{name}")), row, column, Qt.AlignmentFlag.AlignTop)

    def _button(self, name: str, slot) -> QPushButton:
        button = QPushButton(translate(f"ui.office_review.button.{name}"))
        button.setObjectName(f"submission_{name}")
        button.setToolTip(translate(f"ui.office_review.button.{name}_tip"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _table(self, name: str, model: RowsModel) -> QTableView:
        table = QTableView()
        table.setObjectName(f"submission_{name}_table")
        table.setModel(model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _fit_columns(self, name: str) -> None:
        """Columns as wide as their contents, but a name or title at most ``LONG_TEXT_SHARE`` of the page (elided,
        whole in its tooltip) so that the targets and statuses beside it stay on screen at 1366×768; a status
        column wide enough for its longest badge."""
        table, model = self.tables[name], self.models[name]
        table.resizeColumnsToContents()
        status = getattr(model, "STATUS", None)
        if status is not None and model.rowCount():
            metrics = table.fontMetrics()
            widest = max(badge_width(metrics, model.index(row, status).data() or "") for row in range(model.rowCount()))
            table.setColumnWidth(status, max(table.columnWidth(status), widest + STATUS_SLACK))
        limit = max(MIN_LONG_TEXT, int(self.width() * LONG_TEXT_SHARE))
        for column in LONG_TEXT_COLUMNS.get(name, ()):
            table.setColumnWidth(column, min(table.columnWidth(column), limit))

    def _tab(self, name: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        if name == "changes":
            self.changes_note = QLabel()
            self.changes_note.setObjectName("submission_changes_note")
            self.changes_note.setWordWrap(True)
            layout.addWidget(self.changes_note)
        layout.addWidget(self.tables[name], 1)
        if name == "evidence":
            self.open_button = self._button("open", self.open_evidence)
            self.save_button = self._button("save", self.save_evidence)
            row = QHBoxLayout()
            row.addWidget(self.open_button)
            row.addWidget(self.save_button)
            row.addStretch(1)
            layout.addLayout(row)
        return page

    # --- showing -----------------------------------------------------------------------------
    def show(self, commune: str | None = None, plan_id: str | None = None, period_id: str | None = None,
             revision: int | None = None) -> bool:
        """Show the current revision (or ``revision``) of a commune's plan period; with no arguments, show the
        widget (``QWidget.show``). False, with a notice, when the office holds no such report."""
        if commune is None:
            super().show()
            return True
        return self.show_submission(commune, plan_id, period_id, revision)

    def show_submission(self, commune: str, plan_id: str, period_id: str, revision: int | None = None) -> bool:
        try:
            detail = self.workspace.service.submission_detail(commune, plan_id, period_id, revision)
        except CdsError as exc:
            self.workspace.notice.emit(exc.message(), True)
            return False
        self.subject = (commune, plan_id, period_id)
        self._fill(detail)
        return True

    def _fill(self, detail: SubmissionDetail) -> None:
        self.detail = detail
        header = detail.header
        self.commune.setText(f"{header.commune_name} ({header.commune_code})")
        self.plan.setText(header.plan_title.get(current_language()))
        self.period.setText(period_name(header.period_id))
        self._fill_revisions(header)
        first = (translate("ui.office_review.first_received", date=date_text(header.first_received_at.astimezone().date()))
                 if header.revision != header.revisions[-1].revision else "")
        self.received.setText(translate("ui.office_review.received", at=datetime_text(header.received_at),
                                        created=datetime_text(header.created_at), first=first))
        self.timeliness.setText(translate(f"ui.office_review.{'on_time' if header.on_time else 'late'}",
                                          due=date_text(header.due_before)))
        self.timeliness.setStyleSheet(ON_TIME_STYLE if header.on_time else LATE_STYLE)
        self.signer.setText(self._signer_text(header))
        self.decision.setText(self._decision_text(header))
        self.decision.setToolTip(header.decision.reason if header.decision and header.decision.reason else "")
        for name in TABS:
            self.models[name].set_rows(getattr(detail, name))
        for name in TABS:
            self._fit_columns(name)
        self.changes_note.setText(
            translate("ui.office_review.changes_from", revision=header.previous_revision,
                      count=len(detail.changes)) if header.previous_revision is not None
            else translate("ui.office_review.first_revision"))
        self._retitle_tabs()
        self.stack.setCurrentIndex(1)
        self._update_actions()

    def _fill_revisions(self, header: SubmissionHeader) -> None:
        self.revision_box.clear()
        for choice in header.revisions:
            state = translate(f"state.{choice.decision}") if choice.decision else translate(
                "ui.office_review.undecided")
            message = "ui.office_review.revision_current" if choice.is_current else "ui.office_review.revision_older"
            self.revision_box.addItem(translate(message, revision=choice.revision, state=state), choice.revision)
        self.revision_box.setCurrentIndex(self.revision_box.findData(header.revision))

    @staticmethod
    def _signer_text(header: SubmissionHeader) -> str:
        key = (translate("ui.office_review.key", fingerprint=header.fingerprint,
                         status=translate(f"ui.office_review.key_status.{header.key_status}"))
               if header.fingerprint else translate("ui.office_review.key_unknown", key=header.signing_key_id))
        if header.approved_by:
            return translate("ui.office_review.signed_by", actor=header.approved_by,
                             at=datetime_text(header.approved_at), key=key)
        return key

    @staticmethod
    def _decision_text(header: SubmissionHeader) -> str:
        decision = header.decision
        if decision is None:
            return translate("ui.office_review.no_decision" if header.is_current else "ui.office_review.superseded",
                             latest=header.latest_revision)
        text = translate(f"ui.office_review.decided.{decision.decision}",
                         at=date_text(decision.issued_at.astimezone().date()), by=decision.issued_by,
                         file=decision.file_name or "—")
        return text + (" " + translate("ui.office_review.reason_shown", reason=_short(decision.reason))
                       if decision.reason else "")

    def _retitle_tabs(self) -> None:
        counts = {name: self.models[name].rowCount() for name in TABS}
        for index, name in enumerate(TABS):
            self.tabs.setTabText(index, translate(f"ui.office_review.tab.{name}", count=counts[name]))

    def _revision_chosen(self, index: int) -> None:
        if self.subject is not None and index >= 0:
            self.show_submission(*self.subject, revision=self.revision_box.itemData(index))

    def _changed(self, changes: OfficeChanges) -> None:
        if self.subject is not None and (changes.submissions or changes.decisions):
            shown = self.detail.header if self.detail else None
            keep = shown.revision if shown is not None and not shown.is_current else None
            self.show_submission(*self.subject, revision=keep)

    # --- deciding ----------------------------------------------------------------------------
    def may_decide(self) -> bool:
        """Whether the person signed in may accept or return reports (the head; anyone without accounts)."""
        try:
            self.workspace.service.authorize(Permission.DECIDE)
        except PermissionDeniedError:
            return False
        return True

    def _update_actions(self) -> None:
        header = self.detail.header if self.detail else None
        head = self.may_decide()
        undecided = header is not None and header.is_current and header.decision is None
        for button in (self.accept_button, self.return_button):
            button.setEnabled(head and undecided)
        self.accept_all_button.setEnabled(head and header is not None)
        self.report_button.setEnabled(header is not None)
        self.receipt_button.setEnabled(header is not None and header.decision is not None
                                       and header.decision.receipt_stored)
        if not head:
            for button in (self.accept_button, self.return_button, self.accept_all_button):
                button.setToolTip(translate("ui.office_review.heads_only"))
        evidence = bool(self.detail and self.detail.evidence)
        self.open_button.setEnabled(evidence)
        self.save_button.setEnabled(evidence)

    def decide(self, kind: DecisionKind) -> DecisionDialog | None:
        if self.detail is None:
            return None
        header = self.detail.header
        subject = DecisionSubject(header.plan_id, header.period_id) if kind is DecisionKind.ACCEPT_ALL else (
            DecisionSubject(header.plan_id, header.period_id, header.commune_code, header.commune_name,
                            header.revision))
        dialog = DecisionDialog(self.workspace, self.tasks, kind, subject, self.receipt_folder, self.window())
        dialog.decided.connect(lambda result: self._decided(dialog, result))
        dialog.open()
        return dialog

    def _decided(self, dialog: DecisionDialog, result) -> None:
        self.receipt_folder = Path(dialog.folder.text().strip())
        path = getattr(result, "path", None)
        if path is not None:
            self.workspace.notice.emit(translate("ui.office_review.receipt_written", file=str(path)), False)

    def save_receipt(self) -> RunningTask | None:
        """Save the receipt of the decision shown again, from the bytes recorded when it was signed (a receipt
        lost on the way to the commune; any staff PC of a shared office)."""
        decision = self.detail.header.decision if self.detail else None
        if decision is None or not decision.receipt_stored:
            return None
        dialog = QFileDialog(self, translate("ui.office_review.save_receipt_title"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setObjectName("receipt_save_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(str(self.receipt_folder / (decision.file_name or "receipt.cdsr")))
        if not dialog.exec() or not dialog.selectedFiles():
            return None
        return self.save_receipt_to(decision.receipt_id, Path(dialog.selectedFiles()[0]))

    def save_receipt_to(self, receipt_id: int, target: Path) -> RunningTask:
        service = self.workspace.service
        self.receipt_folder = target.parent

        def work(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return service.receipt_copy(receipt_id, target)

        return self._run(work, lambda path: self.workspace.notice.emit(
            translate("ui.office_review.receipt_saved", file=str(path)), False), "ui.office_review.saving")

    # --- evidence ----------------------------------------------------------------------------
    def _selected_evidence(self):
        """The evidence file of the current row (the only one when there is just one)."""
        model, current = self.models["evidence"], self.tables["evidence"].currentIndex()
        if current.isValid():
            return model.row(current.row())
        return model.row(0) if model.rowCount() == 1 else None

    def open_evidence(self) -> RunningTask | None:
        """Copy the chosen evidence file out of the store (its SHA-256 checked) and open it with the system viewer."""
        evidence = self._selected_evidence()
        if evidence is None:
            return None
        service, folder = self.workspace.service, Path(self._open_copies.name)

        def work(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return service.evidence_to_open(evidence.evidence_id, folder)

        return self._run(work, self._open_copy, "ui.office_review.opening")

    def _open_copy(self, path: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.workspace.notice.emit(translate("ui.office_review.no_viewer", name=path.name), True)
            return
        self.workspace.notice.emit(translate("ui.office_review.opened", name=path.name), False)

    def save_evidence(self) -> RunningTask | None:
        evidence = self._selected_evidence()
        if evidence is None:
            return None
        dialog = QFileDialog(self, translate("ui.office_review.save_title"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setObjectName("evidence_save_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(str(Path.home() / self.workspace.service.evidence_name(evidence.evidence_id)))
        if not dialog.exec() or not dialog.selectedFiles():
            return None
        return self.save_evidence_to(evidence.evidence_id, Path(dialog.selectedFiles()[0]))

    def save_evidence_to(self, evidence_id: int, target: Path) -> RunningTask:
        service = self.workspace.service

        def work(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return service.save_evidence(evidence_id, target)

        return self._run(work, lambda path: self.workspace.notice.emit(
            translate("ui.office_review.saved", file=str(path)), False), "ui.office_review.saving")

    def _run(self, work, on_done, title_id: str) -> RunningTask:
        def done(result) -> None:
            self.running = None
            on_done(result)

        def failed() -> None:
            self.running = None

        self.running = self.tasks.run(work, done, translate(title_id), self, on_failed=failed,
                                      show_error=lambda message: self.workspace.notice.emit(message, True))
        return self.running

    # --- the consolidated report ---------------------------------------------------------------
    def preview_report(self):
        """Preview (and save) the office's consolidated report of the period shown, made in the background."""
        if self.detail is None:
            return None
        from cds_desktop.core.services.office.report import write_office_report
        from cds_desktop.core.services.report_file import pdf_in_memory
        from cds_desktop.ui.shared.report_preview import ReportPreviewDialog

        service, header = self.workspace.service, self.detail.header
        plan_id, period_id = header.plan_id, header.period_id
        office = service.require_identity()

        def make(language: str, progress: ProgressCallback, cancel: CancelToken):
            return pdf_in_memory(lambda out: write_office_report(service, plan_id, period_id, out, language,
                                                                 progress=progress, cancel=cancel))

        dialog = ReportPreviewDialog(make, f"BaoCaoTongHop_{office.code}_{plan_id}_{period_id}.pdf", self.tasks,
                                     self.workspace.notice.emit, self.window(),
                                     title=translate("ui.office_review.report_title", period=period_name(period_id)))
        dialog.open()
        return dialog
