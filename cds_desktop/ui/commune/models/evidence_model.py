"""The evidence files attached in the open period, and a proxy showing one item's files."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from cds_desktop.core.services.commune.service import EvidenceView
from cds_desktop.ui.shared.labels import datetime_text, size_text
from cds_desktop.ui.shared.roles import Role
from cds_desktop.ui.shared.row_table import Index, RowTableModel
from cds_desktop.ui.commune.workspace import PeriodSnapshot


class EvidenceColumn(IntEnum):
    ITEM = 0
    NAME = 1
    SIZE = 2
    ADDED_AT = 3
    ADDED_BY = 4


HEADER_IDS = {column: f"ui.evidence.column.{column.name.lower()}" for column in EvidenceColumn}


class EvidenceTableModel(RowTableModel[EvidenceView]):
    header_ids = HEADER_IDS

    def rows_of(self, snapshot: PeriodSnapshot) -> list[EvidenceView]:
        return list(snapshot.evidence)

    def row_key(self, row: EvidenceView) -> int:
        return row.link_id

    def cell(self, file: EvidenceView, column_number: int, role: int) -> Any:
        column = EvidenceColumn(column_number)
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                EvidenceColumn.ITEM: file.item_code,
                EvidenceColumn.NAME: file.name,
                EvidenceColumn.SIZE: size_text(file.size),
                EvidenceColumn.ADDED_AT: datetime_text(file.added_at),
                EvidenceColumn.ADDED_BY: file.added_by,
            }[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column is EvidenceColumn.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.ITEM_CODE:
            return file.item_code
        return None


class EvidenceItemProxy(QSortFilterProxyModel):
    """Only the files of one indicator or task ("" shows every file)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._item_code = ""

    def set_item(self, item_code: str) -> None:
        self.beginFilterChange()
        self._item_code = item_code
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._item_code:
            return True
        model = self.sourceModel()
        return model.data(model.index(source_row, 0, source_parent), Role.ITEM_CODE) == self._item_code
