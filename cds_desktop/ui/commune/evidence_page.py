"""Evidence files of the open period: add (file dialog or drag and drop), open with the system viewer, remove.

Files are copied and hashed by the service on the background lane (a large scan can take a while); the
size warning comes back as a notice. Stored files are named by their hash, so opening one copies it under
its original name into a temporary folder first; when the computer has no program for that kind of file (or
the copy cannot be made), a message says so and where the file is. Removing a file asks first.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.changes import Changes
from cds_desktop.ui.commune.confirm import ask, file_dialog
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.commune.models.evidence_model import EvidenceColumn, EvidenceItemProxy, EvidenceTableModel
from cds_desktop.ui.commune.workspace import Workspace


class EvidencePage(QWidget):
    def __init__(self, workspace: Workspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.tasks = workspace, tasks
        self._open_copies = tempfile.TemporaryDirectory(prefix="cds-evidence-")
        self.model = EvidenceTableModel(workspace, self)
        self.proxy = EvidenceItemProxy(self)
        self.proxy.setSourceModel(self.model)

        self.item_box = QComboBox()
        self.item_box.setObjectName("evidence_item")
        self.item_box.setMinimumContentsLength(60)
        self.item_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.item_box.currentIndexChanged.connect(self._item_chosen)
        item_label = QLabel(translate("ui.evidence.item"))
        item_label.setBuddy(self.item_box)

        self.table = QTableView()
        self.table.setObjectName("evidence_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(EvidenceColumn.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((EvidenceColumn.ITEM, 80), (EvidenceColumn.SIZE, 100),
                              (EvidenceColumn.ADDED_AT, 140), (EvidenceColumn.ADDED_BY, 140)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self.open_selected)

        self.drop_hint = QLabel(translate("ui.evidence.drop_hint"))
        self.drop_hint.setObjectName("drop_hint")
        self.drop_hint.setWordWrap(True)
        self.add_button = QPushButton(translate("ui.evidence.add"))
        self.open_button = QPushButton(translate("ui.evidence.open"))
        self.remove_button = QPushButton(translate("ui.evidence.remove"))
        self.add_button.clicked.connect(self.choose_files)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)

        top = QHBoxLayout()
        top.addWidget(item_label)
        top.addWidget(self.item_box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.drop_hint, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)

        workspace.period_opened.connect(self._fill_items)
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._fill_items()

    def take_focus(self) -> None:
        """The cursor in the file list (on its first file when none is chosen); with no file, in the item picker."""
        if not self.proxy.rowCount():
            self.item_box.setFocus()
            return
        self.table.setFocus()
        if not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    # --- which item ------------------------------------------------------------------------
    def _fill_items(self) -> None:
        chosen = self.item_box.currentData()
        self.item_box.blockSignals(True)
        self.item_box.clear()
        self.item_box.addItem(translate("ui.evidence.all_items"), "")
        if self.workspace.has_period:
            plan, language = self.workspace.snapshot().plan, current_language()
            for indicator in plan.commune_indicators():
                self.item_box.addItem(f"{indicator.code} — {indicator.name.get(language)}", indicator.code)
            for task in plan.commune_tasks():
                self.item_box.addItem(f"{task.code} — {task.title.get(language)}", task.code)
        self.item_box.blockSignals(False)
        self.show_item(chosen or "")

    def show_item(self, item_code: str) -> None:
        self.item_box.setCurrentIndex(max(0, self.item_box.findData(item_code)))
        self._item_chosen()

    def _item_chosen(self) -> None:
        self.proxy.set_item(self.item_box.currentData() or "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = self.workspace.has_period and self.workspace.snapshot().editable
        has_item = bool(self.item_box.currentData())
        selected = bool(self.table.selectionModel().selectedRows())
        self.add_button.setEnabled(editable and has_item)
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(editable and selected)
        self.drop_hint.setText(translate("ui.evidence.drop_hint" if has_item else "ui.evidence.choose_item_first"))

    # --- adding ----------------------------------------------------------------------------
    def files_dialog(self) -> QFileDialog:
        dialog = file_dialog(self, "evidence_file_dialog", translate("ui.evidence.choose_title"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        return dialog

    def choose_files(self) -> None:
        dialog = self.files_dialog()
        if dialog.exec():
            self.add_files([Path(name) for name in dialog.selectedFiles()])

    def add_files(self, files: list[Path]) -> None:
        item_code = self.item_box.currentData()
        if not item_code or not files:
            return
        service, workspace = self.workspace.service, self.workspace
        plan_id, period_id, actor = workspace.plan_id, workspace.period_id, workspace.actor
        for file in files:
            def work(progress: ProgressCallback, cancel: CancelToken, file: Path = file) -> Changes:
                return service.add_evidence(plan_id, period_id, item_code, file, actor)

            self.tasks.run(work, workspace.publish, translate("ui.evidence.adding", name=file.name), self,
                           show_error=lambda message: workspace.notice.emit(message, True))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and self.add_button.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.add_files([f for f in files if f.is_file()])
        event.acceptProposedAction()

    # --- opening and removing --------------------------------------------------------------
    def _selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(self.proxy.mapToSource(rows[0]).row()) if rows else None

    def open_selected(self) -> QMessageBox | None:
        """Open a copy of the chosen file with the computer's program for it; when there is none (or the copy
        cannot be made), a message (already open) says so and where the file is."""
        file = self._selected()
        if file is None:
            return None
        copy = Path(self._open_copies.name) / file.sha256[:16] / file.name
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            if not copy.exists():
                shutil.copyfile(file.path, copy)
        except OSError:
            return self._cannot_open(translate("ui.evidence.cannot_copy", name=file.name), file.path)
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            return None
        return self._cannot_open(translate("ui.evidence.no_viewer", name=file.name), copy)

    def _cannot_open(self, text: str, where: Path) -> QMessageBox:
        box = QMessageBox(self.window())
        box.setObjectName("evidence_cannot_open")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(translate("ui.evidence.open_title"))
        box.setText(text)
        box.setInformativeText(translate("ui.evidence.file_is_at", path=str(where)))
        box.setTextInteractionFlags(box.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByKeyboard
                                    | Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()
        return box

    def remove_selected(self) -> QMessageBox | None:
        """Ask, then remove the chosen file from the period's evidence."""
        file = self._selected()
        if file is None:
            return None
        workspace = self.workspace

        def remove() -> None:
            workspace.mutate(lambda: workspace.service.remove_evidence(
                workspace.plan_id, workspace.period_id, file.link_id, workspace.actor))

        return ask(self.window(), "evidence_remove_confirm", translate("ui.evidence.remove_title"),
                   translate("ui.evidence.remove_confirm", name=file.name), translate("ui.evidence.remove"), remove)
