"""A table for filling a form with the keyboard alone.

Tab, Shift+Tab and Enter go from input to input, skipping read-only cells (codes, names, computed
results); an input opens as soon as it becomes current, and its value is saved when it is left. Group
heading rows (``Role.IS_GROUP``) span the whole width.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from cds_desktop.ui.commune.delegates import EntryDelegate
from cds_desktop.ui.shared.cells import badge_width
from cds_desktop.ui.shared.roles import Role

_FORWARD = QAbstractItemView.CursorAction.MoveNext
_BACKWARD = QAbstractItemView.CursorAction.MovePrevious


class EntryTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(EntryDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.CurrentChanged
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.verticalHeader().hide()
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.horizontalHeader().setHighlightSections(False)
        self._rows_fit_contents = False  # until first shown (``showEvent``)

    def showEvent(self, event) -> None:  # noqa: N802
        """Rows follow their contents from the first time the table is shown: a table on a page not yet chosen
        measures none of its rows (Qt would otherwise measure them all while the window is filled in)."""
        if not self._rows_fit_contents:
            self._rows_fit_contents = True
            self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        super().showEvent(event)

    def setModel(self, model) -> None:  # noqa: N802
        for changed in (model.modelReset, model.layoutChanged, model.dataChanged, model.rowsInserted,
                        model.rowsRemoved):  # before the view's own slots: it measures the new cells afresh
            changed.connect(self.itemDelegate().forget_sizes)
        super().setModel(model)
        model.modelReset.connect(self._span_groups)
        model.layoutChanged.connect(self._span_groups)
        self._span_groups()

    def _span_groups(self) -> None:
        self.clearSpans()
        model = self.model()
        for row in range(model.rowCount()):
            if model.index(row, 0).data(Role.IS_GROUP):
                self.setSpan(row, 0, 1, model.columnCount())

    def set_column_widths(self, widths: dict[int, int], stretch: int) -> None:
        """Fixed widths (at the font's scale) for most columns; ``stretch`` takes the rest."""
        scale = self.fontMetrics().averageCharWidth() / 7
        header = self.horizontalHeader()
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, int(width * scale))
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def fit_badges(self, column: int, texts: list[str]) -> None:
        """Widen ``column`` (if need be) so that a badge shows any of ``texts`` whole."""
        needed = max(badge_width(self.fontMetrics(), text) for text in texts)
        self.setColumnWidth(column, max(self.columnWidth(column), needed))

    def take_focus(self) -> None:
        """The cursor in this table: on its current cell, or on the first input when it has none."""
        current = self.currentIndex()
        if current.isValid():
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.scrollTo(current)
        else:
            self.focus_cell(self._next_input(QModelIndex(), forward=True))

    def focus_cell(self, index: QModelIndex) -> None:
        """Make ``index`` (of this view's model) current and visible, opening its editor when it has one."""
        if not index.isValid():
            return
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.setCurrentIndex(index)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:  # noqa: N802
        if action not in (_FORWARD, _BACKWARD):
            return super().moveCursor(action, modifiers)
        return self._next_input(self.currentIndex(), forward=action == _FORWARD)

    def _next_input(self, start: QModelIndex, forward: bool) -> QModelIndex:
        """The next editable cell after (or before) ``start`` in reading order; ``start`` when there is none."""
        model = self.model()
        rows, columns = model.rowCount(), model.columnCount()
        if not rows or not columns:
            return QModelIndex()
        position = start.row() * columns + start.column() if start.isValid() else (-1 if forward else rows * columns)
        step = 1 if forward else -1
        position += step
        while 0 <= position < rows * columns:
            index = model.index(position // columns, position % columns)
            if index.flags() & Qt.ItemFlag.ItemIsEditable and not self.isRowHidden(index.row()):
                return index
            position += step
        return start
