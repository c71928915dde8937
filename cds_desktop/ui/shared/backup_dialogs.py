"""The settings' Data section: where the data folder is, changing it, backing up now and restoring a backup —
of a commune's or a receiving office's data (the section works on either workspace's ``service``).

Long work (backup, checking a backup, copying the data to a new folder) runs in the background with a
progress dialog and Cancel. The section lives in the settings dialog, and on its own in ``DataDialog`` (the
office's File → Backup and restore…). A restore and a folder change end in ``request_restart``: the restore itself
happens in app.py once the service is closed (see ``ui/shell/restart.py``). Every choice that replaces or moves
data is confirmed first; the confirmation on screen is kept in ``prompt``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.backup import (
    BackupInfo,
    DataService,
    Installation,
    backup,
    check_restorable,
    holds_data,
    installation_of,
    move_data_dir,
    read_backup,
    switch_data_dir,
)
from cds_desktop.core.services.roles import InstallationKind, Permission
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask, Work
from cds_desktop.ui.shared.labels import datetime_text, size_text
from cds_desktop.ui.shell.restart import request_restart


def ask(parent: QWidget, title: str, text: str, details: str, accept_text: str,
        on_accept: Callable[[], None], icon: QMessageBox.Icon = QMessageBox.Icon.Question) -> QMessageBox:
    """A window-modal confirmation (Cancel is the default) calling ``on_accept`` when confirmed."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmation")
    box.setInformativeText(details)
    accept = box.addButton(accept_text, QMessageBox.ButtonRole.AcceptRole)
    accept.setObjectName("confirm")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.buttonClicked.connect(lambda button: on_accept() if button is accept else None)
    box.open()
    return box


def tell(parent: QWidget, title: str, text: str, details: str, button_text: str,
         then: Callable[[], None]) -> QMessageBox:
    """A window-modal message with one button; ``then`` runs however it is closed."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("information")
    box.setInformativeText(details)
    box.addButton(button_text, QMessageBox.ButtonRole.AcceptRole).setObjectName("confirm")
    box.finished.connect(lambda _result: then())
    box.open()
    return box


def restorable_backup(folder: Path, service: DataService, progress: ProgressCallback,
                      cancel: CancelToken) -> tuple[BackupInfo, Installation | None]:
    """The backup in ``folder`` (``read_backup``) if it may replace the service's data, and whose data that is now."""
    info = read_backup(folder, progress, cancel)
    check_restorable(service.data_dir, info)
    return info, installation_of(service)


