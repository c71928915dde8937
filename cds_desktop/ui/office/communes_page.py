"""The keys-and-communes page of the office window (``communes`` in ``pages.py``).

Left, the office's keys: its root fingerprint, large (communes compare it when they import the key file); its
encryption keys; exporting the key file with its one-page letter (``export_keys_with_letter``); making a new
encryption key and retiring an old one — after which the page reminds that the new key file must be sent.
Right, its communes (``commune_list``: key state and last report), filtered by name or code typed without tone
marks, sortable; enrolling a commune's key from its enrolment file (``EnrolDialog``), revoking a commune's keys
(confirmed, naming the commune), adding communes (``AddCommunesDialog``).

Only an administrator may change anything here: the services refuse the others, and the page disables its
buttons for them. Slow work (the passphrase's key derivation, the PDF) runs on ``BackgroundTasks``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.reports.key_letter import fingerprint_lines
from cds_desktop.core.services.office.key_letter import ExportedKeys, export_keys_with_letter
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.office.communes_dialogs import AddCommunesDialog, EnrolDialog, PassphraseDialog, fingerprint_label
from cds_desktop.ui.office.communes_models import SORT_ROLE, CommuneTableModel, EncryptionKeyModel
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.setup_wizard.commune_search import FoldedFilter
from cds_desktop.ui.shared.backup_dialogs import ask
from cds_desktop.ui.shared.widgets import list_table, named_button
from cds_desktop.ui.shell.background import BackgroundTasks

REMINDER_STYLE = "background: #fff4d6; border: 1px solid #e0c070; padding: 6px;"
KEYS_CHANGED = OfficeChanges(keys=True)


class CommunesPage(QWidget):
    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communes_page")
        self.workspace, self.tasks = workspace, tasks
        self.service = workspace.service
        self.dialog: QWidget | None = None  # the dialog or confirmation open now (tests and the window look)
        self.keys_changed_since_export = False
        self.allowed = False  # may the person signed in change anything here (read on every reload)
        self.communes = CommuneTableModel(self.service, self)
        self.shown = FoldedFilter(self)
        self.shown.setSourceModel(self.communes)
        self.shown.setSortRole(SORT_ROLE)
        self.keys = EncryptionKeyModel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self._keys_box())
        layout.addWidget(self._communes_box(), 1)
        workspace.changed.connect(self._changed)
        self.reload()

    # --- building ---------------------------------------------------------------------------
    def _keys_box(self) -> QGroupBox:
        box = QGroupBox(translate("ui.office_communes.keys.title"))
        self.office = QLabel()
        self.office.setObjectName("office_identity")
        self.office.setWordWrap(True)
        root_intro = QLabel(translate("ui.office_communes.keys.root"))
        root_intro.setWordWrap(True)
        self.root = fingerprint_label()
        self.root.setObjectName("root_fingerprint")
        self.reminder = QLabel(translate("ui.office_communes.keys.reminder"))
        self.reminder.setObjectName("send_key_file_reminder")
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet(REMINDER_STYLE)
        self.reminder.hide()
        self.export = named_button("export_keys", "ui.office_communes.keys.export", self.export_keys)
        self.key_table = QTableView()
        self.key_table.setObjectName("encryption_keys")
        self.key_table.setModel(self.keys)
        self.key_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.key_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.key_table.verticalHeader().hide()
        self.key_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.key_table.horizontalHeader().setStretchLastSection(True)
        keys_label = QLabel(translate("ui.office_communes.keys.encryption"))
        keys_label.setBuddy(self.key_table)
        self.rotate = named_button("rotate_key", "ui.office_communes.keys.rotate", self.rotate_key)
        self.retire = named_button("retire_key", "ui.office_communes.keys.retire", self.retire_key)
        self.key_table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(self.rotate)
        key_buttons.addWidget(self.retire)
        key_buttons.addStretch(1)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export)
        export_row.addStretch(1)
        root_side = QVBoxLayout()
        for widget in (self.office, root_intro, self.root):
            root_side.addWidget(widget)
        root_side.addLayout(export_row)
        root_side.addWidget(self.reminder)
        root_side.addStretch(1)
        self.key_table.setMaximumHeight(self.key_table.fontMetrics().height() * 7)
        key_side = QVBoxLayout()
        key_side.addWidget(keys_label)
        key_side.addWidget(self.key_table, 1)
        key_side.addLayout(key_buttons)
        layout = QHBoxLayout(box)
        layout.addLayout(root_side, 1)
        layout.addSpacing(12)
        layout.addLayout(key_side, 1)
        return box

    def _communes_box(self) -> QGroupBox:
        box = QGroupBox(translate("ui.office_communes.title"))
        self.search = QLineEdit()
        self.search.setObjectName("commune_filter")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(translate("ui.office_setup.search"))
        search_label = QLabel(translate("ui.office_communes.filter"))
        search_label.setBuddy(self.search)
        self.count = QLabel()
        self.count.setObjectName("commune_count")
        self.table = list_table("communes", self.shown, CommuneTableModel.NAME)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(CommuneTableModel.CODE, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.enrol = named_button("enrol", "ui.office_communes.enrol.open", self.open_enrol)
        self.revoke = named_button("revoke", "ui.office_communes.revoke", self.revoke_selected)
        self.add = named_button("add_communes", "ui.office_communes.add.open", self.open_add)
        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol)
        buttons.addWidget(self.revoke)
        buttons.addStretch(1)
        buttons.addWidget(self.add)
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.search.textChanged.connect(self._search)
        return box

    # --- showing ----------------------------------------------------------------------------
    def _changed(self, changes: OfficeChanges) -> None:
        if changes.communes or changes.keys or changes.submissions:
            self.reload()

    def reload(self) -> None:
        service = self.service
        identity = service.identity()
        self.office.setText(translate("ui.office_communes.keys.office", name=identity.name, code=identity.code)
                            if identity else "")
        self.root.setText("\n".join(fingerprint_lines(service.root_fingerprint())) if identity else "")
        self.keys.set_rows(service.encryption_keys() if identity else [])
        self.communes.set_rows(service.commune_list())
        self.reminder.setVisible(self.keys_changed_since_export)
        self.allowed = self.may_manage()
        self._show_count()
        self._enable()

    def _search(self, text: str) -> None:
        self.shown.search(text)
        self._show_count()

    def _show_count(self) -> None:
        rows = [self.communes.row(number) for number in range(self.communes.rowCount())]
        enrolled = sum(row.key_state in ("enrolled", "key_rotated") for row in rows)
        self.count.setText(translate("ui.office_communes.count", shown=self.shown.rowCount(), total=len(rows),
                                     enrolled=enrolled))

    def may_manage(self) -> bool:
        """Whether the person signed in may change keys and communes (the services decide; this only greys)."""
        principal = self.service.principal
        return principal.can(Permission.MANAGE) if principal is not None else not self.service.has_accounts()

    def _enable(self) -> None:
        allowed = self.allowed
        selected = self.selected_commune()
        key = self.selected_key()
        self.export.setEnabled(allowed)
        self.rotate.setEnabled(allowed)
        self.retire.setEnabled(allowed and key is not None and key.status == "active")
        self.enrol.setEnabled(allowed)
        self.add.setEnabled(allowed)
        self.revoke.setEnabled(allowed and selected is not None and selected.key_state != "revoked"
                               and selected.key_state != "not_enrolled")
        reason = "" if allowed else translate("ui.office_communes.admin_only")
        for button in (self.export, self.rotate, self.retire, self.enrol, self.add, self.revoke):
            button.setToolTip(reason)

    def selected_commune(self):
        rows = self.table.selectionModel().selectedRows()
        return self.communes.row(self.shown.mapToSource(rows[0]).row()) if rows else None

    def selected_key(self):
        rows = self.key_table.selectionModel().selectedRows()
        return self.keys.row(rows[0].row()) if rows else None

    def select_commune(self, code: str) -> bool:
        """Select the row of commune ``code`` (False when the filter hides it or there is none)."""
        for row in range(self.shown.rowCount()):
            if self.shown.index(row, CommuneTableModel.CODE).data() == code:
                self.table.selectRow(row)
                return True
        return False

    # --- the office's keys ------------------------------------------------------------------
    def export_keys(self) -> None:
        identity = self.service.identity()
        default = Path.home() / translate("ui.office_communes.keys.file_name", code=identity.code if identity else "")
        name, _filter = QFileDialog.getSaveFileName(
            self, translate("ui.office_communes.keys.export_title"), str(default),
            f"{translate('ui.setup.office.filter')};;{translate('ui.setup.office.all_files')}")
        if name:
            self._ask_passphrase("ui.office_communes.keys.export_passphrase",
                                 lambda secret: self._export(Path(name), secret))

    def _export(self, path: Path, passphrase: str) -> None:
        language = current_language()
        self.tasks.run(lambda progress, cancel: export_keys_with_letter(self.service, path, passphrase, language),
                       self._exported, translate("ui.office_communes.keys.exporting"), self,
                       show_error=self._fail)

    def _exported(self, exported: ExportedKeys) -> None:
        self.keys_changed_since_export = False
        self.workspace.publish(KEYS_CHANGED)
        warnings = " ".join(warning.message() for warning in exported.letter.warnings)
        self.workspace.notice.emit(translate("ui.office_communes.keys.exported", file=str(exported.key_file),
                                             letter=str(exported.letter.path), version=exported.list_version,
                                             fingerprint=exported.fingerprint)
                                   + (" " + translate("ui.office_communes.keys.exported_plans",
                                                      count=len(exported.plan_files),
                                                      files=", ".join(path.name for path in exported.plan_files))
                                      if exported.plan_files else "")
                                   + (f" {warnings}" if warnings else ""), False)

    def rotate_key(self) -> None:
        self._ask_passphrase("ui.office_communes.keys.rotate_passphrase", self._rotate)

    def _rotate(self, passphrase: str) -> None:
        self.tasks.run(lambda progress, cancel: self.service.rotate_encryption_key(passphrase), self._rotated,
                       translate("ui.office_communes.keys.rotating"), self, show_error=self._fail)

    def _rotated(self, fingerprint: str) -> None:
        self.keys_changed_since_export = True
        self.workspace.publish(KEYS_CHANGED)
        self.workspace.notice.emit(translate("ui.office_communes.keys.rotated", fingerprint=fingerprint), False)

    def retire_key(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        self.dialog = ask(self, translate("ui.office_communes.keys.retire_title"),
                          translate("ui.office_communes.keys.retire_question", fingerprint=key.fingerprint),
                          translate("ui.office_communes.keys.retire_details"),
                          translate("ui.office_communes.keys.retire_confirm"), lambda: self._retire(key.key_id))

    def _retire(self, key_id: str) -> None:
        try:
            self.service.retire_encryption_key(key_id)
        except CdsError as exc:
            self._fail(exc.message())
            return
        self.keys_changed_since_export = True
        self.workspace.publish(KEYS_CHANGED)

    def _ask_passphrase(self, explanation_id: str, then) -> None:
        dialog = PassphraseDialog(translate("ui.office_communes.passphrase_title"), translate(explanation_id), self)
        dialog.accepted.connect(lambda: then(dialog.passphrase.text()))
        self.dialog = dialog
        dialog.open()

    def _fail(self, message: str) -> None:
        self.workspace.notice.emit(message, True)

    # --- communes ---------------------------------------------------------------------------
    def open_enrol(self) -> EnrolDialog:
        dialog = EnrolDialog(self.workspace, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_add(self) -> AddCommunesDialog:
        dialog = AddCommunesDialog(self.workspace, self)
        dialog.accepted.connect(self._communes_added)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _communes_added(self) -> None:
        self.keys_changed_since_export = True  # the key file lists the communes: new ones need the new file
        self.reload()

    def revoke_selected(self) -> None:
        commune = self.selected_commune()
        if commune is None:
            return
        self.dialog = ask(self, translate("ui.office_communes.revoke_title"),
                          translate("ui.office_communes.revoke_question", name=commune.name, code=commune.code),
                          translate("ui.office_communes.revoke_details"),
                          translate("ui.office_communes.revoke_confirm"), lambda: self._revoke(commune),
                          icon=QMessageBox.Icon.Warning)

    def _revoke(self, commune) -> None:
        count = self.workspace.mutate(lambda: self.service.revoke(commune.code), OfficeChanges(communes=True))
        if count is not None:
            self.workspace.notice.emit(translate("ui.office_communes.revoked", name=commune.name, code=commune.code,
                                                 count=count), False)
