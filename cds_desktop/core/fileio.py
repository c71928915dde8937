"""Atomic file writes, and temporaries that can be told abandoned after a crash.

Atomic writes (``atomic_writer``, ``write_atomic``): a temporary file in the target folder, fsync, then
``os.replace``; nothing half-written is ever visible under its final name. Disk-full, read-only and
permission failures become a ``StorageError`` naming the file (``storage_error``).

Owned temporaries: every temporary this app makes — the ``.part`` file of an atomic write, a working folder
(a backup being written, a restore being staged, a bundle in quarantine) — is *owned*: while its creator
works on it, the creator holds an exclusive advisory lock on it (a file: on the file itself; a folder: on the
sidecar file ``.<name>.owner`` made before the folder). The operating system drops the lock when the process
ends, however it ends (even SIGKILL or a power cut), so a temporary whose lock can be taken is provably
abandoned. ``remove_if_abandoned`` and ``sweep_abandoned`` delete only those: never a temporary that a live
process — this one or another one working in the same folder — is still writing. A folder without its sidecar
was made by an older version of the app (which wrote no sidecars) and counts as abandoned.

Locks are ``flock`` on POSIX and ``msvcrt.locking`` on Windows, where an open file cannot be deleted anyway.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from cds_desktop.core.errors import StorageError

OWNER_SUFFIX = ".owner"
_WINDOWS = os.name == "nt"

if _WINDOWS:  # pragma: no cover - exercised on Windows only
    import msvcrt

    def try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(fd: int) -> None:
        while not try_lock(fd):
            time.sleep(0.05)

else:
    import fcntl

    def try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)


# --- errors ----------------------------------------------------------------------------------

def storage_error(exc: OSError, path: Path) -> StorageError:
    """Translate an OS error into a clear, specific StorageError."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError("storage.disk_full", path=str(path))
    if exc.errno == errno.EROFS:
        return StorageError("storage.read_only_drive", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StorageError("storage.no_permission", path=str(path))
    return StorageError("storage.io", path=str(path), problem=exc.strerror or str(exc))


# --- owned temporary files and folders ---------------------------------------------------------

def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (a sweeper may have removed it meanwhile)."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def fsync_folder(folder: Path) -> None:
    if _WINDOWS:  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_owned_file(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """Create and lock a new file in ``folder``; returns its descriptor (open for writing) and path."""
    while True:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
        _lock(fd)
        if _same_file(fd, Path(name)):
            return fd, Path(name)
        os.close(fd)  # swept between creation and locking (a microsecond window): make another


@contextlib.contextmanager
def owned_temp_file(folder: Path, prefix: str, suffix: str = ".part") -> Iterator[tuple[BinaryIO, Path]]:
    """A new temporary file in ``folder``, owned (locked) while the block runs and deleted at its end unless the
    block moved it into place with ``finish_owned_file``."""
    fd, path = _new_owned_file(folder, prefix, suffix)
    stream = os.fdopen(fd, "wb")
    try:
        yield stream, path
    finally:
        unfinished = False
        with contextlib.suppress(OSError):
            unfinished = not stream.closed and _same_file(stream.fileno(), path)
        if _WINDOWS:  # pragma: no cover - an open file cannot be deleted there
            stream.close()
        if unfinished:
            with contextlib.suppress(OSError):
                path.unlink()  # still locked (POSIX): no sweeper can have taken it meanwhile
        with contextlib.suppress(OSError):  # flushing what a failed block left buffered (a full disk) fails again;
            stream.close()  # a finished file was flushed and synced before it was moved, so nothing is lost here


def finish_owned_file(stream: BinaryIO, temporary: Path, target: Path) -> None:
    """Flush and fsync ``stream`` (the owned ``temporary``), then move it to ``target`` atomically; the lock is
    kept across the move (except on Windows, where a file must be closed before it is renamed)."""
    stream.flush()
    os.fsync(stream.fileno())
    if _WINDOWS:  # pragma: no cover - Windows cannot rename an open file
        stream.close()
    os.replace(temporary, target)
    fsync_folder(target.parent)


def _owner_file(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}{OWNER_SUFFIX}")


class OwnedFolder:
    """A working folder this process owns (see the module docstring); ``release`` gives it up."""

    def __init__(self, path: Path, owner_fd: int) -> None:
        self.path = path
        self._owner_fd: int | None = owner_fd

    def release(self) -> None:
        """Remove the folder (unless it was moved away meanwhile) and drop the ownership lock."""
        if self._owner_fd is None:
            return
        if self.path.is_dir() and not self.path.is_symlink():
            shutil.rmtree(self.path, ignore_errors=True)
        with contextlib.suppress(OSError):
            _owner_file(self.path).unlink()
        os.close(self._owner_fd)
        self._owner_fd = None


def create_owned_folder(parent: Path, prefix: str, suffix: str = "") -> OwnedFolder:
    """A new, empty folder ``parent/<prefix><random><suffix>`` owned by this process until ``release``."""
    while True:
        path = parent / f"{prefix}{uuid.uuid4().hex}{suffix}"
        owner = _owner_file(path)
        try:
            fd = os.open(owner, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        except FileExistsError:
            continue
        _lock(fd)
        if not _same_file(fd, owner):  # swept between creation and locking: make another
            os.close(fd)
            continue
        try:
            path.mkdir()
        except BaseException:
            with contextlib.suppress(OSError):
                owner.unlink()
            os.close(fd)
            raise
        return OwnedFolder(path, fd)


@contextlib.contextmanager
def _claimed(path: Path) -> Iterator[bool | None]:
    """Try to take the ownership lock of ``path``: True (taken: the owner is gone), False (a live process
    holds it), None (no such file). The lock is held while the block runs."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        yield None
        return
    except OSError:
        yield False  # cannot even open it (in use on Windows, no permission): leave it alone
        return
    try:
        yield try_lock(fd) and _same_file(fd, path)
    finally:
        os.close(fd)


def remove_if_abandoned(path: Path) -> bool:
    """Delete the temporary ``path`` (a file or a working folder) if no live process owns it; True if deleted."""
    try:
        if path.is_symlink() or not path.is_dir():
            with _claimed(path) as abandoned:
                if not abandoned:
                    return False
                if not _WINDOWS:
                    path.unlink()
            if _WINDOWS:  # pragma: no cover - an open file cannot be deleted there
                path.unlink()
            return True
        owner = _owner_file(path)
        with _claimed(owner) as held_by_nobody:
            if held_by_nobody is False:
                return False
            shutil.rmtree(path)
            if held_by_nobody and not _WINDOWS:
                owner.unlink()
        if held_by_nobody and _WINDOWS:  # pragma: no cover
            owner.unlink(missing_ok=True)
        return True
    except OSError:
        return False  # a read-only folder, a permission problem: it stays, and nothing else is affected


def sweep_abandoned(folder: Path, patterns: Iterable[str]) -> list[Path]:
    """Delete the abandoned temporaries in ``folder`` whose names match one of ``patterns``; returns them.

    Ownership sidecars (``.<name>.owner``) are handled with their folder; a sidecar whose folder is gone and
    whose owner has ended is removed too.
    """
    patterns = tuple(patterns)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    removed = []
    for entry in entries:
        if entry.name.endswith(OWNER_SUFFIX) or not any(fnmatch.fnmatch(entry.name, p) for p in patterns):
            continue
        if remove_if_abandoned(entry):
            removed.append(entry)
    for entry in entries:
        if entry.name.endswith(OWNER_SUFFIX) and entry.name.startswith("."):
            folder_name = entry.name[1 : -len(OWNER_SUFFIX)]
            if any(fnmatch.fnmatch(folder_name, p) for p in patterns) and not (folder / folder_name).exists():
                remove_if_abandoned(entry)
    return removed


# --- atomic writes ---------------------------------------------------------------------------

class _TargetStream:
    """The stream of an atomic write: a failure to *write* names the target file, so that a caller's own
    failure to read its source (an ``OSError`` raised inside the block) is never mistaken for one."""

    def __init__(self, stream: BinaryIO, target: Path) -> None:
        self._stream, self._target = stream, target

    def write(self, data) -> int:
        try:
            return self._stream.write(data)
        except OSError as exc:
            raise storage_error(exc, self._target) from exc

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Open a binary stream whose content appears at ``path`` only if the block completes.

    Failing to create, write or move the file raises ``StorageError`` naming ``path``; any other exception
    of the block passes through unchanged. Either way nothing is left behind.
    """
    path = Path(path)
    with contextlib.ExitStack() as cleanup:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            stream, temporary = cleanup.enter_context(owned_temp_file(path.parent, prefix=f".{path.name}."))
        except OSError as exc:
            raise storage_error(exc, path) from exc
        yield _TargetStream(stream, path)  # type: ignore[misc]
        try:
            finish_owned_file(stream, temporary, path)
        except OSError as exc:
            raise storage_error(exc, path) from exc


def write_atomic(path: Path, data: bytes) -> None:
    with atomic_writer(path) as stream:
        stream.write(data)
