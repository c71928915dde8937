"""Public key files that travel on USB: the office's org-keys file and a commune's enrollment (with rotation).

Org-keys file (``cds.org-keys``), signed by the office's offline root key: the office (code, name, level), the root
public key, a list version, issue and expiry times, the office's encryption keys (active ones are encrypted to;
retired ones are kept so the office can still open older bundles) and the communes it receives reports from. A
commune pins the root's fingerprint once (confirmed by phone or on stamped paper) and from then on accepts only a
list signed by that root, not expired, with a higher version than the one it holds.

Enrollment (``cds.enrollment``): a commune's org code and name, its signing public key and key id, self-signed.
Rotation: the enrollment of a new key names the previous key id and is signed by the previous key as well, so the
office can accept it without another phone call; a revoked key cannot vouch for a new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal, Sequence

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cds_desktop.core.bundle.canonical import Document, DocumentCodes, validate_model
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.fields import Base64Bytes, KeyIdText, NfcText, OrgCode, Timestamp
from cds_desktop.core.bundle.keys import (
    EnrolledKey,
    KeyKind,
    KeyStatus,
    PublicKey,
    Recipient,
    SenderLookup,
    SigningKey,
    normalize_fingerprint,
)
from cds_desktop.core.bundle.signed import Envelope, SignedBody, open_envelope, seal
from cds_desktop.core.errors import BundleError

MAX_ORG_KEYS_SIZE = 1024 * 1024
MAX_ENROLLMENT_SIZE = 16 * 1024
MAX_ENCRYPTION_KEYS = 16
MAX_COMMUNES = 5000
ORG_KEYS_CODES = DocumentCodes.single(Code.ORG_KEYS_INVALID)
ENROLLMENT_CODES = DocumentCodes.single(Code.ENROLLMENT_INVALID)


class OfficeLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"


class EncryptionKeyStatus(StrEnum):
    ACTIVE = "active"  # communes encrypt to it
    RETIRED = "retired"  # no longer encrypted to; the office keeps it to open older bundles


class Office(Document):
    code: OrgCode
    name: NfcText
    level: Annotated[OfficeLevel, Field(strict=False)]


class Commune(Document):
    code: OrgCode
    name: NfcText


def _public_key(kind: KeyKind, raw: bytes, key_id: str | None = None) -> PublicKey:
    """``raw`` as a ``kind`` public key, checked against ``key_id`` when given (a validation error otherwise)."""
    if len(raw) != kind.public_size:
        raise PydanticCustomError("wrong_size", "wrong size", {"limit": kind.public_size})
    key = PublicKey(kind, raw)
    if key_id is not None and key.key_id != key_id:
        raise PydanticCustomError("key_id_mismatch", "key id mismatch")
    return key


class ListedEncryptionKey(Document):
    kind: Literal["mlkem768-x25519"] = "mlkem768-x25519"
    key_id: KeyIdText
    public_key: Base64Bytes
    status: Annotated[EncryptionKeyStatus, Field(strict=False)]

    @model_validator(mode="after")
    def _matches(self) -> ListedEncryptionKey:
        _public_key(KeyKind.MLKEM768_X25519, self.public_key, self.key_id)
        return self

    @property
    def key(self) -> PublicKey:
        return PublicKey(KeyKind.MLKEM768_X25519, self.public_key)


class OrgKeysBody(SignedBody):
    type: Literal["cds.org-keys"] = "cds.org-keys"
    version: Literal[1] = 1
    office: Office
    root_key: Annotated[Base64Bytes, Field(min_length=32, max_length=32)]
    list_version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    issued_at: Timestamp
    expires_at: Timestamp
    encryption_keys: Annotated[list[ListedEncryptionKey], Field(min_length=1, max_length=MAX_ENCRYPTION_KEYS)]
    communes: Annotated[list[Commune], Field(max_length=MAX_COMMUNES)]

    @model_validator(mode="after")
    def _consistent(self) -> OrgKeysBody:
        if self.expires_at <= self.issued_at:
            raise PydanticCustomError("expires_before_issued", "expires before issued")
        if len({k.key_id for k in self.encryption_keys}) != len(self.encryption_keys):
            raise PydanticCustomError("encryption_key_twice", "encryption key twice")
        if not any(k.status is EncryptionKeyStatus.ACTIVE for k in self.encryption_keys):
            raise PydanticCustomError("no_active_key", "no active key")
        if len({c.code for c in self.communes}) != len(self.communes):
            raise PydanticCustomError("commune_twice", "commune twice")
        return self


@dataclass(frozen=True)
class OrgKeys:
    """A verified org-keys file; ``data`` is what to store and compare the next file with."""

    body: OrgKeysBody
    data: bytes

    @property
    def root(self) -> PublicKey:
        return PublicKey(KeyKind.ED25519, self.body.root_key)

    def recipients(self) -> list[Recipient]:
        """The office's active encryption keys, to encrypt a bundle to."""
        return [
            Recipient(self.body.office.code, k.key)
            for k in self.body.encryption_keys
            if k.status is EncryptionKeyStatus.ACTIVE
        ]


