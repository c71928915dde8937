"""The set-up wizard's last step for a commune, once Finish has made its data: the new signing key's fingerprint
in large type, "Save the enrolment file…" (into a chosen folder or USB drive) and what to do with both — send the
file to the receiving office, read out the fingerprint when the office phones. The same can be done later on the
Keys-and-office screen, which saves the file with the same two functions: ``choose_enrollment_folder`` (the
folder dialog) and ``export_enrollment`` (write the file, then say where and the fingerprint, or why not)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QFileDialog, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.ui.commune.approve_dialog import ERROR_STYLE
from cds_desktop.ui.commune.confirm import file_dialog
from cds_desktop.ui.commune.keys_fingerprint import fingerprint_label

ExportTo = Callable[[Path], tuple[Path, str]]  # folder → (the file written, the fingerprint)
Say = Callable[[str, bool], None]  # (text, whether it is a failure)


def choose_enrollment_folder(parent: QWidget, export_to: Callable[[Path], object]) -> QFileDialog:
    """The folder dialog for the enrolment file, already open: the folder chosen goes to ``export_to``."""
    dialog = file_dialog(parent, "enrollment_folder_dialog", translate("ui.keys.export_folder"))
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.fileSelected.connect(lambda folder: export_to(Path(folder)))
    dialog.open()
    return dialog


def export_enrollment(export: ExportTo, folder: Path, say: Say) -> Path | None:
    """Write the enrolment file into ``folder`` with ``export``; ``say`` tells where and the fingerprint to read
    out, or why it could not be written (then ``None``)."""
    try:
        out, fingerprint = export(Path(folder))
    except CdsError as exc:
        say(exc.message(), True)
        return None
    say(translate("ui.keys.exported", file=str(out), fingerprint=fingerprint), False)
    return out


class EnrollmentStep(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrollment_step")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.export_to_folder: ExportTo | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.fingerprint = fingerprint_label("enrollment_fingerprint", scale=1.8)
        self.export_button = QPushButton()
        self.export_button.setObjectName("export_enrollment")
        self.export_button.clicked.connect(self.choose_folder)
        self.message = QLabel()
        self.message.setObjectName("enrollment_message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.fingerprint, self.export_button, self.message):
            layout.addWidget(widget)
        self.hide()

    def offer(self, fingerprint: str, export_to_folder: ExportTo) -> None:
        """Show the step (in the language chosen by then: the wizard's first page can switch it)."""
        self.export_to_folder = export_to_folder
        self.intro.setText(translate("ui.setup.enrollment.intro"))
        self.export_button.setText(translate("ui.keys.export"))
        self.fingerprint.setText(fingerprint)
        self.show()
        self.export_button.setFocus()

    def choose_folder(self) -> QFileDialog:
        return choose_enrollment_folder(self, self.export_to)

    def export_to(self, folder: Path) -> Path | None:
        return export_enrollment(self.export_to_folder, folder, self._say)

    def _say(self, text: str, failure: bool) -> None:
        self.message.setStyleSheet(ERROR_STYLE if failure else "")
        self.message.setText(text)
