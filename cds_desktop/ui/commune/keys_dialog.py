"""The "Keys and office" screen (File menu): what a commune needs to finish the exchange without a terminal.

- The commune's signing key: its fingerprint in large type (to read out on the phone), when it was made; save
  the enrolment file into a chosen folder or USB drive (``export_enrollment_to``, atomic); preview and save the
  one-page letter that carries the fingerprint (``ReportPreviewDialog`` over ``write_enrollment_letter``);
  replace the key (``RotateKeyDialog``), then a reminder to send the new enrolment file.
- The receiving office as pinned: name, code, root fingerprint, key list and its encryption keys (a table over
  ``EncryptionKeysModel``); import its key file later or a newer one (``keys_office.import_office_file``).

The services decide who may: buttons whose permission the signed-in person lacks are disabled and say why.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.commune.enrollment_letter import (
    export_enrollment_to,
    letter_file_name,
    write_enrollment_letter,
)
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.keys import pinned_office_view, signing_key_view
from cds_desktop.core.services.report_file import pdf_in_memory
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.commune.approve_dialog import ERROR_STYLE
from cds_desktop.ui.commune.confirm import file_dialog
from cds_desktop.ui.commune.keys_enrollment import choose_enrollment_folder, export_enrollment
from cds_desktop.ui.commune.keys_fingerprint import fingerprint_label
from cds_desktop.ui.commune.keys_models import EncryptionKeysModel
from cds_desktop.ui.commune.keys_office import import_office_file
from cds_desktop.ui.commune.keys_rotate import RotateKeyDialog
from cds_desktop.ui.commune.workflow_panel import permitted
from cds_desktop.ui.commune.workspace import Workspace
from cds_desktop.ui.shell.background import BackgroundTasks

DIALOG_SIZE = (900, 640)  # fits a 1366×768 screen with the task bar


def _date(value) -> str:
    return f"{value:%d/%m/%Y}"


class KeysDialog(QDialog):
    def __init__(self, workspace: Workspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keys_dialog")
        self.workspace, self.tasks = workspace, tasks
        self.exchange = CommuneExchange(workspace.service)
        self.setWindowTitle(translate("ui.keys.title"))

        self.signing_intro = QLabel(translate("ui.keys.signing.intro"))
        self.signing_intro.setWordWrap(True)
        self.fingerprint = fingerprint_label("signing_fingerprint", scale=2.0)
        self.key_created = QLabel()
        self.key_created.setObjectName("key_created")
        self.send_hint = QLabel(translate("ui.keys.signing.send_hint"))
        self.send_hint.setWordWrap(True)
        self.export_button = self._button("export_enrollment", "ui.keys.export", self.choose_export_folder)
        self.letter_button = self._button("print_letter", "ui.keys.letter", self.show_letter)
        self.rotate_button = self._button("rotate_key", "ui.keys.rotate", self.show_rotate)
        signing = QGroupBox(translate("ui.keys.signing.group"))
        signing_layout = QVBoxLayout(signing)
        for widget in (self.signing_intro, self.fingerprint, self.key_created, self.send_hint):
            signing_layout.addWidget(widget)
        signing_layout.addLayout(_row(self.export_button, self.letter_button, self.rotate_button))

        self.office = QLabel()
        self.office.setObjectName("office_name")
        self.office.setWordWrap(True)
        self.office_intro = QLabel(translate("ui.keys.office.fingerprint"))
        self.office_fingerprint = fingerprint_label("office_fingerprint")
        self.office_list = QLabel()
        self.office_list.setObjectName("office_list")
        self.encryption_label = QLabel(translate("ui.keys.encryption.label"))
        self.encryption_label.setWordWrap(True)
        self.encryption_model = EncryptionKeysModel()
        self.encryption_keys = QTableView()
        self.encryption_keys.setObjectName("encryption_keys")
        self.encryption_keys.setModel(self.encryption_model)
        self.encryption_keys.verticalHeader().hide()
        self.encryption_keys.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.encryption_keys.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.encryption_keys.setMaximumHeight(self.fontMetrics().height() * 6)
        self.encryption_label.setBuddy(self.encryption_keys)
        self.import_button = self._button("import_office_keys", "ui.keys.office.import", self.choose_office_file)
        office = QGroupBox(translate("ui.keys.office.group"))
        office_layout = QVBoxLayout(office)
        for widget in (self.office, self.office_intro, self.office_fingerprint, self.office_list,
                       self.encryption_label, self.encryption_keys):
            office_layout.addWidget(widget)
        office_layout.addLayout(_row(self.import_button))

        self.message = QLabel()
        self.message.setObjectName("keys_message")
        self.message.setWordWrap(True)
        self.not_allowed = QLabel(translate("ui.keys.not_allowed"))
        self.not_allowed.setObjectName("keys_not_allowed")
        self.not_allowed.setWordWrap(True)
        buttons = QDialogButtonBox()
        buttons.addButton(translate("ui.button.close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(signing)
        layout.addWidget(office)
        layout.addWidget(self.message)
        layout.addWidget(self.not_allowed)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(*DIALOG_SIZE)
        self.refresh()

    def _button(self, name: str, message_id: str, slot) -> QPushButton:
        button = QPushButton(translate(message_id))
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # --- what is shown ---------------------------------------------------------------------
    def refresh(self) -> None:
        key = signing_key_view(self.exchange)
        self.fingerprint.setText(key.fingerprint if key else "")
        self.fingerprint.setVisible(key is not None)
        self.signing_intro.setVisible(key is not None)
        self.key_created.setText(
            translate("ui.keys.signing.none") if key is None else
            translate("ui.keys.signing.created_rotated" if key.rotated else "ui.keys.signing.created",
                      date=_date(key.created_at.astimezone())))
        self.rotate_button.setText(translate("ui.keys.rotate" if key else "ui.keys.create"))
        office = pinned_office_view(self.exchange)
        self.office.setText(translate("ui.setup.office.office", name=office.name, code=office.code) if office
                            else translate("ui.keys.office.none"))
        for widget in (self.office_intro, self.office_fingerprint, self.office_list, self.encryption_label,
                       self.encryption_keys):
            widget.setVisible(office is not None)
        if office is not None:
            self.office_fingerprint.setText(office.fingerprint)
            self.office_list.setText(translate("ui.keys.office.list", version=office.list_version,
                                               date=_date(office.expires_on)))
            self.encryption_model.set_keys(office.encryption_keys)
        service = self.workspace.service
        may_sign, may_manage = permitted(service, Permission.SIGNING_KEY), permitted(service, Permission.MANAGE)
        for button in (self.export_button, self.letter_button):
            button.setEnabled(may_sign and key is not None)
        self.rotate_button.setEnabled(may_sign)
        self.import_button.setEnabled(may_manage)
        self.not_allowed.setVisible(not (may_sign and may_manage))

    def say(self, text: str, failure: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if failure else "")
        self.message.setText(text)
        self.workspace.notice.emit(text, failure)

    # --- the enrolment file and its letter ---------------------------------------------------
    def choose_export_folder(self) -> QFileDialog:
        return choose_enrollment_folder(self, self.export_to)

    def export_to(self, folder: Path) -> Path | None:
        """Write the enrolment file into ``folder``; says where, and the fingerprint to read out."""
        exchange = self.exchange
        return export_enrollment(lambda chosen: export_enrollment_to(exchange, chosen), folder, self.say)

    def show_letter(self) -> QDialog:
        from cds_desktop.ui.shared.report_preview import ReportPreviewDialog

        exchange = self.exchange

        def make(language, progress, cancel):
            return pdf_in_memory(lambda out: write_enrollment_letter(exchange, out, language))

        dialog = ReportPreviewDialog(make, letter_file_name(exchange), self.tasks, self.say, self,
                                     title=translate("ui.keys.letter_title"))
        dialog.open()
        return dialog

    def show_rotate(self) -> RotateKeyDialog:
        dialog = RotateKeyDialog(self.exchange, self.tasks, self)
        dialog.rotated.connect(self._rotated)
        dialog.open()
        return dialog

    def _rotated(self, fingerprint: str) -> None:
        self.refresh()
        self.say(translate("ui.keys.rotated", fingerprint=fingerprint))

    # --- the office's key file ---------------------------------------------------------------
    def choose_office_file(self) -> QFileDialog:
        dialog = file_dialog(self, "office_keys_file_dialog", translate("ui.setup.office.dialog_title"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([translate("ui.setup.office.filter"), translate("ui.setup.office.all_files")])
        dialog.fileSelected.connect(lambda name: self.import_office(Path(name)))
        dialog.open()
        return dialog

    def import_office(self, path: Path) -> QWidget:
        """Import the office's key file at ``path``: the question or confirmation it needs (already open)."""
        return import_office_file(self, self.exchange, path, self._office_imported)

    def _office_imported(self, message: str) -> None:
        self.refresh()
        self.say(message)
        self.workspace.plans_changed.emit()  # plan files beside the key file may have come with it


def _row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row
