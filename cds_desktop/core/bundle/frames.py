"""Reading the decrypted payload: frame by frame, in whatever pieces the decryptor hands out.

The first frame must be the signed manifest; it is handed to a callback that verifies it (signature, header,
recipients, ordering) before any entry is looked at. Each following frame must be the next entry the manifest
lists, with the listed size; records are kept in memory and parsed as JSON, attachments are streamed into an
``AttachmentSink``; both are hashed on the way and compared with the manifest. Each byte of an attachment is
written once and hashed once, as it goes by: nothing here reads an attachment back.

Two sinks exist: ``QuarantineFolder`` (a folder of its own, each attachment under its entry name: for callers
of the library) and the office's evidence staging (``storage/evidence_store.EvidenceStaging``: owned temporary
files inside the evidence store, moved into place when the import commits).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Protocol

from cds_desktop.core.bundle.canonical import JsonSyntaxError, loads_strict
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.format import FRAME_PREFIX, MAX_MANIFEST_SIZE, NAME_LENGTH, FrameType
from cds_desktop.core.bundle.manifest import EntryKind, Manifest, ManifestEntry
from cds_desktop.core.bundle.names import MAX_NAME_BYTES, printable
from cds_desktop.core.errors import BundleError

FileIdentity = tuple[int, int, int, int]
"""``(st_dev, st_ino, st_size, st_mtime_ns)``: which file, as written; compared by ``stat``, never by reading."""


def file_identity(status: os.stat_result) -> FileIdentity:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


@dataclass(frozen=True)
class QuarantinedFile:
    """An attachment written by a sink, with its verified size and SHA-256 (hex) and the file as written."""

    name: str
    path: Path
    size: int
    sha256: str
    identity: FileIdentity


class AttachmentOutput(Protocol):
    """Where the bytes of one attachment go, in order; ``finish`` after the last one."""

    path: Path

    def write(self, data: memoryview) -> None: ...

    def finish(self) -> FileIdentity:
        """Everything is written (flushed, not necessarily on disk yet); the file as it now is."""
        ...


class AttachmentSink(Protocol):
    """Receives the attachments of one bundle while it is verified; ``discard`` removes them all (a refusal)."""

    location: Path  # named in a storage error

    def open(self, name: str) -> AttachmentOutput: ...

    def discard(self) -> None: ...


class _FolderFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._stream: BinaryIO = open(path, "xb")

    def write(self, data: memoryview) -> None:
        self._stream.write(data)

    def finish(self) -> FileIdentity:
        self._stream.close()
        return file_identity(os.stat(self.path))

    def close(self) -> None:
        self._stream.close()


class QuarantineFolder:
    """A folder that must not exist or be empty; each attachment becomes the file its entry name says."""

    def __init__(self, folder: Path) -> None:
        if folder.exists() and any(folder.iterdir()):
            raise BundleError(Code.QUARANTINE_NOT_EMPTY, path=str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        self.location = folder
        self._open: list[_FolderFile] = []

    def open(self, name: str) -> AttachmentOutput:
        output = _FolderFile(self.location.joinpath(*name.split("/")))
        self._open.append(output)
        return output

    def discard(self) -> None:
        for output in self._open:
            output.close()
        shutil.rmtree(self.location, ignore_errors=True)


class _Entry:
    """The entry frame being read: where its content goes and how it is checked."""

    def __init__(self, listed: ManifestEntry, sink: AttachmentSink) -> None:
        self.listed = listed
        self.remaining = listed.size
        self.hash = hashlib.sha256()
        self.record = bytearray() if listed.kind is EntryKind.RECORD else None
        self.output = sink.open(listed.name) if self.record is None else None

    def write(self, data: memoryview) -> None:
        self.hash.update(data)
        if self.output is not None:
            self.output.write(data)
        else:
            assert self.record is not None
            self.record += data
        self.remaining -= len(data)


class PayloadReader:
    """Consumes decrypted payload bytes (``feed``) and checks, at the end (``finish``), that nothing is missing."""

    def __init__(self, verify_manifest: Callable[[bytes], Manifest], sink: AttachmentSink) -> None:
        self._verify_manifest = verify_manifest
        self._sink = sink
        self._pending = bytearray()  # bytes of a fixed-size part (frame prefix, name) not yet complete
        self._need = FRAME_PREFIX.size
        self._step: Callable[[bytes], None] = self._on_frame_prefix
        self._manifest: Manifest | None = None
        self._next = 0  # index in the manifest of the next entry expected
        self._body_length = 0
        self._entry: _Entry | None = None
        self.records: dict[str, Any] = {}
        self.attachments: list[QuarantinedFile] = []

    def feed(self, data: memoryview) -> None:
        while data:
            if self._entry is not None:
                count = min(len(data), self._entry.remaining)
                self._entry.write(data[:count])
                data = data[count:]
                if self._entry.remaining == 0:
                    self._finish_entry()
                continue
            count = min(len(data), self._need - len(self._pending))
            self._pending += data[:count]
            data = data[count:]
            if len(self._pending) == self._need:
                part = bytes(self._pending)
                self._pending.clear()
                self._step(part)

    def finish(self) -> Manifest:
        """The verified manifest, once every frame was complete and every listed entry was present."""
        if self._pending or self._entry is not None or self._step != self._on_frame_prefix or self._manifest is None:
            raise BundleError(Code.FRAME_TRUNCATED)
        if self._next < len(self._manifest.entries):
            raise BundleError(Code.MANIFEST_ENTRY_MISSING, name=self._manifest.entries[self._next].name)
        return self._manifest

    def _expect(self, size: int, step: Callable[[bytes], None]) -> None:
        self._need = size
        self._step = step
        if size == 0:
            step(b"")

    def _on_frame_prefix(self, prefix: bytes) -> None:
        type_number, length = FRAME_PREFIX.unpack(prefix)
        try:
            frame_type = FrameType(type_number)
        except ValueError:
            raise BundleError(Code.UNKNOWN_FRAME, frame_type=type_number) from None
        expected = FrameType.MANIFEST if self._manifest is None else FrameType.ENTRY
        if frame_type is not expected:
            raise BundleError(Code.UNEXPECTED_FRAME, frame_type=frame_type.name.lower())
        self._body_length = length
        if expected is FrameType.MANIFEST:
            if length > MAX_MANIFEST_SIZE:
                raise BundleError(Code.MANIFEST_TOO_LARGE, size=length, limit=MAX_MANIFEST_SIZE)
            self._expect(length, self._on_manifest)
        else:
            self._expect(NAME_LENGTH.size, self._on_name_length)

    def _on_manifest(self, body: bytes) -> None:
        self._manifest = self._verify_manifest(body)
        self._expect(FRAME_PREFIX.size, self._on_frame_prefix)

    def _on_name_length(self, data: bytes) -> None:
        (length,) = NAME_LENGTH.unpack(data)
        if length > MAX_NAME_BYTES:
            raise BundleError(Code.ENTRY_NOT_IN_MANIFEST, name=f"<{length} B>")  # the name itself is not read
        self._expect(length, self._on_name)

    def _on_name(self, data: bytes) -> None:
        assert self._manifest is not None
        name = data.decode("utf-8", "replace")
        entries = self._manifest.entries
        listed = entries[self._next] if self._next < len(entries) else None
        if listed is None or listed.name != name:
            code = Code.ENTRY_OUT_OF_ORDER if any(e.name == name for e in entries) else Code.ENTRY_NOT_IN_MANIFEST
            raise BundleError(code, name=printable(name))
        size = self._body_length - NAME_LENGTH.size - len(data)
        if size != listed.size:
            raise BundleError(Code.ENTRY_SIZE_MISMATCH, name=name, expected=listed.size, found=max(size, 0))
        self._next += 1
        self._entry = _Entry(listed, self._sink)
        if size == 0:
            self._finish_entry()

    def _finish_entry(self) -> None:
        entry = self._entry
        assert entry is not None
        self._entry = None
        identity = entry.output.finish() if entry.output is not None else None
        name = entry.listed.name
        if entry.hash.hexdigest() != entry.listed.sha256:
            raise BundleError(Code.ENTRY_HASH_MISMATCH, name=name)
        if entry.record is not None:
            try:
                self.records[name] = loads_strict(bytes(entry.record), allow_floats=True)
            except JsonSyntaxError as exc:
                raise DocumentError(Code.RECORD_INVALID, reason=exc.reason, name=name, **exc.params) from None
        else:
            assert entry.output is not None and identity is not None
            self.attachments.append(QuarantinedFile(name, entry.output.path, entry.listed.size, entry.listed.sha256,
                                                    identity))
        self._expect(FRAME_PREFIX.size, self._on_frame_prefix)
