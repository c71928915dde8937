"""Child process of ``bench/startup.py``: the longest stall of the GUI thread during start-up.

``app DATA_DIR`` (no accounts: the frame, filled in when the data is open) or ``login DATA_DIR USERNAME
PASSWORD`` (the sign-in dialog: the password is typed, "Sign in" pressed 300 ms later, then the main window).
A 5 ms timer records the gaps between its ticks from the start of the event loop until half a second after
the main window is filled in; prints ``stall <ms>`` (the longest gap minus the 5 ms) and ends the process.
"""

from __future__ import annotations

import os
import sys
import time

from cds_desktop.app import main as app_main

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMainWindow  # noqa: E402

TICK_MS = 5
SETTLE_S = 0.5


class StallMeter:
    def __init__(self, credentials: tuple[str, str] | None) -> None:
        self.credentials = credentials
        self.last: float | None = None
        self.longest = 0.0
        self.filled_at: float | None = None
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.longest = max(self.longest, (now - self.last) * 1000 - TICK_MS)
        self.last = now
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "login_dialog" and widget.isVisible() and self.credentials:
                widget.username.setText(self.credentials[0])
                widget.password.setText(self.credentials[1])
                ok = widget.buttons.button(QDialogButtonBox.StandardButton.Ok)
                QTimer.singleShot(300, ok.click)
                self.credentials = None
            if isinstance(widget, QMainWindow) and widget.isVisible() and widget.centralWidget().isEnabled():
                self.filled_at = self.filled_at or now
        if self.filled_at is not None and now - self.filled_at > SETTLE_S:
            print(f"stall {self.longest:.1f}", flush=True)
            os._exit(0)


def main() -> None:
    QApplication(sys.argv[:1])
    meter = StallMeter(tuple(sys.argv[3:5]) if sys.argv[1] == "login" else None)  # noqa: F841 - kept alive
    app_main(["--data-dir", sys.argv[2]])
    sys.exit("the main window was never filled in")


if __name__ == "__main__":
    main()
