"""Import, first half: verify a bundle completely, its attachments into a sink, or refuse it with a distinct code.

``verify_bundle`` checks, in this order: the header (no key needed); that the bundle is addressed to this office;
that its sender's key is enrolled and active; the office key that opens the wrapped file key; the payload's key
commitment and exact length; then, streaming, the signed manifest (signature with the enrolled key, the header
repeated exactly, this office among the signed recipients, safe entry names, ordering against the receiver's
state) and every entry against it. Only when all of that passes — Cobblestone's final chunk included — is a
``VerifiedBundle`` returned; on any failure the sink's attachments are removed. Nothing here touches a database:
the caller imports from the result in one transaction.

The bundle file is read once, in one pass: each block is hashed (the file's SHA-256) and decrypted, and the
plaintext is parsed, hashed per entry and written to the sink as it goes by. Everything the result holds — the
manifest, the records, the attachments, the file's hash — comes from that one reading, so a change to the file
afterwards cannot reach what is imported, and nothing is read twice. ``ensure_unchanged`` checks, by ``stat``
alone, that the attachment files are still the very files written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Collection, Iterator, Mapping, Sequence

from cryptography.cobblestone import Cobblestone256Decryptor
from cryptography.exceptions import InvalidTag

from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.format import BundleHeader, HeaderCore, read_header, wrap_info
from cds_desktop.core.bundle.frames import (
    AttachmentSink,
    PayloadReader,
    QuarantinedFile,
    QuarantineFolder,
    file_identity,
)
from cds_desktop.core.bundle.keys import EncryptionKey, EnrolledKey, KeyStatus, SenderLookup, sha256_fingerprint
from cds_desktop.core.bundle.manifest import MANIFEST_CODES, Manifest, manifest_sha256
from cds_desktop.core.bundle.names import check_entry_names
from cds_desktop.core.bundle.pipeline import run_pipeline
from cds_desktop.core.bundle.sequence import SeriesState, check_sequence
from cds_desktop.core.bundle.signed import open_envelope
from cds_desktop.core.errors import BundleError
from cds_desktop.core.fileio import storage_error
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled

BLOCK_SIZE = 1024 * 1024
FILE_KEY_SIZE = 32

SeriesStateLookup = Callable[[Series], SeriesState]
"""``lookup(series)``: what the office has accepted so far for that commune's series."""


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle that passed every check; its attachments wait in the sink (``quarantine``: its folder, if one)."""

    source: Path
    size: int
    sha256: str  # of the whole file, hex
    fingerprint: str  # the same, grouped for reading aloud
    header: BundleHeader
    manifest: Manifest
    manifest_sha256: str
    records: Mapping[str, Any]  # entry name -> parsed JSON
    attachments: tuple[QuarantinedFile, ...]
    quarantine: Path | None
    opened_with: str  # id of the office key that opened it


def inspect_bundle(path: Path, *, allowed_suites: Collection[int] | None = None) -> BundleHeader:
    """The checked cleartext header of the bundle at ``path`` (sender, series, recipients), without any key."""
    with _open_bundle(path) as stream:
        return read_header(stream, allowed_suites=allowed_suites)


def verify_bundle(
    path: Path,
    attachments: Path | AttachmentSink,
    *,
    office: str,
    keys: Sequence[EncryptionKey],
    lookup_sender: SenderLookup,
    lookup_series: SeriesStateLookup | None = None,
    allowed_suites: Collection[int] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> VerifiedBundle:
    """Verify the bundle at ``path`` for ``office`` (its code) holding the private ``keys``.

    ``attachments`` receives the attachments: a quarantine folder (which must not exist or be empty; each
    attachment becomes the file its entry name says) or an ``AttachmentSink``. ``lookup_sender(org, key_id)``
    returns the enrolled key or ``None``; ``lookup_series``, when given, refuses a duplicate, rolled-back or
    unchained bundle before any entry is unpacked. ``progress(done, total)`` counts decrypted payload bytes.
    Raises ``BundleError`` (see ``errors.Code``; ``DuplicateBundleError`` for a repeat), ``StorageError`` if the
    attachments cannot be written, ``Cancelled``.
    """
    if isinstance(attachments, (str, os.PathLike)):
        try:
            sink: AttachmentSink = QuarantineFolder(Path(attachments))
        except OSError as exc:
            raise storage_error(exc, Path(attachments)) from exc
    else:
        sink = attachments
    try:
        with _open_bundle(path) as stream:
            return _verify(
                path, stream, sink, office, keys, lookup_sender, lookup_series, allowed_suites, progress, cancel
            )
    except OSError as exc:
        sink.discard()
        raise storage_error(exc, sink.location) from exc
    except BaseException:
        sink.discard()
        raise


def ensure_unchanged(verified: VerifiedBundle) -> None:
    """Raise ``bundle.changed_since_verify`` if an attachment file is no longer the very file verification wrote
    (removed, replaced, truncated, written to): compared by ``stat``, without reading it again. The bundle file
    itself needs no check: nothing of it is read after verifying (see the module)."""
    for attachment in verified.attachments:
        try:
            now = file_identity(os.stat(attachment.path))
        except OSError:
            now = None
        if now != attachment.identity:
            raise BundleError(Code.CHANGED_SINCE_VERIFY, path=str(attachment.path))


def discard_quarantine(quarantine: Path) -> None:
    """Remove a quarantine folder and everything in it (after import, or after a failure)."""
    shutil.rmtree(quarantine, ignore_errors=True)


def _verify(
    path: Path,
    stream: io.FileIO,
    sink: AttachmentSink,
    office: str,
    keys: Sequence[EncryptionKey],
    lookup_sender: SenderLookup,
    lookup_series: SeriesStateLookup | None,
    allowed_suites: Collection[int] | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> VerifiedBundle:
    file_size = os.fstat(stream.fileno()).st_size
    with _reading(path):
        header = read_header(stream, allowed_suites=allowed_suites)
    recipients = sorted({r.org for r in header.core.recipients})
    if office not in recipients:
        raise BundleError(Code.NOT_FOR_THIS_OFFICE, office=office, recipients=", ".join(recipients))
    sender = _enrolled_sender(header.core, lookup_sender)
    file_key, opened_with = _unwrap_file_key(header, office, keys)
    decryptor = header.suite.decryptor(file_key, header.payload_context)
    with _reading(path):
        commitment = stream.read(header.suite.payload_overhead)
    _check_commitment_and_length(decryptor, commitment, file_size - len(header.encoded), header)
    file_hash = hashlib.sha256(header.encoded + commitment)

    payload = PayloadReader(lambda data: _verify_manifest(data, header, office, sender, lookup_series), sink)
    _decrypt_payload(path, stream, header, decryptor, file_hash.update, payload, progress, cancel)
    manifest = payload.finish()
    with _reading(path):
        grown = stream.read(1)  # the file grew while it was being read
    if grown:
        raise BundleError(Code.TRAILING_BYTES, extra=1)
    digest = file_hash.digest()
    return VerifiedBundle(
        source=Path(path),
        size=file_size,
        sha256=digest.hex(),
        fingerprint=sha256_fingerprint(digest),
        header=header,
        manifest=manifest,
        manifest_sha256=manifest_sha256(manifest.canonical()),
        records=payload.records,
        attachments=tuple(payload.attachments),
        quarantine=sink.location if isinstance(sink, QuarantineFolder) else None,
        opened_with=opened_with,
    )


def _check_commitment_and_length(
    decryptor: Cobblestone256Decryptor, commitment: bytes, payload_length: int, header: BundleHeader
) -> None:
    """The payload's key commitment first (a payload from another bundle), then its exact length."""
    suite = header.suite
    if len(commitment) < suite.payload_overhead:
        raise BundleError(Code.TRUNCATED, expected=header.payload_size, found=payload_length)
    try:
        decryptor.update(commitment)
    except InvalidTag:
        raise BundleError(Code.PAYLOAD_MISMATCH) from None
    if payload_length > header.payload_size:
        raise BundleError(Code.TRAILING_BYTES, extra=payload_length - header.payload_size)
    if payload_length < header.payload_size:
        whole_chunks = (payload_length - suite.payload_overhead) % (suite.chunk_size + suite.chunk_overhead) == 0
        code = Code.TRUNCATED_AT_CHUNK_BOUNDARY if whole_chunks else Code.TRUNCATED
        raise BundleError(code, expected=header.payload_size, found=payload_length)


