"""Key types, key ids and fingerprints.

Two kinds of key exist, each made from a short random seed so it can be stored compactly:

- ``ed25519`` signing keys: the office root key (signs org-keys files and receipts) and each commune's signing key
  (signs bundle manifests and its enrollment). Seed: the 32-byte Ed25519 private key.
- ``mlkem768-x25519`` encryption keys (X-Wing, the post-quantum hybrid KEM of HPKE): the receiving office's keys
  that bundles are encrypted to. Seed: the 64-byte ML-KEM-768 seed followed by the 32-byte X25519 private key;
  public key: the 1184-byte ML-KEM-768 key followed by the 32-byte X25519 key.

A key id is ``SHA-256("CDS key id v1" 0x00 kind 0x00 public_key)[:20]``, written as 32 base32 letters; the same
letters in groups of four are the fingerprint people read to each other over the phone.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519

KEY_ID_LABEL = b"CDS key id v1\x00"
KEY_ID_SIZE = 20
KEY_ID_PATTERN = re.compile(r"[A-Z2-7]{32}")
_MLKEM768_SEED_SIZE = 64
_MLKEM768_PUBLIC_SIZE = 1184
_X25519_SIZE = 32


class KeyKind(StrEnum):
    ED25519 = "ed25519"
    MLKEM768_X25519 = "mlkem768-x25519"

    @property
    def public_size(self) -> int:
        return 32 if self is KeyKind.ED25519 else _MLKEM768_PUBLIC_SIZE + _X25519_SIZE

    @property
    def seed_size(self) -> int:
        return 32 if self is KeyKind.ED25519 else _MLKEM768_SEED_SIZE + _X25519_SIZE


def key_id_bytes(kind: KeyKind, public_raw: bytes) -> bytes:
    digest = hashlib.sha256(KEY_ID_LABEL + kind.value.encode() + b"\x00" + public_raw).digest()
    return digest[:KEY_ID_SIZE]


def encode_key_id(raw: bytes) -> str:
    """The 20-byte binary key id → its text form: 32 base32 letters (RFC 4648 alphabet, so no padding)."""
    return base64.b32encode(raw).decode("ascii")


def decode_key_id(text: str) -> bytes:
    """The 20 bytes of a key id written as 32 base32 letters; ``ValueError`` otherwise."""
    if not KEY_ID_PATTERN.fullmatch(text):
        raise ValueError(f"{text!r} is not a key id")
    return base64.b32decode(text)


def group_for_reading(text: str, size: int = 4) -> str:
    """``"ABCDEFGH…"`` → ``"ABCD EFGH …"``, for reading aloud and comparing on paper."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def normalize_fingerprint(text: str) -> str:
    """A fingerprint as a person typed it (spaces, dashes, lower case) → the key id it names."""
    return "".join(ch for ch in text if ch.isalnum()).upper()


def sha256_fingerprint(digest: bytes) -> str:
    """A SHA-256 digest shortened to 160 bits and grouped for reading aloud (e.g. a bundle file's hash)."""
    return group_for_reading(encode_key_id(digest[:KEY_ID_SIZE]))


@dataclass(frozen=True)
class PublicKey:
    kind: KeyKind
    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != self.kind.public_size:
            raise ValueError(f"a {self.kind} public key has {self.kind.public_size} bytes, not {len(self.raw)}")

    @cached_property
    def key_id_bytes(self) -> bytes:
        return key_id_bytes(self.kind, self.raw)

    @cached_property
    def key_id(self) -> str:
        return encode_key_id(self.key_id_bytes)

    @property
    def fingerprint(self) -> str:
        return group_for_reading(self.key_id)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` is this signing key's Ed25519 signature of ``message``."""
        if self.kind is not KeyKind.ED25519:
            return False
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def hpke_key(self) -> hpke.MLKEM768X25519PublicKey:
        """This encryption key as an HPKE recipient key."""
        if self.kind is not KeyKind.MLKEM768_X25519:
            raise ValueError(f"a {self.kind} key cannot receive HPKE messages")
        return hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(self.raw[:_MLKEM768_PUBLIC_SIZE]),
            x25519.X25519PublicKey.from_public_bytes(self.raw[_MLKEM768_PUBLIC_SIZE:]),
        )


class SigningKey:
    """A private Ed25519 signing key (office root or commune)."""

    kind = KeyKind.ED25519

    def __init__(self, private_key: ed25519.Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public = PublicKey(self.kind, private_key.public_key().public_bytes_raw())

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def seed(self) -> bytes:
        return self._private_key.private_bytes_raw()

    def sign(self, message: bytes) -> bytes:
        return self._private_key.sign(message)


class EncryptionKey:
    """A receiving office's private ML-KEM-768+X25519 key, which opens bundles encrypted to its public half."""

    kind = KeyKind.MLKEM768_X25519

    def __init__(self, mlkem_key: mlkem.MLKEM768PrivateKey, x25519_key: x25519.X25519PrivateKey) -> None:
        self._mlkem_key = mlkem_key
        self._x25519_key = x25519_key
        self.public = PublicKey(
            self.kind,
            mlkem_key.public_key().public_bytes_raw() + x25519_key.public_key().public_bytes_raw(),
        )

    @classmethod
    def generate(cls) -> EncryptionKey:
        return cls(mlkem.MLKEM768PrivateKey.generate(), x25519.X25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> EncryptionKey:
        if len(seed) != cls.kind.seed_size:
            raise ValueError(f"an encryption key seed has {cls.kind.seed_size} bytes, not {len(seed)}")
        return cls(
            mlkem.MLKEM768PrivateKey.from_seed_bytes(seed[:_MLKEM768_SEED_SIZE]),
            x25519.X25519PrivateKey.from_private_bytes(seed[_MLKEM768_SEED_SIZE:]),
        )

    @property
    def seed(self) -> bytes:
        return self._mlkem_key.private_bytes_raw() + self._x25519_key.private_bytes_raw()

    def hpke_key(self) -> hpke.MLKEM768X25519PrivateKey:
        return hpke.MLKEM768X25519PrivateKey(self._mlkem_key, self._x25519_key)


PrivateKey = SigningKey | EncryptionKey


def private_key_from_seed(kind: KeyKind, seed: bytes) -> PrivateKey:
    """Rebuild a private key of ``kind`` from its seed; ``ValueError`` if the seed does not fit."""
    if kind is KeyKind.ED25519:
        if len(seed) != kind.seed_size:
            raise ValueError(f"an Ed25519 seed has 32 bytes, not {len(seed)}")
        return SigningKey.from_seed(seed)
    return EncryptionKey.from_seed(seed)


@dataclass(frozen=True)
class Recipient:
    """A receiving office and one of its active encryption keys (from its org-keys file)."""

    org: str
    key: PublicKey


class KeyStatus(StrEnum):
    """Where a commune's enrolled signing key stands at the receiving office."""

    ACTIVE = "active"  # bundles signed with it are accepted
    RETIRED = "retired"  # replaced by a newer key through rotation; bundles signed with it are refused
    REVOKED = "revoked"  # declared lost or compromised; bundles signed with it are refused


@dataclass(frozen=True)
class EnrolledKey:
    """A commune key as the receiving office registered it (the office's database is the source)."""

    org: str
    key: PublicKey
    status: KeyStatus


SenderLookup = Callable[[str, str], "EnrolledKey | None"]
"""``lookup(org_code, key_id)``: the enrolled key with that id for that commune, or ``None``."""
