"""The indicator form as a table: one heading row per plan group, one row per indicator applying to communes.

Columns are named (``IndicatorColumn``). A ratio's numerator and denominator sit in the *value* and
*denominator* columns (their plan labels are the cells' placeholders and the name cell's second line);
a directly reported percentage is typed into the *result* column. Counts, yes/no and text answers use the
*value* column. Editing a cell saves the field through the ``Workspace`` at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from cds_desktop.core.domain import IndicatorEntry, TargetStatus
from cds_desktop.core.formatting import describe_target
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number, format_percent, to_canonical
from cds_desktop.core.plans.model import Indicator, IndicatorKind, Level
from cds_desktop.core.presentation import target_status_name
from cds_desktop.core.validation import Problem, indicator_result
from cds_desktop.ui.shared.labels import number_text
from cds_desktop.ui.shared.cells import GROUP_TINT, MUTED_TEXT, problem_tooltip, tint, worst_severity
from cds_desktop.ui.shared.roles import EditorKind, Role
from cds_desktop.ui.shared.row_table import Index, RowTableModel
from cds_desktop.ui.commune.workspace import PeriodSnapshot


class IndicatorColumn(IntEnum):
    CODE = 0
    NAME = 1
    VALUE = 2
    DENOMINATOR = 3
    RESULT = 4
    TARGET = 5
    STATUS = 6
    NOTE = 7
    SOURCE = 8
    EVIDENCE = 9


HEADER_IDS = {column: f"ui.indicators.column.{column.name.lower()}" for column in IndicatorColumn}
COLUMNS = tuple(IndicatorColumn)  # by number: faster than calling the enum in ``data``
_RATIO_FIELDS = {IndicatorColumn.VALUE: "numerator", IndicatorColumn.DENOMINATOR: "denominator",
                 IndicatorColumn.RESULT: "value", IndicatorColumn.NOTE: "note", IndicatorColumn.SOURCE: "data_source"}
_OTHER_FIELDS = {IndicatorColumn.VALUE: "value", IndicatorColumn.NOTE: "note", IndicatorColumn.SOURCE: "data_source"}
_RATIO_COLUMNS = {field: column for column, field in _RATIO_FIELDS.items()}
_OTHER_COLUMNS = {field: column for column, field in _OTHER_FIELDS.items()}


@dataclass(frozen=True)
class IndicatorRow:
    """A group heading (``indicator`` is None) or one indicator with its entry and problems."""

    group_title: str
    indicator: Indicator | None = None
    entry: IndicatorEntry | None = None
    problems: tuple[Problem, ...] = ()
    evidence_count: int = 0

    @property

    def key(self) -> str:
        return self.indicator.code if self.indicator else f"group:{self.group_title}"

    @cached_property

    def cell_problems(self) -> dict[IndicatorColumn, list[Problem]]:
        """The row's problems by the column showing them (computed once: ``data`` asks for every cell)."""
        cells: dict[IndicatorColumn, list[Problem]] = {}
        for problem in self.problems:
            cells.setdefault(column_of(self.indicator, problem.field), []).append(problem)
        return cells

    @cached_property

    def outcome(self):
        return indicator_result(self.indicator, self.entry, Level.COMMUNE)


def field_of(indicator: Indicator, column: IndicatorColumn) -> str | None:
    """The entry field a column edits for this indicator (None: not editable)."""
    return (_RATIO_FIELDS if indicator.kind is IndicatorKind.RATIO else _OTHER_FIELDS).get(column)


def column_of(indicator: Indicator, field: str) -> IndicatorColumn:
    """Where a problem about ``field`` is shown (the value column when no cell edits it)."""
    columns = _RATIO_COLUMNS if indicator.kind is IndicatorKind.RATIO else _OTHER_COLUMNS
    return columns.get(field, IndicatorColumn.VALUE)


