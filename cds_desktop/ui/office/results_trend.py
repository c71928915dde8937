"""The results page's trend table: the chosen indicator over the plan's periods of the chosen period's kind, one
row per period — the office's figure (Σ numerators ÷ Σ denominators of a ratio, the sum of a count), those two
sums, how many communes met the target out of all, and the chosen commune's own value and assessment. The chart
beside it (``results_charts.TrendChart``) draws the same ``IndicatorChartData``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number
from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.core.presentation import period_name, target_status_name
from cds_desktop.core.reports.chart_data import IndicatorChartData, TrendValue, value_text

PERIOD_COLUMN, OFFICE_COLUMN, TERMS_COLUMN, MET_COLUMN, COMMUNE_COLUMN, STATUS_COLUMN = range(6)
_HEADERS = ("ui.trend.period", "ui.trend.office", "ui.trend.terms", "ui.trend.met")


class TrendModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.data_: IndicatorChartData | None = None

    def set_chart(self, data: IndicatorChartData | None) -> None:
        self.beginResetModel()
        self.data_ = data
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.data_ is None else len(self.data_.office_trend)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or self.data_ is None:
            return 0
        return STATUS_COLUMN + 1 if self.data_.commune_trend else MET_COLUMN + 1

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole or self.data_ is None:
            return None
        if section < len(_HEADERS):
            return translate(_HEADERS[section])
        return self.data_.commune_name if section == COMMUNE_COLUMN else translate("ui.trend.commune_status")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.data_ is None:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != PERIOD_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        language = current_language()
        office = self.data_.office_trend[index.row()]
        column = index.column()
        if column == PERIOD_COLUMN:
            return period_name(office.period_id, language)
        if column == OFFICE_COLUMN:
            return self._value(office, language)
        if column == TERMS_COLUMN:
            if self.data_.kind is not IndicatorKind.RATIO or office.numerator is None:
                return ""
            return f"{format_number(office.numerator, language)} / {format_number(office.denominator, language)}"
        if column == MET_COLUMN:
            return "" if office.expected is None or self.data_.target is None else f"{office.met}/{office.expected}"
        commune = self.data_.commune_trend[index.row()]
        if column == COMMUNE_COLUMN:
            return self._value(commune, language)
        return target_status_name(commune.status, language) if commune.status is not None else ""

    def _value(self, point: TrendValue, language: str) -> str:
        return "—" if point.value is None else value_text(point.value, self.data_.kind, language)
