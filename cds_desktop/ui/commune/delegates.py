"""Editors and painting for the entry tables.

``EntryDelegate`` opens the editor a cell asks for (``Role.EDITOR``): a line edit for numbers, text and
dd/MM/yyyy dates, a combo box for yes/no and task status. Enter and Tab both save the cell and move to the
next input. Empty editable cells show their hint (``Role.PLACEHOLDER``) in grey; status cells are drawn as
coloured badges (``Role.BADGE``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
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
from cds_desktop.ui.commune.models.cells import BADGE_COLOURS, MUTED_TEXT
from cds_desktop.ui.shared.roles import EditorKind, Role

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _choices(kind: EditorKind) -> list[tuple[str, str | None]]:
    """(label, stored value) of a combo editor."""
    if kind is EditorKind.YES_NO:
        return [(translate("ui.choice.unanswered"), None), (translate("label.yes"), "1"), (translate("label.no"), "0")]
    return [(task_status_name(status.value), status.value) for status in TaskStatus]


class EntryDelegate(QStyledItemDelegate):
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
            return combo
        editor = QLineEdit(parent)
        editor.setObjectName(f"editor_{kind.value}")
        editor.setPlaceholderText(index.data(Role.PLACEHOLDER) or "")
        editor.setFrame(False)
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

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        badge = index.data(Role.BADGE)
        if badge in BADGE_COLOURS and index.data(Qt.ItemDataRole.DisplayRole):
            self._paint_badge(painter, option, index, badge)
            return
        super().paint(painter, option, index)
        placeholder = index.data(Role.PLACEHOLDER)
        if placeholder and not index.data(Qt.ItemDataRole.DisplayRole) and index.flags() & Qt.ItemFlag.ItemIsEditable:
            self._paint_placeholder(painter, option, placeholder)

    def _paint_badge(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex, badge: str) -> None:
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        background, foreground = BADGE_COLOURS[badge]
        metrics = option.fontMetrics
        width = min(option.rect.width() - 8, metrics.horizontalAdvance(text) + 16)
        height = metrics.height() + 4
        rect = QRectF(option.rect.x() + 4, option.rect.center().y() - height / 2 + 1, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(foreground))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()) - 12)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()

    @staticmethod
    def _paint_placeholder(painter: QPainter, option: QStyleOptionViewItem, text: str) -> None:
        painter.save()
        font = option.font
        font.setItalic(True)
        painter.setFont(font)
        painter.setPen(MUTED_TEXT if not option.state & QStyle.StateFlag.State_Selected
                       else option.palette.color(QPalette.ColorRole.HighlightedText))
        rect = option.rect.adjusted(4, 0, -4, 0)
        elided = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), elided)
        painter.restore()
