"""The .cdsb container: magic, versions, suites, limits, the cleartext header and the payload frames.

Layout (all integers big-endian; ``docs/bundle-format.md`` is the full specification)::

    header   magic(9) major(1) minor(1) suite(2) flags(2) core_length(4) core(core_length)
             recipient_count(1) { key_id(20) wrapped_length(2) wrapped_key(wrapped_length) } * recipient_count
    payload  Cobblestone-256 ciphertext of the frames, context = "cdsb/1 payload" 0x00 SHA-256(header)
    frame    type(1) body_length(8) body

The header core is canonical JSON (``HeaderCore``). The file key is wrapped to each recipient with HPKE, ``info``
= ``"cdsb/1 wrap"`` + SHA-256(header up to the end of the core) + the recipient's 20-byte key id, so neither the
core nor the recipient list can be changed without every wrapped key failing to open, and the whole header,
wrapped keys included, is bound into the payload.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from typing import Annotated, BinaryIO, Collection

from cryptography.cobblestone import Cobblestone256Decryptor, Cobblestone256Encryptor
from cryptography.hazmat.primitives import hpke
from pydantic import Field, model_validator

from cds_desktop.core.bundle.canonical import MAX_SAFE_INTEGER, Document, DocumentCodes, parse_model
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.fields import BundleId, OrgKey, Revision, Series, check_addressing
from cds_desktop.core.bundle.keys import KeyKind, decode_key_id, encode_key_id
from cds_desktop.core.errors import BundleError

MAGIC = b"\x89CDSB\r\n\x1a\n"
FORMAT_MAJOR = 1
FORMAT_MINOR = 0
FILE_SUFFIX = ".cdsb"

FIXED_PREFIX = struct.Struct(">9sBBHHI")  # magic, major, minor, suite, flags, core length
RECIPIENT_COUNT = struct.Struct(">B")
RECIPIENT_PREFIX = struct.Struct(">20sH")  # key id, wrapped key length
FRAME_PREFIX = struct.Struct(">BQ")  # frame type, body length
NAME_LENGTH = struct.Struct(">H")

MAX_CORE_SIZE = 16 * 1024
MAX_RECIPIENTS = 8
MAX_MANIFEST_SIZE = 4 * 1024 * 1024
MAX_RECORD_SIZE = 8 * 1024 * 1024
MAX_RECORDS_TOTAL = 16 * 1024 * 1024  # records are parsed in memory; attachments are streamed
MAX_ENTRIES = 10_000

WRAP_INFO_LABEL = b"cdsb/1 wrap"
PAYLOAD_CONTEXT_LABEL = b"cdsb/1 payload\x00"
HEADER_CODES = DocumentCodes(
    not_json=Code.HEADER_NOT_JSON,
    duplicate_key=Code.HEADER_DUPLICATE_KEY,
    not_canonical=Code.HEADER_NOT_CANONICAL,
    unknown_field=Code.HEADER_UNKNOWN_FIELD,
    invalid=Code.HEADER_INVALID,
)


class FrameType(IntEnum):
    MANIFEST = 1
    ENTRY = 2


@dataclass(frozen=True)
class Suite:
    """One fixed combination of algorithms, named by a 16-bit id in the header."""

    id: int
    name: str
    hpke_suite: hpke.Suite
    recipient_kind: KeyKind
    wrapped_key_size: int
    chunk_size: int
    chunk_overhead: int
    payload_overhead: int

    def payload_size(self, plaintext_size: int) -> int:
        """The exact ciphertext size of a ``plaintext_size``-byte payload (the last chunk is always partial)."""
        chunks = plaintext_size // self.chunk_size + 1
        return self.payload_overhead + plaintext_size + chunks * self.chunk_overhead

    def encryptor(self, file_key: bytes, context: bytes) -> Cobblestone256Encryptor:
        return Cobblestone256Encryptor(file_key, context=context)

    def decryptor(self, file_key: bytes, context: bytes) -> Cobblestone256Decryptor:
        return Cobblestone256Decryptor(file_key, context=context)


XWING_COBBLESTONE256 = Suite(
    id=0x0001,
    name="HPKE(MLKEM768-X25519, HKDF-SHA256, ChaCha20Poly1305) + Cobblestone-256 + Ed25519",
    hpke_suite=hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305),
    recipient_kind=KeyKind.MLKEM768_X25519,
    wrapped_key_size=hpke.KEM.MLKEM768_X25519.enc_length() + 32 + 16,
    chunk_size=16 * 1024,
    chunk_overhead=16,
    payload_overhead=24 + 32,  # Cobblestone nonce + key commitment
)
SUITES = {suite.id: suite for suite in (XWING_COBBLESTONE256,)}
DEFAULT_SUITE = XWING_COBBLESTONE256


class HeaderCore(Document):
    """The cleartext facts about a bundle, readable without any key (all repeated in the signed manifest)."""

    bundle_id: BundleId
    sender: OrgKey
    recipients: Annotated[list[OrgKey], Field(min_length=1, max_length=MAX_RECIPIENTS)]
    series: Series
    revision: Revision
    plaintext_size: Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]

    @model_validator(mode="after")
    def _consistent(self) -> HeaderCore:
        check_addressing(self.sender, self.recipients, self.series)
        return self


@dataclass(frozen=True)
class RecipientEntry:
    key_id: bytes
    wrapped_key: bytes


@dataclass(frozen=True)
class BundleHeader:
    """A parsed (or freshly built) header, with the digests that bind it into the key wrap and the payload."""

    minor: int
    suite: Suite
    core: HeaderCore
    recipients: tuple[RecipientEntry, ...]
    encoded: bytes
    core_end: int

    @cached_property
    def core_digest(self) -> bytes:
        """SHA-256 of the header from the magic to the end of the core."""
        return hashlib.sha256(self.encoded[: self.core_end]).digest()

    @cached_property
    def digest(self) -> bytes:
        """SHA-256 of the whole header, wrapped keys included."""
        return hashlib.sha256(self.encoded).digest()

    @property
    def payload_context(self) -> bytes:
        return PAYLOAD_CONTEXT_LABEL + self.digest

    @property
    def payload_size(self) -> int:
        return self.suite.payload_size(self.core.plaintext_size)


def wrap_info(core_digest: bytes, key_id: bytes) -> bytes:
    """HPKE ``info`` for the file key wrapped to ``key_id`` (63 bytes)."""
    return WRAP_INFO_LABEL + core_digest + key_id


def encode_header_start(suite: Suite, core: HeaderCore) -> bytes:
    """The header from the magic to the end of the core: what every wrapped key is bound to."""
    core_bytes = core.canonical()
    return FIXED_PREFIX.pack(MAGIC, FORMAT_MAJOR, FORMAT_MINOR, suite.id, 0, len(core_bytes)) + core_bytes


def assemble_header(
    suite: Suite, core: HeaderCore, header_start: bytes, recipients: list[RecipientEntry]
) -> BundleHeader:
    parts = [header_start, RECIPIENT_COUNT.pack(len(recipients))]
    for entry in recipients:
        parts.append(RECIPIENT_PREFIX.pack(entry.key_id, len(entry.wrapped_key)) + entry.wrapped_key)
    return BundleHeader(
        minor=FORMAT_MINOR,
        suite=suite,
        core=core,
        recipients=tuple(recipients),
        encoded=b"".join(parts),
        core_end=len(header_start),
    )


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise BundleError(Code.HEADER_TRUNCATED)
    return data


def _check_magic(start: bytes) -> None:
    if start == MAGIC:
        return
    if start and MAGIC.startswith(start):
        raise BundleError(Code.HEADER_TRUNCATED)
    if b"CDSB" in start:  # the name survived but the line-ending and high-bit guards around it did not
        raise BundleError(Code.TEXT_MODE_DAMAGE)
    raise BundleError(Code.BAD_MAGIC)


def read_header(stream: BinaryIO, *, allowed_suites: Collection[int] | None = None) -> BundleHeader:
    """Parse the header at the start of ``stream``, leaving it positioned at the payload.

    Checks everything that can be checked without a key, in file order. ``allowed_suites`` (default: every suite
    this version knows) is the receiver's policy.
    """
    fixed = stream.read(FIXED_PREFIX.size)
    _check_magic(fixed[: len(MAGIC)])
    if len(fixed) < FIXED_PREFIX.size:
        raise BundleError(Code.HEADER_TRUNCATED)
    _, major, minor, suite_id, flags, core_length = FIXED_PREFIX.unpack(fixed)
    if major != FORMAT_MAJOR:
        raise BundleError(Code.UNSUPPORTED_VERSION, version=f"{major}.{minor}", supported=f"{FORMAT_MAJOR}.x")
    suite = SUITES.get(suite_id)
    if suite is None:
        raise BundleError(Code.UNKNOWN_SUITE, suite=f"0x{suite_id:04x}")
    if allowed_suites is not None and suite_id not in allowed_suites:
        raise BundleError(Code.SUITE_NOT_ALLOWED, suite=f"0x{suite_id:04x}")
    if flags:
        raise BundleError(Code.RESERVED_FLAGS, flags=f"0x{flags:04x}")
    if core_length > MAX_CORE_SIZE:
        raise BundleError(Code.HEADER_TOO_LARGE, size=core_length, limit=MAX_CORE_SIZE)
    core_bytes = _read_exact(stream, core_length)
    core = parse_model(core_bytes, HeaderCore, HEADER_CODES)
    (count,) = RECIPIENT_COUNT.unpack(_read_exact(stream, RECIPIENT_COUNT.size))
    if count > MAX_RECIPIENTS:
        raise BundleError(Code.HEADER_TOO_LARGE, size=count, limit=MAX_RECIPIENTS)
    if count != len(core.recipients):
        raise DocumentError(Code.RECIPIENT_MALFORMED, reason="recipient_count", count=count,
                            listed=len(core.recipients))
    recipients = []
    parts = [fixed, core_bytes, RECIPIENT_COUNT.pack(count)]
    for listed in core.recipients:
        prefix = _read_exact(stream, RECIPIENT_PREFIX.size)
        key_id, wrapped_length = RECIPIENT_PREFIX.unpack(prefix)
        if key_id != decode_key_id(listed.key_id):
            raise DocumentError(Code.RECIPIENT_MALFORMED, reason="recipient_out_of_place", key_id=encode_key_id(key_id))
        if wrapped_length != suite.wrapped_key_size:
            raise DocumentError(Code.RECIPIENT_MALFORMED, reason="wrapped_key_size", size=wrapped_length,
                                expected=suite.wrapped_key_size)
        wrapped_key = _read_exact(stream, wrapped_length)
        recipients.append(RecipientEntry(key_id, wrapped_key))
        parts += [prefix, wrapped_key]
    return BundleHeader(
        minor=minor,
        suite=suite,
        core=core,
        recipients=tuple(recipients),
        encoded=b"".join(parts),
        core_end=FIXED_PREFIX.size + core_length,
    )


def frame_prefix(frame_type: FrameType, body_length: int) -> bytes:
    return FRAME_PREFIX.pack(frame_type, body_length)


def entry_frame_prefix(name: str, content_size: int) -> bytes:
    """Everything of an entry frame before its content: frame prefix, name length, name."""
    name_bytes = name.encode("utf-8")
    body_length = NAME_LENGTH.size + len(name_bytes) + content_size
    return frame_prefix(FrameType.ENTRY, body_length) + NAME_LENGTH.pack(len(name_bytes)) + name_bytes
