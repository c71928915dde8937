"""The inbox's second tab: the import log — every file ever imported, whatever came of it — filtered by days,
outcome and commune. Read through ``OfficeService.import_attempts`` whenever a filter changes or an import ends;
an imported report opens (double-click or Enter) on the submission page.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.import_log import OutcomeKind, kind_label
from cds_desktop.ui.office.inbox_models import (
    LOG_COLUMNS,
    SORT_ROLE,
    InboxColumn,
    InboxTableModel,
    Naming,
    line_of_attempt,
)
from cds_desktop.ui.office.workspace import OfficeWorkspace

DEFAULT_DAYS = 30  # the log opens on the last month
LIMIT = 10_000  # newest attempts shown at most; a narrower range shows older ones
COLUMN_WIDTHS = {InboxColumn.TIME: 130, InboxColumn.FILE: 230, InboxColumn.OUTCOME: 130, InboxColumn.COMMUNE: 190,
                 InboxColumn.PLAN: 170, InboxColumn.PERIOD: 130, InboxColumn.REVISION: 70, InboxColumn.REASON: 300,
                 InboxColumn.ADVICE: 300, InboxColumn.ACTOR: 110, InboxColumn.FINGERPRINT: 330}


def _date_edit(object_name: str, day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setObjectName(object_name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


class ImportHistory(QWidget):
    def __init__(self, workspace: OfficeWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        today = workspace.service.clock().date()
        self.since = _date_edit("log_since", today - dt.timedelta(days=DEFAULT_DAYS))
        self.until = _date_edit("log_until", today)
        self.outcome = QComboBox()
        self.outcome.setObjectName("log_outcome")
        self.outcome.addItem(translate("ui.inbox.log.all_outcomes"), "")
        for kind in OutcomeKind:
            self.outcome.addItem(kind_label(kind), kind.value)
        self.commune = QComboBox()
        self.commune.setObjectName("log_commune")
        self.commune.setMinimumContentsLength(24)
        self.commune.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.count = QLabel()
        self.count.setObjectName("log_count")

        filters = QHBoxLayout()
        for label_id, field in (("ui.inbox.log.since", self.since), ("ui.inbox.log.until", self.until),
                                ("ui.inbox.log.outcome", self.outcome), ("ui.inbox.log.commune", self.commune)):
            label = QLabel(translate(label_id))
            label.setBuddy(field)
            filters.addWidget(label)
            filters.addWidget(field)
        filters.addStretch(1)
        filters.addWidget(self.count)

        self.model = InboxTableModel(LOG_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("log_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(LOG_COLUMNS.index(InboxColumn.TIME), Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for position, column in enumerate(LOG_COLUMNS):
            self.table.setColumnWidth(position, COLUMN_WIDTHS[column])
        self.table.activated.connect(self._open)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self._fill_communes()
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.reload)
        for box in (self.outcome, self.commune):
            box.currentIndexChanged.connect(self.reload)
        workspace.changed.connect(self._changed)
        self.reload()

    def _fill_communes(self) -> None:
        chosen = self.commune.currentData()
        self.commune.blockSignals(True)
        self.commune.clear()
        self.commune.addItem(translate("ui.inbox.log.all_communes"), "")
        for commune in self.workspace.service.communes():
            self.commune.addItem(translate("ui.inbox.commune", name=commune.name, code=commune.code), commune.code)
        self.commune.setCurrentIndex(max(0, self.commune.findData(chosen or "")))
        self.commune.blockSignals(False)

    def _changed(self, changes: OfficeChanges) -> None:
        if changes.communes:
            self._fill_communes()
        if changes.submissions or changes.communes:
            self.reload()

    def reload(self) -> None:
        """Read the log again with the filters shown."""
        service = self.workspace.service
        since, until = self.since.date().toPython(), self.until.date().toPython()
        kind, commune = self.outcome.currentData(), self.commune.currentData()
        rows = service.import_attempts(since=since, until=until, outcomes=[kind] if kind else (),
                                       commune=commune or None, limit=LIMIT)
        naming = Naming({}, service.catalog)  # the log joins the commune's name
        self.model.set_lines(line_of_attempt(row, naming) for row in rows)
        count = format_number(len(rows), current_language())
        self.count.setText(translate("ui.inbox.log.limited" if len(rows) >= LIMIT else "ui.inbox.log.count",
                                     count=count))

    def _open(self, index) -> None:
        line = self.model.line(self.proxy.mapToSource(index).row())
        if line.opens_submission:
            self.workspace.show_submission(line.commune, line.plan_id, line.period_id)
