"""Data files parsed once, not at every start: the merged message catalogs (``i18n.py``, ``ui/qt_translator.py``).

Importing PyYAML and parsing the catalogs costs tens of milliseconds, paid before the first window can show.
``parsed_once`` keeps the parsed (and checked) value as JSON in the per-user cache folder
(``paths.cache_dir``), stamped with the path, size and modification time of every source file. A different
stamp, an unreadable or foreign cache file: the sources are parsed again and the cache rewritten atomically.
The cache only saves time: failing to write it is not an error, and nothing else ever reads it.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any, Callable, Sequence

from cds_desktop.core.paths import cache_dir

FORMAT = 1  # bump when the shape of a cached value changes without its sources changing


def _stamp(sources: Sequence[Path]) -> list:
    stamps = []
    for source in sources:
        status = source.stat()
        stamps.append([str(source), status.st_size, status.st_mtime_ns])
    return [FORMAT, stamps]


def cache_file(name: str, folder: Path) -> Path:
    """One file per name and source folder: a source checkout and an installation never overwrite each other."""
    return cache_dir() / f"{name}-{zlib.crc32(str(folder).encode('utf-8')):08x}.json"


def parsed_once(name: str, folder: Path, sources: Sequence[Path], parse: Callable[[], Any]) -> Any:
    """``parse()``'s JSON-able value, from the cache when ``sources`` (files in ``folder``) are unchanged."""
    stamp, file = _stamp(sources), cache_file(name, folder)
    try:
        cached = json.loads(file.read_text(encoding="utf-8"))
        if isinstance(cached, dict) and cached.get("stamp") == stamp:
            return cached["value"]
    except (OSError, ValueError, KeyError):
        pass
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