def sign_org_keys(
    root: SigningKey,
    *,
    office: Office,
    list_version: int,
    issued_at: dt.datetime,
    expires_at: dt.datetime,
    encryption_keys: Sequence[tuple[PublicKey, EncryptionKeyStatus]],
    communes: Sequence[Commune],
) -> bytes:
    """An org-keys file signed by the office's ``root`` key."""
    body = validate_model(
        {
            "office": office,
            "root_key": root.public.raw,
            "list_version": list_version,
            "issued_at": issued_at,
            "expires_at": expires_at,
            "encryption_keys": [
                {"key_id": key.key_id, "public_key": key.raw, "status": status} for key, status in encryption_keys
            ],
            "communes": list(communes),
        },
        OrgKeysBody,
        ORG_KEYS_CODES,
    )
    return seal(body, [root])


def _open_org_keys(data: bytes) -> tuple[Envelope, OrgKeysBody]:
    if len(data) > MAX_ORG_KEYS_SIZE:
        raise DocumentError(Code.ORG_KEYS_INVALID, reason="file_too_large", limit=MAX_ORG_KEYS_SIZE)
    envelope = open_envelope(data, ORG_KEYS_CODES)
    return envelope, envelope.body_as(OrgKeysBody, ORG_KEYS_CODES)


def org_keys_root_fingerprint(data: bytes) -> str:
    """The fingerprint of the root key an org-keys file claims, to confirm by phone before pinning it.

    Nothing in the file is trusted by this call.
    """
    return PublicKey(KeyKind.ED25519, _open_org_keys(data)[1].root_key).fingerprint


def verify_org_keys(data: bytes, *, pinned_root: str, now: dt.datetime, current: OrgKeys | None = None) -> OrgKeys:
    """The org-keys file ``data`` if it is signed by the pinned root, unexpired and newer than ``current``.

    ``pinned_root`` is the root fingerprint as confirmed (spaces and case do not matter). A file identical to
    ``current`` is accepted again (importing the same file twice changes nothing).
    """
    envelope, body = _open_org_keys(data)
    root = PublicKey(KeyKind.ED25519, body.root_key)
    if root.key_id != normalize_fingerprint(pinned_root):
        raise BundleError(Code.ORG_KEYS_ROOT_MISMATCH, found=root.fingerprint, pinned=pinned_root)
    if not envelope.is_signed_by(root, OrgKeysBody):
        raise BundleError(Code.ORG_KEYS_BAD_SIGNATURE, office=body.office.code)
    if now >= body.expires_at:
        raise BundleError(Code.ORG_KEYS_EXPIRED, office=body.office.code, expired=body.expires_at.date().isoformat())
    if current is not None and (
        body.list_version < current.body.list_version
        or (body.list_version == current.body.list_version and data != current.data)
    ):
        raise BundleError(Code.ORG_KEYS_OLDER_VERSION, version=body.list_version, current=current.body.list_version)
    return OrgKeys(body=body, data=data)


