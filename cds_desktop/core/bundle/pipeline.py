"""A three-stage block pipeline, so that reading, hashing, AEAD and writing overlap on several cores.

``fill`` (worker thread) fills an input block; ``transform`` (worker thread) turns it into an output block;
``drain`` (the caller's thread) consumes the output block. Blocks come from a fixed pool, so memory stays at
``depth * (block_size + output_size)`` whatever the amount of data. hashlib, Cobblestone and file I/O release
the GIL on large buffers, which is what makes the threads pay off.

``drain`` runs on the calling thread, so progress callbacks and cancellation happen where the caller expects
them. The first exception raised by any stage stops the others and is re-raised to the caller.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Callable, TypeVar

from cds_desktop.core.progress import CancelToken, check_cancelled

Fill = Callable[[memoryview], int]
"""Write up to ``len(block)`` bytes into ``block``; return how many (0 = no more data)."""
Transform = Callable[[memoryview, memoryview], int]
"""Read the input block, write into the output block, return how many bytes were written."""
Drain = Callable[[memoryview], None]

_POLL_SECONDS = 0.05


def _run_inline(fill: Fill, transform: Transform, drain: Drain, size: int, overhead: int,
                cancel: CancelToken | None) -> None:
    block, out = bytearray(max(size, 1)), bytearray(max(size, 1) + overhead)
    while True:
        check_cancelled(cancel)
        count = fill(memoryview(block))
        if not count:
            return
        drain(memoryview(out)[: transform(memoryview(block)[:count], memoryview(out))])
T = TypeVar("T")


class _Stopped(Exception):
    """Raised inside a worker when the pipeline is shutting down early."""


@dataclass(frozen=True)
class _Failure:
    error: BaseException


_Item = tuple[int, int] | _Failure | None
"""(block index, byte count); a failure to hand on; ``None`` at the end of the data."""


def run_pipeline(
    fill: Fill,
    transform: Transform,
    drain: Drain,
    *,
    block_size: int,
    output_size: int,
    depth: int = 3,
    cancel: CancelToken | None = None,
    size_hint: int | None = None,
) -> None:
    """Run ``fill → transform → drain`` over blocks until ``fill`` returns 0.

    When ``size_hint`` (the bytes ``fill`` will produce) fits in one block, the stages run inline on the
    caller's thread with buffers of that size: for a small bundle, threads and full-size blocks cost more
    than the work.
    """
    if size_hint is not None and size_hint <= block_size:
        _run_inline(fill, transform, drain, size_hint, output_size - block_size, cancel)
        return
    inputs = [bytearray(block_size) for _ in range(depth)]
    outputs = [bytearray(output_size) for _ in range(depth)]
    free_inputs: queue.Queue[int] = queue.Queue()
    free_outputs: queue.Queue[int] = queue.Queue()
    filled: queue.Queue[_Item] = queue.Queue()
    transformed: queue.Queue[_Item] = queue.Queue()
    for index in range(depth):
        free_inputs.put(index)
        free_outputs.put(index)
    stop = threading.Event()

    def take(source: queue.Queue[T]) -> T:
        while True:
            try:
                return source.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if stop.is_set():
                    raise _Stopped() from None

    def filler() -> None:
        try:
            while True:
                index = take(free_inputs)
                size = fill(memoryview(inputs[index]))
                filled.put((index, size) if size else None)
                if not size:
                    return
        except _Stopped:
            pass
        except BaseException as error:  # noqa: BLE001 - handed on to the caller's thread
            filled.put(_Failure(error))

    def transformer() -> None:
        try:
            while (item := take(filled)) is not None and not isinstance(item, _Failure):
                index, size = item
                out_index = take(free_outputs)
                written = transform(memoryview(inputs[index])[:size], memoryview(outputs[out_index]))
                free_inputs.put(index)
                transformed.put((out_index, written))
            transformed.put(item)
        except _Stopped:
            pass
        except BaseException as error:  # noqa: BLE001 - handed on to the caller's thread
            transformed.put(_Failure(error))

    workers = [threading.Thread(target=filler, daemon=True), threading.Thread(target=transformer, daemon=True)]
    for worker in workers:
        worker.start()
    try:
        while True:
            check_cancelled(cancel)
            item = take(transformed)
            if item is None:
                return
            if isinstance(item, _Failure):
                raise item.error
            out_index, written = item
            drain(memoryview(outputs[out_index])[:written])
            free_outputs.put(out_index)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
