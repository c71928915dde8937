"""Private keys at rest: a small versioned file sealed with a passphrase (scrypt + ChaCha20-Poly1305).

The file is canonical JSON::

    {"aead": "chacha20-poly1305", "format": "cds-private-key", "kdf": {"log_n": 17, "name": "scrypt", "p": 1,
     "r": 8, "salt": <16 bytes>}, "key_id": ..., "kind": "ed25519", "nonce": <12 bytes>, "sealed": <seed + tag>,
     "version": 1}

The sealing key is scrypt(NFC passphrase as UTF-8, salt, N = 2**log_n, r, p) with ``log_n`` at least 17; the
AEAD seals the raw key seed with every other field of the file as associated data, so no field can be changed
without the file failing to open. A wrong passphrase (or a damaged file) fails authentication and is reported as
``bundle.wrong_passphrase``. PKCS#8 "best available" encryption is not used: it is PBKDF2 with 2,048 rounds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Callable, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from pydantic import Field

from cds_desktop.core.bundle.canonical import Document, DocumentCodes, encode, parse_model
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.fields import Base64Bytes, KeyIdText
from cds_desktop.core.bundle.keys import EncryptionKey, KeyKind, PrivateKey, SigningKey, private_key_from_seed
from cds_desktop.core.errors import BundleError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.text import nfc

MIN_LOG_N = 17
MAX_LOG_N = 20  # 1 GiB of scrypt memory; a key file cannot ask for more
MIN_PASSPHRASE_LENGTH = 8
MAX_KEY_FILE_SIZE = 4096
_CODES = DocumentCodes.single(Code.KEYFILE_INVALID)


class _Scrypt(Document):
    name: Literal["scrypt"] = "scrypt"
    log_n: Annotated[int, Field(ge=MIN_LOG_N, le=MAX_LOG_N)]
    r: Literal[8] = 8
    p: Literal[1] = 1
    salt: Annotated[Base64Bytes, Field(min_length=16, max_length=16)]

    def derive(self, passphrase: str) -> bytes:
        kdf = Scrypt(salt=self.salt, length=32, n=2**self.log_n, r=self.r, p=self.p)
        return kdf.derive(nfc(passphrase).encode("utf-8"))


class _KeyFile(Document):
    format: Literal["cds-private-key"] = "cds-private-key"
    version: Literal[1] = 1
    kind: Annotated[KeyKind, Field(strict=False)]
    key_id: KeyIdText
    kdf: _Scrypt
    aead: Literal["chacha20-poly1305"] = "chacha20-poly1305"
    nonce: Annotated[Base64Bytes, Field(min_length=12, max_length=12)]
    sealed: Base64Bytes

    def associated_data(self) -> bytes:
        return encode(self.model_dump(mode="json", exclude={"sealed"}))


def seal_private_key(
    key: PrivateKey,
    passphrase: str,
    *,
    log_n: int = MIN_LOG_N,
    entropy: Callable[[int], bytes] = os.urandom,
) -> bytes:
    """The key file content for ``key`` sealed with ``passphrase`` (at least 8 characters)."""
    if len(nfc(passphrase)) < MIN_PASSPHRASE_LENGTH:
        raise BundleError(Code.PASSPHRASE_TOO_SHORT, minimum=MIN_PASSPHRASE_LENGTH)
    unsealed = _KeyFile(
        kind=key.kind,
        key_id=key.public.key_id,
        kdf=_Scrypt(log_n=log_n, salt=entropy(16)),
        nonce=entropy(12),
        sealed=b"",
    )
    sealing_key = unsealed.kdf.derive(passphrase)
    sealed = ChaCha20Poly1305(sealing_key).encrypt(unsealed.nonce, key.seed, unsealed.associated_data())
    return unsealed.model_copy(update={"sealed": sealed}).canonical()


def open_private_key(data: bytes, passphrase: str) -> PrivateKey:
    """The key sealed in a key file; ``bundle.wrong_passphrase`` if ``passphrase`` does not open it."""
    if len(data) > MAX_KEY_FILE_SIZE:
        raise DocumentError(Code.KEYFILE_INVALID, reason="file_too_large", limit=MAX_KEY_FILE_SIZE)
    keyfile = parse_model(data, _KeyFile, _CODES)
    sealing_key = keyfile.kdf.derive(passphrase)
    try:
        seed = ChaCha20Poly1305(sealing_key).decrypt(keyfile.nonce, keyfile.sealed, keyfile.associated_data())
    except InvalidTag:
        raise BundleError(Code.WRONG_PASSPHRASE) from None
    try:
        key = private_key_from_seed(keyfile.kind, seed)
    except ValueError:
        raise DocumentError(Code.KEYFILE_INVALID, reason="sealed_key_unusable", field="sealed") from None
    if key.public.key_id != keyfile.key_id:
        raise DocumentError(Code.KEYFILE_INVALID, reason="key_id_mismatch", field="key_id")
    return key


def save_private_key(path: Path, key: PrivateKey, passphrase: str, *, log_n: int = MIN_LOG_N) -> None:
    """Write ``key`` sealed with ``passphrase`` to ``path`` atomically."""
    write_atomic(path, seal_private_key(key, passphrase, log_n=log_n))


def _read_key_file(path: Path) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(MAX_KEY_FILE_SIZE + 1)
    except OSError as exc:
        raise BundleError(Code.UNREADABLE, path=str(path), problem=exc.strerror or str(exc)) from None


def load_signing_key(path: Path, passphrase: str) -> SigningKey:
    """The Ed25519 signing key in the key file at ``path``."""
    key = open_private_key(_read_key_file(path), passphrase)
    if not isinstance(key, SigningKey):
        raise BundleError(Code.KEYFILE_KIND, path=str(path), expected=KeyKind.ED25519.value, found=key.kind.value)
    return key


def load_encryption_key(path: Path, passphrase: str) -> EncryptionKey:
    """The office encryption key in the key file at ``path``."""
    key = open_private_key(_read_key_file(path), passphrase)
    if not isinstance(key, EncryptionKey):
        raise BundleError(
            Code.KEYFILE_KIND, path=str(path), expected=KeyKind.MLKEM768_X25519.value, found=key.kind.value
        )
    return key
