"""The inbox's tables: one line per imported file — the outcomes of the import under way and the import log — as
people read them (commune name, plan title, period in words, reason and what to do), in one table model.

An ``InboxLine`` is built once per file from an ``ImportOutcome`` (``line_of_outcome``) or a row of the import log
(``line_of_attempt``), with every text already in the current language, so that Qt's many calls to ``data`` are
dictionary look-ups. ``InboxTableModel`` shows the columns it is given; a ``QSortFilterProxyModel`` sorts it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Iterable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cds_desktop.core.errors import PlanError
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.office.import_log import OutcomeKind, advice_text, kind_label, logged_error
from cds_desktop.core.services.office.intake import ImportOutcome
from cds_desktop.ui.shared.labels import datetime_text, period_name

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_COLOURS = {  # the outcome column: imported green, nothing to do grey, refused red
    OutcomeKind.NEW_REPORT: QColor("#1b6e2d"),
    OutcomeKind.NEW_REVISION: QColor("#1b6e2d"),
    OutcomeKind.DUPLICATE: QColor("#6b7280"),
    OutcomeKind.REFUSED: QColor("#a11d16"),
}


class InboxColumn(IntEnum):
    OUTCOME = 0
    TIME = 1
    FILE = 2
    COMMUNE = 3
    PLAN = 4
    PERIOD = 5
    REVISION = 6
    REASON = 7
    ADVICE = 8
    ACTOR = 9
    FINGERPRINT = 10


RESULT_COLUMNS = (InboxColumn.OUTCOME, InboxColumn.COMMUNE, InboxColumn.PLAN, InboxColumn.PERIOD,
                  InboxColumn.REVISION, InboxColumn.REASON, InboxColumn.ADVICE, InboxColumn.FILE)
LOG_COLUMNS = (InboxColumn.TIME, InboxColumn.FILE, InboxColumn.OUTCOME, InboxColumn.COMMUNE, InboxColumn.PLAN,
               InboxColumn.PERIOD, InboxColumn.REVISION, InboxColumn.REASON, InboxColumn.ADVICE, InboxColumn.ACTOR,
               InboxColumn.FINGERPRINT)


@dataclass(frozen=True)
class InboxLine:
    """One file as a table shows it; ``commune``/``plan_id``/``period_id`` say which submission it opens."""

    kind: OutcomeKind
    file_name: str
    file_tip: str  # the full path or the file's hashes
    commune: str | None
    commune_text: str
    plan_id: str | None
    plan_text: str
    period_id: str | None
    period_text: str
    revision: int | None
    reason: str
    advice: str
    time_text: str = ""
    time_sort: str = ""
    actor: str = ""
    fingerprint: str = ""

    @property
    def opens_submission(self) -> bool:
        return self.kind.accepted and None not in (self.commune, self.plan_id, self.period_id)


class Naming:
    """How commune codes, plan ids and period ids read in the current language."""

    def __init__(self, commune_names: dict[str, str], catalog: PlanCatalog) -> None:
        self.commune_names, self.catalog = commune_names, catalog
        self.language = current_language()

    def commune(self, code: str | None, name: str | None = None) -> str:
        if code is None:
            return translate("ui.inbox.header_unreadable")
        name = name or self.commune_names.get(code)
        if name is None:
            return translate("ui.inbox.commune_not_listed", code=code)
        return translate("ui.inbox.commune", name=name, code=code)

    def plan(self, plan_id: str | None) -> str:
        if plan_id is None:
            return ""
        try:
            return self.catalog.get(plan_id).plan.title.get(self.language)
        except PlanError:  # a plan the office does not have (the file is refused for it): its id
            return plan_id

    @staticmethod
    def period(period_id: str | None) -> str:
        if period_id is None:
            return ""
        try:
            return period_name(period_id)
        except ValueError:  # not a period of any plan (a refused file may say anything)
            return period_id


def line_of_outcome(outcome: ImportOutcome, naming: Naming) -> InboxLine:
    return InboxLine(
        kind=outcome.kind, file_name=outcome.file.name, file_tip=str(outcome.file), commune=outcome.commune,
        commune_text=naming.commune(outcome.commune), plan_id=outcome.plan, plan_text=naming.plan(outcome.plan),
        period_id=outcome.period, period_text=naming.period(outcome.period), revision=outcome.revision,
        reason=outcome.reason(), advice=outcome.advice(), fingerprint=outcome.fingerprint or "")


def line_of_attempt(row: Any, naming: Naming) -> InboxLine:
    """A row of the import log (``OfficeService.import_attempts``) as a line."""
    error = logged_error(row.error_code, row.error_params_json) if row.error_code else None
    attempted: dt.datetime = row.attempted_at
    return InboxLine(
        kind=OutcomeKind(row.outcome), file_name=row.file_name,
        file_tip=translate("ui.inbox.file_tip", sha256=row.file_sha256 or "—"), commune=row.commune_code,
        commune_text=naming.commune(row.commune_code, row.commune_name), plan_id=row.plan_id,
        plan_text=naming.plan(row.plan_id), period_id=row.period_id, period_text=naming.period(row.period_id),
        revision=row.revision, reason=error.message() if error else "",
        advice=advice_text(error.code) if error else "", time_text=datetime_text(attempted),
        time_sort=f"{attempted.astimezone(dt.timezone.utc):%Y%m%d%H%M%S}{row.id:012d}", actor=row.actor,
        fingerprint=row.fingerprint or "")


class InboxTableModel(QAbstractTableModel):
    """Lines of imported files in the columns given (``RESULT_COLUMNS``, ``LOG_COLUMNS``)."""

    def __init__(self, columns: Sequence[InboxColumn], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._lines: list[InboxLine] = []

    def set_lines(self, lines: Iterable[InboxLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def append(self, line: InboxLine) -> None:
        self.beginInsertRows(QModelIndex(), len(self._lines), len(self._lines))
        self._lines.append(line)
        self.endInsertRows()

    def lines(self) -> list[InboxLine]:
        return list(self._lines)

    def line(self, row: int) -> InboxLine:
        return self._lines[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(f"ui.inbox.column.{self.columns[section].name.lower()}")
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        line, column = self._lines[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
            return _text(line, column, role)
        if role == Qt.ItemDataRole.ForegroundRole and column is InboxColumn.OUTCOME:
            return KIND_COLOURS[line.kind]
        if role == Qt.ItemDataRole.TextAlignmentRole and column is InboxColumn.REVISION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _text(line: InboxLine, column: InboxColumn, role: int) -> Any:
    if column is InboxColumn.OUTCOME:
        return list(OutcomeKind).index(line.kind) if role == SORT_ROLE else kind_label(line.kind)
    if column is InboxColumn.REVISION:
        if role == SORT_ROLE:
            return line.revision if line.revision is not None else -1
        return str(line.revision) if line.revision is not None else ""
    if column is InboxColumn.TIME and role == SORT_ROLE:
        return line.time_sort
    if column is InboxColumn.FILE and role == Qt.ItemDataRole.ToolTipRole:
        return line.file_tip
    if column is InboxColumn.PERIOD and role == SORT_ROLE:
        return line.period_id or ""
    return {
        InboxColumn.TIME: line.time_text, InboxColumn.FILE: line.file_name, InboxColumn.COMMUNE: line.commune_text,
        InboxColumn.PLAN: line.plan_text, InboxColumn.PERIOD: line.period_text, InboxColumn.REASON: line.reason,
        InboxColumn.ADVICE: line.advice, InboxColumn.ACTOR: line.actor, InboxColumn.FINGERPRINT: line.fingerprint,
    }[column]
