"""A box to choose one of the 34 provinces of 2025: type part of the name to find it, or pick it from the list.
``province_changed`` says which province the box names now (its code, "" for none), as it is picked or typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from cds_desktop.core.provinces import provinces


class ProvinceBox(QComboBox):
    province_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._named = ""
        self.setEditable(True)  # type part of the name to find it
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for province in provinces():
            self.addItem(province.name, province.code)
        self.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCurrentIndex(-1)
        self.currentTextChanged.connect(self._text_changed)

    def _text_changed(self, _text: str) -> None:
        named = self.code()
        if named != self._named:
            self._named = named
            self.province_changed.emit(named)

    def code(self) -> str:
        """The code of the province whose name is in the box ("" when the text names none)."""
        index = self.findText(self.currentText().strip())
        return self.itemData(index) if index >= 0 else ""

    def choose(self, code: str) -> bool:
        """Show the province ``code``; False (and nothing chosen) when it is not one of the 34."""
        index = self.findData(code)
        self.setCurrentIndex(index)
        return index >= 0
