"""Progress reporting and cooperative cancellation for long core operations (export, import, reports, backup).

A long operation takes ``progress: ProgressCallback | None`` and ``cancel: CancelToken | None``. It calls
``progress(done, total)`` now and then (units are the operation's own, usually bytes) and calls
``cancel.raise_if_cancelled()`` between steps. Cancelling raises ``Cancelled``, which is deliberately *not* a
``CdsError``: it is not a failure to show, the caller simply stops and cleans up. The token is thread-safe, so a
GUI thread may cancel work running on another thread.
"""

from __future__ import annotations

import threading
from typing import Callable

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``: how much of ``total`` units is done."""


class Cancelled(Exception):
    """The operation was cancelled through its ``CancelToken``; everything it started has been undone."""


class CancelToken:
    """A flag one thread sets and a long operation polls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def check_cancelled(cancel: CancelToken | None) -> None:
    """``cancel.raise_if_cancelled()`` when a token was given."""
    if cancel is not None:
        cancel.raise_if_cancelled()
