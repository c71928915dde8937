"""The reporting periods of one plan for the period picker: name, deadline, state and overdue warning.

The state shown is the office's verdict when it concerns what the commune holds now: "accepted" while the
exported revision stands, "returned" while the reopened draft is being corrected; otherwise the local state.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cds_desktop.core.domain import OfficeStatus, PeriodState
from cds_desktop.core.i18n import translate
from cds_desktop.core.presentation import state_name
from cds_desktop.core.services.commune.service import PeriodView
from cds_desktop.ui.shared.labels import date_text, deadline_text, period_name

Index = QModelIndex | QPersistentModelIndex
OVERDUE_TEXT = QColor("#a11d16")
STATE_COLORS = {OfficeStatus.ACCEPTED.value: QColor("#1e6b2e"), OfficeStatus.RETURNED.value: QColor("#8a5a00")}


def shown_state(period: PeriodView) -> str:
    """``draft`` … ``exported``, ``accepted`` or ``returned`` (the ``state.*`` message of the period)."""
    if period.office_status == OfficeStatus.ACCEPTED and period.state is PeriodState.EXPORTED:
        return OfficeStatus.ACCEPTED.value
    if period.office_status == OfficeStatus.RETURNED and period.state is PeriodState.DRAFT:
        return OfficeStatus.RETURNED.value
    return period.state.value


def period_state_text(period: PeriodView) -> str:
    return state_name(shown_state(period))


def period_choice_text(period: PeriodView) -> str:
    key = "ui.period.choice_overdue" if period.overdue else "ui.period.choice"
    return translate(key, period=period_name(period.period_id), due=date_text(period.due_before),
                     state=period_state_text(period))


def period_tooltip(period: PeriodView) -> str:
    text = translate("ui.period.tooltip", period=period_name(period.period_id), start=date_text(period.start),
                     end=date_text(period.end), due=date_text(period.due_before), rule=deadline_text(period),
                     state=period_state_text(period), revision=period.revision)
    if period.office_reason and shown_state(period) == OfficeStatus.RETURNED:
        text += "\n" + translate("ui.period.tooltip_reason", reason=period.office_reason)
    return text


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
        if role == Qt.ItemDataRole.ToolTipRole:
            return period_tooltip(period)
        if role == Qt.ItemDataRole.ForegroundRole:
            return OVERDUE_TEXT if period.overdue else STATE_COLORS.get(shown_state(period))
        if role == Qt.ItemDataRole.UserRole:
            return period.period_id
        return None
