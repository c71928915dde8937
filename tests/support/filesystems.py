"""Real filesystem conditions for the process tests: a full disk, a read-only folder, an unreadable file.

- ``small_disk``: a tmpfs of a few megabytes mounted for the test (needs root, or ``CAP_SYS_ADMIN``: CI runs
  these tests as root in its container). Filling it gives the real ``ENOSPC``/``SQLITE_FULL`` a full disk
  gives. There is no fallback that behaves the same (``RLIMIT_FSIZE`` gives ``EFBIG``, which SQLite reports
  as an I/O error, not as a full disk), so without the privilege the test fails saying so.
- ``read_only_view``: the folder as a read-only bind mount (root), or the folder itself made read-only with
  ``chmod`` (non-root users, for whom permissions apply).
- ``unreadable_file``: a file the ``cds`` child cannot read: mode 000 (non-root), or a root-owned 0600 file
  read by a child running as ``nobody`` (root ignores permissions); returns the user the child runs as.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

IS_ROOT = os.geteuid() == 0
NOBODY = "nobody"


def _mount(*arguments: str) -> None:
    result = subprocess.run(["mount", *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"this test needs to mount a filesystem (mount {' '.join(arguments)}: {result.stderr.strip()});"
                    " run it as root (CI does)")


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


@contextlib.contextmanager
def small_disk(folder: Path, size_kib: int) -> Iterator[Path]:
    """A real, separate filesystem of ``size_kib`` KiB mounted at ``folder`` for the block."""
    if not IS_ROOT:
        pytest.fail("the full-disk tests need root to mount a small tmpfs (CI runs them as root)")
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0777", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _unmount(folder)


def fill(folder: Path, leave: int = 0) -> Path:
    """Write a filler file in ``folder`` until the disk is full, then free ``leave`` bytes; returns the file."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as stream:
        for block in (1 << 20, 1 << 16, 1 << 12, 1):
            try:
                while stream.write(b"\0" * block):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
        stream.truncate(max(0, stream.tell() - leave))
    return filler


@contextlib.contextmanager
def read_only_view(folder: Path) -> Iterator[Path]:
    """``folder`` as a read-only folder for the block (a read-only bind mount as root, else ``chmod``)."""
    if IS_ROOT:
        view = folder.with_name(folder.name + "-read-only")
        view.mkdir()
        _mount("--bind", str(folder), str(view))
        try:
            _mount("-o", "remount,bind,ro", str(view))
            yield view
        finally:
            _unmount(view)
        return
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield folder
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def shared_folder() -> Path:
    """A new folder every user can enter (pytest's own are private to the user running the tests)."""
    folder = Path(tempfile.mkdtemp(prefix="cds-shared-"))
    folder.chmod(0o755)
    return folder


def unreadable_file(path: Path, content: bytes) -> str | None:
    """Make ``path`` a file the child cannot read; returns the user the child must run as (None: as we are)."""
    path.write_bytes(content)
    if IS_ROOT:
        path.chmod(0o600)
        return NOBODY
    path.chmod(0)
    return None


def give_to(user: str | None, *folders: Path) -> None:
    """Let ``user`` (a child's identity) write in ``folders`` and everything in them."""
    if user is None:
        return
    for folder in folders:
        for path in [folder, *folder.rglob("*")]:
            shutil.chown(path, user)
