"""The tables of the submission page: Qt models over the plain rows of ``Submissions.submission_detail``
(indicators, tasks, evidence, problems, history, differences) and over the summary of "accept all clean".

Each model is read-only and replaced as a whole (``set_rows``) when another submission or revision is shown.
Status cells carry ``Role.BADGE`` (a ``TargetStatus`` / ``TaskStatus`` value) for ``shared.cells.BadgeDelegate``,
which draws them in the commune's badge colours; ``Role.ITEM_CODE`` names the row's indicator or task.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from cds_desktop.core.formatting import describe_deadline, describe_quantity, describe_target
from cds_desktop.core.i18n import catalog, current_language, translate
from cds_desktop.core.numbers import QuantityError, parse_decimal
from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.core.services.office.receipts import SkippedSubmission, skip_reason_text
from cds_desktop.core.services.office.submissions import (
    EvidenceLine,
    HistoryLine,
    IndicatorLine,
    TaskLine,
    ValueChange,
)
from cds_desktop.core.validation import Problem
from cds_desktop.ui.shared.cells import ERROR_TINT, OVERDUE_TEXT, WARNING_TINT
from cds_desktop.ui.shared.labels import (
    date_text,
    datetime_text,
    number_text,
    size_text,
    stored_value_text,
)
from cds_desktop.ui.shared.roles import Role

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")
_DISPLAY, _TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


class RowsModel(QAbstractTableModel, Generic[R]):
    """Plain rows shown as a read-only table: ``columns`` are (message id of the header, cell text of a row)."""

    columns: Sequence[tuple[str, Callable[[Any], str]]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return translate(self.columns[section][0])
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (_DISPLAY, _TOOLTIP):
            return self.columns[index.column()][1](row)
        return self.extra(row, index.column(), role)

    def extra(self, row: R, column: int, role: int) -> Any:
        """Any other role of a cell (badges, colours, codes)."""
        return None


def _quantity(text: str | None, kind: IndicatorKind) -> str:
    """A stored result ("60.00", a percentage for ratios) as people read it: "60%", "3", "Có"."""
    try:
        value = parse_decimal(text)
    except QuantityError:
        return text or ""
    return describe_quantity(value, kind, current_language()) if value is not None else ""


def _reported(line: IndicatorLine) -> str:
    """What the commune answered: "60 / 100" for a ratio's terms, else its value."""
    if line.numerator is not None or line.denominator is not None:
        return f"{number_text(line.numerator)} / {number_text(line.denominator)}"
    if line.kind is IndicatorKind.BOOLEAN and line.value in ("0", "1"):
        return translate("label.yes" if line.value == "1" else "label.no")
    if line.kind is IndicatorKind.TEXT:
        return line.value or ""
    if line.kind is IndicatorKind.RATIO and line.value is not None:
        return _quantity(line.value, IndicatorKind.RATIO)
    return number_text(line.value)


def _note(line: IndicatorLine) -> str:
    return "\n".join(text for text in (line.note, line.data_source) if text)


class IndicatorsModel(RowsModel[IndicatorLine]):
    columns = (
        ("ui.indicators.column.code", lambda r: r.code),
        ("ui.indicators.column.name", lambda r: r.name.get(current_language())),
        ("ui.office_review.column.reported", _reported),
        ("ui.indicators.column.result", lambda r: _quantity(r.result, r.kind)
         if r.kind is not IndicatorKind.TEXT else ""),
        ("ui.indicators.column.target", lambda r: describe_target(r.target, r.kind, current_language())),
        ("ui.indicators.column.status", lambda r: translate(f"target_status.{r.status.value}")),
        ("ui.office_review.column.note", _note),
    )
    STATUS = 5

    def extra(self, row: IndicatorLine, column: int, role: int) -> Any:
        if role == Role.BADGE and column == self.STATUS:
            return row.status.value
        if role == Role.ITEM_CODE:
            return row.code
        return None


def _task_status(line: TaskLine) -> str:
    status = translate(f"task_status.{line.status.value}")
    return translate("ui.office_review.task_overdue", status=status) if line.overdue else status


