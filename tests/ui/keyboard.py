"""Helpers for driving the desktop with the keyboard in tests: typing text as a Vietnamese keyboard delivers it,
finding the window or dialog that a key opened, and the actions a person takes that end in a question."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying each character, as a Vietnamese keyboard (Telex/VNI input) delivers them (QTest's
    ``keyClicks`` knows ASCII only)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def shown(kind: type, name: str | None = None) -> QWidget:
    """The one visible top-level window of ``kind`` (and object name ``name``)."""
    found = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, kind) and w.isVisible() and (name is None or w.objectName() == name)]
    assert len(found) == 1, f"{len(found)} visible {kind.__name__} {name or ''}"
    return found[0]


def active(qtbot, window: QWidget) -> QWidget:
    """``window`` once it is the active window (where access keys and shortcuts go). A desktop gives a dialog's
    parent back its activation when the dialog closes; the test platform does not, so it is asked for here."""
    if QApplication.activeWindow() is not window and not QApplication.activeModalWidget():
        window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def submit(qtbot, window) -> None:
    """Choose "Submit for approval" and confirm the question with Enter (its button is the default)."""
    window.workflow.submit_action.trigger()
    qtbot.keyClick(shown(QMessageBox, "submit_confirm"), Qt.Key.Key_Return)


def send_back(qtbot, window, reason: str) -> None:
    """Choose "Send back for correction", type the reason and press Enter."""
    from cds_desktop.ui.commune.send_back_dialog import SendBackDialog

    window.workflow.send_back_action.trigger()
    dialog = shown(SendBackDialog)
    type_text(dialog.reason, reason)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
