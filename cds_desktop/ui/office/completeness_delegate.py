"""The colours of the report states and the delegate that draws each cell of the completeness matrix as a badge.

A state is never told by colour alone: the badge also carries its name and the revision ("Đúng hạn · lần 2"), and
the legend above the matrix names each colour. The colours pass WCAG AA contrast (text on its badge).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from cds_desktop.core.services.office.dashboard import CellState
from cds_desktop.ui.shared.roles import Role

STATE_COLOURS = {  # state → (badge background, text)
    CellState.NOT_RECEIVED: ("#eef0f3", "#4b5563"),
    CellState.ON_TIME: ("#dcf2e3", "#17633a"),
    CellState.LATE: ("#fff1d6", "#7a4a00"),
    CellState.RETURNED: ("#fde2e1", "#a11d16"),
    CellState.ACCEPTED: ("#e0ecfb", "#1d4f91"),
}
BADGE_MARGIN = 4  # px around a badge inside its cell
BADGE_PADDING = 8  # px between a badge's edge and its text


def badge_width(text_width: int) -> int:
    """The width a cell needs to show a badge whose text is ``text_width`` pixels wide."""
    return text_width + 2 * (BADGE_MARGIN + BADGE_PADDING)


class StateBadgeDelegate(QStyledItemDelegate):
    """Cells with a state (``Role.BADGE``) are drawn as a rounded badge in the state's colours; others as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        state = index.data(Role.BADGE)
        if state not in STATE_COLOURS:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:  # the selection and focus frame, as for any cell
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        background, foreground = STATE_COLOURS[state]
        metrics = option.fontMetrics
        height = metrics.height() + 4
        width = min(option.rect.width() - 2 * BADGE_MARGIN, metrics.horizontalAdvance(text) + 2 * BADGE_PADDING)
        rect = QRectF(option.rect.x() + (option.rect.width() - width) / 2, option.rect.center().y() - height / 2 + 1,
                      width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(foreground))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()) - BADGE_PADDING)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()
