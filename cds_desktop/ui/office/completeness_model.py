"""The completeness matrix as a Qt model: one row per commune, its code and name, then one column per period whose
cell is the state of the commune's report (a badge with the revision, drawn by ``StateBadgeDelegate``).

``set_matrix`` takes the service's ``Completeness`` as it is — its rows stay the service's plain tuples, nothing is
computed per cell until Qt asks ``data()`` for it — so the whole country's 16,605 cells appear at once. The period
headers carry each period's figures (received and on time out of expected, DHIS2's rates). Sorting is done by the
model itself on plain keys (``sort``: one Python ``sorted`` rather than a proxy comparing cells through ``data()``),
and ``MatrixFilter`` keeps the rows whose code or name contains the search words, typed with or without tone marks,
and, optionally, those whose cell in one period has a given state.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number, format_percent
from cds_desktop.core.services.office.dashboard import (
    CellState,
    Completeness,
    CompletenessCell,
    MissingCommune,
    PeriodColumn,
)
from cds_desktop.ui.shared.labels import date_text, datetime_text, period_name
from cds_desktop.ui.shared.roles import Role

Index = QModelIndex | QPersistentModelIndex
CODE_COLUMN, NAME_COLUMN, FIRST_PERIOD_COLUMN = 0, 1, 2
STATE_ORDER = {  # what needs attention first when a period's column is sorted
    CellState.NOT_RECEIVED: 0, CellState.RETURNED: 1, CellState.LATE: 2, CellState.ON_TIME: 3, CellState.ACCEPTED: 4}
_DISPLAY, _TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_NEVER = dt.datetime.min.replace(tzinfo=dt.timezone.utc)  # "never received" in a sort key


def search_key(text: str) -> str:
    """``text`` as searched: without tone marks or other diacritics, đ as d, lower case ("Đắk Wer" → "dak wer")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def state_label(state: str) -> str:
    return translate(f"ui.matrix.state.{state}")


def count_and_rate(count: int, expected: int, rate) -> str:
    """"2.706/3.321 (81,5%)"; without a rate when nothing is expected ("0/0")."""
    language = current_language()
    numbers = {"count": format_number(count, language), "expected": format_number(expected, language)}
    if rate is None:
        return translate("ui.matrix.count", **numbers)
    return translate("ui.matrix.count_rate", rate=format_percent(rate, language), **numbers)


def period_header(column: PeriodColumn) -> str:
    """The period as people say it, then its figures: received and on time out of expected."""
    figures = column.figures
    return translate("ui.matrix.period_header", period=period_name(column.period_id),
                     received=count_and_rate(figures.received, figures.expected, column.reporting_rate),
                     on_time=count_and_rate(figures.on_time, figures.expected, column.on_time_rate))


def period_header_tooltip(column: PeriodColumn) -> str:
    figures = column.figures
    return translate("ui.matrix.period_tooltip", period=period_name(column.period_id),
                     due=date_text(column.due_before), expected=format_number(figures.expected, current_language()),
                     received=count_and_rate(figures.received, figures.expected, column.reporting_rate),
                     on_time=count_and_rate(figures.on_time, figures.expected, column.on_time_rate),
                     returned=figures.returned, accepted=figures.accepted)


def cell_text(cell: CompletenessCell) -> str:
    if cell.revision is None:
        return state_label(cell.state)
    return translate("ui.matrix.badge", state=state_label(cell.state), revision=cell.revision)


def cell_tooltip(cell: CompletenessCell, column: PeriodColumn) -> str:
    """Who, which period and its deadline, then when the report came and what was decided."""
    lines = [translate("ui.matrix.tip.head", commune=cell.commune_name, period=period_name(cell.period_id),
                       due=date_text(column.due_before))]
    if cell.revision is None:
        lines.append(translate("ui.matrix.tip.not_received"))
        return "\n".join(lines)
    timing = "on_time" if cell.on_time else "late"
    lines.append(translate(f"ui.matrix.tip.first_{timing}", at=datetime_text(cell.first_received_at)))
    if cell.revision > 1:
        lines.append(translate("ui.matrix.tip.current", revision=cell.revision, at=datetime_text(cell.received_at)))
    if cell.state in (CellState.ACCEPTED, CellState.RETURNED):
        lines.append(translate(f"ui.matrix.tip.{cell.state}", revision=cell.revision,
                               at=datetime_text(cell.decided_at)))
    lines.append(translate("ui.matrix.tip.open"))
    return "\n".join(lines)


class CompletenessModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.matrix: Completeness | None = None
        self._cells: list[CompletenessCell] = []
        self._periods: tuple[PeriodColumn, ...] = ()
        self._width = 0  # cells per commune
        self._order: list[int] = []  # shown row → commune row in the matrix
        self._search_keys: list[str] | None = None  # computed on the first search
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    # --- content -----------------------------------------------------------------------------
    def set_matrix(self, matrix: Completeness) -> None:
        """Show ``matrix``; the current sort (if any) is kept."""
        self.beginResetModel()
        self.matrix = matrix
        self._cells, self._periods, self._width = matrix.cells, matrix.periods, len(matrix.periods)
        self._order = list(range(matrix.commune_count))
        self._search_keys = None
        self.endResetModel()
        if self._sorted_by is not None:
            self.sort(*self._sorted_by)

    @property
    def periods(self) -> tuple[PeriodColumn, ...]:
        return self._periods

    def cell_at(self, row: int, column: int) -> CompletenessCell | None:
        """The cell shown at ``row`` (a row of this model) and ``column``; None outside the period columns."""
        if column < FIRST_PERIOD_COLUMN or not 0 <= row < len(self._order):
            return None
        return self._cells[self._order[row] * self._width + column - FIRST_PERIOD_COLUMN]

    def commune_of(self, row: int) -> CompletenessCell:
        """The first cell of the commune shown at ``row`` (its code and name)."""
        return self._cells[self._order[row] * self._width]

    def search_key(self, row: int) -> str:
        """The folded "code name" of the commune shown at ``row``."""
        if self._search_keys is None:
            first = self._cells[:: self._width] if self._width else []
            self._search_keys = [search_key(f"{cell.commune_code} {cell.commune_name}") for cell in first]
        return self._search_keys[self._order[row]]

    def period_column(self, period_id: str) -> int | None:
        return next((FIRST_PERIOD_COLUMN + n for n, p in enumerate(self._periods) if p.period_id == period_id), None)

    # --- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else FIRST_PERIOD_COLUMN + self._width

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if column < FIRST_PERIOD_COLUMN:
            if role in (_DISPLAY, _TOOLTIP):
                cell = self.commune_of(row)
                return cell.commune_code if column == CODE_COLUMN else cell.commune_name
            return None
        cell = self.cell_at(row, column)
        if role == _DISPLAY:
            return cell_text(cell)
        if role == Role.BADGE:
            return cell.state
        if role == _TOOLTIP:
            return cell_tooltip(cell, self._periods[column - FIRST_PERIOD_COLUMN])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section < FIRST_PERIOD_COLUMN:
            if role in (_DISPLAY, _TOOLTIP):
                return translate("ui.matrix.column.code" if section == CODE_COLUMN else "ui.matrix.column.name")
            return None
        column = self._periods[section - FIRST_PERIOD_COLUMN]
        if role == _DISPLAY:
            return period_header(column)
        if role == _TOOLTIP:
            return period_header_tooltip(column)
        if role == _ALIGNMENT:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the communes by code, by name (ignoring tone marks first, as people look names up) or by their
        state in one period (what needs attention first, then the first received)."""
        self._sorted_by = (column, order)
        if not self._width:
            return
        cells, width = self._cells, self._width
        if column == CODE_COLUMN:
            def key(row: int):
                return cells[row * width].commune_code
        elif column == NAME_COLUMN:
            def key(row: int):
                name = cells[row * width].commune_name
                return search_key(name), name
        else:
            offset = column - FIRST_PERIOD_COLUMN

            def key(row: int):
                cell = cells[row * width + offset]
                return STATE_ORDER[cell.state], cell.first_received_at or _NEVER, cell.commune_code
        self.layoutAboutToBeChanged.emit()
        before = self._order
        self._order = sorted(range(len(cells) // width), key=key,
                             reverse=order == Qt.SortOrder.DescendingOrder)
        where = {commune: row for row, commune in enumerate(self._order)}
        moved = [(old, self.index(where[before[old.row()]], old.column())) for old in self.persistentIndexList()]
        self.changePersistentIndexList([old for old, _ in moved], [new for _, new in moved])
        self.layoutChanged.emit()


class MatrixFilter(QSortFilterProxyModel):
    """The communes whose folded code and name contain every word searched, and — when a period and a state are
    chosen — whose report for that period is in that state. Sorting is left to the matrix model (``sort``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._state_filter: tuple[str, str] | None = None  # period id, state

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = search_key(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_state_filter(self, period_id: str | None, state: str | None) -> None:
        self.beginFilterChange()
        self._state_filter = (period_id, state) if period_id and state else None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model: CompletenessModel = self.sourceModel()
        if self._words:
            key = model.search_key(source_row)
            if not all(word in key for word in self._words):
                return False
        if self._state_filter is not None:
            column = model.period_column(self._state_filter[0])
            cell = model.cell_at(source_row, column) if column is not None else None
            return cell is not None and cell.state == self._state_filter[1]
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class MissingModel(QAbstractTableModel):
    """The communes that have not reported the chosen period: code and name."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MissingCommune] = []

    def set_rows(self, rows: list[MissingCommune]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> MissingCommune:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or role not in (_DISPLAY, _TOOLTIP):
            return None
        commune = self._rows[index.row()]
        return commune.code if index.column() == CODE_COLUMN else commune.name

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return translate("ui.matrix.column.code" if section == CODE_COLUMN else "ui.matrix.column.name")
        return None
