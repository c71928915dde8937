"""A second implementation of what the bundle format takes from outside, written from the public specifications.

Nothing here imports ``cds_desktop``: ``test_external_vectors.py`` checks the project, and the ``cryptography``
release under it, against this code and against the vectors in ``docs/vectors/``, so a change of behaviour on
either side fails. The constructions follow the texts cited in ``docs/vectors/README.md``:

* key ids (``docs/bundle-format.md`` §3);
* X-Wing (MLKEM768-X25519), draft-connolly-cfrg-xwing-kem-06: the SHA3-256 combiner with its label last;
* HPKE (RFC 9180) base mode, single shot, with KEM id 0x647a (draft-ietf-hpke-pq), KDF HKDF-SHA256 (0x0001),
  AEAD ChaCha20-Poly1305 (0x0003);
* C2SP chunked-encryption, instantiation Cobblestone-256 (HKDF-Expand with SHA-512, AES-256-GCM);
* the signed-document message of §10.

Only the primitives come from ``cryptography`` (AES-256-GCM, ChaCha20-Poly1305, X25519, FIPS 203 ML-KEM-768 and
Ed25519); HMAC/HKDF, SHA-2, SHA-3 and SHAKE come from the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

# --- key ids (§3) -------------------------------------------------------------------------------------------


def key_id(kind: str, public_key: bytes) -> bytes:
    """The 20-byte key id: SHA-256("CDS key id v1" 0x00 kind 0x00 public key), first 20 bytes."""
    return hashlib.sha256(b"CDS key id v1\x00" + kind.encode("ascii") + b"\x00" + public_key).digest()[:20]


def key_id_text(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii")


def fingerprint(raw: bytes) -> str:
    text = key_id_text(raw)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


# --- keys from seeds (§3) -----------------------------------------------------------------------------------


def ed25519_public(seed: bytes) -> bytes:
    """RFC 8032: the public key of a 32-byte private key."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


@dataclass(frozen=True)
class XWingKey:
    """An office encryption key from its 96-byte seed: ML-KEM-768 seed d‖z (64 bytes), X25519 private key (32)."""

    mlkem_key: mlkem.MLKEM768PrivateKey
    x25519_key: x25519.X25519PrivateKey

    @classmethod
    def from_seed(cls, seed: bytes) -> XWingKey:
        assert len(seed) == 96
        return cls(mlkem.MLKEM768PrivateKey.from_seed_bytes(seed[:64]),
                   x25519.X25519PrivateKey.from_private_bytes(seed[64:]))

    @classmethod
    def from_xwing_seed(cls, xwing_seed: bytes) -> XWingKey:
        """X-Wing's own 32-byte decapsulation key, expanded as draft-06 §5.2 does: SHAKE256(seed, 96)."""
        assert len(xwing_seed) == 32
        return cls.from_seed(hashlib.shake_256(xwing_seed).digest(96))

    @property
    def x25519_public(self) -> bytes:
        return self.x25519_key.public_key().public_bytes_raw()

    @property
    def public(self) -> bytes:
        """The 1216-byte encapsulation key: ML-KEM-768 encapsulation key (1184) ‖ X25519 public key (32)."""
        return self.mlkem_key.public_key().public_bytes_raw() + self.x25519_public

    def decapsulate(self, enc: bytes) -> bytes:
        """X-Wing Decapsulate: SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ label)."""
        assert len(enc) == 1120
        ct_m, ct_x = enc[:1088], enc[1088:]
        ss_m = self.mlkem_key.decapsulate(ct_m)
        ss_x = self.x25519_key.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
        return hashlib.sha3_256(ss_m + ss_x + ct_x + self.x25519_public + XWING_LABEL).digest()


XWING_LABEL = b"\\.//^\\"  # the six ASCII characters \.//^\

# --- HPKE base mode (RFC 9180 §4, §5.1, §6.1) ----------------------------------------------------------------

HPKE_KEM_ID = 0x647A
HPKE_KDF_ID = 0x0001  # HKDF-SHA256
HPKE_AEAD_ID = 0x0003  # ChaCha20-Poly1305
HPKE_SUITE_ID = b"HPKE" + struct.pack(">HHH", HPKE_KEM_ID, HPKE_KDF_ID, HPKE_AEAD_ID)
HPKE_ENC_SIZE = 1120


def hkdf_extract(salt: bytes, ikm: bytes, hash_name: str = "sha256") -> bytes:
    return hmac.new(salt or bytes(hashlib.new(hash_name).digest_size), ikm, hash_name).digest()


def hkdf_expand(prk: bytes, info: bytes, length: int, hash_name: str = "sha256") -> bytes:
    output, block, counter = b"", b"", 1
    while len(output) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hash_name).digest()
        output += block
        counter += 1
    return output[:length]


