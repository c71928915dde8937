"""The indicator form: one row per indicator applying to communes, grouped as in the plan."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.ui.models.indicator_model import IndicatorColumn, IndicatorTableModel
from cds_desktop.ui.pages.item_actions import ItemActions
from cds_desktop.ui.widgets.entry_table import EntryTableView
from cds_desktop.ui.workspace import Workspace

COLUMN_WIDTHS = {
    IndicatorColumn.CODE: 62,
    IndicatorColumn.VALUE: 112,
    IndicatorColumn.DENOMINATOR: 112,
    IndicatorColumn.RESULT: 84,
    IndicatorColumn.TARGET: 88,
    IndicatorColumn.STATUS: 128,
    IndicatorColumn.NOTE: 150,
    IndicatorColumn.SOURCE: 130,
    IndicatorColumn.EVIDENCE: 92,
}


class IndicatorsPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = IndicatorTableModel(workspace, self)
        self.table = EntryTableView()
        self.table.setObjectName("indicator_table")
        self.table.setModel(self.model)
        self.table.set_column_widths(COLUMN_WIDTHS, stretch=IndicatorColumn.NAME)
        self.actions = ItemActions(self.table)
        hint = QLabel(translate("ui.indicators.hint"))
        hint.setWordWrap(True)
        hint.setObjectName("page_hint")
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.actions.buttons())

    def focus_item(self, item_code: str, field: str) -> bool:
        index = self.model.index_for(item_code, field)
        self.table.focus_cell(index)
        return index.isValid()
