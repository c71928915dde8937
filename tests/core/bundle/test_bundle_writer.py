"""Export: what ``write_bundle`` produces, and what it refuses (leaving nothing behind)."""

from __future__ import annotations

import hashlib
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from bundle_helpers import (
    COMMUNE_KEY,
    OFFICE,
    OFFICE_KEY,
    OFFICE_NEXT_KEY,
    OTHER_OFFICE,
    OTHER_OFFICE_KEY,
    RECORDS,
    SERIES,
    attachment_sources,
    pattern_bytes,
    refusal,
    verify,
    write_sample,
)

from cds_desktop.core.bundle import (
    AttachmentSource,
    Code,
    EncryptionKey,
    Recipient,
    SeriesState,
    WrittenBundle,
    bundle_file_name,
    check_sequence,
    inspect_bundle,
    write_bundle,
)
from cds_desktop.core.bundle.format import MAX_RECIPIENTS
from cds_desktop.core.progress import Cancelled, CancelToken

MIB = 1024 * 1024


def _write(folder: Path, attachments: list[AttachmentSource], **overrides: Any) -> WrittenBundle:
    """``write_bundle`` with the fixed keys and ``attachments`` as given (possibly stale)."""
    arguments: dict[str, Any] = {
        "series": SERIES,
        "revision": 1,
        "previous_manifest_sha256": None,
        "signing_key": COMMUNE_KEY,
        "recipients": [Recipient(OFFICE, OFFICE_KEY.public)],
        "records": RECORDS,
        "attachments": attachments,
        "app_version": "1.0.0",
        "schema_version": 1,
    }
    arguments.update(overrides)
    (folder / "out").mkdir(parents=True, exist_ok=True)
    return write_bundle(folder / "out", **arguments)


def test_round_trip_of_records_and_attachments(tmp_path: Path) -> None:
    attachments = {
        "evidence/Biên bản.pdf": pattern_bytes(40_000),
        "evidence/ảnh/1.jpg": pattern_bytes(3 * MIB + 7, b"photo"),
    }

    written = write_sample(tmp_path, attachments=attachments)
    verified = verify(written.path, tmp_path / "q")

    assert verified.records == RECORDS
    assert {a.name: a.path.read_bytes() for a in verified.attachments} == attachments
    assert verified.manifest.series == SERIES
    assert verified.manifest_sha256 == written.manifest_sha256
    assert verified.sha256 == written.sha256 == hashlib.sha256(written.path.read_bytes()).hexdigest()
    assert verified.fingerprint == written.fingerprint
    assert written.size == written.path.stat().st_size


def test_file_name_and_fingerprint_format(tmp_path: Path) -> None:
    written = write_sample(tmp_path, revision=2, previous_manifest_sha256="ab" * 32)

    assert written.path.name == "24751_dak-rlap-2023_2023Q1_r2.cdsb" == bundle_file_name(SERIES, 2)
    groups = written.fingerprint.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)


def test_payload_sizes_at_chunk_boundaries_round_trip(tmp_path: Path) -> None:
    attachments = {f"evidence/{size}.bin": pattern_bytes(size) for size in (0, 1, 16_383, 16_384, 16_385, 32_768)}

    verified = verify(write_sample(tmp_path, attachments=attachments, records={}).path, tmp_path / "q")

    assert {a.name: a.path.read_bytes() for a in verified.attachments} == attachments


def test_every_recipient_key_can_open_the_bundle(tmp_path: Path) -> None:
    recipients = [
        Recipient(OFFICE, OFFICE_KEY.public),
        Recipient(OFFICE, OFFICE_NEXT_KEY.public),
        Recipient(OTHER_OFFICE, OTHER_OFFICE_KEY.public),
    ]
    written = write_sample(tmp_path, recipients=recipients)

    assert verify(written.path, tmp_path / "q1", keys=[OFFICE_NEXT_KEY]).opened_with == OFFICE_NEXT_KEY.public.key_id
    assert verify(written.path, tmp_path / "q2", office=OTHER_OFFICE, keys=[OTHER_OFFICE_KEY]).records == RECORDS


def test_next_revision_chains_to_the_previous_manifest(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "1")
    second = write_sample(tmp_path / "2", revision=2, previous_manifest_sha256=first.manifest_sha256)
    verified = verify(second.path, tmp_path / "q")

    state = SeriesState(
        last_revision=1, last_manifest_sha256=first.manifest_sha256, seen_bundle_ids=frozenset({first.bundle_id})
    )
    check_sequence(verified.manifest, state)  # does not raise


def test_attachment_hash_differing_from_the_recorded_one(tmp_path: Path) -> None:
    (source,) = attachment_sources(tmp_path / "src", {"evidence/a.pdf": b"current content"})
    stale = AttachmentSource(source.name, source.path, source.size, hashlib.sha256(b"content when added").hexdigest())

    error = refusal(_write, tmp_path, [stale])

    assert error.code == Code.SOURCE_CHANGED
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("new_content", [b"short", b"the recorded content plus more"])
def test_attachment_size_changed_after_it_was_added(tmp_path: Path, new_content: bytes) -> None:
    (source,) = attachment_sources(tmp_path / "src", {"evidence/a.pdf": b"the recorded content"})
    source.path.write_bytes(new_content)

    assert refusal(_write, tmp_path, [source]).code == Code.SOURCE_CHANGED
    assert list((tmp_path / "out").iterdir()) == []


