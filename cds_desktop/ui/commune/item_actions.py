"""The actions every entry page offers on its current row: the item's change history and its evidence."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableView

from cds_desktop.core.i18n import translate
from cds_desktop.ui.shared.roles import Role


class ItemActions(QObject):
    """Buttons and shortcuts acting on ``view``'s current item; the shell connects the signals."""

    history_requested = Signal(str, str)  # item code, field
    evidence_requested = Signal(str)  # item code

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.history_button = QPushButton(translate("ui.action.history"))
        self.history_button.setToolTip(translate("ui.action.history_tip"))
        self.evidence_button = QPushButton(translate("ui.action.evidence"))
        self.evidence_button.setToolTip(translate("ui.action.evidence_tip"))
        self.history_button.clicked.connect(self.request_history)
        self.evidence_button.clicked.connect(self.request_evidence)
        history = QAction(view)
        history.setShortcut(QKeySequence("Ctrl+H"))
        history.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        history.triggered.connect(self.request_history)
        view.addAction(history)

    def buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.evidence_button)
        row.addWidget(self.history_button)
        return row

    def _current(self) -> tuple[str | None, str]:
        index = self.view.currentIndex()
        return index.data(Role.ITEM_CODE), index.data(Role.FIELD) or ""

    def request_history(self) -> None:
        code, field = self._current()
        if code:
            self.history_requested.emit(code, field)

    def request_evidence(self) -> None:
        code, _ = self._current()
        if code:
            self.evidence_requested.emit(code)
