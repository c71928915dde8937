"""The tables of the keys-and-communes screen: the office's communes (``CommuneTableModel`` over the service's
``OfficeCommuneRow`` read model, shown through a ``FoldedFilter`` that finds a name or code typed without tone
marks and sorts by ``SORT_ROLE``) and its encryption keys (``EncryptionKeyModel``). Both are replaced as a whole
when the page reloads; a cell's text is computed when Qt asks for it.
"""

from __future__ import annotations

from typing import Any, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cds_desktop.core.bundle.keys import group_for_reading
from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.services.office.communes import OfficeCommuneRow
from cds_desktop.core.services.office.keys import EncryptionKeyView
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.ui.setup_wizard.commune_search import SEARCH_ROLE, folded
from cds_desktop.ui.shared.labels import datetime_text, period_name

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
SORT_ROLE = Qt.ItemDataRole.UserRole + 41
STATE_ORDER = {"not_enrolled": 0, "revoked": 1, "enrolled": 2, "key_rotated": 3}  # what needs a hand first
STATE_COLOURS = {"not_enrolled": "#8a5a00", "revoked": "#a11d16"}


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Plain rows under translated headers (``headers``: message ids); a subclass says what each cell shows."""

    headers: Sequence[str] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> Row:
        return self._rows[number]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(self.headers[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.cell(self._rows[index.row()], index.column(), role) if index.isValid() else None

    def cell(self, row: Row, column: int, role: int) -> Any:
        raise NotImplementedError


class CommuneTableModel(RowsModel[OfficeCommuneRow]):
    headers = ("ui.office_communes.column.code", "ui.office_communes.column.name", "ui.office_communes.column.key",
               "ui.office_communes.column.fingerprint", "ui.office_communes.column.last_report",
               "ui.office_communes.column.received")
    CODE, NAME, KEY, FINGERPRINT, LAST_REPORT, RECEIVED = range(6)

    def __init__(self, service: OfficeService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service

    def cell(self, row: OfficeCommuneRow, column: int, role: int) -> Any:
        if role == SEARCH_ROLE:
            return folded(f"{row.name} {row.code}")
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.KEY and row.key_state in STATE_COLOURS:
            return QColor(STATE_COLOURS[row.key_state])
        if role == Qt.ItemDataRole.ToolTipRole and column == self.LAST_REPORT and row.last_plan_id:
            return self._plan_title(row.last_plan_id)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == self.CODE:
            return row.code
        if column == self.NAME:
            return row.name
        if column == self.KEY:
            return translate(f"ui.office_communes.state.{row.key_state}")
        if column == self.FINGERPRINT:
            return group_for_reading(row.key_id) if row.key_id else ""
        if column == self.LAST_REPORT:
            return translate("ui.office_communes.last_report", period=period_name(row.last_period_id),
                             revision=row.last_revision) if row.last_period_id else ""
        return datetime_text(row.last_received_at) if row.last_received_at else ""

    def _sort_key(self, row: OfficeCommuneRow, column: int) -> Any:
        if column == self.NAME:
            return folded(row.name)
        if column == self.KEY:
            return STATE_ORDER.get(row.key_state, 9)
        if column == self.LAST_REPORT:
            return f"{row.last_period_id or ''}{row.last_revision or 0:06d}"
        if column == self.RECEIVED:
            return row.last_received_at.isoformat() if row.last_received_at else ""
        return self.cell(row, column, Qt.ItemDataRole.DisplayRole)

    def _plan_title(self, plan_id: str) -> str:
        try:
            return self.service.catalog.get(plan_id).plan.title.get(current_language())
        except CdsError:  # a plan the office does not have (any more): its id says which
            return plan_id


class EncryptionKeyModel(RowsModel[EncryptionKeyView]):
    headers = ("ui.office_communes.keys.column.fingerprint", "ui.office_communes.keys.column.status",
               "ui.office_communes.keys.column.created")

    def cell(self, row: EncryptionKeyView, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return row.fingerprint
        if column == 1:
            return translate(f"ui.office_communes.keys.{row.status}")
        return datetime_text(row.created_at)