def test_source_file_changed_during_export(tmp_path: Path) -> None:
    (source,) = attachment_sources(tmp_path / "src", {"evidence/big.bin": pattern_bytes(24 * MIB)})

    def tamper_once(done: int, total: int) -> None:
        if not tampered.is_set():
            tampered.set()
            with open(source.path, "r+b") as stream:
                stream.seek(-1, 2)
                stream.write(b"!")

    tampered = threading.Event()
    error = refusal(_write, tmp_path, [source], progress=tamper_once)

    assert error.code == Code.SOURCE_CHANGED
    assert list((tmp_path / "out").iterdir()) == []


def test_missing_source_file(tmp_path: Path) -> None:
    missing = AttachmentSource("evidence/a.pdf", tmp_path / "nowhere.pdf", 3, "0" * 64)

    assert refusal(_write, tmp_path, [missing]).code == Code.SOURCE_UNREADABLE
    assert list((tmp_path / "out").iterdir()) == []


def test_existing_bundle_is_not_overwritten(tmp_path: Path) -> None:
    written = write_sample(tmp_path)
    before = written.path.read_bytes()

    assert refusal(write_sample, tmp_path).code == Code.OUTPUT_EXISTS
    assert written.path.read_bytes() == before


def test_no_recipients(tmp_path: Path) -> None:
    assert refusal(write_sample, tmp_path, recipients=[]).code == Code.NO_RECIPIENTS


def test_too_many_recipients(tmp_path: Path) -> None:
    recipients = [Recipient(OFFICE, EncryptionKey.generate().public) for _ in range(MAX_RECIPIENTS + 1)]

    assert refusal(write_sample, tmp_path, recipients=recipients).code == Code.HEADER_TOO_LARGE


def test_classical_or_signing_keys_are_never_recipients(tmp_path: Path) -> None:
    error = refusal(
        write_sample, tmp_path, recipients=[Recipient(OFFICE, OFFICE_KEY.public), Recipient(OFFICE, COMMUNE_KEY.public)]
    )

    assert error.code == Code.RECIPIENT_KEY_TYPE


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (["../evil.pdf"], Code.ENTRY_NAME_UNSAFE),
        (["evidence/AUX.pdf"], Code.ENTRY_NAME_UNSAFE),
        (["evidence/Bie\u0302\u0301n.pdf"], Code.ENTRY_NAME_NOT_NFC),
        (["evidence/a.pdf", "EVIDENCE/a.PDF"], Code.ENTRY_NAME_DUPLICATE),
        (["records/indicators.json"], Code.ENTRY_NAME_DUPLICATE),  # clashes with a record
    ],
)
def test_unsafe_names_are_refused_at_export(tmp_path: Path, names: list[str], code: str) -> None:
    attachments = {name: b"x" for name in names}

    assert refusal(write_sample, tmp_path, attachments=attachments).code == code


def test_invalid_manifest_values_are_refused_at_export(tmp_path: Path) -> None:
    assert refusal(write_sample, tmp_path, revision=0).code == Code.MANIFEST_INVALID


def test_progress_reaches_the_file_size(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    written = write_sample(
        tmp_path, attachments={"evidence/a.bin": pattern_bytes(3 * MIB)}, progress=lambda d, t: calls.append((d, t))
    )

    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (written.size, written.size)


def test_cancelled_export_leaves_nothing(tmp_path: Path) -> None:
    token = CancelToken()

    with pytest.raises(Cancelled):
        write_sample(
            tmp_path,
            attachments={"evidence/a.bin": pattern_bytes(8 * MIB)},
            progress=lambda done, total: token.cancel(),
            cancel=token,
        )
    assert list((tmp_path / "out").iterdir()) == []


def test_header_is_readable_without_keys(tmp_path: Path) -> None:
    written = write_sample(tmp_path)

    core = inspect_bundle(written.path).core

    assert (core.bundle_id, core.series, core.revision) == (written.bundle_id, SERIES, 1)
    assert core.sender.key_id == COMMUNE_KEY.public.key_id


def test_memory_stays_bounded_whatever_the_attachment_size(tmp_path: Path) -> None:
    size = 48 * MIB
    path = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with open(path, "wb") as stream:
        for index in range(size // MIB):
            block = bytes([index]) * MIB
            digest.update(block)
            stream.write(block)
    source = AttachmentSource("evidence/big.bin", path, size, digest.hexdigest())

    tracemalloc.start()
    try:
        written = _write(tmp_path, [source])
        _, export_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        verify(written.path, tmp_path / "q")
        _, import_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert export_peak < 16 * MIB
    assert import_peak < 16 * MIB
