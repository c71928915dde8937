"""The crash hook: a bug anywhere in the desktop ends in a report the person can copy or save, never in silence.

``CrashHook.install`` routes every unhandled exception to ``CrashHook.handle``:

- ``sys.excepthook``: exceptions nobody caught, including those raised in a Qt slot or in a Python override
  of a Qt virtual method (``paintEvent`` …) that Qt called from its event loop: PySide6 hands those to
  ``sys.excepthook`` and the event loop goes on;
- ``threading.excepthook``: plain Python threads;
- failures of background work that are not a ``CdsError`` (``background.report_failure`` passes them to
  ``sys.excepthook``).

For each, the hook writes ``logs/crash-<time>.txt`` in the data folder (atomically), logs one line naming
the report, and shows the report in a ``CrashDialog`` on the GUI thread (from any thread). While a report of
the same bug (same exception type, same frames) is on screen, a repetition is only logged: a bug in a
``paintEvent`` does not open a dialog per paint.

The report (``crash_report``) holds the version, the platform, the thread, the traceback and the last lines
of the log file, which never holds entered values or secrets. Exception messages are left out on purpose:
they may quote what a person typed (``int('…')``); the frames (file, line, function and source line) say
where it happened.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Callable, NamedTuple

from PySide6.QtCore import QEventLoop, QObject, Signal

from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.i18n import current_language

log = logging.getLogger(__name__)

LOG_FILE_NAME = "cds-desktop.log"  # the rotating log in ``DataDir.logs`` (set up by app.py)
RECENT_LOG_LINES = 60
_TAIL_BYTES = 64 * 1024


class CrashReport(NamedTuple):
    text: str
    path: Path | None  # where it was written; None when the data folder is unknown or cannot be written
    signature: tuple  # the exception type and its frames: the same bug gives the same signature


def traceback_text(error: BaseException) -> str:
    """The traceback of ``error`` and of the exceptions it was raised from, without their messages."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for index, exc in enumerate(reversed(chain)):
        if index:
            parts.append("\nwhich led to:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exc.__traceback__))
        parts.append(f"{_type_name(exc)} (message left out: it may quote entered values)\n")
    return "".join(parts)


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def signature_of(error: BaseException) -> tuple:
    frames = traceback.extract_tb(error.__traceback__)
    return (_type_name(error), *((frame.filename, frame.lineno) for frame in frames))


def recent_log_lines(logs: Path | None, count: int = RECENT_LOG_LINES) -> list[str]:
    """The last ``count`` lines of the log file in ``logs`` (none when there is no log yet)."""
    if logs is None:
        return []
    try:
        with open(logs / LOG_FILE_NAME, "rb") as stream:
            stream.seek(0, 2)
            stream.seek(max(0, stream.tell() - _TAIL_BYTES))
            tail = stream.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return tail.splitlines()[-count:]


def crash_report(error: BaseException, thread: str, recent: list[str], when: dt.datetime) -> str:
    """The report's text (technical, for the support team: the same in every interface language)."""
    import platform

    import PySide6
    from PySide6.QtCore import qVersion

    from cds_desktop import __version__

    lines = [
        f"CDS Desktop {__version__}: crash report",
        f"Time: {when.isoformat(timespec='seconds')}",
        f"Platform: {platform.platform()}; Python {platform.python_version()}; Qt {qVersion()}; "
        f"PySide6 {PySide6.__version__}",
        f"Interface language: {current_language()}",
        f"Thread: {thread}",
        "",
        traceback_text(error),
        f"Last {len(recent)} lines of the log:",
        *recent,
    ]
    return "\n".join(lines) + "\n"


def _free_name(logs: Path, when: dt.datetime) -> Path:
    stamp = when.strftime("%Y%m%d-%H%M%S")
    path, number = logs / f"crash-{stamp}.txt", 1
    while path.exists():
        number += 1
        path = logs / f"crash-{stamp}-{number}.txt"
    return path


class CrashHook(QObject):
    """Installed once by app.py for the whole run; ``logs``: the data folder's logs folder once it is known."""

    reported = Signal(object)  # CrashReport, delivered on the GUI thread (queued when handled elsewhere)

    def __init__(self, logs: Path | None = None, clock: Callable[[], dt.datetime] = dt.datetime.now,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.logs = logs
        self.clock = clock
        self.dialogs: dict[tuple, QObject] = {}  # signature -> its CrashDialog, while it is open
        self._lock = threading.Lock()
        self._previous: tuple | None = None
        self.reported.connect(self._show)

    # --- installing ---------------------------------------------------------------------------
    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._uncaught
            threading.excepthook = self._uncaught_in_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def _uncaught(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if isinstance(error, KeyboardInterrupt):  # Ctrl+C in a terminal: Python's own behaviour
            sys.__excepthook__(kind, error, tb)
            return
        self.handle(error)

    def _uncaught_in_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            self.handle(args.exc_value, args.thread.name if args.thread else "?")

    # --- reporting ----------------------------------------------------------------------------
    def handle(self, error: BaseException, thread: str | None = None) -> CrashReport | None:
        """Write the report, log it and show it (on the GUI thread); callable from any thread."""
        try:
            report = self._write(error, thread or threading.current_thread().name)
            self.reported.emit(report)
            return report
        except Exception as failure:  # noqa: BLE001 - the hook must not fail in turn: Python's own output
            sys.__excepthook__(type(error), error, error.__traceback__)
            sys.__excepthook__(type(failure), failure, failure.__traceback__)
            return None

    def _write(self, error: BaseException, thread: str) -> CrashReport:
        signature = signature_of(error)
        with self._lock:
            if signature in self.dialogs:
                log.error("the bug of the report on screen happened again (%s)", signature[0])
                return CrashReport("", None, signature)
            when = self.clock()
            text = crash_report(error, thread, recent_log_lines(self.logs), when)
            path = None
            if self.logs is not None:
                try:
                    path = _free_name(self.logs, when)
                    write_atomic(path, text.encode("utf-8"))
                except Exception:  # noqa: BLE001 - the dialog still shows the report, to copy or save
                    log.exception("the crash report could not be written")
                    path = None
            log.critical("unexpected %s in thread %s; crash report: %s", signature[0], thread, path or "not written")
            self.dialogs[signature] = self  # reserved until the dialog is shown (on the GUI thread)
        return CrashReport(text, path, signature)

    def _show(self, report: CrashReport) -> None:
        if not report.text:  # a repetition of the bug on screen
            return
        from cds_desktop.ui.shell.crash_dialog import CrashDialog

        dialog = CrashDialog(report)
        self.dialogs[report.signature] = dialog
        dialog.finished.connect(lambda _result: self._closed(report.signature))
        dialog.show()

    def _closed(self, signature: tuple) -> None:
        dialog = self.dialogs.pop(signature, None)
        if dialog is not None and dialog is not self:
            dialog.deleteLater()

    def open_dialogs(self) -> list[QObject]:
        return [dialog for dialog in self.dialogs.values() if dialog is not self]

    def wait_for_dialogs(self) -> None:
        """Keep the crash dialogs on screen until the person closes them (the app is about to end)."""
        if not self.dialogs:
            return
        loop = QEventLoop()
        for dialog in self.open_dialogs():
            dialog.finished.connect(lambda _result: None if self.open_dialogs() else loop.quit())
        if self.open_dialogs():
            loop.exec()
