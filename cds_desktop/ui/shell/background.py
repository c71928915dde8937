"""Long work off the GUI thread: one serial lane for database work, results delivered on the GUI thread.

``BackgroundTasks.run`` takes a function ``work(progress, cancel)`` (the core's progress-callback and
``CancelToken`` convention), runs it on a worker thread and calls ``on_done(result)`` back on the GUI thread.
A progress dialog appears only when the work is still running after ``PROGRESS_DELAY_MS`` (or at once, for work
known to be long: ``show_after_ms=0``); its Cancel button sets the token (the work stops at its next check and
raises ``Cancelled``).

When the work raises, ``on_failed()`` lets the caller re-enable what it disabled, then ``report_failure``,
the one failure handler of all background work, says what happened: ``Cancelled`` is not a failure
(``on_cancelled()``, if given); a ``CdsError`` is its translated message, shown by ``show_error`` where the
caller wants it (an error line in its dialog) or else in a message box; anything else is a bug and goes to
the crash hook (``crash.py``, through ``sys.excepthook``), which writes and shows a crash report.

``run_and_wait`` runs one piece of work the same way while the caller waits (a local event loop keeps the
progress dialog alive): for the steps of app.py that happen outside the main event loop (building the
demonstration, restoring a backup).
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import Cancelled, CancelToken, ProgressCallback

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

    def __init__(self, title: str, parent_widget: QWidget | None, owner: QObject,
                 show_after_ms: int = PROGRESS_DELAY_MS) -> None:
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
        self._timer.start(show_after_ms)
        self.relay.progressed.connect(self._show_progress)

    def _show_progress(self, done: int, total: int) -> None:
        if not isValid(self.dialog):  # deleted with the window it belonged to while the work went on
            return
        scale = max(1, total // 1_000_000)  # QProgressDialog takes int32
        self.dialog.setMaximum(total // scale)
        self.dialog.setValue(min(done, total) // scale)

    def finish(self) -> None:
        """Hide the progress dialog; when it was shown, the window it covered becomes active again (as a window
        manager would do, and the offscreen platform does not), so keyboard focus goes back where it was."""
        self._timer.stop()
        if isValid(self.dialog):
            parent = self.dialog.parentWidget()
            covered = parent.window() if parent is not None and self.dialog.isVisible() else None
            self.dialog.hide()
            self.dialog.deleteLater()
            if covered is not None and covered.isVisible():
                covered.activateWindow()
        self.deleteLater()


class BackgroundTasks(QObject):
    """The lane and the tasks on it. A task's callbacks live in its relay's connections (held by Qt) and never
    refer to the lane: if they did, a lane its maker let go of would live on until a finished task's deferred
    deletion dropped them, and then be destroyed from inside that deletion, deleting the task twice (a crash)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database_lane = QThreadPool(self)
        self.database_lane.setMaxThreadCount(1)
        self.running: list[RunningTask] = []

    def run(self, work: Work, on_done: Callable[[Any], None], title: str, parent_widget: QWidget | None = None, *,
            on_failed: Callable[[], None] | None = None, show_error: Callable[[str], None] | None = None,
            on_cancelled: Callable[[], None] | None = None, show_after_ms: int = PROGRESS_DELAY_MS) -> RunningTask:
        """Run ``work`` on the lane; see the module's docstring for what happens when it fails."""
        task = RunningTask(title, parent_widget, self, show_after_ms)
        task.dialog.setCancelButtonText(translate("ui.action.cancel"))
        running = self.running  # the callbacks below must not hold ``self``: see ``BackgroundTasks``
        running.append(task)

        def settle() -> None:
            running.remove(task)
            task.finish()

        def done(result: Any) -> None:
            settle()
            on_done(result)

        def failed(error: BaseException) -> None:
            settle()
            if on_failed is not None:
                on_failed()
            if isinstance(error, Cancelled):
                if on_cancelled is not None:
                    on_cancelled()
                return
            report_failure(error, title, parent_widget, show_error)

        task.relay.finished.connect(done)
        task.relay.failed.connect(failed)
        self.database_lane.start(_Job(work, task.relay, task.cancel_token))
        return task

    def wait(self, msecs: int = -1) -> bool:
        """Block until the lane is idle (shutdown and tests)."""
        return self.database_lane.waitForDone(msecs)


def report_failure(error: BaseException, title: str, parent: QWidget | None = None,
                   show_error: Callable[[str], None] | None = None) -> None:
    """The one failure handler of background work: a ``CdsError`` is its message (in ``show_error``, else in a
    message box titled ``title``); anything else is a bug, reported by the crash hook."""
    if not isinstance(error, CdsError):
        sys.excepthook(type(error), error, error.__traceback__)
        return
    if show_error is not None:
        show_error(error.message())
        return
    box = QMessageBox(QMessageBox.Icon.Warning, title, error.message(), QMessageBox.StandardButton.Ok,
                      parent if parent is not None and isValid(parent) else None)
    box.setObjectName("failure_message")
    box.finished.connect(box.deleteLater)
    box.open()


def run_and_wait(work: Work, title: str, cancellable: bool = True, show_after_ms: int = PROGRESS_DELAY_MS) -> Any:
    """``work``'s result once it is done, or its exception raised, while a local event loop shows its progress."""
    tasks, loop, outcome = BackgroundTasks(), QEventLoop(), []

    def settle(result: object) -> None:
        outcome.append(result)
        loop.quit()

    def keep(progress: ProgressCallback, cancel: CancelToken) -> Any:
        try:
            return work(progress, cancel)
        except BaseException as exc:  # noqa: BLE001 - raised again to the caller, who decides
            return _Raised(exc)

    task = tasks.run(keep, settle, title, show_after_ms=show_after_ms)
    if not cancellable:
        task.dialog.setCancelButton(None)
    loop.exec()  # the result comes back queued: never before the loop runs
    tasks.wait()
    tasks.deleteLater()
    if isinstance(outcome[0], _Raised):
        raise outcome[0].error
    return outcome[0]


class _Raised:
    """An exception carried back as a result: ``run_and_wait`` raises it to its caller."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
