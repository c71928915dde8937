"""Atomic file writes: a temporary file in the target folder, fsync, then ``os.replace``.

Nothing half-written is ever visible under its final name. Disk-full and permission failures become a
``StorageError`` naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from cds_desktop.core.errors import StorageError


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def storage_error(exc: OSError, path: Path) -> StorageError:
    """Translate an OS error into a clear, specific StorageError."""
    if exc.errno == errno.ENOSPC:
        return StorageError("storage.disk_full", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError("storage.no_permission", path=str(path))
    return StorageError("storage.io", path=str(path), problem=exc.strerror or str(exc))


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Open a binary stream whose content appears at ``path`` only if the block completes."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise storage_error(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise storage_error(exc, path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    with atomic_writer(path) as stream:
        stream.write(data)
