"""The shared base of the open period's tables (``indicator_model.py``, ``task_model.py``,
``evidence_model.py``): rows read from the workspace's snapshot, replaced as a whole whenever the period or
its data changes, translated column headers, and each cell's values computed once.

Qt asks a model for the same cell many times — every role, for row heights, painting, tooltips, the
delegate — and each answer is Python work, enough to stall the window when a page is first shown. ``data``
answers from a cache filled on first ask and emptied whenever the rows are replaced (``set_rows``).
A subclass says which rows a snapshot has (``rows_of``) and computes one value in ``cell(row, column, role)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Hashable, Mapping, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from cds_desktop.core.i18n import translate

if TYPE_CHECKING:
    from cds_desktop.ui.commune.workspace import PeriodSnapshot, Workspace

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = 0  # Qt.ItemDataRole.DisplayRole


R = TypeVar("R")


class RowTableModel(QAbstractTableModel, Generic[R]):
    header_ids: Mapping[int, str] = {}  # set by each subclass: column number → message id of its header

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.column_count = len(self.header_ids)
        self._rows: list[R] = []
        self._editable = False
        self._cells: dict[tuple[int, int, Any], Any] = {}
        workspace.period_opened.connect(self.reload)
        workspace.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        """Re-read the open period."""
        if self.workspace.has_period:
            snapshot = self.workspace.snapshot()
            self.set_rows(self.rows_of(snapshot), snapshot.editable)
        else:
            self.set_rows([], False)

    def rows_of(self, snapshot: PeriodSnapshot) -> list[R]:
        raise NotImplementedError

    def row_key(self, row: R) -> Hashable:
        """What makes a row the same row after a reload (by default its ``key``)."""
        return row.key

    def set_rows(self, rows: list[R], editable: bool) -> None:
        """Show ``rows``; keeps the model (and any open editor) when they are the same rows (``row_key``)."""
        self._cells.clear()
        if [self.row_key(r) for r in rows] == [self.row_key(r) for r in self._rows]:
            self._rows, self._editable = rows, editable
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.column_count - 1))
            return
        self.beginResetModel()
        self._rows, self._editable = rows, editable
        self.endResetModel()

    def row(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.column_count

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(self.header_ids[section])
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        key = (index.row(), index.column(), role)
        try:
            return self._cells[key]
        except KeyError:
            value = self._cells[key] = self.cell(self._rows[key[0]], key[1], role)
            return value

    def cell(self, row: R, column: int, role: int) -> Any:
        raise NotImplementedError