def _decrypt_payload(
    path: Path,
    stream: io.FileIO,
    header: BundleHeader,
    decryptor: Cobblestone256Decryptor,
    hash_ciphertext: Callable[[memoryview], None],
    payload: PayloadReader,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> None:
    """Stream the rest of the payload: read and hash (one stage), decrypt (the next), hand the plaintext to
    ``payload`` (which hashes each entry and writes the attachments). Each byte is read once and each pass over
    the data — ciphertext hash, decryption, entry hash, write — happens once, the stages on different threads."""
    remaining = header.payload_size - header.suite.payload_overhead
    total = header.core.plaintext_size
    done = 0

    def read(block: memoryview) -> int:
        nonlocal remaining
        with _reading(path):
            count = stream.readinto(block[: min(len(block), remaining)]) or 0
        remaining -= count
        hash_ciphertext(block[:count])
        return count

    def decrypt(block: memoryview, out: memoryview) -> int:
        try:
            return decryptor.update_into(block, out)
        except InvalidTag:
            raise BundleError(Code.PAYLOAD_CORRUPTED) from None

    def consume(plaintext: memoryview | bytes) -> None:
        nonlocal done
        payload.feed(memoryview(plaintext))
        done += len(plaintext)
        if progress is not None:
            progress(done, total)

    # Output blocks: enough for any update_into, per the Cobblestone docs.
    run_pipeline(read, decrypt, consume, block_size=BLOCK_SIZE, output_size=BLOCK_SIZE + 16400, cancel=cancel,
                 size_hint=remaining)
    check_cancelled(cancel)
    try:
        tail = decryptor.finalize()
    except InvalidTag:
        raise BundleError(Code.PAYLOAD_CORRUPTED) from None
    consume(tail)


def _open_bundle(path: Path) -> io.FileIO:
    try:
        return open(path, "rb", buffering=0)
    except OSError as exc:
        raise BundleError(Code.UNREADABLE, path=str(path), problem=exc.strerror or str(exc)) from None


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Report a failure to read the bundle file as ``bundle.unreadable`` (not as a quarantine write failure)."""
    try:
        yield
    except OSError as exc:
        raise BundleError(Code.UNREADABLE, path=str(path), problem=exc.strerror or str(exc)) from None


def _enrolled_sender(core: HeaderCore, lookup_sender: SenderLookup) -> EnrolledKey:
    sender = core.sender
    enrolled = lookup_sender(sender.org, sender.key_id)
    if enrolled is None or enrolled.org != sender.org or enrolled.key.key_id != sender.key_id:
        raise BundleError(Code.SENDER_NOT_ENROLLED, org=sender.org, key_id=sender.key_id)
    if enrolled.status is KeyStatus.REVOKED:
        raise BundleError(Code.SENDER_KEY_REVOKED, org=sender.org, fingerprint=enrolled.key.fingerprint)
    if enrolled.status is KeyStatus.RETIRED:
        raise BundleError(Code.SENDER_KEY_RETIRED, org=sender.org, fingerprint=enrolled.key.fingerprint)
    return enrolled


def _unwrap_file_key(header: BundleHeader, office: str, keys: Sequence[EncryptionKey]) -> tuple[bytes, str]:
    """The file key, opened with one of ``keys`` from an entry addressed to ``office``, and that key's id."""
    ours = {key.public.key_id_bytes: key for key in keys}
    candidates = [
        (entry, ours[entry.key_id])
        for entry, listed in zip(header.recipients, header.core.recipients, strict=True)
        if listed.org == office and entry.key_id in ours
    ]
    if not candidates:
        listed_ids = [r.key_id for r in header.core.recipients if r.org == office]
        raise BundleError(Code.NO_MATCHING_KEY, office=office, key_ids=", ".join(listed_ids))
    for entry, key in candidates:
        try:
            file_key = header.suite.hpke_suite.decrypt(
                entry.wrapped_key, key.hpke_key(), info=wrap_info(header.core_digest, entry.key_id)
            )
        except (InvalidTag, ValueError):
            continue
        if len(file_key) == FILE_KEY_SIZE:
            return file_key, key.public.key_id
    raise BundleError(Code.WRAPPED_KEY_INVALID)


def _verify_manifest(
    data: bytes,
    header: BundleHeader,
    office: str,
    sender: EnrolledKey,
    lookup_series: SeriesStateLookup | None,
) -> Manifest:
    """The signed manifest, checked against the enrolled sender key, the header and the receiver's state."""
    envelope = open_envelope(data, MANIFEST_CODES)
    if len(envelope.signatures) != 1:
        raise DocumentError(Code.MANIFEST_INVALID, reason="signature_count", field="signatures",
                            count=len(envelope.signatures), expected=1)
    (signature,) = envelope.signatures
    if signature.alg != sender.key.kind.value:
        raise BundleError(Code.SIGNATURE_ALG_MISMATCH, alg=signature.alg, kind=sender.key.kind.value)
    if not envelope.is_signed_by(sender.key, Manifest):
        raise BundleError(Code.SIGNATURE_INVALID, key_id=signature.key_id, expected=sender.key.key_id)
    manifest = envelope.body_as(Manifest, MANIFEST_CODES)
    if office not in {r.org for r in manifest.recipients}:
        raise BundleError(
            Code.FORWARDED, office=office, recipients=", ".join(sorted({r.org for r in manifest.recipients}))
        )
    differences = manifest.header_differences(header.core)
    if differences:
        raise BundleError(Code.HEADER_MISMATCH, fields=", ".join(differences))
    check_entry_names(entry.name for entry in manifest.entries)
    if lookup_series is not None:
        check_sequence(manifest, lookup_series(manifest.series))
    return manifest
