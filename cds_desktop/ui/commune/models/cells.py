"""Cell appearance shared by the entry tables: problem tints, tooltips and badge colours."""

from __future__ import annotations

from PySide6.QtGui import QColor

from cds_desktop.core.validation import Problem

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