class TasksModel(RowsModel[TaskLine]):
    columns = (
        ("ui.tasks.column.code", lambda r: r.code),
        ("ui.tasks.column.title", lambda r: r.title.get(current_language())),
        ("ui.tasks.column.deadline", lambda r: describe_deadline(r.deadline, current_language())),
        ("ui.tasks.column.status", _task_status),
        ("ui.tasks.column.progress", lambda r: f"{r.progress_pct}%" if r.progress_pct is not None else ""),
        ("ui.tasks.column.completed", lambda r: date_text(r.completed_on)),
        ("ui.tasks.column.result", lambda r: r.result or ""),
        ("ui.tasks.column.difficulties", lambda r: r.difficulties or ""),
        ("ui.tasks.column.proposals", lambda r: r.proposals or ""),
    )
    STATUS = 3

    def extra(self, row: TaskLine, column: int, role: int) -> Any:
        if column == self.STATUS and role == Role.BADGE and not row.overdue:
            return row.status.value
        if column == self.STATUS and role == Role.OVERDUE:
            return row.overdue
        if column == self.STATUS and role == Qt.ItemDataRole.ForegroundRole and row.overdue:
            return OVERDUE_TEXT
        if role == Role.ITEM_CODE:
            return row.code
        return None


class EvidenceModel(RowsModel[EvidenceLine]):
    columns = (
        ("ui.evidence.column.item", lambda r: r.item_code),
        ("ui.evidence.column.name", lambda r: r.name),
        ("ui.evidence.column.size", lambda r: size_text(r.size)),
        ("ui.office_review.column.sha256", lambda r: r.sha256),
    )


class ProblemsModel(RowsModel[Problem]):
    columns = (
        ("ui.problems.column.severity", lambda r: translate(f"severity.{r.severity.value}")),
        ("ui.problems.column.item", lambda r: r.item_code),
        ("ui.problems.column.message", lambda r: r.message()),
    )

    def extra(self, row: Problem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return ERROR_TINT if row.is_error else WARNING_TINT
        if role == Role.ITEM_CODE:
            return row.item_code
        return None


def _item(code: str) -> str:
    return translate("ui.office_review.whole_report") if code == "*" else code


def _history_value(line: HistoryLine, value: str | None) -> str:
    if line.item == "*" and line.field in ("state", "office_status") and value:
        return translate(f"state.{value}")
    return stored_value_text(line.field, value)


class HistoryModel(RowsModel[HistoryLine]):
    columns = (
        ("ui.history.column.at", lambda r: datetime_text(r.at)),
        ("ui.history.column.actor", lambda r: r.actor),
        ("ui.office_review.column.item", lambda r: _item(r.item)),
        ("ui.history.column.field", lambda r: _field(r.field)),
        ("ui.history.column.old", lambda r: _history_value(r, r.old)),
        ("ui.history.column.new", lambda r: _history_value(r, r.new)),
        ("ui.history.column.revision", lambda r: str(r.revision)),
    )


def _field(field: str) -> str:
    """A field's name: an item's field as the commune's screens name it, the report's own columns (its state,
    revision, the office's answer) by this page's names; any other (a newer version's) as recorded."""
    for message_id in (f"ui.office_review.field.{field}", f"field.{field}"):
        if message_id in catalog():
            return translate(message_id)
    return field


class ChangesModel(RowsModel[ValueChange]):
    columns = (
        ("ui.office_review.column.item", lambda r: r.item),
        ("ui.history.column.field", lambda r: _field(r.field)),
        ("ui.history.column.old", lambda r: _change_value(r.field, r.old)),
        ("ui.history.column.new", lambda r: _change_value(r.field, r.new)),
    )


def _change_value(field: str, value: str | None) -> str:
    if field == "result" and value is not None:
        try:
            return number_text(str(Decimal(value)))
        except ArithmeticError:
            return value
    return stored_value_text(field, value) if value is not None else translate("ui.office_review.blank")


class SkippedModel(RowsModel[SkippedSubmission]):
    """Why "accept all clean" left each submission it did not accept."""

    columns = (
        ("ui.office_review.column.commune", lambda r: f"{r.commune_name} ({r.commune_code})"),
        ("ui.office_review.column.revision", lambda r: str(r.revision)),
        ("ui.office_review.column.why", lambda r: skip_reason_text(r)),
    )
