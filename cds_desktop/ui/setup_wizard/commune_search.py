"""Finding a commune by what people type: without tone marks, ignoring case ("nhan co" finds "Nhân Cơ"), by name
or by code. ``folded`` is the text compared; ``FoldedFilter`` is a proxy model that keeps the rows whose
``SEARCH_ROLE`` text holds the folded words typed. Used by the set-up wizard's commune pickers and by the office's
communes screen."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 40  # a row's folded text: name and code


def folded(text: str) -> str:
    """Lower case without tone marks, so that "nhan co" finds "Nhân Cơ"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class FoldedFilter(QSortFilterProxyModel):
    """Rows whose ``SEARCH_ROLE`` text contains every word of the search (folded), in any order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = folded(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,  # noqa: N802 - Qt's name
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        text = self.sourceModel().index(source_row, 0, source_parent).data(SEARCH_ROLE) or ""
        return all(word in text for word in self._words)
