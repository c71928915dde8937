"""The problems panel: the open period's validation errors and warnings, live; activating one jumps to it.

From the keyboard (F8 puts the cursor here): Up and Down choose a problem, Enter goes to its cell, Esc goes
back to the page without going anywhere."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.ui.commune.models.problem_model import ProblemColumn, ProblemTableModel
from cds_desktop.ui.shared.roles import Role
from cds_desktop.ui.commune.workspace import Workspace


class ProblemTable(QTableView):
    """The list of problems; Esc (or Enter with no problem to go to) asks to go back to the page."""

    leave_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if event.key() == Qt.Key.Key_Escape or (enter and not self.currentIndex().isValid()):
            self.leave_requested.emit()
            return
        super().keyPressEvent(event)


class ProblemsPanel(QWidget):
    problem_activated = Signal(str, str)  # item code, field
    leave_requested = Signal()  # back to the page, from the keyboard

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ProblemTableModel(workspace, self)
        self.summary = QLabel()
        self.summary.setObjectName("problems_summary")
        self.table = ProblemTable()
        self.table.setObjectName("problem_table")
        self.table.leave_requested.connect(self.leave_requested)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ProblemColumn.MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(ProblemColumn.SEVERITY, 100)
        self.table.setColumnWidth(ProblemColumn.ITEM, 80)
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.model.modelReset.connect(self._summarize)
        self._summarize()

    def take_focus(self) -> None:
        """The cursor in the list, on the first problem when none is chosen."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _summarize(self) -> None:
        errors, warnings = self.model.counts()
        if errors:
            text = translate("ui.problems.summary", errors=errors, warnings=warnings)
        elif warnings:
            text = translate("ui.problems.warnings_only", warnings=warnings)
        else:
            text = translate("ui.problems.none")
        self.summary.setText(text)

    def _activated(self, index: QModelIndex) -> None:
        self.problem_activated.emit(index.data(Role.ITEM_CODE), index.data(Role.FIELD))
