"""Python's cyclic garbage collector, run on the GUI thread only.

Python collects reference cycles on whichever thread happens to allocate when a generation's threshold is
crossed. In a Qt app that may be a background worker (``BackgroundTasks``): if the cycle holds a Qt object that
Python owns (a dialog, a timer, a model), its C++ side is then destroyed on that worker — which Qt forbids and
which crashed the test suite (a segmentation fault while a worker compiled a query, "Garbage-collecting" on its
stack). ``GuiThreadCollector`` switches automatic collection off and collects from a timer on the GUI thread,
by the same thresholds Python itself uses (``gc.get_threshold``), so cycles are still freed, only never on a
worker. A full collection (the oldest generation, a pass over every tracked object) is done at most every
``FULL_COLLECTION_GAP_S``: Python spaces them by a count of long-lived objects this module cannot read. Code that pauses collection around heavy work (``import_costs.collection_paused``,
``core/gc_pause.collector_paused``) turns it back on only if it was on, so it stays off while this runs.

``install(app)`` is idempotent: the app's ``main`` and the tests' Qt fixture both call it. When the process ends,
what is left is collected first thing (``atexit``), while the Qt objects it may hold can still be destroyed
properly — not during the interpreter's last teardown, after Qt itself is gone.
"""

from __future__ import annotations

import atexit
import gc
import time

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 250  # often enough that garbage never piles up; a check without a collection costs ~1 µs
FULL_COLLECTION_GAP_S = 10.0


class GuiThreadCollector(QObject):
    """Automatic collection off; ``collect_due`` on the GUI thread every ``CHECK_INTERVAL_MS``."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(CHECK_INTERVAL_MS)
        self._last_full = time.monotonic()
        self.destroyed.connect(lambda *_: gc.enable())

    def is_running(self) -> bool:
        return self._timer.isActive()

    def collect_due(self) -> int | None:
        """Collect the oldest generation whose threshold is crossed, as Python would have; the generation
        collected, or None."""
        thresholds, counts = gc.get_threshold(), gc.get_count()
        full_allowed = time.monotonic() - self._last_full >= FULL_COLLECTION_GAP_S
        for generation in (2, 1, 0):
            if generation == 2 and not full_allowed:
                continue
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                gc.collect(generation)
                if generation == 2:
                    self._last_full = time.monotonic()
                return generation
        return None


def _collect_at_exit() -> None:
    gc.collect()
    gc.enable()


def install(app: QObject) -> GuiThreadCollector:
    """The app's collector (made on first call, parented to ``app``; later calls return it)."""
    existing = app.findChild(GuiThreadCollector)
    if existing is not None:
        return existing
    atexit.register(_collect_at_exit)
    return GuiThreadCollector(app)
