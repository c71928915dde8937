"""The reporting periods of one plan for the period picker: name, deadline, state and overdue warning."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cds_desktop.core.formatting import state_label
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.commune import PeriodView
from cds_desktop.ui.labels import date_text, period_name

Index = QModelIndex | QPersistentModelIndex
OVERDUE_TEXT = QColor("#a11d16")


def period_state_text(period: PeriodView) -> str:
    """The state shown for a period: the office's verdict once it has one, else the local state."""
    return state_label(period.office_status or period.state.value)


def period_choice_text(period: PeriodView) -> str:
    key = "ui.period.choice_overdue" if period.overdue else "ui.period.choice"
    return translate(key, period=period_name(period.period_id), due=date_text(period.due_before),
                     state=period_state_text(period))


class PeriodListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._periods: list[PeriodView] = []

    def set_periods(self, periods: list[PeriodView]) -> None:
        self.beginResetModel()
        self._periods = list(periods)
        self.endResetModel()

    def update_periods(self, periods: list[PeriodView]) -> None:
        """New states and deadlines for the same periods (keeps the picker's current choice)."""
        if [p.period_id for p in periods] != [p.period_id for p in self._periods]:
            self.set_periods(periods)
            return
        self._periods = list(periods)
        if periods:
            self.dataChanged.emit(self.index(0), self.index(len(periods) - 1))

    def period(self, row: int) -> PeriodView:
        return self._periods[row]

    def row_of(self, period_id: str) -> int:
        return next((n for n, p in enumerate(self._periods) if p.period_id == period_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._periods)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        period = self._periods[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return period_choice_text(period)
        if role == Qt.ItemDataRole.ForegroundRole and period.overdue:
            return OVERDUE_TEXT
        if role == Qt.ItemDataRole.UserRole:
            return period.period_id
        return None
