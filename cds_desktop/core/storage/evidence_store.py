"""Evidence files stored by content: ``evidence/ab/abcdef…`` named by SHA-256, written atomically.

A file is hashed while it is copied, so it is read once; the same content attached twice is stored once.
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass
from pathlib import Path

from cds_desktop.core.errors import InputError
from cds_desktop.core.fileio import atomic_writer, storage_error

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str


def media_type_of(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def store(self, source: Path) -> StoredFile:
        """Copy ``source`` into the store; returns its hash, size and media type."""
        if not source.is_file():
            raise InputError("evidence.not_a_file", path=str(source))
        digest = hashlib.sha256()
        size = 0
        staging = self.root / f"incoming-{uuid.uuid4().hex}.part"
        try:
            with atomic_writer(staging) as out, source.open("rb") as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except PermissionError as exc:
            raise InputError("evidence.unreadable", path=str(source)) from exc
        sha256 = digest.hexdigest()
        target = self.path_of(sha256)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging.replace(target)
        except OSError as exc:
            staging.unlink(missing_ok=True)
            raise storage_error(exc, target) from exc
        return StoredFile(sha256, size, media_type_of(source.name))
