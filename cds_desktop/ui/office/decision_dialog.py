"""The head's decision, signed: accept one revision, return it for correction with a reason, or accept all clean
submissions of a period — each with the office passphrase and the folder (or USB drive) the receipt files go to.

The form checks what it can before anything is signed (a reason is given and not too long, a folder, a
passphrase), then asks for confirmation (a signed receipt cannot be taken back), then signs on the background
lane (the passphrase's key derivation is deliberately slow; accepting a whole period shows progress and can be
cancelled between two receipts). A refusal (wrong passphrase, decided already, a newer revision came, a folder
that cannot be written) keeps the dialog open with the reason. Accepting one revision or returning it closes the
dialog and hands the receipt to the page (``decided``); accepting all shows what was accepted and what was
skipped, and why.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.receipts import REASON_LIMIT, AcceptAllResult, check_reason
from cds_desktop.ui.office.submission_models import RowsModel, SkippedModel
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shared.labels import period_name
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

ERROR_STYLE = "color: #a11d16;"


class DecisionKind(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"
    ACCEPT_ALL = "accept_all"


class DecisionSubject(NamedTuple):
    """What is decided: one revision of a commune's report, or (``commune`` None) a whole plan period."""

    plan_id: str
    period_id: str
    commune: str | None = None
    commune_name: str | None = None
    revision: int | None = None


class AcceptedModel(RowsModel):
    columns = (
        ("ui.office_review.column.commune", lambda r: r.commune_code),
        ("ui.office_review.column.revision", lambda r: str(r.revision)),
        ("ui.office_review.column.file", lambda r: r.path.name),
    )


