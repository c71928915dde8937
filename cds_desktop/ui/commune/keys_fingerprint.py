"""A key's fingerprint as people read it out on the phone: a large, bold, fixed-width label, selectable, wrapping
between groups. The set-up wizard's office page and the Keys-and-office screen show fingerprints with it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel

FINGERPRINT_SCALE = 1.5  # × the system's fixed-width font: readable across a desk


def fingerprint_label(object_name: str = "fingerprint", scale: float = FINGERPRINT_SCALE) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
