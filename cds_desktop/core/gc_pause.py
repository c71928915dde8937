"""Heavy work without the cyclic garbage collector's pauses (``collector_paused``).

Used where a block makes very many long-lived objects: the office's tables (below) and the app's start-up worker
(``ui/shell/import_costs.collection_paused``, which also freezes what the imports made). The results of 3,321 communes make hundreds of thousands of small objects that all live on until the table is
shown or written (rows read, cells, table rows). Python's cyclic collector runs every few hundred new objects and,
as they survive, scans the growing older generations again and again: measured, about 40 % of the time of the
whole country's results table. These objects form no cycles (tuples, frozen dataclasses, Decimals, strings), so
nothing waits for the collector: reference counting frees them as usual. The collector is paused for the block
and put back as it was (left off when something else had turned it off; nesting is harmless).
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block, then as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
