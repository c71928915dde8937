"""The dialog that shows a crash report (``crash.py``): what happened in the person's language, where the report
was saved, the report itself (technical text, for the support team) and buttons to copy it or save it elsewhere.

Application-modal: it stays usable above any dialog that was open when the bug happened.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.i18n import translate
from cds_desktop.ui.shell.crash import CrashReport


class CrashDialog(QDialog):
    def __init__(self, report: CrashReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crash_dialog")
        self.report = report
        self.setWindowTitle(translate("ui.crash.title"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        intro = QLabel(translate("ui.crash.intro"))
        intro.setWordWrap(True)
        where = QLabel(translate("ui.crash.saved_at", path=str(report.path)) if report.path
                       else translate("ui.crash.not_saved"))
        where.setObjectName("crash_report_path")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note = QLabel(translate("ui.crash.report_note"))
        note.setWordWrap(True)
        self.text = QPlainTextEdit(report.text)
        self.text.setObjectName("crash_report_text")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.status = QLabel()
        self.status.setObjectName("crash_status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.copy_button = self.buttons.addButton(translate("ui.crash.copy"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("crash_copy")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = self.buttons.addButton(translate("ui.crash.save"), QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName("crash_save")
        self.save_button.clicked.connect(self.choose_file)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(note)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(760, 520)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.report.text)
        self.status.setText(translate("ui.crash.copied"))

    def choose_file(self) -> None:
        dialog = QFileDialog(self, translate("ui.crash.save_title"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("txt")
        dialog.setNameFilters([translate("ui.crash.file_filter")])
        name = self.report.path.name if self.report.path else "crash.txt"
        dialog.selectFile(str(Path.home() / name))
        if dialog.exec() and dialog.selectedFiles():
            self.save_to(Path(dialog.selectedFiles()[0]))

    def save_to(self, path: Path) -> bool:
        """Write the report to ``path`` (atomically); the outcome is shown under the report."""
        try:
            write_atomic(path, self.report.text.encode("utf-8"))
        except CdsError as exc:
            self.status.setText(exc.message())
            return False
        self.status.setText(translate("ui.crash.saved", path=str(path)))
        return True
