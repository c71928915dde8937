"""Data files parsed once, not at every start: the merged message catalogs (``i18n.py``, ``ui/qt_translator.py``)
and each plan file (``plans/loader.py``).

Importing PyYAML and parsing the catalogs costs tens of milliseconds, paid before the first window can show;
parsing the built-in plans ~50 ms more before the first form.
``parsed_once`` keeps the parsed (and checked) value as JSON in the per-user cache folder
(``paths.cache_dir``), stamped with the path, size and modification time of every source file. A different
stamp, an unreadable, oversized, foreign or damaged cache file, or a cached value that the caller's ``valid``
check refuses: the sources are parsed again and the cache rewritten atomically. The cache is hostile input
like any file (anyone who can write the cache folder can write it): it only saves time, failing to read or
write it is never an error, and nothing else ever reads it.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any, Callable, Sequence

from cds_desktop.core.paths import cache_dir

FORMAT = 2  # bump when the shape of a cached value changes without its sources changing
MAX_CACHE_BYTES = 16 << 20  # the message catalogs cache to ~0.3 MB


def _stamp(sources: Sequence[Path]) -> list:
    stamps = []
    for source in sources:
        status = source.stat()
        stamps.append([str(source), status.st_size, status.st_mtime_ns])
    return [FORMAT, stamps]


def cache_file(name: str, folder: Path) -> Path:
    """One file per name and source folder: a source checkout and an installation never overwrite each other."""
    return cache_dir() / f"{name}-{zlib.crc32(str(folder).encode('utf-8')):08x}.json"


def _cached(file: Path, stamp: list, valid: Callable[[Any], bool]) -> tuple[bool, Any]:
    """(True, value) when ``file`` holds a value for ``stamp`` that ``valid`` accepts, else (False, None)."""
    try:
        with open(file, "rb") as stream:
            data = stream.read(MAX_CACHE_BYTES + 1)
        if len(data) > MAX_CACHE_BYTES:
            return False, None
        cached = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # ValueError: not UTF-8, not JSON; RecursionError: too deep
        return False, None
    if not isinstance(cached, dict) or cached.get("stamp") != stamp or "value" not in cached:
        return False, None
    return (True, cached["value"]) if valid(cached["value"]) else (False, None)


def parsed_once(name: str, folder: Path, sources: Sequence[Path], parse: Callable[[], Any],
                valid: Callable[[Any], bool] = lambda value: True) -> Any:
    """``parse()``'s JSON-able value, from the cache when ``sources`` (files in ``folder``) are unchanged and the
    cached value passes ``valid``."""
    stamp, file = _stamp(sources), cache_file(name, folder)
    found, value = _cached(file, stamp, valid)
    if found:
        return value
    value = parse()
    _write(file, {"stamp": stamp, "value": value})
    return value


def _write(file: Path, content: dict) -> None:
    from cds_desktop.core.errors import StorageError
    from cds_desktop.core.fileio import write_atomic

    try:
        write_atomic(file, json.dumps(content, ensure_ascii=False).encode("utf-8"))
    except StorageError:
        pass  # a read-only or full cache folder: parse again next time
