"""``docs/vectors/`` against the project and the ``cryptography`` release it runs on.

The vectors pin what the format takes from outside (``docs/bundle-format.md`` §3, §6, §7, §10): key ids and seed
layouts, the HPKE key wrap (X-Wing, HKDF-SHA256, ChaCha20-Poly1305), Cobblestone-256 and Ed25519. Every test checks
the project, or the library under it, against a committed vector; the vectors themselves are recomputed by
``independent.py``, written from the public specifications. A change of behaviour in the project, in
``cryptography`` or in the vectors fails here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import independent as ind
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from external_vectors import (
    RULE_PLAINTEXT_SIZES,
    SEEDS,
    VECTORS,
    build_vectors,
    golden_manifest_document,
    rule_plaintext,
)

from cds_desktop.core.bundle import EncryptionKey, KeyKind, PublicKey, SigningKey
from cds_desktop.core.bundle.format import DEFAULT_SUITE, read_header, wrap_info
from cds_desktop.core.bundle.signed import signed_message

FIXTURES = Path(__file__).parents[2] / "fixtures" / "bundles"
GOLDEN = FIXTURES / "golden.cdsb"


def _vectors(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


KEYS = _vectors("keys.json")
WRAP = _vectors("key-wrap.json")
PAYLOAD = _vectors("payload.json")
SIGNATURES = _vectors("signatures.json")
h = bytes.fromhex


def _project_key(seed: bytes) -> SigningKey | EncryptionKey:
    return EncryptionKey.from_seed(seed) if len(seed) == 96 else SigningKey.from_seed(seed)


# --- the vectors themselves ---------------------------------------------------------------------------------


def test_the_committed_vectors_are_what_the_independent_implementation_computes() -> None:
    expected = build_vectors()

    assert sorted(p.name for p in VECTORS.iterdir() if p.name != "README.md") == sorted(expected)
    for name, data in expected.items():
        assert (VECTORS / name).read_bytes() == data, name


def test_the_readme_describes_every_vector_file() -> None:
    readme = (VECTORS / "README.md").read_text(encoding="utf-8")

    assert all(f"`{name}`" in readme for name in build_vectors())


# --- §3 keys ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", KEYS["keys"], ids=lambda v: v["name"])
def test_public_key_and_key_id_from_the_seed(vector: dict) -> None:
    key = _project_key(h(vector["seed"]))
    digest = hashlib.sha256(b"CDS key id v1\x00" + vector["kind"].encode() + b"\x00" + h(vector["public_key"]))

    assert key.public.kind.value == vector["kind"]
    assert key.public.raw.hex() == vector["public_key"]
    assert digest.hexdigest() == vector["key_id_sha256"] and digest.digest()[:20].hex() == vector["key_id_hex"]
    assert (key.public.key_id, key.public.fingerprint) == (vector["key_id"], vector["fingerprint"])
    assert key.seed.hex() == vector["seed"]  # the key file stores exactly this seed


@pytest.mark.parametrize("vector", [v for v in KEYS["keys"] if v["kind"] == "mlkem768-x25519"], ids=lambda v: v["name"])
def test_encryption_key_seed_is_mlkem_d_z_then_x25519_private_key(vector: dict) -> None:
    mlkem_key = mlkem.MLKEM768PrivateKey.from_seed_bytes(h(vector["mlkem768_d"]) + h(vector["mlkem768_z"]))
    x25519_key = x25519.X25519PrivateKey.from_private_bytes(h(vector["x25519_private_key"]))
    public = EncryptionKey.from_seed(h(vector["seed"])).public.raw

    assert public[:1184] == mlkem_key.public_key().public_bytes_raw()
    assert public[1184:].hex() == vector["x25519_public_key"] == x25519_key.public_key().public_bytes_raw().hex()


def test_an_xwing_seed_expands_to_a_seed_of_this_format() -> None:
    vector = KEYS["xwing_seed_expansion"]
    seed = hashlib.shake_256(h(vector["xwing_seed"])).digest(96)
    public = EncryptionKey.from_seed(seed).public

    assert seed.hex() == vector["seed"]
    assert hashlib.sha256(public.raw).hexdigest() == vector["public_key_sha256"]
    assert public.key_id == vector["key_id"]


# --- §5–§6 header digests and key wrap ----------------------------------------------------------------------


def test_header_digests_and_wrap_info_recomputed_with_hashlib() -> None:
    data = GOLDEN.read_bytes()
    start = h(WRAP["header_start"])
    core_length = int.from_bytes(start[15:19], "big")

    assert hashlib.sha256(data).hexdigest() == WRAP["bundle_sha256"]
    assert data.startswith(start) and len(start) == 19 + core_length
    assert hashlib.sha256(start).hexdigest() == WRAP["core_digest"]
    assert hashlib.sha256(data[: WRAP["header_length"]]).hexdigest() == WRAP["header_digest"]
    for recipient in WRAP["recipients"]:
        info = b"cdsb/1 wrap" + h(WRAP["core_digest"]) + h(recipient["key_id_hex"])
        assert len(info) == 63 and info.hex() == recipient["info"]


def test_the_project_reads_the_same_digests_and_info() -> None:
    with GOLDEN.open("rb") as stream:
        header = read_header(stream)

    assert header.core_digest.hex() == WRAP["core_digest"]
    assert (len(header.encoded), header.digest.hex()) == (WRAP["header_length"], WRAP["header_digest"])
    assert [(e.key_id.hex(), (e.wrapped_key[:1120].hex(), e.wrapped_key[1120:].hex())) for e in header.recipients] == [
        (r["key_id_hex"], (r["enc"], r["ct"])) for r in WRAP["recipients"]
    ]
    assert [wrap_info(header.core_digest, e.key_id).hex() for e in header.recipients] == [
        r["info"] for r in WRAP["recipients"]
    ]


@pytest.mark.parametrize("recipient", WRAP["recipients"], ids=lambda r: r["key"])
def test_each_wrapped_key_opens_to_the_file_key(recipient: dict) -> None:
    wrapped = h(recipient["enc"]) + h(recipient["ct"])
    key = EncryptionKey.from_seed(SEEDS[recipient["key"]])

    opened = DEFAULT_SUITE.hpke_suite.decrypt(wrapped, key.hpke_key(), info=h(recipient["info"]))
    independent = ind.hpke_open(ind.XWingKey.from_seed(SEEDS[recipient["key"]]), wrapped, h(recipient["info"]))

    assert len(wrapped) == DEFAULT_SUITE.wrapped_key_size == 1168
    assert opened.hex() == recipient["file_key"] == WRAP["file_key"]
    assert (independent.shared_secret.hex(), independent.key.hex(), independent.base_nonce.hex()) == (
        recipient["kem_shared_secret"], recipient["hpke_key"], recipient["hpke_base_nonce"])


def test_a_wrap_sealed_now_by_the_library_opens_with_the_independent_implementation() -> None:
    recipient = WRAP["recipients"][0]
    key = EncryptionKey.from_seed(SEEDS[recipient["key"]])

    wrapped = DEFAULT_SUITE.hpke_suite.encrypt(h(WRAP["file_key"]), key.public.hpke_key(), info=h(recipient["info"]))

    assert ind.hpke_open(ind.XWingKey.from_seed(SEEDS[recipient["key"]]), wrapped, h(recipient["info"])).plaintext == h(
        WRAP["file_key"])


def test_a_wrap_under_other_info_does_not_open() -> None:
    recipient = WRAP["recipients"][0]
    wrapped = h(recipient["enc"]) + h(recipient["ct"])
    other_info = h(recipient["info"])[:-1] + bytes([h(recipient["info"])[-1] ^ 1])
    key = EncryptionKey.from_seed(SEEDS[recipient["key"]])

    with pytest.raises(InvalidTag):
        DEFAULT_SUITE.hpke_suite.decrypt(wrapped, key.hpke_key(), info=other_info)


# --- §7 payload ---------------------------------------------------------------------------------------------


def _case_plaintext(case: dict) -> bytes:
    return h(case["plaintext"]) if "plaintext" in case else rule_plaintext(case["plaintext_size"])


def _case_ciphertext(case: dict) -> bytes:
    return h(case["ciphertext"]) if "ciphertext" in case else (VECTORS / case["ciphertext_file"]).read_bytes()


@pytest.mark.parametrize("case", PAYLOAD["cases"], ids=lambda c: c["name"])
def test_the_library_decrypts_each_payload_vector(case: dict) -> None:
    ciphertext, plaintext = _case_ciphertext(case), _case_plaintext(case)
    decryptor = DEFAULT_SUITE.decryptor(h(case["key"]), h(case["context"]))

    decrypted = decryptor.update(ciphertext) + decryptor.finalize()

    assert hashlib.sha256(ciphertext).hexdigest() == case["ciphertext_sha256"]
    assert hashlib.sha256(plaintext).hexdigest() == case["plaintext_sha256"]
    assert decrypted == plaintext
    assert len(ciphertext) == case["ciphertext_size"] == DEFAULT_SUITE.payload_size(len(plaintext))


@pytest.mark.parametrize("case", PAYLOAD["cases"], ids=lambda c: c["name"])
def test_payload_vector_layout(case: dict) -> None:
    """Salt, commitment, then every chunk followed by its tag; the last chunk is the only short one."""
    ciphertext = _case_ciphertext(case)
    step = DEFAULT_SUITE.chunk_size + DEFAULT_SUITE.chunk_overhead

    assert ciphertext[:24].hex() == case["salt"] and ciphertext[24:56].hex() == case["commitment"]
    body = ciphertext[56:]
    assert [body[i * step : (i + 1) * step][-16:].hex() for i in range(len(case["chunks"]))] == [
        c["tag"] for c in case["chunks"]]
    sizes = [c["plaintext_size"] for c in case["chunks"]]
    assert sizes[:-1] == [16384] * (len(sizes) - 1) and sizes[-1] < 16384 and sum(sizes) == case["plaintext_size"]


@pytest.mark.parametrize("size", [0, 41, *RULE_PLAINTEXT_SIZES.values()])
def test_payload_encrypted_by_the_library_decrypts_with_the_independent_implementation(size: int) -> None:
    case = PAYLOAD["cases"][0]
    key, context, plaintext = h(case["key"]), h(case["context"]), rule_plaintext(size)
    encryptor = DEFAULT_SUITE.encryptor(key, context)

    ciphertext = encryptor.update(plaintext) + encryptor.finalize()

    assert ind.cobblestone_decrypt(key, context, ciphertext) == plaintext
    assert ciphertext[24:56] == ind.cobblestone_keys(key, ciphertext[:24], context).commitment
    assert len(ciphertext) == ind.cobblestone_size(size) == DEFAULT_SUITE.payload_size(size)


def test_the_golden_payload_decrypts_under_the_opened_file_key() -> None:
    vector = PAYLOAD["golden_payload"]
    payload = GOLDEN.read_bytes()[vector["payload_offset"] :]
    decryptor = DEFAULT_SUITE.decryptor(h(vector["key"]), h(vector["context"]))

    plaintext = decryptor.update(payload) + decryptor.finalize()

    assert vector["key"] == WRAP["file_key"]
    assert vector["context"] == (b"cdsb/1 payload\x00" + h(WRAP["header_digest"])).hex()
    assert (payload[:24].hex(), payload[24:56].hex()) == (vector["salt"], vector["commitment"])
    assert len(payload) == vector["payload_size"] == DEFAULT_SUITE.payload_size(vector["plaintext_size"])
    assert hashlib.sha256(plaintext).hexdigest() == vector["plaintext_sha256"]
    assert plaintext[:9].hex() == vector["first_frame_prefix"]


# --- §10 signatures -----------------------------------------------------------------------------------------


def test_rfc8032_test_1() -> None:
    vector = SIGNATURES["rfc8032_test_1"]
    key = SigningKey.from_seed(h(vector["private_key"]))

    assert key.public.raw.hex() == vector["public_key"]
    assert key.sign(h(vector["message"])).hex() == vector["signature"]
    assert PublicKey(KeyKind.ED25519, h(vector["public_key"])).verify(h(vector["signature"]), b"")


def test_the_example_message_is_label_type_and_canonical_body() -> None:
    vector = SIGNATURES["example_message"]
    document = (FIXTURES / vector["file"]).read_bytes()
    body = document[len(b'{"body":') : document.rindex(b',"signatures":')]

    assert signed_message("cds.receipt", body).hex() == vector["message"]
    assert h(vector["message"]) == b"CDS signed document v1\x00cds.receipt\x00" + body


@pytest.mark.parametrize("vector", SIGNATURES["documents"], ids=lambda v: v["file"])
def test_each_signed_document_signature_is_reproduced(vector: dict) -> None:
    in_bundle = vector["file"].startswith("golden.cdsb")
    document = golden_manifest_document() if in_bundle else (FIXTURES / vector["file"]).read_bytes()
    body = document[len(b'{"body":') : document.rindex(b',"signatures":')]
    message = signed_message(vector["type"], body)

    assert hashlib.sha256(body).hexdigest() == vector["canonical_body_sha256"]
    assert (len(message), hashlib.sha256(message).hexdigest()) == (vector["message_length"], vector["message_sha256"])
    for signature in vector["signatures"]:
        key = SigningKey.from_seed(SEEDS[signature["signer"]])
        assert key.public.key_id == signature["key_id"]
        assert key.sign(message).hex() == signature["signature"]  # Ed25519 is deterministic
        assert key.public.verify(h(signature["signature"]), message)
