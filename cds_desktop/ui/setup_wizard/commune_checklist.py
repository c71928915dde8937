"""The communes of one province with a check box each (a list model), and the widget to tick them: a search
without tone marks, "tick all" and "tick none" for the communes shown, and how many are ticked.

The rows are the official list's ``OfficialCommune`` values; which are ticked is a set of codes. Space ticks the
current row from the keyboard. The widget only collects: the services check the choice.
"""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListView, QPushButton, QVBoxLayout, QWidget

from cds_desktop.core.communes_list import OfficialCommune
from cds_desktop.core.i18n import translate
from cds_desktop.ui.setup_wizard.commune_search import SEARCH_ROLE, FoldedFilter, folded
from cds_desktop.ui.setup_wizard.texts import Texts

Index = QModelIndex | QPersistentModelIndex


class CommuneChecklist(QAbstractListModel):
    ticked_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OfficialCommune] = []
        self._ticked: set[str] = set()

    def set_communes(self, communes: Iterable[OfficialCommune], ticked: Iterable[str] = ()) -> None:
        self.beginResetModel()
        self._rows = list(communes)
        self._ticked = set(ticked) & {row.code for row in self._rows}
        self.endResetModel()
        self.ticked_changed.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("ui.office_setup.commune_item", name=row.name, code=row.code)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.code in self._ticked else Qt.CheckState.Unchecked
        if role == SEARCH_ROLE:
            return folded(f"{row.name} {row.code}")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        self.tick([index.row()], Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def tick(self, rows: Iterable[int], ticked: bool) -> None:
        rows = list(rows)
        for row in rows:
            (self._ticked.add if ticked else self._ticked.discard)(self._rows[row].code)
        for row in rows:
            self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.CheckStateRole])
        self.ticked_changed.emit()

    def ticked_codes(self) -> tuple[str, ...]:
        """The ticked communes' codes, in the order of the list."""
        return tuple(row.code for row in self._rows if row.code in self._ticked)

    def total(self) -> int:
        return len(self._rows)


class CommunePicker(QWidget):
    """Search, the checklist, "tick all" / "tick none" (of the communes shown) and the count ticked."""

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CommuneChecklist(self)
        self.shown = FoldedFilter(self)
        self.shown.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setObjectName("commune_search")
        self.search.setClearButtonEnabled(True)
        texts.bind(self.search.setPlaceholderText, "ui.office_setup.search")
        self.search_label = texts.label("ui.office_setup.search_label", self.search)
        self.view = QListView()
        self.view.setObjectName("commune_list")
        self.view.setModel(self.shown)
        self.view.setUniformItemSizes(True)
        self.all = QPushButton()
        self.all.setObjectName("tick_all")
        texts.bind(self.all.setText, "ui.office_setup.tick_all")
        self.none = QPushButton()
        self.none.setObjectName("tick_none")
        texts.bind(self.none.setText, "ui.office_setup.tick_none")
        self.count = QLabel()
        self.count.setObjectName("ticked_count")
        texts.follow(self._show_count)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_label)
        search_row.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all)
        buttons.addWidget(self.none)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_row)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.search.textChanged.connect(self.shown.search)
        self.all.clicked.connect(lambda: self._tick_shown(True))
        self.none.clicked.connect(lambda: self._tick_shown(False))
        self.model.ticked_changed.connect(self._show_count)
        self._show_count()

    def _tick_shown(self, ticked: bool) -> None:
        rows = [self.shown.mapToSource(self.shown.index(row, 0)).row() for row in range(self.shown.rowCount())]
        self.model.tick(rows, ticked)

    def _show_count(self) -> None:
        self.count.setText(translate("ui.office_setup.ticked", ticked=len(self.model.ticked_codes()),
                                     total=self.model.total()))
