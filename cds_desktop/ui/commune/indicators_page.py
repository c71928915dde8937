"""The indicator form: one row per indicator applying to communes, grouped as in the plan.

The typing hint above the table shows only while the open period can be edited."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.i18n import translate
from cds_desktop.core.presentation import target_status_name
from cds_desktop.ui.commune.models.indicator_model import IndicatorColumn, IndicatorTableModel
from cds_desktop.ui.commune.item_actions import ItemActions
from cds_desktop.ui.commune.entry_table import EntryTableView
from cds_desktop.ui.commune.workspace import Workspace

COLUMN_WIDTHS = {
    IndicatorColumn.CODE: 62,
    IndicatorColumn.VALUE: 134,
    IndicatorColumn.DENOMINATOR: 112,
    IndicatorColumn.RESULT: 84,
    IndicatorColumn.TARGET: 88,
    IndicatorColumn.STATUS: 120,
    IndicatorColumn.NOTE: 144,
    IndicatorColumn.SOURCE: 130,
    IndicatorColumn.EVIDENCE: 92,
}


class IndicatorsPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = IndicatorTableModel(workspace, self)
        self.table = EntryTableView()
        self.table.setObjectName("indicator_table")
        self.table.setModel(self.model)
        self.table.set_column_widths(COLUMN_WIDTHS, stretch=IndicatorColumn.NAME)
        self.table.fit_badges(IndicatorColumn.STATUS, [target_status_name(status.value) for status in TargetStatus])
        self.actions = ItemActions(self.table)
        self.hint = QLabel(translate("ui.indicators.hint"))
        self.hint.setWordWrap(True)
        self.hint.setObjectName("page_hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.actions.buttons())
        workspace.period_opened.connect(self._show_hint)
        workspace.changed.connect(self._show_hint)
        self._show_hint()

    def _show_hint(self, *_changes) -> None:
        self.hint.setVisible(self.workspace.has_period and self.workspace.snapshot().editable)

    def take_focus(self) -> None:
        self.table.take_focus()

    def focus_item(self, item_code: str, field: str) -> bool:
        index = self.model.index_for(item_code, field)
        self.table.focus_cell(index)
        return index.isValid()
