"""The problems of the open period (validation errors first, then warnings), for the problems panel."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, QModelIndex, QPersistentModelIndex, Qt

from cds_desktop.core.i18n import translate
from cds_desktop.core.validation import Problem
from cds_desktop.ui.shared.cells import ERROR_TINT, WARNING_TINT
from cds_desktop.ui.shared.roles import Role
from cds_desktop.ui.commune.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex


class ProblemColumn(IntEnum):
    SEVERITY = 0
    ITEM = 1
    MESSAGE = 2


HEADER_IDS = {column: f"ui.problems.column.{column.name.lower()}" for column in ProblemColumn}


class ProblemTableModel(QAbstractTableModel):
    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._problems: list[Problem] = []
        workspace.period_opened.connect(self.reload)
        workspace.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        problems = list(self.workspace.snapshot().problems) if self.workspace.has_period else []
        self.beginResetModel()
        self._problems = sorted(problems, key=lambda p: not p.is_error)  # stable: plan order within severity
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    def counts(self) -> tuple[int, int]:
        errors = sum(1 for p in self._problems if p.is_error)
        return errors, len(self._problems) - errors

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(ProblemColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(HEADER_IDS[ProblemColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        problem, column = self._problems[index.row()], ProblemColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                ProblemColumn.SEVERITY: translate(f"severity.{problem.severity.value}"),
                ProblemColumn.ITEM: problem.item_code,
                ProblemColumn.MESSAGE: problem.message(),
            }[column]
        if role == Qt.ItemDataRole.BackgroundRole and column is ProblemColumn.SEVERITY:
            return ERROR_TINT if problem.is_error else WARNING_TINT
        if role == Role.ITEM_CODE:
            return problem.item_code
        if role == Role.FIELD:
            return problem.field
        if role == Role.SEVERITY:
            return problem.severity.value
        return None