class EnrollmentBody(SignedBody):
    type: Literal["cds.enrollment"] = "cds.enrollment"
    version: Literal[1] = 1
    org: OrgCode
    org_name: NfcText
    kind: Literal["ed25519"] = "ed25519"
    key_id: KeyIdText
    public_key: Base64Bytes
    created_at: Timestamp
    previous_key_id: KeyIdText | None

    @model_validator(mode="after")
    def _matches(self) -> EnrollmentBody:
        _public_key(KeyKind.ED25519, self.public_key, self.key_id)
        if self.previous_key_id == self.key_id:
            raise PydanticCustomError("key_replaces_itself", "key replaces itself")
        return self


@dataclass(frozen=True)
class Enrollment:
    """A verified enrollment: register ``key`` as active for ``org`` (and retire ``previous``, on rotation)."""

    body: EnrollmentBody
    key: PublicKey
    previous: EnrolledKey | None


def make_enrollment(
    key: SigningKey,
    *,
    org: str,
    org_name: str,
    created_at: dt.datetime,
    previous_key: SigningKey | None = None,
) -> bytes:
    """The enrollment file for ``key``; on rotation also signed by ``previous_key``."""
    body = validate_model(
        {
            "org": org,
            "org_name": org_name,
            "key_id": key.public.key_id,
            "public_key": key.public.raw,
            "created_at": created_at,
            "previous_key_id": previous_key.public.key_id if previous_key else None,
        },
        EnrollmentBody,
        ENROLLMENT_CODES,
    )
    return seal(body, [key] if previous_key is None else [key, previous_key])


def read_enrollment(data: bytes) -> tuple[Envelope, EnrollmentBody, PublicKey]:
    """What an enrollment claims, its self-signature checked — but not, for a rotation, the previous key's.

    Enough to show the commune, its name and the key's fingerprint before enrolling; ``verify_enrollment`` is
    what decides.
    """
    if len(data) > MAX_ENROLLMENT_SIZE:
        raise DocumentError(Code.ENROLLMENT_INVALID, reason="file_too_large", limit=MAX_ENROLLMENT_SIZE)
    envelope = open_envelope(data, ENROLLMENT_CODES)
    body = envelope.body_as(EnrollmentBody, ENROLLMENT_CODES)
    key = PublicKey(KeyKind.ED25519, body.public_key)
    if len(envelope.signatures) != (1 if body.previous_key_id is None else 2):
        raise DocumentError(Code.ENROLLMENT_INVALID, reason="signature_count", field="signatures",
                            count=len(envelope.signatures), expected=1 if body.previous_key_id is None else 2)
    if not envelope.is_signed_by(key, EnrollmentBody):
        raise BundleError(Code.ENROLLMENT_BAD_SIGNATURE, org=body.org, fingerprint=key.fingerprint)
    return envelope, body, key


def verify_enrollment(data: bytes, *, lookup_key: SenderLookup | None = None) -> Enrollment:
    """The enrollment in ``data``, self-signature checked; on rotation, also the previous key's signature.

    ``lookup_key(org, key_id)`` finds the previous key among the office's enrolled keys (without it a rotation
    is refused as ``enrollment_previous_unknown``). Only an active key can vouch for its successor: a revoked
    one cannot, and a retired one has already been replaced (a second successor would fork the commune's keys).
    """
    envelope, body, key = read_enrollment(data)
    if body.previous_key_id is None:
        return Enrollment(body=body, key=key, previous=None)
    previous = lookup_key(body.org, body.previous_key_id) if lookup_key is not None else None
    if previous is None or previous.org != body.org or previous.key.key_id != body.previous_key_id:
        raise BundleError(Code.ENROLLMENT_PREVIOUS_UNKNOWN, org=body.org, key_id=body.previous_key_id)
    if previous.status is KeyStatus.REVOKED:
        raise BundleError(Code.ENROLLMENT_PREVIOUS_REVOKED, org=body.org, fingerprint=previous.key.fingerprint)
    if previous.status is KeyStatus.RETIRED:
        raise BundleError(Code.ENROLLMENT_PREVIOUS_RETIRED, org=body.org, fingerprint=previous.key.fingerprint)
    if not envelope.is_signed_by(previous.key, EnrollmentBody):
        raise BundleError(Code.ENROLLMENT_ROTATION_BAD_SIGNATURE, org=body.org, fingerprint=previous.key.fingerprint)
    return Enrollment(body=body, key=key, previous=previous)
