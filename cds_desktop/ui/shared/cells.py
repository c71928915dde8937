"""Cell appearance shared by the commune's entry tables and the office's submission tables: problem tints,
tooltips, badge colours, and ``BadgeDelegate``, which draws a status cell (``Role.BADGE``) as a coloured badge
(the office's completeness matrix draws its report states with the same delegate, in its own colours)."""

from __future__ import annotations

from typing import Mapping

from PySide6.QtCore import QModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
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
BADGE_MARGIN = 4  # px around a badge inside its cell
BADGE_PADDING = 8  # px each side of a badge's words


def worst_severity(problems: list[Problem]) -> str | None:
    if any(p.is_error for p in problems):
        return "error"
    return "warning" if problems else None


def tint(problems: list[Problem]) -> QColor | None:
    return {"error": ERROR_TINT, "warning": WARNING_TINT, None: None}[worst_severity(problems)]


def problem_tooltip(problems: list[Problem]) -> str | None:
    return "\n".join(p.message() for p in problems) or None


def text_width(metrics: QFontMetrics, text: str) -> int:
    """The width ``text`` covers when drawn (its glyphs' overhangs included: a little more than its advance)."""
    return metrics.boundingRect(QRect(0, 0, 100_000, 100), int(Qt.AlignmentFlag.AlignCenter), text).width()


def badge_width(metrics: QFontMetrics, text: str) -> int:
    """The width a cell needs to show a badge of ``text`` whole, its margins included."""
    return text_width(metrics, text) + 2 * BADGE_PADDING + 2 * BADGE_MARGIN


class BadgeDelegate(QStyledItemDelegate):
    """Paints a cell whose ``Role.BADGE`` is a key of ``colours`` (by default the statuses' ``BADGE_COLOURS``) as a
    rounded badge in its colours, left-aligned or ``centred``; other cells as usual."""

    def __init__(self, parent=None, colours: Mapping[str, tuple[str, str]] = BADGE_COLOURS,
                 centred: bool = False) -> None:
        super().__init__(parent)
        self.colours, self.centred = colours, centred

    def badge(self, index: QModelIndex) -> str | None:
        """The cell's badge, when it is drawn as one."""
        badge = index.data(Role.BADGE)
        return badge if badge in self.colours and index.data(Qt.ItemDataRole.DisplayRole) else None

    def badge_rect(self, option: QStyleOptionViewItem, metrics: QFontMetrics, text: str) -> QRectF:
        width = min(option.rect.width() - 2 * BADGE_MARGIN, text_width(metrics, text) + 2 * BADGE_PADDING)
        height = metrics.height() + 4
        left = (option.rect.x() + (option.rect.width() - width) / 2 if self.centred
                else option.rect.x() + BADGE_MARGIN)
        return QRectF(left, option.rect.center().y() - height / 2 + 1, width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not self.paint_badge(painter, option, index):
            super().paint(painter, option, index)

    def paint_badge(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> bool:
        """Draw the cell as a badge when it is one (True), else nothing (False)."""
        badge = self.badge(index)
        if badge is None:
            return False
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style:  # the selection and focus frame, as for any cell
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        background, foreground = self.colours[badge]
        metrics = QFontMetrics(option.font)
        rect = self.badge_rect(option, metrics, text)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor(foreground))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()) - 2 * BADGE_PADDING)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()
        return True
