"""The results page's table model: every commune × every indicator of one period, then two rows for the whole
office (its figure — Σ numerators ÷ Σ denominators, never a mean of percentages — and how many communes meet the
target out of all).

A cell shows the commune's result (a percentage for a ratio, the number, yes/no, the text answer) coloured met /
not met / with an error against the commune-level target; its tooltip gives the numerator and denominator, the
target, the assessment and the commune's note. An empty cell says why in its tooltip (not received, not
applicable, no value).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.formatting import describe_target
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number, format_percent
from cds_desktop.core.plans.model import IndicatorKind, Level
from cds_desktop.core.presentation import target_status_name
from cds_desktop.core.reports.chart_data import value_text
from cds_desktop.core.services.office.results import IndicatorSummary, PeriodResults, ResultCell

CODE_COLUMN, NAME_COLUMN, FIRST_INDICATOR_COLUMN = 0, 1, 2
SUMMARY_ROWS = 2  # the office's figure, then the communes meeting the target
STATUS_COLOURS = {TargetStatus.MET: QColor("#d8f0dc"), TargetStatus.NOT_MET: QColor("#f8dcdc"),
                  TargetStatus.INVALID: QColor("#fbe8c8")}


def _quantity(kind: IndicatorKind, value, language: str) -> str:
    return "" if value is None else value_text(value, kind, language)


class ResultsModel(QAbstractTableModel):
    """Communes × indicators of one period, then ``SUMMARY_ROWS`` rows for the whole office."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.results: PeriodResults | None = None

    def set_results(self, results: PeriodResults) -> None:
        self.beginResetModel()
        self.results = results
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or self.results is None:
            return 0
        return len(self.results.communes) + SUMMARY_ROWS

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or self.results is None:
            return 0
        return FIRST_INDICATOR_COLUMN + len(self.results.indicators)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.results is None:
            return None
        if section < FIRST_INDICATOR_COLUMN:
            key = "ui.results.code" if section == CODE_COLUMN else "ui.results.commune"
            return translate(key) if role == Qt.ItemDataRole.DisplayRole else None
        indicator = self.results.indicators[section - FIRST_INDICATOR_COLUMN]
        if role == Qt.ItemDataRole.DisplayRole:
            return indicator.code
        if role == Qt.ItemDataRole.ToolTipRole:
            language = current_language()
            target = describe_target(indicator.target_for(Level.COMMUNE), indicator.kind, language)
            return indicator.name.get(language) + (
                "\n" + translate("ui.results.tip.target", target=target) if target else "")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.results is None:
            return None
        row, column = index.row(), index.column()
        communes = self.results.communes
        if row >= len(communes):
            return self._summary_data(row - len(communes), column, role)
        commune = communes[row]
        if column == CODE_COLUMN:
            return commune.code if role == Qt.ItemDataRole.DisplayRole else None
        if column == NAME_COLUMN:
            return commune.name if role == Qt.ItemDataRole.DisplayRole else None
        indicator_column = column - FIRST_INDICATOR_COLUMN
        cell = self.results.cell(row, indicator_column)
        return self._cell_data(cell, self.results.indicators[indicator_column].kind, role)

    def _cell_data(self, cell: ResultCell, kind: IndicatorKind, role: int) -> Any:
        language = current_language()
        if role == Qt.ItemDataRole.DisplayRole:
            if cell.empty is not None:
                return "—"
            if kind is IndicatorKind.TEXT:
                return cell.text or ""
            if kind is IndicatorKind.BOOLEAN and cell.result is not None:
                return translate("export.yes" if cell.result == 1 else "export.no")
            return _quantity(kind, cell.result, language)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = []
            if cell.empty is not None:
                lines.append(translate(f"export.empty.{cell.empty}"))
            else:
                if cell.numerator is not None and cell.denominator is not None:
                    lines.append(translate("ui.results.tip.terms", numerator=format_number(cell.numerator, language),
                                           denominator=format_number(cell.denominator, language)))
                lines.append(target_status_name(cell.status))
            if cell.note:
                lines.append(translate("ui.results.tip.note", note=cell.note))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole and cell.status in STATUS_COLOURS:
            return QBrush(STATUS_COLOURS[cell.status])
        if role == Qt.ItemDataRole.TextAlignmentRole and kind is not IndicatorKind.TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _summary_data(self, which: int, column: int, role: int) -> Any:
        if column == CODE_COLUMN:
            return None
        if column == NAME_COLUMN:
            key = "ui.results.office_row" if which == 0 else "ui.results.met_row"
            return translate(key) if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None
        summary: IndicatorSummary = self.results.summaries[column - FIRST_INDICATOR_COLUMN]
        kind = self.results.indicators[column - FIRST_INDICATOR_COLUMN].kind
        language = current_language()
        if role == Qt.ItemDataRole.DisplayRole:
            if which == 0:
                return _quantity(kind, summary.result, language)
            if summary.share_met is None:
                return ""
            return translate("ui.results.met_cell", met=summary.met, expected=summary.expected,
                             share=format_percent(summary.share_met, language))
        if role == Qt.ItemDataRole.ToolTipRole and which == 0 and summary.numerator_total is not None:
            return translate("ui.results.tip.office", numerator=format_number(summary.numerator_total, language),
                             denominator=format_number(summary.denominator_total, language), added=summary.added,
                             rate_only=summary.rate_only)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