class DataSection(QGroupBox):
    def __init__(self, workspace, parent: QWidget | None = None) -> None:
        """``workspace``: the commune's ``Workspace`` or the office's ``OfficeWorkspace`` (its ``service``)."""
        super().__init__(translate("ui.data.title"), parent)
        self.workspace = workspace
        self.tasks = BackgroundTasks(self)
        self.running: RunningTask | None = None
        self.prompt: QMessageBox | None = None
        root = str(workspace.service.data_dir.root)

        self.folder = QLineEdit(root)
        self.folder.setReadOnly(True)
        self.folder.setObjectName("data_folder")
        self.folder.setToolTip(translate("ui.data.folder_tip"))
        open_folder = QPushButton(translate("ui.settings.open_folder"))
        open_folder.setObjectName("open_folder")
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(root)))
        self.change_button = QPushButton(translate("ui.data.change"))
        self.change_button.setObjectName("change_folder")
        self.change_button.setToolTip(translate("ui.data.change_tip"))
        self.change_button.clicked.connect(self.change_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(open_folder)
        folder_row.addWidget(self.change_button)

        self.backup_button = QPushButton(translate("ui.backup.now"))
        self.backup_button.setObjectName("backup_now")
        self.backup_button.setToolTip(translate("ui.backup.now_tip"))
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton(translate("ui.backup.restore"))
        self.restore_button.setObjectName("restore")
        self.restore_button.setToolTip(translate("ui.backup.restore_tip"))
        self.restore_button.clicked.connect(self.restore)
        self.status = QLabel(translate("ui.backup.hint"))
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        backup_column = QVBoxLayout()
        backup_column.addLayout(buttons)
        backup_column.addWidget(self.status)

        form = QFormLayout(self)
        for message_id, buddy, row in (("ui.settings.data_folder", self.folder, folder_row),
                                       ("ui.backup.label", self.backup_button, backup_column)):
            label = QLabel(translate(message_id))
            label.setBuddy(buddy)  # its access key
            form.addRow(label, row)

    # --- choosing folders ------------------------------------------------------------------
    def choose_folder(self, title: str) -> Path | None:
        """A folder picked by the user (None: cancelled). Tests replace this."""
        chosen = QFileDialog.getExistingDirectory(self, title, str(Path.home()))
        return Path(chosen) if chosen else None

    # --- backing up ------------------------------------------------------------------------
    def back_up(self) -> None:
        destination = self.choose_folder(translate("ui.backup.choose_destination"))
        if destination is not None:
            self.start_backup(destination)

    def start_backup(self, destination: Path) -> None:
        service = self.workspace.service
        self._run(lambda progress, cancel: backup(service, destination, progress, cancel),
                  self._backed_up, translate("ui.backup.running"))

    def _backed_up(self, info: BackupInfo) -> None:
        message = translate("ui.backup.done", folder=str(info.folder), size=size_text(info.size))
        if info.missing_evidence:
            message += " " + translate("ui.backup.missing_evidence", count=len(info.missing_evidence))
        self._say(message, failure=bool(info.missing_evidence))

    # --- restoring -------------------------------------------------------------------------
    def restore(self) -> None:
        folder = self.choose_folder(translate("ui.backup.choose_backup"))
        if folder is not None:
            self.start_restore(folder)

    def start_restore(self, folder: Path) -> None:
        """Check the backup (manifest, files, database) in the background, then ask before restarting to restore
        it; the restore reads and verifies every file once, while copying it."""
        if self._allowed():
            service = self.workspace.service
            self._run(lambda progress, cancel: restorable_backup(folder, service, progress, cancel),
                      self._confirm_restore, translate("ui.backup.checking"))

    def _confirm_restore(self, checked: tuple[BackupInfo, Installation | None]) -> None:
        info, current = checked
        owner, office = info.installation, info.installation.kind is InstallationKind.OFFICE
        details = translate("ui.backup.restore_details_office" if office else "ui.backup.restore_details",
                            name=owner.name, code=owner.code, created=datetime_text(info.created_at),
                            size=size_text(info.size), files=len(info.files), evidence=info.evidence_count,
                            kept=str(self.workspace.service.data_dir.backups))
        if current is not None and current.code != owner.code:
            other = translate("ui.backup.other_office" if office else "ui.backup.other_commune", name=current.name,
                              code=current.code)
            details = other + "\n\n" + details
        self.prompt = ask(self, translate("ui.backup.restore_title"), translate("ui.backup.restore_question"),
                          details, translate("ui.backup.restore_confirm"),
                          lambda: request_restart(restore_from=info.folder), QMessageBox.Icon.Warning)

    # --- the data folder -------------------------------------------------------------------
    def change_folder(self) -> None:
        folder = self.choose_folder(translate("ui.data.choose_folder"))
        if folder is not None:
            self.start_change(folder)

    def start_change(self, folder: Path) -> None:
        """Ask, then either use the CDS data already in ``folder`` or copy the data there; then restart."""
        if not self._allowed():
            return
        old = str(self.workspace.service.data_dir.root)
        if holds_data(folder):
            self.prompt = ask(self, translate("ui.data.change_title"), translate("ui.data.switch_question"),
                              translate("ui.data.switch_details", folder=str(folder), old=old),
                              translate("ui.data.switch_confirm"), lambda: self._switch(folder))
        else:
            self.prompt = ask(self, translate("ui.data.change_title"), translate("ui.data.move_question"),
                              translate("ui.data.move_details", folder=str(folder), old=old),
                              translate("ui.data.move_confirm"), lambda: self._move(folder))

    def _switch(self, folder: Path) -> None:
        try:
            chosen = switch_data_dir(self.workspace.service, folder)
        except CdsError as exc:
            self._say(exc.message(), failure=True)
            return
        request_restart(chosen.root)

    def _move(self, folder: Path) -> None:
        service = self.workspace.service
        self._run(lambda progress, cancel: move_data_dir(service, folder, progress, cancel),
                  self._moved, translate("ui.data.moving"))

    def _moved(self, moved: DataDir) -> None:
        """The new folder is remembered already: restart now, so that nothing more is written to the old one."""
        old = str(self.workspace.service.data_dir.root)
        self.prompt = tell(self, translate("ui.data.change_title"), translate("ui.data.moved"),
                           translate("ui.data.moved_details", folder=str(moved.root), old=old),
                           translate("ui.data.restart"), lambda: request_restart(moved.root))

    # --- plumbing --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.running is not None

    def _allowed(self) -> bool:
        try:
            self.workspace.service.authorize(Permission.MANAGE)
        except CdsError as exc:
            self._say(exc.message(), failure=True)
            return False
        return True

    def _run(self, work: Work, on_done: Callable[[Any], None], title: str) -> None:
        self._set_busy(True)
        self._say(title)

        def done(result: Any) -> None:
            self._set_busy(False)
            on_done(result)

        self.running = self.tasks.run(work, done, title, self.window(), on_failed=lambda: self._set_busy(False),
                                      show_error=lambda message: self._say(message, failure=True),
                                      on_cancelled=lambda: self._say(translate("ui.backup.cancelled")))
        self.running.dialog.setWindowModality(Qt.WindowModality.WindowModal)

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self.running = None
        for button in (self.change_button, self.backup_button, self.restore_button):
            button.setEnabled(not busy)

    def _say(self, message: str, failure: bool = False) -> None:
        self.status.setProperty("failure", failure)
        self.status.setStyleSheet("color: #a11d16;" if failure else "")
        self.status.setText(message)


class DataDialog(QDialog):
    """The Data section on its own: the data folder, backing up, restoring (closes only when no work runs)."""

    def __init__(self, workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("data_dialog")
        self.setWindowTitle(translate("ui.data.dialog_title"))
        self.data = DataSection(workspace, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.data)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(760, 300)

    def done(self, result: int) -> None:
        if not self.data.busy:  # backup work in flight is cancelled from its progress dialog, not by closing
            super().done(result)
