"""Import: the quarantine, ordering checks while verifying, progress, cancellation, reading the bundle once and
re-checking the attachments (by ``stat``) before import."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from bundle_helpers import pattern_bytes, refusal, verify, write_sample

from cds_desktop.core.bundle import (
    Code,
    DuplicateBundleError,
    Series,
    SeriesState,
    discard_quarantine,
    ensure_unchanged,
)
from cds_desktop.core.errors import StorageError
from cds_desktop.core.progress import Cancelled, CancelToken

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("b"), attachments={"evidence/a.bin": pattern_bytes(3 * MIB)}).path


def test_quarantine_that_is_not_empty_is_left_alone(tmp_path: Path, bundle: Path) -> None:
    quarantine = tmp_path / "q"
    quarantine.mkdir()
    (quarantine / "keep.txt").write_text("someone's data")

    assert refusal(verify, bundle, quarantine).code == Code.QUARANTINE_NOT_EMPTY
    assert (quarantine / "keep.txt").read_text() == "someone's data"


def test_an_existing_empty_quarantine_is_used(tmp_path: Path, bundle: Path) -> None:
    (tmp_path / "q").mkdir()

    assert verify(bundle, tmp_path / "q").attachments[0].path.parent == tmp_path / "q" / "evidence"


def test_missing_bundle_file(tmp_path: Path) -> None:
    assert refusal(verify, tmp_path / "absent.cdsb", tmp_path / "q").code == Code.UNREADABLE


def test_duplicate_is_recognised_before_unpacking(tmp_path: Path, bundle: Path) -> None:
    first = verify(bundle, tmp_path / "q1")
    seen = SeriesState(
        last_revision=1,
        last_manifest_sha256=first.manifest_sha256,
        seen_bundle_ids=frozenset({first.manifest.bundle_id}),
    )
    asked: list[Series] = []

    def lookup(series: Series) -> SeriesState:
        asked.append(series)
        return seen

    with pytest.raises(DuplicateBundleError) as caught:
        verify(bundle, tmp_path / "q2", lookup_series=lookup)

    assert caught.value.code == Code.DUPLICATE
    assert asked == [first.manifest.series]
    assert not (tmp_path / "q2").exists()


def test_rollback_is_refused_while_verifying(tmp_path: Path, bundle: Path) -> None:
    error = refusal(
        verify,
        bundle,
        tmp_path / "q",
        lookup_series=lambda series: SeriesState(last_revision=4, last_manifest_sha256="cd" * 32),
    )

    assert error.code == Code.ROLLBACK


def test_progress_counts_the_payload_up_to_its_size(tmp_path: Path, bundle: Path) -> None:
    calls: list[tuple[int, int]] = []

    verified = verify(bundle, tmp_path / "q", progress=lambda done, total: calls.append((done, total)))

    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    plaintext_size = verified.header.core.plaintext_size
    assert calls[-1] == (plaintext_size, plaintext_size)


def test_cancelled_import_removes_the_quarantine(tmp_path: Path, bundle: Path) -> None:
    token = CancelToken()

    with pytest.raises(Cancelled):
        verify(bundle, tmp_path / "q", progress=lambda done, total: token.cancel(), cancel=token)

    assert not (tmp_path / "q").exists()


def test_unchanged_bundle_passes_the_recheck(tmp_path: Path, bundle: Path) -> None:
    ensure_unchanged(verify(bundle, tmp_path / "q"))


def test_the_bundle_is_read_once_so_a_later_change_cannot_reach_the_import(tmp_path: Path, bundle: Path) -> None:
    copy = tmp_path / bundle.name
    original = bundle.read_bytes()
    copy.write_bytes(original)
    verified = verify(copy, tmp_path / "q")
    copy.write_bytes(original[:-1] + b"\x00")

    ensure_unchanged(verified)  # what is imported comes from the one reading: nothing to re-read
    assert verified.sha256 == hashlib.sha256(original).hexdigest()
    assert verified.attachments[0].path.read_bytes() == pattern_bytes(3 * MIB)


def test_quarantined_attachment_rewritten_with_the_same_size(tmp_path: Path, bundle: Path) -> None:
    verified = verify(bundle, tmp_path / "q")
    path = verified.attachments[0].path
    path.write_bytes(bytes(path.stat().st_size))
    os.utime(path, ns=(0, 1))  # another modification time

    assert refusal(ensure_unchanged, verified).code == Code.CHANGED_SINCE_VERIFY


def test_quarantined_attachment_replaced_by_another_file(tmp_path: Path, bundle: Path) -> None:
    verified = verify(bundle, tmp_path / "q")
    path = verified.attachments[0].path
    replacement = tmp_path / "replacement"
    replacement.write_bytes(path.read_bytes())
    os.utime(replacement, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    os.replace(replacement, path)  # same bytes, same size and time, another file

    assert refusal(ensure_unchanged, verified).code == Code.CHANGED_SINCE_VERIFY


def test_quarantined_attachment_changed_between_verify_and_import(tmp_path: Path, bundle: Path) -> None:
    verified = verify(bundle, tmp_path / "q")
    verified.attachments[0].path.write_bytes(b"replaced")

    error = refusal(ensure_unchanged, verified)

    assert error.code == Code.CHANGED_SINCE_VERIFY
    assert error.params["path"] == str(verified.attachments[0].path)


def test_quarantined_attachment_removed_between_verify_and_import(tmp_path: Path, bundle: Path) -> None:
    verified = verify(bundle, tmp_path / "q")
    verified.attachments[0].path.unlink()

    assert refusal(ensure_unchanged, verified).code == Code.CHANGED_SINCE_VERIFY


def test_discard_quarantine(tmp_path: Path, bundle: Path) -> None:
    verified = verify(bundle, tmp_path / "q")

    discard_quarantine(verified.quarantine)

    assert not verified.quarantine.exists()


def test_quarantine_path_that_is_a_file(tmp_path: Path, bundle: Path) -> None:
    (tmp_path / "q").write_text("not a folder")

    with pytest.raises(StorageError):
        verify(bundle, tmp_path / "q")
    assert (tmp_path / "q").read_text() == "not a folder"
