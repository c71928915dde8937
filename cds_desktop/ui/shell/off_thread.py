"""Waiting for a piece of work without freezing the window: ``wait_off_the_gui_thread``.

For work the caller needs the result of before it can go on (opening the data at start-up, checking a
password): the work runs on a worker thread while a local event loop keeps the windows painting and
responding; the result (or the exception) comes back to the caller. ``start_when`` holds the thread back,
e.g. until a window is on screen, so that it does not compete with that window's first paint for the
interpreter lock. Long work the person may cancel belongs in ``background.py`` instead.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

T = TypeVar("T")
POLL_MS = 10


def wait_off_the_gui_thread(work: Callable[[], T], start_when: Callable[[], bool] | None = None,
                            start_anyway_after_ms: int = 0) -> T:
    """``work()``'s result, or its exception raised, computed on a worker thread while the event loop runs.

    The thread starts once ``start_when()`` is true (checked every millisecond), or after
    ``start_anyway_after_ms``. If the application is told to exit meanwhile, the work still completes
    (nothing is left half-done) and the main event loop ends as soon as it runs."""
    outcome: list = []
    loop = QEventLoop()
    thread = threading.Thread(target=lambda: outcome.append(_attempt(work)), name="wait-off-gui", daemon=True)
    deadline = time.monotonic() + start_anyway_after_ms / 1000

    def poll() -> None:
        if thread.is_alive():
            return
        if thread.ident is not None:  # started and done
            loop.quit()
        elif start_when is None or start_when() or time.monotonic() > deadline:
            thread.start()
            timer.setInterval(POLL_MS)

    timer = QTimer(interval=1)
    timer.timeout.connect(poll)
    timer.start()
    poll()
    code = loop.exec() if thread.is_alive() or thread.ident is None else 0
    timer.stop()
    if thread.ident is None:  # the app was told to exit before the thread could start
        thread.start()
    if thread.is_alive():  # the app was told to exit meanwhile: the main event loop ends at once, too
        QTimer.singleShot(0, lambda: QCoreApplication.exit(code))
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _attempt(work: Callable[[], T]) -> T | BaseException:
    try:
        return work()
    except BaseException as exc:  # noqa: BLE001 - raised again on the GUI thread
        return exc
