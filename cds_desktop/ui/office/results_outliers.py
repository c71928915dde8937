"""The results page's "worth a call" list: the values of the period the office should ask a commune about
(``Results.outliers``: far from the other communes by DHIS2's modified z-score, a denominator that moved sharply
from the previous period, a numerator above its denominator accepted with a note), one row each — commune,
indicator, kind, value, and why in words. Activating a row opens that commune's submission (the page asks the
workspace, as the completeness matrix does).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number, format_percent
from cds_desktop.core.plans.model import Indicator, IndicatorKind
from cds_desktop.core.reports.chart_data import value_text
from cds_desktop.core.services.office.results import Outlier, OutlierKind

COMMUNE_COLUMN, INDICATOR_COLUMN, KIND_COLUMN, VALUE_COLUMN, WHY_COLUMN = range(5)
_HEADERS = ("ui.outliers.commune", "ui.outliers.indicator", "ui.outliers.kind", "ui.outliers.value",
            "ui.outliers.why")


def outlier_value(outlier: Outlier, kind: IndicatorKind, language: str) -> str:
    """The value the row is about: the result (far from others), else the denominator or numerator as a number."""
    if outlier.kind is OutlierKind.FAR_FROM_OTHERS:
        return value_text(outlier.value, kind, language)
    return format_number(outlier.value, language)


def outlier_reason(outlier: Outlier, language: str) -> str:
    """Why the value is worth a call, in words, with the commune's note when it gave one."""
    if outlier.kind is OutlierKind.FAR_FROM_OTHERS:
        why = translate("ui.outliers.why.far_from_others", language,
                        score=format_number(outlier.reference, language, places=1))
    elif outlier.kind is OutlierKind.DENOMINATOR_CHANGE:
        if outlier.change is None:
            why = translate("ui.outliers.why.denominator_change_from_zero", language,
                            value=format_number(outlier.value, language))
        else:
            sign = "+" if outlier.change > 0 else ""
            why = translate("ui.outliers.why.denominator_change", language,
                            previous=format_number(outlier.reference, language),
                            value=format_number(outlier.value, language),
                            change=sign + format_percent(outlier.change * Decimal(100), language))
    else:
        why = translate("ui.outliers.why.numerator_above_denominator", language,
                        value=format_number(outlier.value, language),
                        reference=format_number(outlier.reference, language))
    return translate("ui.outliers.why.note", language, why=why, note=outlier.note) if outlier.note else why


class OutliersModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Outlier] = []
        self.indicators: dict[str, Indicator] = {}

    def set_outliers(self, rows: list[Outlier], indicators: tuple[Indicator, ...]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.indicators = {indicator.code: indicator for indicator in indicators}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(_HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        outlier = self.rows[index.row()]
        column, language = index.column(), current_language()
        indicator = self.indicators[outlier.indicator_code]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == VALUE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == COMMUNE_COLUMN:
            return f"{outlier.commune_name} ({outlier.commune_code})"
        if column == INDICATOR_COLUMN:
            return f"{outlier.indicator_code}. {indicator.name.get(language)}"
        if column == KIND_COLUMN:
            return translate(f"ui.outliers.kind.{outlier.kind.value}")
        if column == VALUE_COLUMN:
            return outlier_value(outlier, indicator.kind, language)
        return outlier_reason(outlier, language)

    def outlier(self, row: int) -> Outlier:
        return self.rows[row]
