"""Evidence files stored by content: ``evidence/ab/abcdef…`` named by SHA-256, written atomically.

A file is hashed while it is copied, so it is read once; the same content attached twice is stored once.
The copy goes into an owned temporary ``evidence/.incoming-….part`` (``fileio``: removed at the next start
if the process dies) and is renamed to its content name only when complete and fsynced.

Reading the source and writing the store fail differently: a source that cannot be opened or read is the
person's problem with *their* file (``InputError("evidence.unreadable")``); a store that cannot be written
is the data folder's (``StorageError``: disk full, read-only folder, no permission).
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cds_desktop.core.errors import InputError
from cds_desktop.core.fileio import finish_owned_file, owned_temp_file, storage_error

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
