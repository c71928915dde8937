"""Ordering at the receiving office: duplicate, rollback, broken chain, operator-approved gap, older record."""

from __future__ import annotations

import pytest
from bundle_helpers import refusal, valid_parts

from cds_desktop.core.bundle import (
    Code,
    DuplicateBundleError,
    Manifest,
    SeriesState,
    check_record_not_older,
    check_sequence,
)

LAST = "aa" * 32


def manifest(revision: int, previous: str | None, bundle_id: str = "0123456789abcdef0123456789abcdef") -> Manifest:
    body = valid_parts().manifest
    body.update(revision=revision, previous_manifest_sha256=previous, bundle_id=bundle_id)
    return Manifest.model_validate(body)


def test_first_bundle_of_a_series_is_accepted() -> None:
    check_sequence(manifest(1, None), SeriesState())


def test_first_revision_need_not_be_one() -> None:
    check_sequence(manifest(3, None), SeriesState())


def test_next_revision_chained_to_the_last_is_accepted() -> None:
    check_sequence(manifest(3, LAST), SeriesState(last_revision=2, last_manifest_sha256=LAST))


def test_duplicate_bundle_is_its_own_error_class() -> None:
    state = SeriesState(
        last_revision=1, last_manifest_sha256=LAST, seen_bundle_ids=frozenset({"0123456789abcdef0123456789abcdef"})
    )

    with pytest.raises(DuplicateBundleError) as caught:
        check_sequence(manifest(1, None), state)

    assert caught.value.code == Code.DUPLICATE


@pytest.mark.parametrize("revision", [1, 2])
def test_older_or_same_revision_is_a_rollback(revision: int) -> None:
    state = SeriesState(last_revision=2, last_manifest_sha256=LAST)

    assert refusal(check_sequence, manifest(revision, LAST), state).code == Code.ROLLBACK


def test_newer_revision_not_chained_to_the_last_is_a_broken_chain() -> None:
    state = SeriesState(last_revision=2, last_manifest_sha256=LAST)

    assert refusal(check_sequence, manifest(4, "bb" * 32), state).code == Code.BROKEN_CHAIN


def test_chain_starting_after_nothing_was_received_is_broken() -> None:
    assert refusal(check_sequence, manifest(2, "bb" * 32), SeriesState()).code == Code.BROKEN_CHAIN


def test_operator_approved_gap_is_accepted() -> None:
    check_sequence(manifest(4, "bb" * 32), SeriesState(last_revision=2, last_manifest_sha256=LAST), gap_approved=True)


def test_approved_gap_never_allows_a_rollback() -> None:
    state = SeriesState(last_revision=5, last_manifest_sha256=LAST)

    assert refusal(check_sequence, manifest(4, "bb" * 32), state, gap_approved=True).code == Code.ROLLBACK


def test_record_older_than_the_stored_one() -> None:
    assert refusal(check_record_not_older, "indicators/CS01", 2, 3).code == Code.RECORD_OLDER


@pytest.mark.parametrize("stored", [None, 2, 3])
def test_record_as_new_or_newer_than_the_stored_one(stored: int | None) -> None:
    check_record_not_older("indicators/CS01", 3, stored)
