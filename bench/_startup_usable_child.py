"""Child process of ``bench/startup.py``: the time from launch to the first usable form.

``bare``: a bare PySide6 window holding one line edit — usable when it is exposed and a typed key lands in the
field. ``app DATA_DIR`` (no accounts) and ``login DATA_DIR USERNAME PASSWORD`` (the sign-in dialog: the person
types at once and presses "Sign in" as soon as the dialog takes it): usable when the main window shows the
period's indicators (its table has rows) and an editor opens on the first value cell, the way a person starts
typing a value. A 1 ms timer checks; it prints ``usable <epoch seconds> <CPU ms>`` (the CPU time the process has used,
all threads) and ends the process at once.
"""

from __future__ import annotations

import os
import sys
import time

if sys.argv[1] != "bare":
    from cds_desktop.app import main as app_main

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMainWindow,
)


def _done() -> None:
    print(f"usable {time.time():.6f} {time.process_time() * 1000:.1f}", flush=True)
    os._exit(0)


class UsableProbe:
    def __init__(self, credentials: tuple[str, str] | None) -> None:
        self.credentials = credentials
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible():
                continue
            if widget.objectName() == "login_dialog" and self.credentials:
                ok = widget.buttons.button(QDialogButtonBox.StandardButton.Ok)
                if ok.isEnabled():
                    widget.username.setText(self.credentials[0])
                    widget.password.setText(self.credentials[1])
                    self.credentials = None
                    QTimer.singleShot(0, ok.click)
            elif isinstance(widget, QMainWindow) and getattr(widget, "is_open", False) and _value_typed(widget):
                _done()


def _value_typed(window) -> bool:
    """An editor opened on the first editable cell of the period's indicators (False: not there yet)."""
    if not window.workspace.has_period or not window.centralWidget().isEnabled():
        return False
    table = window.indicators_page.table
    model = table.model()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                table.setCurrentIndex(index)
                table.edit(index)
                return table.state() == QAbstractItemView.State.EditingState
    return False


def bare() -> None:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    field = QLineEdit()
    window.setCentralWidget(field)
    window.resize(1366, 740)
    window.show()

    def check() -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            field.insert("5")  # what a key press does
            if field.text() == "5":
                _done()

    probe = QTimer(app)
    probe.setInterval(1)
    probe.timeout.connect(check)
    probe.start()
    app.exec()


def main() -> None:
    if sys.argv[1] == "bare":
        bare()
    else:
        QApplication(sys.argv[:1])
        probe = UsableProbe(tuple(sys.argv[3:5]) if sys.argv[1] == "login" else None)  # noqa: F841 - kept alive
        app_main(["--data-dir", sys.argv[2]])
    sys.exit("never usable")


if __name__ == "__main__":
    main()
