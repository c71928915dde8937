"""Cell appearance shared by the commune's entry tables and the office's submission tables: problem tints,
tooltips, badge colours, and ``BadgeDelegate``, which draws a status cell (``Role.BADGE``) as a coloured badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from cds_desktop.core.validation import Problem
from cds_desktop.ui.shared.roles import Role

ERROR_TINT = QColor("#fde2e1")
WARNING_TINT = QColor("#fff4d6")
GROUP_TINT = QColor("#e8eef6")
MUTED_TEXT = QColor("#6b7280")
OVERDUE_TEXT = QColor("#a11d16")  # a deadline already past, as in the period picker

BADGE_COLOURS = {  # status value → (background, text)
    "met": ("#dcf2e3", "#17633a"),
    "not_met": ("#fde2e1", "#a11d16"),
    "no_data": ("#eef0f3", "#4b5563"),
    "invalid": ("#fde2e1", "#7f1d1d"),  # an answer with an error: as the error tint, never the "met" green
    "not_applicable": ("#f5f6f8", "#6b7280"),
    "done": ("#dcf2e3", "#17633a"),
    "in_progress": ("#e0ecfb", "#1d4f91"),
    "not_started": ("#eef0f3", "#4b5563"),
}


def worst_severity(problems: list[Problem]) -> str | None:
    if any(p.is_error for p in problems):
        return "error"
    return "warning" if problems else None


def tint(problems: list[Problem]) -> QColor | None:
    return {"error": ERROR_TINT, "warning": WARNING_TINT, None: None}[worst_severity(problems)]


def problem_tooltip(problems: list[Problem]) -> str | None:
    return "\n".join(p.message() for p in problems) or None


class BadgeDelegate(QStyledItemDelegate):
    """Paints a cell whose ``Role.BADGE`` is a known status as a rounded badge in that status's colours."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not self.paint_badge(painter, option, index):
            super().paint(painter, option, index)

    def paint_badge(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> bool:
        """Draw the cell as a badge when it is one (True), else nothing (False)."""
        badge = index.data(Role.BADGE)
        if badge not in BADGE_COLOURS or not index.data(Qt.ItemDataRole.DisplayRole):
            return False
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
        return True