class IndicatorTableModel(RowTableModel[IndicatorRow]):
    header_ids = HEADER_IDS

    def rows_of(self, snapshot: PeriodSnapshot) -> list[IndicatorRow]:
        rows: list[IndicatorRow] = []
        language = current_language()
        for group in snapshot.plan.groups:
            indicators = [i for i in group.indicators if i.applies_to_communes]
            if not indicators:
                continue
            rows.append(IndicatorRow(f"{group.code}. {group.title.get(language)}"))
            for indicator in indicators:
                rows.append(IndicatorRow(
                    group.title.get(language), indicator,
                    snapshot.entries.indicators.get(indicator.code, IndicatorEntry(indicator.code)),
                    tuple(snapshot.problems_of(indicator.code)),
                    snapshot.entries.evidence_counts.get(indicator.code, 0),
                ))
        return rows

    def index_for(self, item_code: str, field: str) -> QModelIndex:
        for number, row in enumerate(self._rows):
            if row.indicator is not None and row.indicator.code == item_code:
                return self.index(number, column_of(row.indicator, field))
        return QModelIndex()

    # --- Qt model API ----------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if row.indicator is None:
            return Qt.ItemFlag.ItemIsEnabled
        if self._editable and self._editor(row.indicator, COLUMNS[index.column()]) is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def cell(self, row: IndicatorRow, column_number: int, role: int) -> Any:
        column = COLUMNS[column_number]
        if row.indicator is None:
            return self._group_data(row, column, role)
        indicator = row.indicator
        field = field_of(indicator, column)
        cell_problems = row.cell_problems.get(column, [])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(row, field)
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem_tooltip(cell_problems) or self._tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return tint(cell_problems)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC_COLUMNS and indicator.kind is not IndicatorKind.TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in (IndicatorColumn.CODE, IndicatorColumn.TARGET):
            return MUTED_TEXT
        if role == Role.ITEM_CODE:
            return indicator.code
        if role == Role.FIELD:
            return field
        if role == Role.EDITOR:
            return self._editor(indicator, column)
        if role == Role.PLACEHOLDER:
            return self._placeholder(indicator, column)
        if role == Role.SEVERITY:
            return worst_severity(cell_problems)
        if role == Role.BADGE and column is IndicatorColumn.STATUS:
            return row.outcome.status.value
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row = self._rows[index.row()]
        column = IndicatorColumn(index.column())
        field = field_of(row.indicator, column)
        stored = self._stored(row.indicator, column, value)
        if stored == getattr(row.entry, field):
            return False
        self.workspace.set_indicator(row.indicator.code, field, stored)
        return True

    # --- cells -----------------------------------------------------------------------------

    def _group_data(self, row: IndicatorRow, column: IndicatorColumn, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and column is IndicatorColumn.CODE:
            return row.group_title
        if role == Qt.ItemDataRole.BackgroundRole:
            return GROUP_TINT
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Role.IS_GROUP:
            return True
        return None

    def _display(self, row: IndicatorRow, column: IndicatorColumn) -> str:
        indicator, entry, language = row.indicator, row.entry, current_language()
        if column is IndicatorColumn.CODE:
            return indicator.code
        if column is IndicatorColumn.NAME:
            name = indicator.name.get(language)
            if indicator.kind is IndicatorKind.RATIO:
                terms = translate("ui.indicators.terms", numerator=indicator.numerator_label.get(language),
                                  denominator=indicator.denominator_label.get(language))
                return f"{name}\n{terms}"
            return name
        if column is IndicatorColumn.RESULT:
            result = row.outcome.result
            if indicator.kind is IndicatorKind.RATIO:
                return format_percent(result, language) if result is not None else number_text(entry.value)
            return ""
        if column is IndicatorColumn.TARGET:
            return describe_target(indicator.target_for(Level.COMMUNE), indicator.kind, language)
        if column is IndicatorColumn.STATUS:
            status = row.outcome.status
            return "" if status is TargetStatus.NOT_APPLICABLE else target_status_name(status.value)
        if column is IndicatorColumn.EVIDENCE:
            return format_number(row.evidence_count, language) if row.evidence_count else ""
        field = field_of(indicator, column)
        if field is None:
            return ""
        value = getattr(entry, field)
        if indicator.kind is IndicatorKind.BOOLEAN and field == "value":
            return {"1": translate("label.yes"), "0": translate("label.no")}.get(value, value or "")
        if field in ("numerator", "denominator") or (field == "value" and indicator.kind is IndicatorKind.COUNT):
            return number_text(value)
        return value or ""

    def _edit_text(self, row: IndicatorRow, field: str | None) -> Any:
        if field is None:
            return None
        value = getattr(row.entry, field)
        if row.indicator.kind is IndicatorKind.BOOLEAN and field == "value":
            return value
        if field in ("numerator", "denominator", "value") and row.indicator.kind is not IndicatorKind.TEXT:
            return number_text(value)
        return value or ""

    def _tooltip(self, row: IndicatorRow, column: IndicatorColumn) -> str | None:
        placeholder = self._placeholder(row.indicator, column)
        if placeholder:
            return placeholder
        if column is IndicatorColumn.NAME and row.indicator.note:
            return row.indicator.note.get(current_language())
        return None

    @staticmethod

    def _editor(indicator: Indicator, column: IndicatorColumn) -> EditorKind | None:
        field = field_of(indicator, column)
        if field is None:
            return None
        if field in ("note", "data_source") or indicator.kind is IndicatorKind.TEXT:
            return EditorKind.TEXT
        if indicator.kind is IndicatorKind.BOOLEAN:
            return EditorKind.YES_NO
        return EditorKind.NUMBER

    @staticmethod

    def _placeholder(indicator: Indicator, column: IndicatorColumn) -> str | None:
        language = current_language()
        if indicator.kind is IndicatorKind.RATIO and column is IndicatorColumn.VALUE:
            return indicator.numerator_label.get(language)
        if indicator.kind is IndicatorKind.RATIO and column is IndicatorColumn.DENOMINATOR:
            return indicator.denominator_label.get(language)
        if indicator.kind is IndicatorKind.RATIO and column is IndicatorColumn.RESULT:
            return translate("ui.indicators.direct_percent")
        if indicator.kind is IndicatorKind.COUNT and column is IndicatorColumn.VALUE:
            return translate(f"ui.unit.{indicator.unit.value}")
        return None

    @staticmethod

    def _stored(indicator: Indicator, column: IndicatorColumn, value: Any) -> str | None:
        """What the editor gave → the stored form (canonical numbers, "1"/"0", trimmed text)."""
        if value is None:
            return None
        if IndicatorTableModel._editor(indicator, column) is EditorKind.NUMBER:
            return to_canonical(str(value), current_language())
        text = str(value).strip()
        return text or None


_NUMERIC_COLUMNS = (IndicatorColumn.VALUE, IndicatorColumn.DENOMINATOR, IndicatorColumn.RESULT, IndicatorColumn.EVIDENCE)