def _labeled_extract(salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hkdf_extract(salt, b"HPKE-v1" + HPKE_SUITE_ID + label + ikm)


def _labeled_expand(prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return hkdf_expand(prk, struct.pack(">H", length) + b"HPKE-v1" + HPKE_SUITE_ID + label + info, length)


@dataclass(frozen=True)
class HpkeOpening:
    shared_secret: bytes
    key: bytes
    base_nonce: bytes
    plaintext: bytes


def hpke_key_schedule(shared_secret: bytes, info: bytes) -> tuple[bytes, bytes]:
    """Base mode (mode 0, no PSK): the AEAD key (32 bytes) and base nonce (12 bytes)."""
    psk_id_hash = _labeled_extract(b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(shared_secret, b"secret", b"")
    return _labeled_expand(secret, b"key", context, 32), _labeled_expand(secret, b"base_nonce", context, 12)


def hpke_open(recipient: XWingKey, wrapped: bytes, info: bytes, aad: bytes = b"") -> HpkeOpening:
    """Single-shot Open of ``enc ‖ ct`` (the first message, sequence number 0); ``InvalidTag`` if it fails."""
    enc, ct = wrapped[:HPKE_ENC_SIZE], wrapped[HPKE_ENC_SIZE:]
    shared_secret = recipient.decapsulate(enc)
    key, base_nonce = hpke_key_schedule(shared_secret, info)
    plaintext = ChaCha20Poly1305(key).decrypt(base_nonce, ct, aad)
    return HpkeOpening(shared_secret, key, base_nonce, plaintext)


# --- C2SP chunked-encryption, Cobblestone-256 ---------------------------------------------------------------

CHUNK_SIZE = 16 * 1024
TAG_SIZE = 16
SALT_SIZE = 24
COMMITMENT_SIZE = 32
COBBLESTONE_256_AEAD = b"AEAD_AES_256_GCM"


@dataclass(frozen=True)
class CobblestoneKeys:
    info: bytes
    aead_key: bytes
    base_nonce: bytes
    commitment: bytes


def cobblestone_keys(input_key: bytes, salt: bytes, context: bytes) -> CobblestoneKeys:
    """key ‖ base nonce ‖ commitment = HKDF-Expand-SHA-512(input key, "c2sp.org/chunked-encryption@v1+" ‖ aead
    ‖ 0x00 ‖ salt ‖ context), 32 + 12 + 32 bytes."""
    assert len(input_key) == 32 and len(salt) == SALT_SIZE
    info = b"c2sp.org/chunked-encryption@v1+" + COBBLESTONE_256_AEAD + b"\x00" + salt + context
    okm = hkdf_expand(input_key, info, 32 + 12 + COMMITMENT_SIZE, "sha512")
    return CobblestoneKeys(info, okm[:32], okm[32:44], okm[44:])


def chunk_nonce(base_nonce: bytes, index: int) -> bytes:
    """The base nonce XOR the chunk number, big-endian, as wide as the nonce."""
    return (int.from_bytes(base_nonce, "big") ^ index).to_bytes(len(base_nonce), "big")


def cobblestone_encrypt(input_key: bytes, salt: bytes, context: bytes, plaintext: bytes) -> bytes:
    keys = cobblestone_keys(input_key, salt, context)
    aead = AESGCM(keys.aead_key)
    chunks = [plaintext[i : i + CHUNK_SIZE] for i in range(0, len(plaintext) - len(plaintext) % CHUNK_SIZE, CHUNK_SIZE)]
    chunks.append(plaintext[len(chunks) * CHUNK_SIZE :])  # the final chunk is always shorter than 16 KiB
    sealed = [aead.encrypt(chunk_nonce(keys.base_nonce, i), chunk, None) for i, chunk in enumerate(chunks)]
    return salt + keys.commitment + b"".join(sealed)


def cobblestone_decrypt(input_key: bytes, context: bytes, ciphertext: bytes) -> bytes:
    """The plaintext; ``InvalidTag`` for a wrong key or context, any change, or a truncated or extended message."""
    if len(ciphertext) < SALT_SIZE + COMMITMENT_SIZE + TAG_SIZE:
        raise InvalidTag()
    keys = cobblestone_keys(input_key, ciphertext[:SALT_SIZE], context)
    if not hmac.compare_digest(keys.commitment, ciphertext[SALT_SIZE : SALT_SIZE + COMMITMENT_SIZE]):
        raise InvalidTag()
    body = ciphertext[SALT_SIZE + COMMITMENT_SIZE :]
    sealed_size = CHUNK_SIZE + TAG_SIZE
    if len(body) % sealed_size < TAG_SIZE:  # the final chunk is missing or cut into its tag
        raise InvalidTag()
    aead = AESGCM(keys.aead_key)
    pieces = [body[i : i + sealed_size] for i in range(0, len(body), sealed_size)]
    return b"".join(aead.decrypt(chunk_nonce(keys.base_nonce, i), piece, None) for i, piece in enumerate(pieces))


def cobblestone_size(plaintext_size: int) -> int:
    return SALT_SIZE + COMMITMENT_SIZE + plaintext_size + TAG_SIZE * (plaintext_size // CHUNK_SIZE + 1)


# --- the bundle's own uses (§5–§7, §10) ---------------------------------------------------------------------


def wrap_info(core_digest: bytes, recipient_key_id: bytes) -> bytes:
    return b"cdsb/1 wrap" + core_digest + recipient_key_id


def payload_context(header_digest: bytes) -> bytes:
    return b"cdsb/1 payload\x00" + header_digest


def signed_message(document_type: str, canonical_body: bytes) -> bytes:
    return b"CDS signed document v1\x00" + document_type.encode("ascii") + b"\x00" + canonical_body


@dataclass(frozen=True)
class HeaderParts:
    """A bundle header split at the offsets of §5 (no validation: that is the project's reader's job)."""

    start: bytes  # fixed prefix and core: what the key wrap is bound to
    core: bytes
    entries: list[tuple[bytes, bytes]]  # (key id, wrapped key)
    encoded: bytes  # the whole header

    @classmethod
    def parse(cls, data: bytes) -> HeaderParts:
        (core_length,) = struct.unpack(">I", data[15:19])
        start_end = 19 + core_length
        count = data[start_end]
        offset, entries = start_end + 1, []
        for _ in range(count):
            kid, length = data[offset : offset + 20], struct.unpack(">H", data[offset + 20 : offset + 22])[0]
            entries.append((kid, data[offset + 22 : offset + 22 + length]))
            offset += 22 + length
        return cls(data[:start_end], data[19:start_end], entries, data[:offset])
