"""Ordering rules at the receiving office, as pure functions over the state the caller keeps.

Per (sender commune, series) the office keeps the last accepted revision, that revision's manifest hash and the
ids of every bundle it has accepted (``SeriesState``). A new bundle is accepted only if its id is unseen, its
signed revision is greater than the last one and it names the last manifest as its predecessor — unless an
operator approved the gap (the commune exported a revision the office never received). Bundles are ordered by
their signed revision, never by the commune's clock.

The caller checks once while verifying (to refuse early) and again inside the import transaction, with the state
read in that transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cds_desktop.core.bundle.errors import Code, DuplicateBundleError
from cds_desktop.core.bundle.manifest import Manifest
from cds_desktop.core.errors import BundleError


@dataclass(frozen=True)
class SeriesState:
    """What the office has accepted so far for one series of one commune (nothing yet: the defaults)."""

    last_revision: int = 0
    last_manifest_sha256: str | None = None
    seen_bundle_ids: frozenset[str] = field(default_factory=frozenset)


def check_sequence(manifest: Manifest, state: SeriesState, *, gap_approved: bool = False) -> None:
    """Raise unless the bundle of ``manifest`` may be accepted after ``state``.

    ``DuplicateBundleError`` (``bundle.duplicate``) means it was accepted before: importing it again is a no-op.
    """
    if manifest.bundle_id in state.seen_bundle_ids:
        raise DuplicateBundleError(manifest.bundle_id)
    if manifest.revision <= state.last_revision:
        raise BundleError(Code.ROLLBACK, revision=manifest.revision, last=state.last_revision)
    if manifest.previous_manifest_sha256 != state.last_manifest_sha256 and not gap_approved:
        raise BundleError(
            Code.BROKEN_CHAIN,
            revision=manifest.revision,
            last=state.last_revision,
            expected=state.last_manifest_sha256 or "-",
            found=manifest.previous_manifest_sha256 or "-",
        )


def check_record_not_older(record: str, incoming_revision: int, stored_revision: int | None) -> None:
    """Raise ``bundle.record_older`` when the stored copy of ``record`` came from a later revision.

    ``stored_revision`` is the revision of the bundle that last wrote the stored record (``None``: not stored).
    """
    if stored_revision is not None and incoming_revision < stored_revision:
        raise BundleError(Code.RECORD_OLDER, record=record, revision=incoming_revision, stored=stored_revision)
