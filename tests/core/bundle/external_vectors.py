"""The machine-readable vectors in ``docs/vectors/``: how they are computed, and how to remake them.

Every value comes from ``independent.py`` (the second implementation written from the public specifications), the
fixed keys in ``tests/fixtures/bundles/keys.json`` and the golden files beside them, so the vectors are fully
deterministic: remaking them gives the same bytes. ``test_external_vectors.py`` checks the project and the
``cryptography`` release against them. Only after a deliberate format change (and a new section in
``docs/bundle-format.md``)::

    uv run python tests/core/bundle/external_vectors.py
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import independent as ind

FIXTURES = Path(__file__).parents[2] / "fixtures" / "bundles"
VECTORS = Path(__file__).parents[3] / "docs" / "vectors"
SEEDS: dict[str, bytes] = {
    name: bytes.fromhex(seed) for name, seed in json.loads((FIXTURES / "keys.json").read_text()).items()
}
SIGNED_DOCUMENTS = ("golden-org-keys.json", "golden-enrollment.json", "golden-rotation.json", "golden-receipt.json")

PAYLOAD_KEY = bytes(range(32))
PAYLOAD_SALT = bytes(range(0xA0, 0xB8))
PAYLOAD_CONTEXT = ind.payload_context(bytes(range(0x20, 0x40)))
SHORT_PLAINTEXT = "Xã Nhân Cơ: báo cáo Quý 1 năm 2023".encode()
RULE_PLAINTEXT_SIZES = {"one-full-chunk": ind.CHUNK_SIZE, "multi-chunk": 2 * ind.CHUNK_SIZE + 1000}
XWING_EXAMPLE_SEED = bytes(range(32))
RFC8032_TEST_1 = {  # as published in RFC 8032 section 7.1: a pure Ed25519 signature of the empty message
    "source": "RFC 8032 section 7.1, TEST 1",
    "private_key": "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "public_key": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "message": "",
    "signature": "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                 "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
}


def rule_plaintext(size: int) -> bytes:
    """The plaintext of the larger payload vectors: byte ``i`` is ``i mod 251``."""
    return bytes(i % 251 for i in range(size))


def key_name(kind: str, raw_key_id: bytes) -> str:
    for name, seed in SEEDS.items():
        public = ind.XWingKey.from_seed(seed).public if len(seed) == 96 else ind.ed25519_public(seed)
        if ind.key_id("mlkem768-x25519" if len(seed) == 96 else "ed25519", public) == raw_key_id:
            return name
    raise KeyError(raw_key_id.hex())


def _key_ids(kind: str, public: bytes) -> dict[str, str]:
    raw = ind.key_id(kind, public)
    digest = hashlib.sha256(b"CDS key id v1\x00" + kind.encode() + b"\x00" + public).hexdigest()
    return {"key_id_sha256": digest, "key_id_hex": raw.hex(), "key_id": ind.key_id_text(raw),
            "fingerprint": ind.fingerprint(raw)}


def keys_vectors() -> dict[str, Any]:
    keys = []
    for name, seed in SEEDS.items():
        if len(seed) == 32:
            public = ind.ed25519_public(seed)
            keys.append({"name": name, "kind": "ed25519", "seed": seed.hex(), "public_key": public.hex(),
                         **_key_ids("ed25519", public)})
        else:
            key = ind.XWingKey.from_seed(seed)
            keys.append({"name": name, "kind": "mlkem768-x25519", "seed": seed.hex(),
                         "mlkem768_d": seed[:32].hex(), "mlkem768_z": seed[32:64].hex(),
                         "x25519_private_key": seed[64:].hex(), "x25519_public_key": key.x25519_public.hex(),
                         "public_key": key.public.hex(), **_key_ids("mlkem768-x25519", key.public)})
    expanded = ind.XWingKey.from_xwing_seed(XWING_EXAMPLE_SEED)
    return {
        "about": "The fixed keys of tests/fixtures/bundles/keys.json: seeds, public keys, key ids (§3).",
        "keys": keys,
        "xwing_seed_expansion": {
            "about": "An X-Wing 32-byte decapsulation key (draft-connolly-cfrg-xwing-kem-06) as a 96-byte seed of "
                     "this format: SHAKE256(xwing_seed, 96 bytes). The reverse is impossible.",
            "xwing_seed": XWING_EXAMPLE_SEED.hex(),
            "seed": hashlib.shake_256(XWING_EXAMPLE_SEED).hexdigest(96),
            "public_key_sha256": hashlib.sha256(expanded.public).hexdigest(),
            **_key_ids("mlkem768-x25519", expanded.public),
        },
    }


def _golden() -> tuple[bytes, ind.HeaderParts, bytes]:
    data = (FIXTURES / "golden.cdsb").read_bytes()
    header = ind.HeaderParts.parse(data)
    core_digest = hashlib.sha256(header.start).digest()
    kid, wrapped = header.entries[0]
    file_key = ind.hpke_open(ind.XWingKey.from_seed(SEEDS[key_name("mlkem768-x25519", kid)]), wrapped,
                             ind.wrap_info(core_digest, kid)).plaintext
    return data, header, file_key


def key_wrap_vectors() -> dict[str, Any]:
    data, header, file_key = _golden()
    core_digest = hashlib.sha256(header.start).digest()
    recipients = []
    for kid, wrapped in header.entries:
        name = key_name("mlkem768-x25519", kid)
        info = ind.wrap_info(core_digest, kid)
        opened = ind.hpke_open(ind.XWingKey.from_seed(SEEDS[name]), wrapped, info)
        recipients.append({"key": name, "key_id_hex": kid.hex(), "info": info.hex(),
                           "enc": wrapped[: ind.HPKE_ENC_SIZE].hex(), "ct": wrapped[ind.HPKE_ENC_SIZE :].hex(),
                           "kem_shared_secret": opened.shared_secret.hex(), "hpke_key": opened.key.hex(),
                           "hpke_base_nonce": opened.base_nonce.hex(), "file_key": opened.plaintext.hex()})
    return {
        "about": "The key wrap of tests/fixtures/bundles/golden.cdsb (§5, §6): HPKE base mode, single shot, "
                 "aad empty; every recipient entry opens to the same file key.",
        "hpke": {"mode": 0, "kem_id": ind.HPKE_KEM_ID, "kdf_id": ind.HPKE_KDF_ID, "aead_id": ind.HPKE_AEAD_ID,
                 "suite_id": ind.HPKE_SUITE_ID.hex(), "aad": ""},
        "bundle": "tests/fixtures/bundles/golden.cdsb",
        "bundle_sha256": hashlib.sha256(data).hexdigest(),
        "header_start": header.start.hex(),
        "core_digest": core_digest.hex(),
        "header_length": len(header.encoded),
        "header_digest": hashlib.sha256(header.encoded).hexdigest(),
        "file_key": file_key.hex(),
        "recipients": recipients,
    }


def _payload_case(name: str, key: bytes, salt: bytes, context: bytes, plaintext: bytes) -> tuple[dict, bytes]:
    keys = ind.cobblestone_keys(key, salt, context)
    ciphertext = ind.cobblestone_encrypt(key, salt, context, plaintext)
    sealed = ciphertext[ind.SALT_SIZE + ind.COMMITMENT_SIZE :]
    step = ind.CHUNK_SIZE + ind.TAG_SIZE
    chunks = [{"index": i, "nonce": ind.chunk_nonce(keys.base_nonce, i).hex(),
               "plaintext_size": len(sealed[i * step : (i + 1) * step]) - ind.TAG_SIZE,
               "tag": sealed[i * step : (i + 1) * step][-ind.TAG_SIZE :].hex()}
              for i in range((len(sealed) + step - 1) // step)]
    case = {"name": name, "key": key.hex(), "salt": salt.hex(), "context": context.hex(),
            "plaintext_size": len(plaintext), "plaintext_sha256": hashlib.sha256(plaintext).hexdigest(),
            "hkdf_info": keys.info.hex(), "aead_key": keys.aead_key.hex(), "base_nonce": keys.base_nonce.hex(),
            "commitment": keys.commitment.hex(), "chunks": chunks, "ciphertext_size": len(ciphertext),
            "ciphertext_sha256": hashlib.sha256(ciphertext).hexdigest()}
    return case, ciphertext


def payload_vectors() -> tuple[dict[str, Any], dict[str, bytes]]:
    cases, files = [], {}
    for name, plaintext in (("empty", b""), ("short", SHORT_PLAINTEXT)):
        case, ciphertext = _payload_case(name, PAYLOAD_KEY, PAYLOAD_SALT, PAYLOAD_CONTEXT, plaintext)
        cases.append({**case, "plaintext": plaintext.hex(), "ciphertext": ciphertext.hex()})
    for name, size in RULE_PLAINTEXT_SIZES.items():
        case, ciphertext = _payload_case(name, PAYLOAD_KEY, PAYLOAD_SALT, PAYLOAD_CONTEXT, rule_plaintext(size))
        files[f"payload-{name}.bin"] = ciphertext
        cases.append({**case, "plaintext_rule": "byte i is i mod 251", "ciphertext_file": f"payload-{name}.bin"})
    data, header, file_key = _golden()
    payload = data[len(header.encoded) :]
    context = ind.payload_context(hashlib.sha256(header.encoded).digest())
    keys = ind.cobblestone_keys(file_key, payload[: ind.SALT_SIZE], context)
    plaintext = ind.cobblestone_decrypt(file_key, context, payload)
    golden = {"bundle": "tests/fixtures/bundles/golden.cdsb", "payload_offset": len(header.encoded),
              "payload_size": len(payload), "key": file_key.hex(), "context": context.hex(),
              "salt": payload[: ind.SALT_SIZE].hex(), "hkdf_info": keys.info.hex(), "aead_key": keys.aead_key.hex(),
              "base_nonce": keys.base_nonce.hex(), "commitment": keys.commitment.hex(),
              "plaintext_size": len(plaintext), "plaintext_sha256": hashlib.sha256(plaintext).hexdigest(),
              "first_frame_prefix": plaintext[:9].hex()}
    return {
        "about": "Cobblestone-256 (C2SP chunked-encryption) ciphertexts of the payload (§7) under a fixed key, "
                 "salt and context, and the payload of tests/fixtures/bundles/golden.cdsb.",
        "cases": cases,
        "golden_payload": golden,
    }, files


def _canonical_body(document: bytes) -> bytes:
    """The canonical body inside a canonical envelope: ``{"body":`` comes first, ``,"signatures":`` last."""
    assert document.startswith(b'{"body":')
    return document[len(b'{"body":') : document.rindex(b',"signatures":')]


def _signed_vector(file: str, document: bytes) -> dict[str, Any]:
    envelope = json.loads(document)
    body = _canonical_body(document)
    message = ind.signed_message(envelope["body"]["type"], body)
    signatures = []
    for signature in envelope["signatures"]:
        raw = base64.b64decode(signature["value"])
        kid = base64.b32decode(signature["key_id"])
        signatures.append({"signer": key_name("ed25519", kid), "key_id": signature["key_id"],
                           "signature": raw.hex()})
    return {"file": file, "type": envelope["body"]["type"], "canonical_body_sha256": hashlib.sha256(body).hexdigest(),
            "message_length": len(message), "message_sha256": hashlib.sha256(message).hexdigest(),
            "signatures": signatures}


def golden_manifest_document() -> bytes:
    data, header, file_key = _golden()
    plaintext = ind.cobblestone_decrypt(file_key, ind.payload_context(hashlib.sha256(header.encoded).digest()),
                                        data[len(header.encoded) :])
    assert plaintext[0] == 1  # the manifest frame
    return plaintext[9 : 9 + int.from_bytes(plaintext[1:9], "big")]


def signature_vectors() -> dict[str, Any]:
    documents = [_signed_vector(file, (FIXTURES / file).read_bytes()) for file in SIGNED_DOCUMENTS]
    documents.append(_signed_vector("golden.cdsb (manifest frame)", golden_manifest_document()))
    receipt = (FIXTURES / "golden-receipt.json").read_bytes()
    return {
        "about": "Ed25519 (RFC 8032, pure) over the signed-document message of §10, for every golden signed file.",
        "rfc8032_test_1": RFC8032_TEST_1,
        "example_message": {"file": "golden-receipt.json",
                            "message": ind.signed_message("cds.receipt", _canonical_body(receipt)).hex()},
        "documents": documents,
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


def build_vectors() -> dict[str, bytes]:
    """Every file of ``docs/vectors/`` except its README, by name."""
    payload, payload_files = payload_vectors()
    return {
        "keys.json": _json(keys_vectors()),
        "key-wrap.json": _json(key_wrap_vectors()),
        "payload.json": _json(payload),
        **payload_files,
        "signatures.json": _json(signature_vectors()),
    }


def main() -> None:
    VECTORS.mkdir(parents=True, exist_ok=True)
    for name, data in build_vectors().items():
        (VECTORS / name).write_bytes(data)
    print(f"vectors written to {VECTORS}")


if __name__ == "__main__":
    main()
