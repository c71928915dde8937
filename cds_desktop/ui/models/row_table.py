"""The shared base of the period's tables (``indicator_model.py``, ``task_model.py``, ``evidence_model.py``):
rows replaced as a whole, and each cell's values computed once.

Qt asks a model for the same cell many times — every role, for row heights, painting, tooltips, the
delegate — and each answer is Python work, enough to stall the window when a page is first shown. ``data``
answers from a cache filled on first ask and emptied whenever the rows are replaced (``set_rows``);
subclasses compute one value in ``cell(row, column, role)``.
"""

from __future__ import annotations

from typing import Any, Generic, Hashable, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = 0  # Qt.ItemDataRole.DisplayRole


R = TypeVar("R")


class RowTableModel(QAbstractTableModel, Generic[R]):
    column_count = 0  # set by each subclass

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._editable = False
        self._cells: dict[tuple[int, int, Any], Any] = {}

    def row_key(self, row: R) -> Hashable:
        """What makes a row the same row after a reload (by default its ``key``)."""
        return row.key

    def set_rows(self, rows: list[R], editable: bool = False) -> None:
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