class DecisionDialog(QDialog):
    decided = Signal(object)  # IssuedReceipt, or AcceptAllResult

    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, kind: DecisionKind,
                 subject: DecisionSubject, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"decision_dialog_{kind.value}")
        self.workspace, self.tasks, self.kind, self.subject = workspace, tasks, kind, subject
        self.running: RunningTask | None = None
        self.result_of_all: AcceptAllResult | None = None
        self.setWindowTitle(translate(f"ui.office_review.{kind.value}.title"))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._form(folder))
        if kind is DecisionKind.ACCEPT_ALL:
            self.pages.addWidget(self._summary())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(680, 420 if kind is DecisionKind.RETURN else 300)

    def _texts(self) -> dict[str, str]:
        s = self.subject
        return {"name": s.commune_name or "", "commune": s.commune or "", "revision": str(s.revision or ""),
                "period": period_name(s.period_id)}

    # --- the form --------------------------------------------------------------------------
    def _form(self, folder: Path) -> QWidget:
        intro = QLabel(translate(f"ui.office_review.{self.kind.value}.intro", **self._texts()))
        intro.setObjectName("decision_intro")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("decision_reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(translate("ui.office_review.reason_placeholder"))
        self.reason_count = QLabel()
        self.reason_count.setObjectName("decision_reason_count")
        self.reason.textChanged.connect(self._count)
        if self.kind is DecisionKind.RETURN:
            reason_label = QLabel(translate("ui.office_review.reason"))
            reason_label.setBuddy(self.reason)
            form.addRow(reason_label, self.reason)
            form.addRow(QLabel(), self.reason_count)
            self._count()
        self.folder = QLineEdit(str(folder))
        self.folder.setObjectName("decision_folder")
        self.folder.setToolTip(translate("ui.office_review.folder_tip"))
        browse = QPushButton(translate("ui.office_review.browse"))
        browse.setObjectName("decision_browse")
        browse.setAutoDefault(False)
        browse.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        folder_label = QLabel(translate("ui.office_review.folder"))
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("decision_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(translate("ui.office_review.passphrase_placeholder"))
        passphrase_label = QLabel(translate("ui.office_review.passphrase"))
        passphrase_label.setBuddy(self.passphrase)
        form.addRow(passphrase_label, self.passphrase)
        self.error = QLabel()
        self.error.setObjectName("dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.sign_button = buttons.addButton(translate(f"ui.office_review.{self.kind.value}.sign"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("decision_sign")
        self.sign_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.sign)
        buttons.rejected.connect(self.reject)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        (self.reason if self.kind is DecisionKind.RETURN else self.passphrase).setFocus()
        return page

    def _count(self) -> None:
        length = len(self.reason.toPlainText().strip())
        self.reason_count.setText(translate("ui.office_review.reason_count", length=length, limit=REASON_LIMIT))
        self.reason_count.setStyleSheet(ERROR_STYLE if length > REASON_LIMIT else "")

    def choose_folder(self) -> None:
        dialog = QFileDialog(self, translate("ui.office_review.folder_choose"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setObjectName("decision_folder_dialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.setDirectory(self.folder.text() or str(Path.home()))
        if dialog.exec() and dialog.selectedFiles():
            self.folder.setText(dialog.selectedFiles()[0])

    # --- signing ---------------------------------------------------------------------------
    def confirm_box(self) -> QMessageBox:
        """The last question before signing (a signed receipt cannot be taken back)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(),
                          translate(f"ui.office_review.{self.kind.value}.confirm", **self._texts()),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("decision_confirm")
        box.setInformativeText(translate("ui.office_review.confirm_final"))
        yes = box.addButton(translate(f"ui.office_review.{self.kind.value}.sign"), QMessageBox.ButtonRole.YesRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(yes)
        return box

    def sign(self) -> RunningTask | None:
        """Check the form, ask for confirmation, then sign on the background lane."""
        reason = None
        try:
            if self.kind is DecisionKind.RETURN:
                reason = check_reason(self.reason.toPlainText())
        except CdsError as exc:
            self.show_error(exc.message())
            self.reason.setFocus()
            return None
        folder = Path(self.folder.text().strip()) if self.folder.text().strip() else None
        if folder is None:
            self.show_error(translate("ui.office_review.folder_missing"))
            self.folder.setFocus()
            return None
        passphrase = self.passphrase.text()
        if not passphrase:
            self.show_error(translate("ui.office_review.passphrase_missing"))
            self.passphrase.setFocus()
            return None
        box = self.confirm_box()
        box.exec()
        clicked = box.clickedButton()
        confirmed = clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.YesRole
        box.deleteLater()
        if not confirmed:
            return None
        return self._start(reason, folder, passphrase)

    def _start(self, reason: str | None, folder: Path, passphrase: str) -> RunningTask:
        service, actor, s, kind = self.workspace.service, self.workspace.actor, self.subject, self.kind

        def work(progress: ProgressCallback, cancel: CancelToken):
            if kind is DecisionKind.ACCEPT:
                return service.accept(s.commune, s.plan_id, s.period_id, s.revision, folder, passphrase, actor)
            if kind is DecisionKind.RETURN:
                return service.return_for_correction(s.commune, s.plan_id, s.period_id, s.revision, reason, folder,
                                                     passphrase, actor)
            return service.accept_all_clean(s.plan_id, s.period_id, folder, passphrase, actor, progress, cancel)

        self.setEnabled(False)
        self.error.hide()
        self.running = self.tasks.run(work, self._done, translate(f"ui.office_review.{kind.value}.running"), self,
                                      on_failed=self._failed, show_error=self.show_error)
        return self.running

    def _done(self, result) -> None:
        self.running = None
        self.setEnabled(True)
        self.passphrase.clear()
        self.workspace.publish(OfficeChanges(decisions=True))
        self.decided.emit(result)
        if isinstance(result, AcceptAllResult):
            self._show_summary(result)
        else:
            self.accept()

    def _failed(self) -> None:
        self.running = None
        self.setEnabled(True)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def reject(self) -> None:
        if self.running is None:  # once signing started, it completes or fails on its own
            super().reject()

    # --- accept all: the summary -------------------------------------------------------------
    def _summary(self) -> QWidget:
        self.summary = QLabel()
        self.summary.setObjectName("decision_summary")
        self.summary.setWordWrap(True)
        self.accepted_model = AcceptedModel(self)
        self.skipped_model = SkippedModel(self)
        self.accepted_table = self._table("decision_accepted", self.accepted_model)
        self.skipped_table = self._table("decision_skipped", self.skipped_model)
        accepted_label = QLabel(translate("ui.office_review.accepted_list"))
        accepted_label.setBuddy(self.accepted_table)
        skipped_label = QLabel(translate("ui.office_review.skipped_list"))
        skipped_label.setBuddy(self.skipped_table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        open_folder = buttons.addButton(translate("ui.office_review.open_folder"),
                                        QDialogButtonBox.ButtonRole.ActionRole)
        open_folder.setObjectName("decision_open_folder")
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder.text().strip())))
        buttons.rejected.connect(self.accept)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(accepted_label)
        layout.addWidget(self.accepted_table, 1)
        layout.addWidget(skipped_label)
        layout.addWidget(self.skipped_table, 1)
        layout.addWidget(buttons)
        return page

    @staticmethod
    def _table(name: str, model: RowsModel) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _show_summary(self, result: AcceptAllResult) -> None:
        self.result_of_all = result
        message = "ui.office_review.accept_all.cancelled" if result.cancelled else "ui.office_review.accept_all.done"
        self.summary.setText(translate(message, accepted=len(result.accepted), skipped=len(result.skipped),
                                       folder=self.folder.text().strip()))
        self.accepted_model.set_rows(result.accepted)
        self.skipped_model.set_rows(result.skipped)
        for table in (self.accepted_table, self.skipped_table):
            table.resizeColumnsToContents()
        self.resize(max(self.width(), 760), max(self.height(), 520))
        self.pages.setCurrentIndex(1)
        self.skipped_table.setFocus(Qt.FocusReason.OtherFocusReason)
