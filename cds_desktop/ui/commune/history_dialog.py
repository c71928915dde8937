"""The change history of one indicator or task in the open period — or of the period itself (item ``*``: its
states, who submitted and approved it, the reasons it was sent back): who changed what, when."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.ui.commune.models.history_model import HistoryColumn, HistoryTableModel
from cds_desktop.ui.commune.workspace import Workspace
from cds_desktop.ui.shared.labels import period_name


class HistoryDialog(QDialog):
    def __init__(self, workspace: Workspace, item_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = workspace.service.history(workspace.plan_id, workspace.period_id, item_code)
        names = {user.username: user.display_name for user in Accounts(workspace.service).users()}
        self.model = HistoryTableModel(rows, self, names)
        if item_code == "*":
            period = period_name(workspace.period_id)
            self.setWindowTitle(translate("ui.history.period_title", period=period))
            heading = QLabel(translate("ui.history.period_heading", period=period, count=len(rows)))
        else:
            self.setWindowTitle(translate("ui.history.title", item=item_code))
            heading = QLabel(translate("ui.history.heading", item=item_code, count=len(rows)) if rows
                             else translate("ui.history.empty", item=item_code))
        heading.setWordWrap(True)
        self.table = QTableView()
        self.table.setObjectName("history_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in ((HistoryColumn.AT, 130), (HistoryColumn.ACTOR, 240), (HistoryColumn.FIELD, 130),
                              (HistoryColumn.REVISION, 70)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(HistoryColumn.OLD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(HistoryColumn.NEW, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox()
        buttons.addButton(translate("ui.button.close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1040, 440)
