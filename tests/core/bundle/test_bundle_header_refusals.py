"""Refusals decided by the cleartext header, the addressing and the sender, before the payload is decrypted."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from bundle_helpers import (
    COMMUNE_KEY,
    OFFICE,
    OFFICE_KEY,
    OTHER_OFFICE,
    OTHER_OFFICE_KEY,
    enrolled,
    forge,
    refusal,
    valid_parts,
    verify,
    write_sample,
)

from cds_desktop.core.bundle import Code, KeyStatus, inspect_bundle
from cds_desktop.core.bundle.canonical import encode
from cds_desktop.core.bundle.format import FIXED_PREFIX, MAGIC

CORE_LENGTH_AT = 15  # magic(9) major(1) minor(1) suite(2) flags(2)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_sample(tmp_path_factory.mktemp("sample")).path.read_bytes()


def refused(tmp_path: Path, data: bytes, **overrides: object) -> str:
    path = tmp_path / "bundle.cdsb"
    path.write_bytes(data)
    return refusal(verify, path, tmp_path / "q", **overrides).code


def with_core(sample: bytes, core: bytes) -> bytes:
    """``sample`` with its header core replaced (and the core length adjusted)."""
    (length,) = struct.unpack_from(">I", sample, CORE_LENGTH_AT)
    start = FIXED_PREFIX.size
    return sample[:CORE_LENGTH_AT] + struct.pack(">I", len(core)) + core + sample[start + length :]


def patched(sample: bytes, offset: int, replacement: bytes) -> bytes:
    return sample[:offset] + replacement + sample[offset + len(replacement) :]


def core_of(sample: bytes) -> bytes:
    (length,) = struct.unpack_from(">I", sample, CORE_LENGTH_AT)
    return sample[FIXED_PREFIX.size : FIXED_PREFIX.size + length]


def test_a_zip_file_is_not_a_bundle(tmp_path: Path) -> None:
    assert refused(tmp_path, b"PK\x03\x04" + bytes(100)) == Code.BAD_MAGIC


def test_an_empty_file_is_not_a_bundle(tmp_path: Path) -> None:
    assert refused(tmp_path, b"") == Code.BAD_MAGIC


def test_line_ending_conversion_is_reported_as_text_mode_damage(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, sample.replace(b"\r\n", b"\n")) == Code.TEXT_MODE_DAMAGE


def test_high_bit_stripping_is_reported_as_text_mode_damage(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, bytes([sample[0] & 0x7F]) + sample[1:]) == Code.TEXT_MODE_DAMAGE


def test_unsupported_major_version(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, patched(sample, len(MAGIC), b"\x02")) == Code.UNSUPPORTED_VERSION


def test_a_newer_minor_version_of_the_same_major_still_opens(tmp_path: Path) -> None:
    path = forge(tmp_path / "minor.cdsb", valid_parts(), minor=7)

    assert verify(path, tmp_path / "q").header.minor == 7


def test_unknown_suite(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, patched(sample, 11, b"\x00\x02")) == Code.UNKNOWN_SUITE


def test_suite_not_allowed_by_policy(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, sample, allowed_suites=set()) == Code.SUITE_NOT_ALLOWED


def test_reserved_flags(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, patched(sample, 13, b"\x00\x01")) == Code.RESERVED_FLAGS


def test_header_too_large(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, patched(sample, CORE_LENGTH_AT, struct.pack(">I", 1 << 20))) == Code.HEADER_TOO_LARGE


@pytest.mark.parametrize("length", [4, 12, FIXED_PREFIX.size + 10, FIXED_PREFIX.size + 400])
def test_truncated_header(tmp_path: Path, sample: bytes, length: int) -> None:
    assert refused(tmp_path, sample[:length]) == Code.HEADER_TRUNCATED


def test_header_core_that_is_not_json(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, with_core(sample, b"{not json")) == Code.HEADER_NOT_JSON


def test_header_core_with_a_duplicate_key(tmp_path: Path, sample: bytes) -> None:
    core = core_of(sample)
    duplicated = core[:-1] + b',"revision":9}'
    assert refused(tmp_path, with_core(sample, duplicated)) == Code.HEADER_DUPLICATE_KEY


def test_header_core_that_is_not_canonical(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, with_core(sample, core_of(sample).replace(b":", b": ", 1))) == Code.HEADER_NOT_CANONICAL


def test_header_core_with_an_unknown_field(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, with_core(sample, core_of(sample)[:-1] + b',"zz":1}')) == Code.HEADER_UNKNOWN_FIELD


def test_header_core_with_an_invalid_field(tmp_path: Path, sample: bytes) -> None:
    invalid = core_of(sample).replace(b'"revision":1', b'"revision":0')
    assert refused(tmp_path, with_core(sample, invalid)) == Code.HEADER_INVALID


def test_relabelled_header_core_breaks_the_key_wrap(tmp_path: Path, sample: bytes) -> None:
    relabelled = core_of(sample).replace(b'"period":"2023Q1"', b'"period":"2023Q2"')
    assert refused(tmp_path, with_core(sample, relabelled)) == Code.WRAPPED_KEY_INVALID


def test_recipient_count_disagreeing_with_the_core(tmp_path: Path, sample: bytes) -> None:
    count_at = FIXED_PREFIX.size + len(core_of(sample))
    assert refused(tmp_path, patched(sample, count_at, b"\x02")) == Code.RECIPIENT_MALFORMED


def test_recipient_entry_with_another_key_id(tmp_path: Path, sample: bytes) -> None:
    key_id_at = FIXED_PREFIX.size + len(core_of(sample)) + 1
    assert refused(tmp_path, patched(sample, key_id_at, bytes(20))) == Code.RECIPIENT_MALFORMED


def test_recipient_entry_with_a_wrong_wrapped_key_length(tmp_path: Path, sample: bytes) -> None:
    length_at = FIXED_PREFIX.size + len(core_of(sample)) + 1 + 20
    assert refused(tmp_path, patched(sample, length_at, b"\x00\x10")) == Code.RECIPIENT_MALFORMED


def test_altered_wrapped_key(tmp_path: Path, sample: bytes) -> None:
    wrapped_at = FIXED_PREFIX.size + len(core_of(sample)) + 1 + 22 + 500
    assert refused(tmp_path, patched(sample, wrapped_at, bytes([sample[wrapped_at] ^ 1]))) == Code.WRAPPED_KEY_INVALID


def test_sender_not_enrolled(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, sample, lookup_sender=lambda org, key_id: None) == Code.SENDER_NOT_ENROLLED


def test_lookup_returning_another_key_counts_as_not_enrolled(tmp_path: Path, sample: bytes) -> None:
    wrong = enrolled(OTHER_OFFICE_KEY.public)
    assert (
        refused(tmp_path, sample, lookup_sender=lambda org, key_id: wrong(org, OTHER_OFFICE_KEY.public.key_id))
        == Code.SENDER_NOT_ENROLLED
    )


def test_sender_key_revoked(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, sample, lookup_sender=enrolled(COMMUNE_KEY, KeyStatus.REVOKED)) == Code.SENDER_KEY_REVOKED


def test_sender_key_retired(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, sample, lookup_sender=enrolled(COMMUNE_KEY, KeyStatus.RETIRED)) == Code.SENDER_KEY_RETIRED


def test_addressed_to_another_office(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, sample, office=OTHER_OFFICE) == Code.NOT_FOR_THIS_OFFICE


def test_no_matching_recipient_key(tmp_path: Path, sample: bytes) -> None:
    assert refused(tmp_path, sample, keys=[OTHER_OFFICE_KEY]) == Code.NO_MATCHING_KEY


def test_our_key_listed_for_another_office_is_not_used(tmp_path: Path) -> None:
    parts = valid_parts()
    parts.core["recipients"] = [
        {"org": OTHER_OFFICE, "key_id": OFFICE_KEY.public.key_id},
        {"org": OFFICE, "key_id": OTHER_OFFICE_KEY.public.key_id},
    ]
    parts.recipients = [(OTHER_OFFICE, OFFICE_KEY.public), (OFFICE, OTHER_OFFICE_KEY.public)]
    path = forge(tmp_path / "b.cdsb", parts)

    assert refusal(verify, path, tmp_path / "q").code == Code.NO_MATCHING_KEY


def test_inspect_reads_the_header_without_any_key(tmp_path: Path, sample: bytes) -> None:
    path = tmp_path / "b.cdsb"
    path.write_bytes(sample)

    header = inspect_bundle(path)

    assert header.core.series.period == "2023Q1"
    assert [r.org for r in header.core.recipients] == [OFFICE]
    assert encode(header.core.model_dump(mode="json")) == core_of(sample)
