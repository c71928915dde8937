"""Evidence files stored by content: ``evidence/ab/abcdef…`` named by SHA-256, written atomically.

A file is hashed while it is copied, so it is read once; the same content attached twice is stored once.
The copy goes into an owned temporary ``evidence/.incoming-….part`` (``fileio``: removed at the next start
if the process dies) and is renamed to its content name only when complete and fsynced.

Reading the source and writing the store fail differently: a source that cannot be opened or read is the
person's problem with *their* file (``InputError("evidence.unreadable")``); a store that cannot be written
is the data folder's (``StorageError``: disk full, read-only folder, no permission).

The office's import does not copy: ``EvidenceStaging`` is where a bundle's attachments are decrypted to, straight
into owned temporaries in the store's local folder, hashed by the bundle reader as they are written. ``commit``
hands each verified one to the store (``ContentStore.keep``) — the hash verification computed, not a second one —
and ``discard`` (or leaving the ``with`` block) removes what is left.

An office keeps its evidence in a ``ContentStore``: these files on one PC (``EvidenceStore``: ``keep`` fsyncs the
temporary and renames it to its content name, on the same file system), or a shared office's database
(``evidence_database.DatabaseEvidenceStore``), which every staff PC reads. Either store gives its content back as
a stream (``open_content``), read in chunks by whoever checks it.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ContextManager, Iterable, Iterator, Protocol

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


class StagedFile:
    """One attachment being decrypted into an owned temporary (``path``) of the local staging folder."""

    def __init__(self, stream: BinaryIO, path: Path) -> None:
        self.path = path
        self.stream = stream

    def write(self, data: memoryview) -> None:
        self.stream.write(data)

    def finish(self) -> tuple[int, int, int, int]:
        self.stream.flush()
        status = os.fstat(self.stream.fileno())
        return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns

    def read_all(self) -> bytes:
        """The staged content, once, in memory (for a store that is not a folder). On Windows the file's lock
        refuses any other handle: it is closed first, and removed once read."""
        self.stream.flush()
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            self.stream.close()
            content = self.path.read_bytes()
            self.path.unlink(missing_ok=True)
            return content
        return self.path.read_bytes()


class ContentStore(Protocol):
    """Where an office keeps evidence by SHA-256: its files (``EvidenceStore``) or its database
    (``evidence_database.DatabaseEvidenceStore``)."""

    staging_folder: Path  # a local folder of this PC, where an import decrypts attachments to

    def keep(self, staged: StagedFile, sha256: str) -> None:
        """Store the staged file, verified to have ``sha256``, unless that content is stored already."""

    def open_content(self, sha256: str) -> ContextManager[BinaryIO | None]:
        """The stored content as a stream read in chunks, None when it is not stored; ``StorageError`` when the
        store cannot be read."""

    def location_of(self, sha256: str) -> str:
        """Where the content is (or was) kept, as a message names it."""


class EvidenceStore:
    """Evidence files in a folder of the data folder (a commune's; an office on one PC)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging_folder = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def location_of(self, sha256: str) -> str:
        return str(self.path_of(sha256))

    def keep(self, staged: StagedFile, sha256: str) -> None:
        """Rename the staged file to its content name, on disk (fsynced) before this returns."""
        target = self.path_of(sha256)
        if target.is_file():
            return
        try:
            if not target.parent.is_dir():
                target.parent.mkdir()
                fsync_folder(self.root)  # the new folder's name is on disk too
            finish_owned_file(staged.stream, staged.path, target)
        except OSError as exc:
            raise storage_error(exc, target) from exc

    @contextlib.contextmanager
    def open_content(self, sha256: str) -> Iterator[BinaryIO | None]:
        path = self.path_of(sha256)
        try:
            stream = path.open("rb")
        except FileNotFoundError:
            yield None
            return
        except OSError as exc:
            raise storage_error(exc, path) from exc
        with stream:
            yield _Checked(stream, path)

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


class _Checked:
    """A stored file read in chunks, its read failures the store's (``StorageError`` naming the file)."""

    def __init__(self, stream: BinaryIO, path: Path) -> None:
        self._stream, self._path = stream, path

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except OSError as exc:
            raise storage_error(exc, self._path) from exc


class EvidenceStaging:
    """The attachments of one bundle being imported: an ``AttachmentSink`` (``bundle/frames.py``) over the store.

    Use it as a context manager: leaving the block removes every temporary not committed (a refusal, a crash is
    handled by the next start: the temporaries are owned).
    """

    def __init__(self, store: ContentStore) -> None:
        self.location = store.staging_folder
        self._store = store
        self._files: dict[Path, StagedFile] = {}
        self._temporaries = contextlib.ExitStack()

    def __enter__(self) -> EvidenceStaging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()

    def open(self, name: str) -> StagedFile:
        try:
            self.location.mkdir(parents=True, exist_ok=True)
            stream, path = self._temporaries.enter_context(owned_temp_file(self.location, prefix=INCOMING_PREFIX))
        except OSError as exc:
            raise storage_error(exc, self.location) from exc
        staged = self._files[path] = StagedFile(stream, path)
        return staged

    def commit(self, verified: Iterable[tuple[Path, str]]) -> None:
        """Store each verified ``(temporary path, sha256)``, kept for good before this returns; content already
        in the store is not written again."""
        for path, sha256 in verified:
            self._store.keep(self._files[path], sha256)

    def discard(self) -> None:
        """Remove the temporaries that were not committed."""
        self._files.clear()
        self._temporaries.close()
