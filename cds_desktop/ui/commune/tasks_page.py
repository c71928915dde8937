"""The task checklist: status, progress, completion date, result, difficulties, proposals, evidence; filters."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cds_desktop.core.domain import TaskStatus
from cds_desktop.core.i18n import translate
from cds_desktop.core.presentation import task_status_name
from cds_desktop.ui.commune.models.task_model import TaskColumn, TaskFilter, TaskFilterProxy, TaskTableModel
from cds_desktop.ui.commune.item_actions import ItemActions
from cds_desktop.ui.commune.entry_table import EntryTableView
from cds_desktop.ui.commune.workspace import Workspace

COLUMN_WIDTHS = {
    TaskColumn.CODE: 62,
    TaskColumn.DEADLINE: 96,
    TaskColumn.STATUS: 132,
    TaskColumn.PROGRESS: 70,
    TaskColumn.COMPLETED: 130,
    TaskColumn.RESULT: 150,
    TaskColumn.DIFFICULTIES: 124,
    TaskColumn.PROPOSALS: 124,
    TaskColumn.EVIDENCE: 92,
}


class TasksPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TaskTableModel(workspace, self)
        self.proxy = TaskFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = EntryTableView()
        self.table.setObjectName("task_table")
        self.table.setModel(self.proxy)
        self.table.set_column_widths(COLUMN_WIDTHS, stretch=TaskColumn.TITLE)
        self.table.fit_badges(TaskColumn.STATUS, [task_status_name(status.value) for status in TaskStatus])
        self.actions = ItemActions(self.table)

        self.filter_box = QComboBox()
        self.filter_box.setObjectName("task_filter")
        for task_filter in TaskFilter:
            self.filter_box.addItem(translate(f"ui.tasks.filter.{task_filter.value}"), task_filter.value)
        self.agency_box = QComboBox()
        self.agency_box.setObjectName("agency_filter")
        self.agency_box.setMinimumContentsLength(28)
        self.agency_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._fill_agencies()
        self.model.modelReset.connect(self._fill_agencies)
        self.filter_box.currentIndexChanged.connect(self._apply_filter)
        self.agency_box.currentIndexChanged.connect(self._apply_filter)

        filters = QHBoxLayout()
        show_label = QLabel(translate("ui.tasks.show"))
        show_label.setBuddy(self.filter_box)
        agency_label = QLabel(translate("ui.tasks.agency"))
        agency_label.setBuddy(self.agency_box)
        filters.addWidget(show_label)
        filters.addWidget(self.filter_box)
        filters.addSpacing(16)
        filters.addWidget(agency_label)
        filters.addWidget(self.agency_box)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.actions.buttons())

    def _fill_agencies(self) -> None:
        chosen = self.agency_box.currentData()
        self.agency_box.blockSignals(True)
        self.agency_box.clear()
        self.agency_box.addItem(translate("ui.tasks.all_agencies"), "")
        for agency in self.model.lead_agencies():
            self.agency_box.addItem(agency, agency)
        self.agency_box.setCurrentIndex(max(0, self.agency_box.findData(chosen)))
        self.agency_box.blockSignals(False)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(TaskFilter(self.filter_box.currentData()), self.agency_box.currentData() or "")

    def take_focus(self) -> None:
        self.table.take_focus()

    def focus_item(self, item_code: str, field: str) -> bool:
        source = self.model.index_for(item_code, field)
        if source.isValid() and not self.proxy.mapFromSource(source).isValid():
            self.filter_box.setCurrentIndex(0)
            self.agency_box.setCurrentIndex(0)
        index = self.proxy.mapFromSource(source)
        self.table.focus_cell(index)
        return index.isValid()
