"""Who changed which field of an item, when, from what to what (newest first).

"Who" reads "Full name (username)" for the accounts given in ``names``; other actors (scripts, the OS login of
installations without accounts, deleted accounts) show as recorded.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Mapping

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.commune.service import HistoryView
from cds_desktop.ui.shared.labels import datetime_text, field_name, stored_value_text

Index = QModelIndex | QPersistentModelIndex


class HistoryColumn(IntEnum):
    AT = 0
    ACTOR = 1
    FIELD = 2
    OLD = 3
    NEW = 4
    REVISION = 5


HEADER_IDS = {column: f"ui.history.column.{column.name.lower()}" for column in HistoryColumn}


class HistoryTableModel(QAbstractTableModel):
    def __init__(self, rows: list[HistoryView], parent=None, names: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self._rows = list(reversed(rows))  # the service lists them in the order they were made
        self._names = dict(names or {})  # username → display name

    def who(self, actor: str) -> str:
        name = self._names.get(actor)
        return translate("ui.user.who", name=name, username=actor) if name and name != actor else actor

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HistoryColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(HEADER_IDS[HistoryColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row, column = self._rows[index.row()], HistoryColumn(index.column())
        return {
            HistoryColumn.AT: lambda: datetime_text(row.at),
            HistoryColumn.ACTOR: lambda: self.who(row.actor),
            HistoryColumn.FIELD: lambda: field_name(row.field),
            HistoryColumn.OLD: lambda: stored_value_text(row.field, row.old_value),
            HistoryColumn.NEW: lambda: stored_value_text(row.field, row.new_value),
            HistoryColumn.REVISION: lambda: str(row.revision),
        }[column]()
