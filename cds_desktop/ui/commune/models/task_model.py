"""The task checklist as a table (one row per task the commune reports on) and its filter proxy.

Editing a cell saves the field through the ``Workspace`` at once. ``TaskFilterProxy`` narrows the rows to
overdue tasks, tasks not started, and/or one lead agency, from the model's custom roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from cds_desktop.core.domain import TaskEntry, TaskStatus
from cds_desktop.core.formatting import describe_deadline
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number, to_canonical
from cds_desktop.core.plans.model import Task
from cds_desktop.core.presentation import task_status_name
from cds_desktop.core.validation import Problem
from cds_desktop.ui.shared.labels import date_text
from cds_desktop.ui.shared.cells import MUTED_TEXT, OVERDUE_TEXT, problem_tooltip, tint, worst_severity
from cds_desktop.ui.shared.roles import EditorKind, Role
from cds_desktop.ui.shared.row_table import Index, RowTableModel
from cds_desktop.ui.commune.workspace import PeriodSnapshot


class TaskColumn(IntEnum):
    CODE = 0
    TITLE = 1
    DEADLINE = 2
    STATUS = 3
    PROGRESS = 4
    COMPLETED = 5
    RESULT = 6
    DIFFICULTIES = 7
    PROPOSALS = 8
    EVIDENCE = 9


HEADER_IDS = {column: f"ui.tasks.column.{column.name.lower()}" for column in TaskColumn}

FIELDS = {
    TaskColumn.STATUS: "status",
    TaskColumn.PROGRESS: "progress_pct",
    TaskColumn.COMPLETED: "completed_on",
    TaskColumn.RESULT: "result",
    TaskColumn.DIFFICULTIES: "difficulties",
    TaskColumn.PROPOSALS: "proposals",
}
EDITORS = {
    TaskColumn.STATUS: EditorKind.TASK_STATUS,
    TaskColumn.PROGRESS: EditorKind.NUMBER,
    TaskColumn.COMPLETED: EditorKind.DATE,
    TaskColumn.RESULT: EditorKind.TEXT,
    TaskColumn.DIFFICULTIES: EditorKind.TEXT,
    TaskColumn.PROPOSALS: EditorKind.TEXT,
}


_COLUMN_OF_FIELD = {field: column for column, field in FIELDS.items()}
COLUMNS = tuple(TaskColumn)  # by number: faster than calling the enum in ``data``


def column_of(field: str) -> TaskColumn:
    """Where a problem about ``field`` is shown (evidence problems in the evidence column)."""
    return _COLUMN_OF_FIELD.get(field, TaskColumn.EVIDENCE)


@dataclass(frozen=True)
class TaskRow:
    task: Task
    entry: TaskEntry
    problems: tuple[Problem, ...]
    evidence_count: int

    @property

    def key(self) -> str:
        return self.task.code

    @property

    def overdue(self) -> bool:
        return any(p.code == "task.overdue" for p in self.problems)

    @cached_property

    def cell_problems(self) -> dict[TaskColumn, list[Problem]]:
        """The row's problems by the column showing them (computed once: ``data`` asks for every cell)."""
        cells: dict[TaskColumn, list[Problem]] = {}
        for problem in self.problems:
            cells.setdefault(column_of(problem.field), []).append(problem)
        return cells


