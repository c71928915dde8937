"""Export: write one signed, encrypted bundle for a commune's report, streaming and atomically.

``write_bundle`` signs the manifest, wraps a fresh file key to every recipient key, then streams the frames through
Cobblestone-256 into ``<output_dir>/<commune>_<plan>_<period>_r<revision>.cdsb``. Attachments are read once, in
blocks: each block is hashed as it is encrypted, and an attachment whose size or SHA-256 turns out different from
what the caller recorded (the file changed after it was added, or while exporting) stops the export with
``bundle.source_changed``. The file is written under a temporary name in the same folder, fsynced and renamed, so
nothing half-written ever carries the final name. Memory stays bounded whatever the attachments' size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Mapping, Sequence

from cds_desktop.core.bundle.canonical import encode, validate_model
from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.format import (
    DEFAULT_SUITE,
    FILE_SUFFIX,
    HEADER_CODES,
    MAX_MANIFEST_SIZE,
    MAX_RECIPIENTS,
    BundleHeader,
    FrameType,
    HeaderCore,
    RecipientEntry,
    Suite,
    assemble_header,
    encode_header_start,
    entry_frame_prefix,
    frame_prefix,
    wrap_info,
)
from cds_desktop.core.bundle.keys import KeyKind, Recipient, SigningKey, sha256_fingerprint
from cds_desktop.core.bundle.manifest import MANIFEST_CODES, EntryKind, Manifest, ManifestEntry, manifest_sha256
from cds_desktop.core.bundle.names import check_entry_names, printable
from cds_desktop.core.bundle.pipeline import run_pipeline
from cds_desktop.core.bundle.signed import seal
from cds_desktop.core.errors import BundleError
from cds_desktop.core.fileio import atomic_writer
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled

BLOCK_SIZE = 1024 * 1024
FILE_KEY_SIZE = 32
BUNDLE_ID_SIZE = 16


@dataclass(frozen=True)
class AttachmentSource:
    """An evidence file to export, with the size and SHA-256 (hex) recorded when it was added."""

    name: str
    path: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    size: int
    sha256: str  # of the whole file, hex
    fingerprint: str  # the file's SHA-256, 160 bits in groups of four base32 letters, for reading aloud
    bundle_id: str
    manifest_sha256: str  # the next revision's ``previous_manifest_sha256``


def bundle_file_name(series: Series, revision: int) -> str:
    """``24751_dak-rlap-2023_2023Q1_r2.cdsb``."""
    return f"{series.commune}_{series.plan}_{series.period}_r{revision}{FILE_SUFFIX}"


def write_bundle(
    output_dir: Path,
    *,
    series: Series,
    revision: int,
    previous_manifest_sha256: str | None,
    signing_key: SigningKey,
    recipients: Sequence[Recipient],
    records: Mapping[str, Any],
    attachments: Sequence[AttachmentSource],
    app_version: str,
    schema_version: int,
    created_at: dt.datetime | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    entropy: Callable[[int], bytes] = os.urandom,
    bundle_id: str | None = None,
) -> WrittenBundle:
    """Write the bundle for revision ``revision`` of ``series`` into ``output_dir``.

    ``records`` maps entry names to JSON-able values (written as canonical JSON); ``attachments`` are copied
    from disk. ``entropy`` supplies the bundle id and the file key and exists for reproducible tests only.
    ``bundle_id`` (32 hex digits) writes a bundle that was decided before (an export finished after a crash):
    with the same inputs it has the same manifest, hence the same manifest hash; only the file key is new.
    Raises ``BundleError`` (``bundle.source_changed``, ``bundle.source_unreadable``, ``bundle.output_exists``,
    ``bundle.no_recipients``, ``bundle.recipient_key_type``, entry-name codes, …), ``StorageError`` when the
    output cannot be written, ``Cancelled`` when cancelled; in every case nothing is left in ``output_dir``.
    """
    suite = DEFAULT_SUITE
    _check_recipients(recipients, suite.recipient_kind)
    record_bytes = {name: encode(value) for name, value in records.items()}
    check_entry_names([*record_bytes, *(a.name for a in attachments)])
    shared = {  # the facts both the cleartext header and the signed manifest state
        "bundle_id": bundle_id or entropy(BUNDLE_ID_SIZE).hex(),
        "sender": {"org": series.commune, "key_id": signing_key.public.key_id},
        "recipients": [{"org": r.org, "key_id": r.key.key_id} for r in recipients],
        "series": series.model_dump(),
        "revision": revision,
    }
    entries = [
        *(
            ManifestEntry(name=n, kind=EntryKind.RECORD, size=len(b), sha256=_sha256(b))
            for n, b in record_bytes.items()
        ),
        *(ManifestEntry(name=a.name, kind=EntryKind.ATTACHMENT, size=a.size, sha256=a.sha256) for a in attachments),
    ]
    manifest = validate_model(
        {
            **shared,
            "previous_manifest_sha256": previous_manifest_sha256,
            "created_at": created_at or dt.datetime.now(dt.timezone.utc),
            "app_version": app_version,
            "schema_version": schema_version,
            "entries": entries,
        },
        Manifest,
        MANIFEST_CODES,
    )
    signed_manifest = seal(manifest, [signing_key])
    if len(signed_manifest) > MAX_MANIFEST_SIZE:
        raise BundleError(Code.MANIFEST_TOO_LARGE, size=len(signed_manifest), limit=MAX_MANIFEST_SIZE)
    pieces: list[bytes | AttachmentSource] = [frame_prefix(FrameType.MANIFEST, len(signed_manifest)) + signed_manifest]
    pieces += [entry_frame_prefix(name, len(data)) + data for name, data in record_bytes.items()]
    for attachment in attachments:
        pieces += [entry_frame_prefix(attachment.name, attachment.size), attachment]
    plaintext_size = sum(p.size if isinstance(p, AttachmentSource) else len(p) for p in pieces)
    core = validate_model({**shared, "plaintext_size": plaintext_size}, HeaderCore, HEADER_CODES)

    file_key = entropy(FILE_KEY_SIZE)
    header = _wrapped_header(suite, core, file_key, recipients)
    path = Path(output_dir) / bundle_file_name(series, revision)
    if path.exists():
        raise BundleError(Code.OUTPUT_EXISTS, path=str(path))
    check_cancelled(cancel)
    with atomic_writer(path) as output, _PlaintextSource(pieces) as source:
        digest = _write_encrypted(output, header, file_key, source, progress, cancel)
    return WrittenBundle(
        path=path,
        size=len(header.encoded) + header.payload_size,
        sha256=digest.hex(),
        fingerprint=sha256_fingerprint(digest),
        bundle_id=core.bundle_id,
        manifest_sha256=manifest_sha256(manifest.canonical()),
    )


def _wrapped_header(suite: Suite, core: HeaderCore, file_key: bytes, recipients: Sequence[Recipient]) -> BundleHeader:
    """The header with ``file_key`` wrapped to every recipient, bound to the header up to the core."""
    header_start = encode_header_start(suite, core)
    core_digest = hashlib.sha256(header_start).digest()
    wrapped = [
        RecipientEntry(
            r.key.key_id_bytes,
            suite.hpke_suite.encrypt(file_key, r.key.hpke_key(), info=wrap_info(core_digest, r.key.key_id_bytes)),
        )
        for r in recipients
    ]
    return assemble_header(suite, core, header_start, wrapped)


def _write_encrypted(
    output: BinaryIO,
    header: BundleHeader,
    file_key: bytes,
    source: _PlaintextSource,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> bytes:
    """Write the header and the encrypted payload to ``output``; the SHA-256 of everything written.

    One pass per job, each on its own stage of the pipeline: reading the attachments and checking their hash
    (``_PlaintextSource``), encrypting, then hashing what is written as it is written."""
    total = len(header.encoded) + header.payload_size
    encryptor = header.suite.encryptor(file_key, header.payload_context)
    file_hash = hashlib.sha256()
    written = 0

    def encrypt(block: memoryview, out: memoryview) -> int:
        return encryptor.update_into(block, out)

    def write(block: memoryview | bytes) -> None:
        nonlocal written
        file_hash.update(block)
        output.write(block)
        written += len(block)
        if progress is not None:
            progress(written, total)

    write(header.encoded)
    run_pipeline(
        source.readinto,
        encrypt,
        write,
        block_size=BLOCK_SIZE,
        output_size=BLOCK_SIZE + BLOCK_SIZE // 1024 + 16456,  # enough for any update_into, per the Cobblestone docs
        cancel=cancel,
        size_hint=header.core.plaintext_size,
    )
    write(encryptor.finalize())
    return file_hash.digest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_recipients(recipients: Sequence[Recipient], kind: KeyKind) -> None:
    if not recipients:
        raise BundleError(Code.NO_RECIPIENTS)
    for recipient in recipients:
        if recipient.key.kind is not kind:
            raise BundleError(Code.RECIPIENT_KEY_TYPE, org=recipient.org, kind=recipient.key.kind.value)
    if len(recipients) > MAX_RECIPIENTS:
        raise BundleError(Code.HEADER_TOO_LARGE, size=len(recipients), limit=MAX_RECIPIENTS)


class _PlaintextSource:
    """The payload plaintext, produced block by block: frame bytes in memory and attachment files read from disk.

    Each attachment is hashed as it is read and compared with the size and SHA-256 the caller recorded.
    """

    def __init__(self, pieces: list[bytes | AttachmentSource]) -> None:
        self._pieces = iter(pieces)
        self._current: bytes | _OpenAttachment | None = None
        self._offset = 0

    def __enter__(self) -> _PlaintextSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if isinstance(self._current, _OpenAttachment):
            self._current.close()

    def readinto(self, block: memoryview) -> int:
        filled = 0
        while filled < len(block) and (self._current is not None or self._advance()):
            current = self._current
            if isinstance(current, bytes):
                count = min(len(block) - filled, len(current) - self._offset)
                block[filled : filled + count] = current[self._offset : self._offset + count]
                self._offset += count
                filled += count
                done = self._offset == len(current)
            else:
                assert current is not None
                if current.remaining:
                    filled += current.readinto(block[filled:])
                done = current.remaining == 0
                if done:
                    current.finish()
            if done:
                self._current = None
        return filled

    def _advance(self) -> bool:
        piece = next(self._pieces, None)
        if piece is not None:
            self._current = piece if isinstance(piece, bytes) else _OpenAttachment(piece)
            self._offset = 0
        return piece is not None


class _OpenAttachment:
    def __init__(self, source: AttachmentSource) -> None:
        self.source = source
        self.remaining = source.size
        self._hash = hashlib.sha256()
        try:
            self._stream: io.FileIO = open(source.path, "rb", buffering=0)
        except OSError as exc:
            raise BundleError(
                Code.SOURCE_UNREADABLE,
                name=printable(source.name),
                path=str(source.path),
                problem=exc.strerror or str(exc),
            ) from None

    def readinto(self, block: memoryview) -> int:
        view = block[: min(len(block), self.remaining)]
        count = self._read(view)
        if count == 0:  # the file is shorter than when it was added
            self._changed()
        self._hash.update(view[:count])
        self.remaining -= count
        return count

    def finish(self) -> None:
        """Check that the file ended where expected and had the expected hash."""
        extra = self._read(memoryview(bytearray(1)))
        self.close()
        if extra or self._hash.hexdigest() != self.source.sha256:
            self._changed()

    def close(self) -> None:
        self._stream.close()

    def _read(self, view: memoryview) -> int:
        try:
            return self._stream.readinto(view) or 0
        except OSError as exc:
            self.close()
            raise BundleError(
                Code.SOURCE_UNREADABLE,
                name=printable(self.source.name),
                path=str(self.source.path),
                problem=exc.strerror or str(exc),
            ) from None

    def _changed(self) -> None:
        self.close()
        raise BundleError(Code.SOURCE_CHANGED, name=printable(self.source.name), path=str(self.source.path))
