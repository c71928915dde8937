"""Editors and painting for the entry tables.

``EntryDelegate`` opens the editor a cell asks for (``Role.EDITOR``): a line edit for numbers, text and
dd/MM/yyyy dates, a combo box for yes/no and task status. Enter and Tab both save the cell and move to the
next input. Empty editable cells show their hint (``Role.PLACEHOLDER``) in grey, wrapped onto as many lines as
it needs (the row grows for it: ``sizeHint``); status cells are drawn as coloured badges (``Role.BADGE``, ``shared.cells.BadgeDelegate``).

Row heights follow the contents (``ResizeToContents``): Qt asks every cell of every row for its size at each
layout pass — when a page is first shown, then again when the window settles, each answer a dozen calls into
the model — which stalled the window for ~100 ms at start-up. ``sizeHint`` therefore remembers each cell's
size for its column width until the table says its data changed (``forget_sizes``, ``entry_table.py``).

Where the keyboard is must be seen at a glance: the current cell gets a thick frame in ``FOCUS_COLOUR``, and an
open editor the same frame on a light background (``EDITOR_STYLE``).

``painted_texts`` says which texts a cell paints and in which rectangle (the hint, the badge's words): the
layout checks (``tests/ui/layout_checks.py``) measure them, so a hint or badge cut off at 1366×768 is caught.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from cds_desktop.core.domain import TaskStatus
from cds_desktop.core.i18n import translate
from cds_desktop.core.presentation import task_status_name
from cds_desktop.ui.shared.cells import BADGE_PADDING, MUTED_TEXT, BadgeDelegate
from cds_desktop.ui.shared.roles import EditorKind, Role

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
FOCUS_COLOUR = QColor("#1d4f91")
FOCUS_WIDTH = 3  # px: seen from a metre away on an old screen
EDITOR_STYLE = (f"border: {FOCUS_WIDTH}px solid {FOCUS_COLOUR.name()}; background: #fffbe8; color: black;"
                " padding: 0px 2px;")
PLACEHOLDER_MARGIN = 4  # px left and right of a hint
_PLACEHOLDER_FLAGS = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)


def _choices(kind: EditorKind) -> list[tuple[str, str | None]]:
    """(label, stored value) of a combo editor."""
    if kind is EditorKind.YES_NO:
        return [(translate("ui.choice.unanswered"), None), (translate("label.yes"), "1"), (translate("label.no"), "0")]
    return [(task_status_name(status.value), status.value) for status in TaskStatus]


def hint_font(font: QFont) -> QFont:
    """The italic the hints are painted in (wider than the upright font: measured in it)."""
    italic = QFont(font)
    italic.setItalic(True)
    return italic


class EntryDelegate(BadgeDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sizes: dict[tuple[int, int, int], QSize] = {}  # (row, column, column width) -> size

    def forget_sizes(self, *_changed) -> None:
        """The cells' data (or their rows) changed: sizes are measured again."""
        self._sizes.clear()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget | None:  # noqa: N802
        kind = index.data(Role.EDITOR)
        if kind is None:
            return None
        kind = EditorKind(kind)
        if kind in (EditorKind.YES_NO, EditorKind.TASK_STATUS):
            combo = QComboBox(parent)
            for label, value in _choices(kind):
                combo.addItem(label, value)
            combo.setObjectName(f"editor_{kind.value}")
            combo.setStyleSheet(f"QComboBox {{ {EDITOR_STYLE} }}")
            return combo
        editor = QLineEdit(parent)
        editor.setObjectName(f"editor_{kind.value}")
        editor.setPlaceholderText(index.data(Role.PLACEHOLDER) or "")
        editor.setStyleSheet(f"QLineEdit {{ {EDITOR_STYLE} }}")
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        else:
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:  # noqa: N802
        value = editor.currentData() if isinstance(editor, QComboBox) else editor.text()
        model.setData(index, value, Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter behaves like Tab: save and go to the next input (Qt would stay on the cell)."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in _ENTER_KEYS:
            if isinstance(editor, QComboBox) and editor.view().isVisible():
                return super().eventFilter(editor, event)
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)

    # --- what a cell paints ----------------------------------------------------------------
    @staticmethod
    def _shown_placeholder(index: QModelIndex) -> str | None:
        placeholder = index.data(Role.PLACEHOLDER)
        if placeholder and not index.data(Qt.ItemDataRole.DisplayRole) and index.flags() & Qt.ItemFlag.ItemIsEditable:
            return placeholder
        return None

    def painted_texts(self, option: QStyleOptionViewItem, index: QModelIndex) -> list[tuple[str, QRect, int, QFont]]:
        """(text, the rectangle it is painted in, alignment and wrap flags, font) of a cell's hint or badge."""
        if self.badge(index) is not None:
            text = index.data(Qt.ItemDataRole.DisplayRole)
            rect = self.badge_rect(option, QFontMetrics(option.font), text)
            inner = rect.adjusted(BADGE_PADDING, 0, -BADGE_PADDING, 0).toRect()
            return [(text, inner, int(Qt.AlignmentFlag.AlignCenter), option.font)]
        placeholder = self._shown_placeholder(index)
        if placeholder is not None:
            rect = option.rect.adjusted(PLACEHOLDER_MARGIN, 0, -PLACEHOLDER_MARGIN, 0)
            return [(placeholder, rect, _PLACEHOLDER_FLAGS, hint_font(option.font))]
        return []

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        """Tall enough for the cell's text and its hint wrapped to the column's width (remembered per width)."""
        view = option.widget
        if view is None or not hasattr(view, "columnWidth"):
            return super().sizeHint(option, index)
        column_width = view.columnWidth(index.column())
        key = (index.row(), index.column(), column_width)
        size = self._sizes.get(key)
        if size is None:
            size = self._sizes[key] = self._measure(option, index, column_width)
        return QSize(size)

    def _measure(self, option: QStyleOptionViewItem, index: QModelIndex, column_width: int) -> QSize:
        size = super().sizeHint(option, index)
        placeholder = self._shown_placeholder(index)
        if placeholder is None:
            return size
        width = column_width - 2 * PLACEHOLDER_MARGIN
        metrics = QFontMetrics(hint_font(option.font))
        needed = metrics.boundingRect(QRect(0, 0, max(width, 1), 10_000), _PLACEHOLDER_FLAGS, placeholder).height()
        return QSize(size.width(), max(size.height(), needed + 6))

    # --- painting --------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not self.paint_badge(painter, option, index):
            QStyledItemDelegate.paint(self, painter, option, index)
            placeholder = self._shown_placeholder(index)
            if placeholder is not None:
                self._paint_placeholder(painter, option, placeholder)
        if option.state & QStyle.StateFlag.State_HasFocus:
            self._paint_focus(painter, option)

    @staticmethod
    def _paint_placeholder(painter: QPainter, option: QStyleOptionViewItem, text: str) -> None:
        painter.save()
        painter.setFont(hint_font(option.font))
        painter.setPen(MUTED_TEXT if not option.state & QStyle.StateFlag.State_Selected
                       else option.palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(option.rect.adjusted(PLACEHOLDER_MARGIN, 0, -PLACEHOLDER_MARGIN, 0), _PLACEHOLDER_FLAGS, text)
        painter.restore()

    @staticmethod
    def _paint_focus(painter: QPainter, option: QStyleOptionViewItem) -> None:
        """The keyboard's cell: a thick frame inside the cell, whatever the style draws (often nothing)."""
        painter.save()
        pen = QPen(FOCUS_COLOUR)
        pen.setWidth(FOCUS_WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = FOCUS_WIDTH // 2 + 1
        painter.drawRect(option.rect.adjusted(inset, inset, -inset - 1, -inset - 1))
        painter.restore()
