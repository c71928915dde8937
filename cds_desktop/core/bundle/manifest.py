"""The signed manifest: the first frame of every payload, naming who, for whom, what and every entry's hash.

The manifest is a signed document (``signed``) of type ``cds.bundle-manifest`` signed by the commune's Ed25519 key.
It repeats every fact of the cleartext header core (so a re-labelled header is caught), names the receiving
offices and their keys (so content signed for one office cannot be re-encrypted to another), chains to the
previous revision's manifest by hash, and lists the entries in the order their frames follow.
The manifest's hash, used for the chain, is SHA-256 of its canonical body.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cds_desktop.core.bundle.canonical import MAX_SAFE_INTEGER, Document, DocumentCodes
from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.bundle.fields import BundleId, OrgKey, Revision, Series, Sha256Hex, Timestamp, check_addressing
from cds_desktop.core.bundle.format import MAX_ENTRIES, MAX_RECIPIENTS, MAX_RECORD_SIZE, MAX_RECORDS_TOTAL, HeaderCore
from cds_desktop.core.bundle.signed import SignedBody

MAX_NAME_LENGTH = 4096  # characters; the real limit, 255 bytes of UTF-8, is checked with a code of its own

MANIFEST_CODES = DocumentCodes(
    not_json=Code.MANIFEST_NOT_JSON,
    duplicate_key=Code.MANIFEST_DUPLICATE_KEY,
    not_canonical=Code.MANIFEST_NOT_CANONICAL,
    unknown_field=Code.MANIFEST_UNKNOWN_FIELD,
    invalid=Code.MANIFEST_INVALID,
)


class EntryKind(StrEnum):
    RECORD = "record"  # a JSON document of reported data, returned parsed by the reader
    ATTACHMENT = "attachment"  # an evidence file, returned as a file in the quarantine folder


class ManifestEntry(Document):
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]  # 255 bytes: names.check_entry_name
    kind: Annotated[EntryKind, Field(strict=False)]
    size: Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]
    sha256: Sha256Hex

    @model_validator(mode="after")
    def _record_fits_in_memory(self) -> ManifestEntry:
        if self.kind is EntryKind.RECORD and self.size > MAX_RECORD_SIZE:
            raise PydanticCustomError("record_too_large", "record too large", {"limit": MAX_RECORD_SIZE})
        return self


class Manifest(SignedBody):
    type: Literal["cds.bundle-manifest"] = "cds.bundle-manifest"
    version: Literal[1] = 1
    bundle_id: BundleId
    sender: OrgKey
    recipients: Annotated[list[OrgKey], Field(min_length=1, max_length=MAX_RECIPIENTS)]
    series: Series
    revision: Revision
    previous_manifest_sha256: Sha256Hex | None
    created_at: Timestamp
    app_version: Annotated[str, Field(pattern=r"^[0-9A-Za-z.+-]{1,32}$")]
    schema_version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    entries: Annotated[list[ManifestEntry], Field(max_length=MAX_ENTRIES)]

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        check_addressing(self.sender, self.recipients, self.series)
        if sum(e.size for e in self.entries if e.kind is EntryKind.RECORD) > MAX_RECORDS_TOTAL:
            raise PydanticCustomError("records_too_large", "records too large", {"limit": MAX_RECORDS_TOTAL})
        return self

    def header_differences(self, core: HeaderCore) -> list[str]:
        """The names of the header-core fields whose values differ from this manifest's."""
        return [
            field
            for field in ("bundle_id", "sender", "recipients", "series", "revision")
            if getattr(core, field) != getattr(self, field)
        ]


def manifest_sha256(body_bytes: bytes) -> str:
    """The hash that identifies a manifest in the revision chain (hex)."""
    return hashlib.sha256(body_bytes).hexdigest()