class TaskTableModel(RowTableModel[TaskRow]):
    header_ids = HEADER_IDS

    def rows_of(self, snapshot: PeriodSnapshot) -> list[TaskRow]:
        return [
            TaskRow(task, snapshot.entries.tasks.get(task.code, TaskEntry(task.code)),
                    tuple(snapshot.problems_of(task.code)), snapshot.entries.evidence_counts.get(task.code, 0))
            for task in snapshot.plan.commune_tasks()
        ]

    def lead_agencies(self) -> list[str]:
        language = current_language()
        return sorted({r.task.lead_agency.get(language) for r in self._rows if r.task.lead_agency})

    def index_for(self, item_code: str, field: str) -> QModelIndex:
        for number, row in enumerate(self._rows):
            if row.task.code == item_code:
                return self.index(number, column_of(field))
        return QModelIndex()

    # --- Qt model API ----------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and COLUMNS[index.column()] in EDITORS:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def cell(self, row: TaskRow, column_number: int, role: int) -> Any:
        column = COLUMNS[column_number]
        cell_problems = row.cell_problems.get(column, [])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem_tooltip(cell_problems) or self._tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return tint(cell_problems)
        if role == Qt.ItemDataRole.ForegroundRole and column in (TaskColumn.CODE, TaskColumn.DEADLINE):
            return OVERDUE_TEXT if column is TaskColumn.DEADLINE and row.overdue else MUTED_TEXT
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (TaskColumn.PROGRESS, TaskColumn.EVIDENCE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.ITEM_CODE:
            return row.task.code
        if role == Role.FIELD:
            return FIELDS.get(column)
        if role == Role.EDITOR:
            return EDITORS.get(column)
        if role == Role.PLACEHOLDER and column is TaskColumn.COMPLETED and row.entry.status is TaskStatus.DONE:
            return translate("ui.date_placeholder")
        if role == Role.SEVERITY:
            return worst_severity(cell_problems)
        if role == Role.BADGE and column is TaskColumn.STATUS:
            return row.entry.status.value
        if role == Role.OVERDUE:
            return row.overdue
        if role == Role.LEAD_AGENCY:
            return row.task.lead_agency.get(current_language()) if row.task.lead_agency else ""
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row, column = self._rows[index.row()], TaskColumn(index.column())
        stored = _stored(column, value)
        if stored == self._edit_value(row, column):
            return False
        self.workspace.set_task(row.task.code, FIELDS[column], stored)
        return True

    # --- cells -----------------------------------------------------------------------------

    def _display(self, row: TaskRow, column: TaskColumn) -> str:
        task, entry, language = row.task, row.entry, current_language()
        if column is TaskColumn.CODE:
            return task.code
        if column is TaskColumn.TITLE:
            title = task.title.get(language)
            if task.lead_agency:
                return f"{title}\n{translate('ui.tasks.lead', agency=task.lead_agency.get(language))}"
            return title
        if column is TaskColumn.DEADLINE:
            return describe_deadline(task.deadline, language)
        if column is TaskColumn.STATUS:
            return task_status_name(entry.status.value)
        if column is TaskColumn.PROGRESS:
            return f"{format_number(entry.progress_pct, language)}%" if entry.progress_pct is not None else ""
        if column is TaskColumn.COMPLETED:
            return date_text(entry.completed_on)
        if column is TaskColumn.EVIDENCE:
            return format_number(row.evidence_count, language) if row.evidence_count else ""
        return getattr(entry, FIELDS[column]) or ""

    def _edit_value(self, row: TaskRow, column: TaskColumn) -> Any:
        entry = row.entry
        if column is TaskColumn.STATUS:
            return entry.status.value
        if column is TaskColumn.PROGRESS:
            return str(entry.progress_pct) if entry.progress_pct is not None else None
        if column is TaskColumn.COMPLETED:
            return date_text(entry.completed_on) or None
        if column in FIELDS:
            return getattr(entry, FIELDS[column])
        return None

    @staticmethod

    def _tooltip(row: TaskRow, column: TaskColumn) -> str | None:
        language = current_language()
        if column is TaskColumn.TITLE and row.task.description:
            return row.task.description.get(language)
        if column is TaskColumn.DEADLINE and row.task.deadline.text:
            return row.task.deadline.text.get(language)
        return None


def _stored(column: TaskColumn, value: Any) -> str | None:
    text = None if value is None else str(value).strip() or None
    if column is TaskColumn.PROGRESS and text is not None:
        return to_canonical(text.rstrip("%").strip(), current_language())
    if column is TaskColumn.STATUS and text is None:
        return TaskStatus.NOT_STARTED.value
    return text


class TaskFilter(StrEnum):
    ALL = "all"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"


class TaskFilterProxy(QSortFilterProxyModel):
    """Shows the tasks matching the chosen filter and lead agency (empty agency: every agency)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._filter = TaskFilter.ALL
        self._agency = ""

    def set_filter(self, task_filter: TaskFilter, agency: str) -> None:
        self.beginFilterChange()
        self._filter, self._agency = task_filter, agency
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._agency and model.data(index, Role.LEAD_AGENCY) != self._agency:
            return False
        if self._filter is TaskFilter.OVERDUE:
            return bool(model.data(index, Role.OVERDUE))
        if self._filter is TaskFilter.NOT_STARTED:
            return model.data(model.index(source_row, TaskColumn.STATUS, source_parent), Role.BADGE) == TaskStatus.NOT_STARTED.value
        return True
