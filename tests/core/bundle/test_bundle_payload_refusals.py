"""Refusals decided by the encrypted payload, the signed manifest and the entries."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

import pytest
from bundle_helpers import (
    COMMUNE,
    COMMUNE_KEY,
    OFFICE,
    OFFICE_KEY,
    OTHER_COMMUNE_KEY,
    OTHER_OFFICE,
    Parts,
    enrolled,
    forge,
    pattern_bytes,
    payload_of,
    refusal,
    signed_manifest,
    valid_parts,
    verify,
    write_sample,
)

from cds_desktop.core.bundle import Code, EncryptionKey, KeyKind, KeyStatus, PublicKey, Recipient, inspect_bundle
from cds_desktop.core.bundle.format import (
    DEFAULT_SUITE,
    FRAME_PREFIX,
    MAX_MANIFEST_SIZE,
    FrameType,
    entry_frame_prefix,
    frame_prefix,
)

CHUNK = DEFAULT_SUITE.chunk_size + DEFAULT_SUITE.chunk_overhead


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid bundle of a few chunks (a 100 kB attachment)."""
    return write_sample(tmp_path_factory.mktemp("sample"), attachments={"evidence/a.bin": pattern_bytes(100_000)}).path


def refused(tmp_path: Path, data: bytes, **overrides: object) -> str:
    path = tmp_path / "bundle.cdsb"
    path.write_bytes(data)
    return refusal(verify, path, tmp_path / "q", **overrides).code


def forged(tmp_path: Path, parts: Parts, payload: bytes | None = None) -> str:
    path = forge(tmp_path / "forged.cdsb", parts, payload=payload)
    return refusal(verify, path, tmp_path / "q").code


def payload_start(path: Path) -> int:
    return len(inspect_bundle(path).encoded)


# --- The forger itself must produce bundles that verify -----------------------------------------------------------


def test_forged_valid_parts_verify(tmp_path: Path) -> None:
    verified = verify(forge(tmp_path / "b.cdsb", valid_parts()), tmp_path / "q")

    assert [a.name for a in verified.attachments] == ["evidence/a.pdf"]


# --- Damage to the ciphertext -------------------------------------------------------------------------------------


def test_payload_bit_flip(tmp_path: Path, sample_path: Path) -> None:
    data = bytearray(sample_path.read_bytes())
    data[payload_start(sample_path) + 60 + CHUNK] ^= 0x10

    assert refused(tmp_path, bytes(data)) == Code.PAYLOAD_CORRUPTED


def test_bit_flip_in_the_last_chunk(tmp_path: Path, sample_path: Path) -> None:
    data = bytearray(sample_path.read_bytes())
    data[-3] ^= 0x01

    assert refused(tmp_path, bytes(data)) == Code.PAYLOAD_CORRUPTED


def test_chunks_swapped(tmp_path: Path, sample_path: Path) -> None:
    data = sample_path.read_bytes()
    first = payload_start(sample_path) + DEFAULT_SUITE.payload_overhead
    chunk0, chunk1 = data[first : first + CHUNK], data[first + CHUNK : first + 2 * CHUNK]

    swapped = data[:first] + chunk1 + chunk0 + data[first + 2 * CHUNK :]

    assert refused(tmp_path, swapped) == Code.PAYLOAD_CORRUPTED


def test_truncated_at_a_chunk_boundary(tmp_path: Path, sample_path: Path) -> None:
    data = sample_path.read_bytes()
    cut = payload_start(sample_path) + DEFAULT_SUITE.payload_overhead + 3 * CHUNK

    assert refused(tmp_path, data[:cut]) == Code.TRUNCATED_AT_CHUNK_BOUNDARY


def test_last_byte_removed(tmp_path: Path, sample_path: Path) -> None:
    assert refused(tmp_path, sample_path.read_bytes()[:-1]) == Code.TRUNCATED


def test_cut_inside_the_key_commitment(tmp_path: Path, sample_path: Path) -> None:
    assert refused(tmp_path, sample_path.read_bytes()[: payload_start(sample_path) + 20]) == Code.TRUNCATED


def test_trailing_bytes(tmp_path: Path, sample_path: Path) -> None:
    assert refused(tmp_path, sample_path.read_bytes() + b"\x00") == Code.TRAILING_BYTES


def test_header_of_one_bundle_with_the_payload_of_another(tmp_path: Path, sample_path: Path) -> None:
    other = write_sample(tmp_path / "other", attachments={"evidence/a.bin": pattern_bytes(100_000, b"other")}).path
    spliced = sample_path.read_bytes()[: payload_start(sample_path)] + other.read_bytes()[payload_start(other) :]

    assert refused(tmp_path, spliced) == Code.PAYLOAD_MISMATCH


