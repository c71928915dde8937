"""Child process of ``bench/startup.py``: start a bare window (``bare``) or the real app (``app DATA_DIR``
waiting for the main window, ``login DATA_DIR`` waiting for a dialog: the login).

All use the same probe: a 1 ms timer that prints ``shown <epoch seconds> <CPU ms>`` (the CPU time the process has
used by then, all threads) as soon as the awaited window is visible and exposed, then ends the process at once (teardown is not part of start-up). ``first-app DATA_DIR``
instead closes the main window once it is filled in, as a user quits, so that the app remembers its window
layout like after any real session. The app's module is imported before PySide6, as the ``cds-desktop``
entry point does (modules imported after PySide6 cost more).
"""

from __future__ import annotations

import os
import sys
import time

if sys.argv[1] != "bare":
    from cds_desktop.app import main as app_main

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow  # noqa: E402

AWAITED = QDialog if sys.argv[1] == "login" else QMainWindow


def _probe() -> None:
    for widget in QApplication.topLevelWidgets():
        handle = widget.windowHandle()
        if isinstance(widget, AWAITED) and widget.isVisible() and handle is not None and handle.isExposed():
            if sys.argv[1] != "first-app":
                print(f"shown {time.time():.6f} {time.process_time() * 1000:.1f}", flush=True)
                os._exit(0)
            if widget.centralWidget().isEnabled():  # filled in: quit the way a user does
                print(f"shown {time.time():.6f} {time.process_time() * 1000:.1f}", flush=True)
                widget.close()


def main() -> None:
    app = QApplication(sys.argv[:1])
    probe = QTimer(app)
    probe.setInterval(1)
    probe.timeout.connect(_probe)
    probe.start()
    if sys.argv[1] == "bare":
        window = QMainWindow()
        window.resize(1366, 740)
        window.show()
        app.exec()
    else:
        app_main(["--data-dir", sys.argv[2]])
    if sys.argv[1] != "first-app":
        sys.exit("the window was never shown")


if __name__ == "__main__":
    main()
