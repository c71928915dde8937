"""Evidence files stored by content: ``evidence/ab/abcdef…`` named by SHA-256, written atomically.

A file is hashed while it is copied, so it is read once; the same content attached twice is stored once.
The copy goes into an owned temporary ``evidence/.incoming-….part`` (``fileio``: removed at the next start
if the process dies) and is renamed to its content name only when complete and fsynced.

Reading the source and writing the store fail differently: a source that cannot be opened or read is the
person's problem with *their* file (``InputError("evidence.unreadable")``); a store that cannot be written
is the data folder's (``StorageError``: disk full, read-only folder, no permission).

The office's import does not copy: ``EvidenceStaging`` is where a bundle's attachments are decrypted to, straight
into owned temporaries in the store's folder (same file system), hashed by the bundle reader as they are
written. ``commit`` fsyncs each one and renames it to its content name — the hash verification computed, not a
second one — and ``discard`` (or leaving the ``with`` block) removes what was not committed.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable

from cds_desktop.core.errors import InputError
from cds_desktop.core.fileio import finish_owned_file, fsync_folder, owned_temp_file, storage_error

CHUNK = 1024 * 1024
INCOMING_PREFIX = ".incoming-"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str


def media_type_of(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _unreadable(source: Path) -> InputError:
    return InputError("evidence.unreadable", path=str(source))


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def store(self, source: Path) -> StoredFile:
        """Copy ``source`` into the store; returns its hash, size and media type."""
        if not source.is_file():
            raise InputError("evidence.not_a_file", path=str(source))
        with contextlib.ExitStack() as stack:
            try:
                src = stack.enter_context(source.open("rb"))
            except OSError as exc:
                raise _unreadable(source) from exc
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                out, staging = stack.enter_context(owned_temp_file(self.root, prefix=INCOMING_PREFIX))
            except OSError as exc:
                raise storage_error(exc, self.root) from exc
            digest, size = hashlib.sha256(), 0
            while chunk := _read(source, src):
                digest.update(chunk)
                size += len(chunk)
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise storage_error(exc, self.root) from exc
            target = self.path_of(digest.hexdigest())
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                finish_owned_file(out, staging, target)
            except OSError as exc:
                raise storage_error(exc, target) from exc
        return StoredFile(digest.hexdigest(), size, media_type_of(source.name))


def _read(source: Path, stream: BinaryIO) -> bytes:
    try:
        return stream.read(CHUNK)
    except OSError as exc:
        raise _unreadable(source) from exc


class _StagedFile:
    """One attachment being decrypted into an owned temporary of the store."""

    def __init__(self, stream: BinaryIO, path: Path) -> None:
        self.path = path
        self.stream = stream

    def write(self, data: memoryview) -> None:
        self.stream.write(data)

    def finish(self) -> tuple[int, int, int, int]:
        self.stream.flush()
        status = os.fstat(self.stream.fileno())
        return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


class EvidenceStaging:
    """The attachments of one bundle being imported: an ``AttachmentSink`` (``bundle/frames.py``) over the store.

    Use it as a context manager: leaving the block removes every temporary not committed (a refusal, a crash is
    handled by the next start: the temporaries are owned).
    """

    def __init__(self, store: EvidenceStore) -> None:
        self.location = store.root
        self._store = store
        self._files: dict[Path, _StagedFile] = {}
        self._temporaries = contextlib.ExitStack()

    def __enter__(self) -> EvidenceStaging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()

    def open(self, name: str) -> _StagedFile:
        try:
            self.location.mkdir(parents=True, exist_ok=True)
            stream, path = self._temporaries.enter_context(owned_temp_file(self.location, prefix=INCOMING_PREFIX))
        except OSError as exc:
            raise storage_error(exc, self.location) from exc
        staged = self._files[path] = _StagedFile(stream, path)
        return staged

    def commit(self, verified: Iterable[tuple[Path, str]]) -> None:
        """Make each verified ``(temporary path, sha256)`` a stored file, on disk before this returns; content
        already in the store is not written again."""
        for path, sha256 in verified:
            staged, target = self._files[path], self._store.path_of(sha256)
            if target.is_file():
                continue
            try:
                if not target.parent.is_dir():
                    target.parent.mkdir()
                    fsync_folder(self.location)  # the new folder's name is on disk too
                finish_owned_file(staged.stream, path, target)
            except OSError as exc:
                raise storage_error(exc, target) from exc

    def discard(self) -> None:
        """Remove the temporaries that were not committed."""
        self._files.clear()
        self._temporaries.close()