def test_altered_wrapped_key_of_another_recipient_is_caught_by_the_payload_binding(tmp_path: Path) -> None:
    second = EncryptionKey.generate()
    written = write_sample(
        tmp_path / "w", recipients=[Recipient(OFFICE, OFFICE_KEY.public), Recipient(OFFICE, second.public)]
    )
    data = bytearray(written.path.read_bytes())
    data[payload_start(written.path) - 10] ^= 0x01  # inside the second recipient's wrapped key

    assert refused(tmp_path, bytes(data)) == Code.PAYLOAD_MISMATCH


# --- The signed manifest ------------------------------------------------------------------------------------------


def test_manifest_signed_by_a_different_key(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.signer = OTHER_COMMUNE_KEY
    parts.signature_key_id = COMMUNE_KEY.public.key_id  # claims to be the enrolled key

    assert forged(tmp_path, parts) == Code.SIGNATURE_INVALID


def test_manifest_signature_naming_another_key(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.signer = OTHER_COMMUNE_KEY

    assert forged(tmp_path, parts) == Code.SIGNATURE_INVALID


def test_signature_algorithm_differs_from_the_enrolled_key_type(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.signature_alg = "ml-dsa-65"

    assert forged(tmp_path, parts) == Code.SIGNATURE_ALG_MISMATCH


def test_enrolled_key_of_an_encryption_type_cannot_sign(tmp_path: Path) -> None:
    impostor = PublicKey(KeyKind.MLKEM768_X25519, EncryptionKey.generate().public.raw)
    parts = valid_parts()
    for document in (parts.core, parts.manifest):
        document["sender"]["key_id"] = impostor.key_id
    parts.signature_key_id = impostor.key_id
    path = forge(tmp_path / "b.cdsb", parts)

    error = refusal(verify, path, tmp_path / "q", lookup_sender=enrolled(impostor))

    assert error.code == Code.SIGNATURE_ALG_MISMATCH


def test_header_differs_from_the_signed_manifest(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.core["revision"] = 2

    error = refusal(verify, forge(tmp_path / "b.cdsb", parts), tmp_path / "q")

    assert error.code == Code.HEADER_MISMATCH
    assert error.params["fields"] == "revision"


def test_content_signed_for_another_office_and_forwarded(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.manifest["recipients"] = [{"org": OTHER_OFFICE, "key_id": OFFICE_KEY.public.key_id}]

    assert forged(tmp_path, parts) == Code.FORWARDED


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda m: m.update(revision=0), Code.MANIFEST_INVALID),
        (lambda m: m.update(extra_field=1), Code.MANIFEST_UNKNOWN_FIELD),
        (lambda m: m.update(type="cds.receipt"), Code.MANIFEST_INVALID),
        (lambda m: m["entries"][0].update(sha256="xyz"), Code.MANIFEST_INVALID),
    ],
)
def test_manifest_fields_are_validated(tmp_path: Path, change: Callable[[dict[str, Any]], object], code: str) -> None:
    parts = valid_parts()
    change(parts.manifest)

    assert forged(tmp_path, parts) == code


def _with_manifest_frame(parts: Parts, manifest_frame_body: bytes) -> bytes:
    entries = b"".join(entry_frame_prefix(name, len(data)) + data for name, data in parts.entries)
    return frame_prefix(FrameType.MANIFEST, len(manifest_frame_body)) + manifest_frame_body + entries


def test_manifest_that_is_not_json(tmp_path: Path) -> None:
    parts = valid_parts()

    assert forged(tmp_path, parts, payload=_with_manifest_frame(parts, b"\xff\xfe")) == Code.MANIFEST_NOT_JSON


def test_manifest_with_a_duplicate_key(tmp_path: Path) -> None:
    parts = valid_parts()
    body = b'{"body":{},"body":{},"signatures":[]}'

    assert forged(tmp_path, parts, payload=_with_manifest_frame(parts, body)) == Code.MANIFEST_DUPLICATE_KEY


def test_manifest_that_is_not_canonical(tmp_path: Path) -> None:
    parts = valid_parts()
    body = signed_manifest(parts).replace(b'{"body":', b'{ "body":', 1)

    assert forged(tmp_path, parts, payload=_with_manifest_frame(parts, body)) == Code.MANIFEST_NOT_CANONICAL


def test_manifest_too_large(tmp_path: Path) -> None:
    payload = frame_prefix(FrameType.MANIFEST, MAX_MANIFEST_SIZE + 1) + bytes(64)

    assert forged(tmp_path, valid_parts(), payload=payload) == Code.MANIFEST_TOO_LARGE


def test_unknown_frame_type(tmp_path: Path) -> None:
    parts = valid_parts()
    payload = payload_of(parts) + FRAME_PREFIX.pack(9, 0)

    assert forged(tmp_path, parts, payload=payload) == Code.UNKNOWN_FRAME


def test_entry_frame_before_the_manifest(tmp_path: Path) -> None:
    payload = entry_frame_prefix("evidence/a.pdf", 1) + b"x"

    assert forged(tmp_path, valid_parts(), payload=payload) == Code.UNEXPECTED_FRAME


def test_second_manifest_frame(tmp_path: Path) -> None:
    parts = valid_parts()
    payload = payload_of(parts) + frame_prefix(FrameType.MANIFEST, 2) + b"{}"

    assert forged(tmp_path, parts, payload=payload) == Code.UNEXPECTED_FRAME


def test_payload_ending_inside_a_frame(tmp_path: Path) -> None:
    parts = valid_parts()

    assert forged(tmp_path, parts, payload=payload_of(parts)[:-5]) == Code.FRAME_TRUNCATED


def test_empty_payload(tmp_path: Path) -> None:
    assert forged(tmp_path, valid_parts(), payload=b"") == Code.FRAME_TRUNCATED


# --- Entries ------------------------------------------------------------------------------------------------------


def test_attachment_hash_mismatch(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.manifest["entries"][1]["sha256"] = hashlib.sha256(b"something else").hexdigest()

    assert forged(tmp_path, parts) == Code.ENTRY_HASH_MISMATCH


def test_attachment_size_mismatch(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.manifest["entries"][1]["size"] += 1

    assert forged(tmp_path, parts) == Code.ENTRY_SIZE_MISMATCH


def test_entry_not_in_manifest(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.entries.append(("evidence/extra.pdf", b"smuggled"))

    assert forged(tmp_path, parts) == Code.ENTRY_NOT_IN_MANIFEST


def test_manifest_entry_missing(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.entries.pop()

    assert forged(tmp_path, parts) == Code.MANIFEST_ENTRY_MISSING


def test_entries_out_of_manifest_order(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.entries.reverse()

    assert forged(tmp_path, parts) == Code.ENTRY_OUT_OF_ORDER


def test_record_that_is_not_json(tmp_path: Path) -> None:
    parts = valid_parts([("records/values.json", b'{"a":1,"a":2}')])

    assert forged(tmp_path, parts) == Code.RECORD_INVALID


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../outside.pdf", Code.ENTRY_NAME_UNSAFE),
        ("/etc/passwd", Code.ENTRY_NAME_UNSAFE),
        ("evidence/a\x00b.pdf", Code.ENTRY_NAME_UNSAFE),
        ("evidence/CON.txt", Code.ENTRY_NAME_UNSAFE),
        ("evidence\\a.pdf", Code.ENTRY_NAME_UNSAFE),
        ("evidence/Bie\u0302\u0301n ba\u0309n.pdf", Code.ENTRY_NAME_NOT_NFC),
    ],
)
def test_unsafe_entry_names_are_refused_before_anything_is_written(tmp_path: Path, name: str, code: str) -> None:
    parts = valid_parts([(name, b"data")])

    assert forged(tmp_path, parts) == code
    assert not (tmp_path / "q").exists()
    assert not (tmp_path / "outside.pdf").exists()


def test_duplicate_entry_names_differing_in_case(tmp_path: Path) -> None:
    parts = valid_parts([("evidence/a.pdf", b"one"), ("Evidence/A.pdf", b"two")])

    assert forged(tmp_path, parts) == Code.ENTRY_NAME_DUPLICATE


def test_zero_length_entries_round_trip(tmp_path: Path) -> None:
    parts = valid_parts([("evidence/empty.pdf", b""), ("records/empty.json", b"{}")])

    verified = verify(forge(tmp_path / "b.cdsb", parts), tmp_path / "q")

    assert verified.attachments[0].path.read_bytes() == b""
    assert verified.records == {"records/empty.json": {}}


def test_failed_verification_leaves_no_quarantine(tmp_path: Path) -> None:
    parts = valid_parts([("evidence/a.pdf", pattern_bytes(5000)), ("evidence/b.pdf", b"x")])
    parts.manifest["entries"][1]["sha256"] = "0" * 64

    forged(tmp_path, parts)

    assert not (tmp_path / "q").exists()


def test_sender_lookup_is_by_header_org_and_key(tmp_path: Path) -> None:
    parts = valid_parts()
    path = forge(tmp_path / "b.cdsb", parts)

    error = refusal(verify, path, tmp_path / "q", lookup_sender=enrolled(COMMUNE_KEY, KeyStatus.ACTIVE, org="99999"))

    assert error.code == Code.SENDER_NOT_ENROLLED
    assert error.params["org"] == COMMUNE


def test_records_too_large_in_total(tmp_path: Path) -> None:
    parts = valid_parts([("records/a.json", b"{}"), ("records/b.json", b"{}"), ("records/c.json", b"{}")])
    for entry in parts.manifest["entries"]:
        entry["size"] = 7 * 1024 * 1024

    assert forged(tmp_path, parts) == Code.MANIFEST_INVALID
