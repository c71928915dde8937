"""Cycles are freed on the GUI thread only (``ui/shell/gui_thread_gc``), however much a worker allocates."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from cds_desktop.ui.shell.gui_thread_gc import GuiThreadCollector, install


class Cycle:
    """An object in a reference cycle that notes the thread it is finalized on."""

    finalized_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.finalized_on.append(threading.current_thread().name)


def _allocate_on_a_worker() -> list:
    """What a worker allocates and keeps (container objects: far past the youngest generation's threshold,
    where Python's own collector would have run on the worker)."""
    kept: list = []
    worker = threading.Thread(target=lambda: kept.extend([] for _ in range(20 * gc.get_threshold()[0])),
                              name="worker")
    worker.start()
    worker.join()
    return kept


def test_a_cycle_dropped_while_a_worker_allocates_is_freed_on_the_gui_thread(qtbot, qapp):
    collector = install(qapp)
    assert install(qapp) is collector and not gc.isenabled()
    Cycle.finalized_on.clear()
    for _ in range(50):
        Cycle()
    kept = _allocate_on_a_worker()
    assert kept and Cycle.finalized_on == []  # nothing collected on the worker
    qtbot.waitUntil(lambda: len(Cycle.finalized_on) == 50, timeout=30_000)  # the timer's collections free them
    assert set(Cycle.finalized_on) == {threading.main_thread().name}


def test_a_generation_is_collected_only_once_its_threshold_is_crossed(qapp):
    collector = install(qapp)
    gc.collect()
    assert collector.collect_due() is None  # nothing allocated since: nothing due
    for _ in range(gc.get_threshold()[0] + 100):
        Cycle()
    assert collector.collect_due() in (0, 1, 2)
    assert gc.get_count()[0] < gc.get_threshold()[0]


def test_gc_is_on_again_when_the_collector_goes(qapp):
    owner = QObject()
    collector = GuiThreadCollector(owner)
    assert not gc.isenabled()
    del collector
    owner.deleteLater()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert gc.isenabled()
    gc.disable()  # the session's collector (the autouse fixture's) is still installed
