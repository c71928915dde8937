"""Export the approved period as a signed, encrypted bundle into a folder or onto a USB drive.

The form asks for the folder and the signing key's passphrase; the bundle is written on the background lane
with a progress dialog whose Cancel stops it (nothing is left in the folder). The result page shows the file
name and the file's fingerprint in groups, to read to the receiving office by phone, with Copy and Open folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.bundle.writer import WrittenBundle
from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.changes import Changes
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask
from cds_desktop.ui.shared.labels import period_name, size_text
from cds_desktop.ui.commune.approve_dialog import error_label, passphrase_field
from cds_desktop.ui.commune.confirm import file_dialog
from cds_desktop.ui.commune.workspace import Workspace


class ExportDialog(QDialog):
    folder_chosen = Signal(object)  # Path: remembered for the next export and receipts

    def __init__(self, workspace: Workspace, tasks: BackgroundTasks, exchange: CommuneExchange, folder: Path,
                 passphrase: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.workspace, self.tasks, self.exchange = workspace, tasks, exchange
        self.running: RunningTask | None = None
        self.written: WrittenBundle | None = None
        self.setWindowTitle(translate("ui.workflow.export_title"))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._form_page(folder, passphrase))
        self.pages.addWidget(self._result_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(640, 300)

    # --- the form --------------------------------------------------------------------------
    def _form_page(self, folder: Path, passphrase: str) -> QWidget:
        period = self.workspace.snapshot().period
        office = self.exchange.pinned_office()
        intro = QLabel(translate("ui.workflow.export_intro", period=period_name(period.period_id),
                                 revision=period.revision,
                                 office=office.body.office.name if office else translate("ui.workflow.no_office")))
        intro.setWordWrap(True)
        self.folder = QLineEdit(str(folder))
        self.folder.setObjectName("export_folder")
        self.folder.setToolTip(translate("ui.workflow.folder_tip"))
        browse = QPushButton(translate("ui.workflow.browse"))
        browse.setObjectName("export_browse")
        browse.setAutoDefault(False)  # Return in the folder field exports; the chooser opens on its own key only
        browse.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.passphrase = passphrase_field("export_passphrase")
        self.passphrase.setText(passphrase)
        form = QFormLayout()
        folder_label = QLabel(translate("ui.workflow.folder"))
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        passphrase_label = QLabel(translate("ui.workflow.passphrase"))
        passphrase_label.setBuddy(self.passphrase)
        form.addRow(passphrase_label, self.passphrase)
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton(translate("ui.workflow.export_button"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        buttons.addButton(translate("ui.button.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        if office is None:
            self._show_error(translate("ui.workflow.no_office_hint"))
            self.export_button.setEnabled(False)
        (self.passphrase if not passphrase else self.export_button).setFocus()
        return page

    def folder_dialog(self) -> QFileDialog:
        dialog = file_dialog(self, "export_folder_dialog", translate("ui.workflow.folder_choose"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.setDirectory(self.folder.text())
        return dialog

    def choose_folder(self) -> None:
        dialog = self.folder_dialog()
        if dialog.exec() and dialog.selectedFiles():
            self.folder.setText(dialog.selectedFiles()[0])

    def start(self) -> RunningTask | None:
        """Write the bundle on the background lane; the running task's progress dialog can cancel it."""
        folder, passphrase = Path(self.folder.text().strip()), self.passphrase.text()
        if not folder.is_dir():
            self._show_error(translate("ui.workflow.folder_missing", folder=str(folder)))
            return None
        if not passphrase:
            self._show_error(translate("ui.workflow.passphrase_missing"))
            return None
        workspace, exchange = self.workspace, self.exchange
        plan_id, period_id, actor = workspace.plan_id, workspace.period_id, workspace.actor

        def work(progress: ProgressCallback, cancel: CancelToken) -> WrittenBundle:
            return exchange.export(plan_id, period_id, folder, passphrase, actor, progress, cancel)

        self.folder_chosen.emit(folder)
        self.pages.setEnabled(False)
        self.error.hide()
        self.running = self.tasks.run(
            work, self._done, translate("ui.workflow.exporting"), self, on_failed=self._failed,
            show_error=self._show_error,
            on_cancelled=lambda: self._show_error(translate("ui.workflow.export_cancelled")))
        return self.running

    def _done(self, written: WrittenBundle) -> None:
        self.running = None
        self.written = written
        self.passphrase.clear()
        self.workspace.publish(Changes(self.workspace.plan_id, self.workspace.period_id, period_state=True))
        self.file_name.setText(written.path.name)
        self.location.setText(str(written.path.parent))
        self.size.setText(size_text(written.size))
        self.fingerprint.setText(written.fingerprint)
        self.pages.setEnabled(True)
        self.pages.setCurrentIndex(1)
        self.close_button.setFocus()

    def _failed(self) -> None:
        self.running = None
        self.pages.setEnabled(True)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # --- the result ------------------------------------------------------------------------
    def _result_page(self) -> QWidget:
        title = QLabel(translate("ui.workflow.exported_title"))
        title.setObjectName("export_result_title")
        title.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.file_name = self._value("export_file_name")
        self.location = self._value("export_location")
        self.size = self._value("export_size")
        self.fingerprint = self._value("export_fingerprint")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        mono.setPointSizeF(self.font().pointSizeF() * 1.6)
        mono.setBold(True)
        self.fingerprint.setFont(mono)
        form = QFormLayout()
        form.addRow(translate("ui.workflow.file_name"), self.file_name)
        form.addRow(translate("ui.workflow.location"), self.location)
        form.addRow(translate("ui.workflow.size"), self.size)
        read_aloud = QLabel(translate("ui.workflow.fingerprint_hint"))
        read_aloud.setWordWrap(True)
        buttons = QDialogButtonBox()
        copy = buttons.addButton(translate("ui.workflow.copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("export_copy")
        copy.clicked.connect(self.copy)
        open_folder = buttons.addButton(translate("ui.workflow.open_folder"), QDialogButtonBox.ButtonRole.ActionRole)
        open_folder.setObjectName("export_open_folder")
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.path.parent))))
        self.close_button = buttons.addButton(translate("ui.button.close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.accept)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(read_aloud)
        layout.addWidget(self.fingerprint)
        layout.addStretch(1)
        layout.addWidget(buttons)
        return page

    @staticmethod
    def _value(object_name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(object_name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def copy(self) -> None:
        """The file name and fingerprint on the clipboard (e.g. to paste into a message to the office)."""
        QGuiApplication.clipboard().setText(
            translate("ui.workflow.copied_text", file=self.written.path.name, fingerprint=self.written.fingerprint))

    def reject(self) -> None:
        if self.running is not None:  # closing while writing cancels the export
            self.running.cancel_token.cancel()
            return
        super().reject()
