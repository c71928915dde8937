"""A main window's size, place and dock layout, remembered in ``QSettings`` between runs (the one thing kept
there) — the commune's window under ``main_window/``, the office's under ``office_window/``.

Light on purpose: the commune's window frame is built from it before anything heavy is imported.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

COMMUNE_WINDOW = "main_window"
OFFICE_WINDOW = "office_window"


class WindowLayout(NamedTuple):
    """``QMainWindow.saveGeometry()`` and ``saveState()`` (the docks)."""

    geometry: QByteArray
    state: QByteArray


def remembered_layout(group: str = COMMUNE_WINDOW) -> WindowLayout | None:
    """The size, place and dock layout remembered from the last run (None: never saved, or unreadable)."""
    settings = QSettings()
    geometry, state = settings.value(f"{group}/geometry"), settings.value(f"{group}/state")
    if isinstance(geometry, QByteArray) and isinstance(state, QByteArray):
        return WindowLayout(geometry, state)
    return None


def save_layout(window: QMainWindow, group: str = COMMUNE_WINDOW) -> None:
    settings = QSettings()
    settings.setValue(f"{group}/geometry", window.saveGeometry())
    settings.setValue(f"{group}/state", window.saveState())


def layout_of(window: QMainWindow) -> WindowLayout:
    """The layout of a window on screen, for the window that replaces it (a language switch)."""
    return WindowLayout(window.saveGeometry(), window.saveState())
