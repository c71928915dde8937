"""Long work off the GUI thread: one serial lane for database work, results delivered on the GUI thread.

``BackgroundTasks.run`` takes a function ``work(progress, cancel)`` (the core's progress-callback and
``CancelToken`` convention), runs it on a worker thread and calls ``on_done(result)`` or
``on_error(exception)`` back on the GUI thread. A progress dialog appears only when the work is still
running after ``PROGRESS_DELAY_MS``; its Cancel button sets the token (the work stops at its next check and
raises ``Cancelled``, reported through ``on_error``).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback

PROGRESS_DELAY_MS = 500
Work = Callable[[ProgressCallback, CancelToken], Any]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the calls back to the GUI thread."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Work, relay: _Relay, cancel: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work, self._relay, self._cancel = work, relay, cancel

    def run(self) -> None:
        try:
            result = self._work(self._relay.progressed.emit, self._cancel)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported to the GUI thread
            self._relay.failed.emit(exc)
        else:
            self._relay.finished.emit(result)


class RunningTask(QObject):
    """One piece of work in flight: its cancel token and its (possibly not yet shown) progress dialog."""

    def __init__(self, title: str, parent_widget: QWidget | None, owner: QObject) -> None:
        super().__init__(owner)
        self.cancel_token = CancelToken()
        self.relay = _Relay(self)
        self.dialog = QProgressDialog(title, "", 0, 0, parent_widget)
        self.dialog.setObjectName("progress_dialog")
        self.dialog.setWindowTitle(title)
        self.dialog.setMinimumDuration(2**31 - 1)  # never by itself: our timer decides when it appears
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel_token.cancel)
        self.dialog.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dialog.show)
        self._timer.start(PROGRESS_DELAY_MS)
        self.relay.progressed.connect(self._show_progress)

    def _show_progress(self, done: int, total: int) -> None:
        scale = max(1, total // 1_000_000)  # QProgressDialog takes int32
        self.dialog.setMaximum(total // scale)
        self.dialog.setValue(min(done, total) // scale)

    def finish(self) -> None:
        self._timer.stop()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.deleteLater()


class BackgroundTasks(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database_lane = QThreadPool(self)
        self.database_lane.setMaxThreadCount(1)
        self.running: list[RunningTask] = []

    def run(self, work: Work, on_done: Callable[[Any], None], on_error: Callable[[BaseException], None],
            title: str, parent_widget: QWidget | None = None) -> RunningTask:
        task = RunningTask(title, parent_widget, self)
        task.dialog.setCancelButtonText(translate("ui.action.cancel"))
        self.running.append(task)

        def settle(callback: Callable[[Any], None], value: Any) -> None:
            self.running.remove(task)
            task.finish()
            callback(value)

        task.relay.finished.connect(lambda result: settle(on_done, result))
        task.relay.failed.connect(lambda error: settle(on_error, error))
        self.database_lane.start(_Job(work, task.relay, task.cancel_token))
        return task

    def wait(self, msecs: int = -1) -> bool:
        """Block until the lane is idle (shutdown and tests)."""
        return self.database_lane.waitForDone(msecs)

