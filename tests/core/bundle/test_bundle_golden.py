"""Golden files: a bundle written by this format version must keep opening, and the writer's output must not drift.

Any change to labels, field names, frame layout, key ids or signatures fails here. If the change is deliberate,
bump the format as docs/bundle-format.md says and regenerate with ``tests/core/bundle/bundle_golden.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bundle_golden import (
    GOLDEN_ATTACHMENT,
    GOLDEN_ATTACHMENT_NAME,
    GOLDEN_PASSPHRASE,
    GOLDEN_RECORDS,
    golden_documents,
    write_golden_bundle,
)
from bundle_helpers import COMMUNE, COMMUNE_KEY, FIXTURES, OFFICE_NEXT_KEY, OFFICE_ROOT, enrolled, verify

from cds_desktop.core.bundle import (
    KeyStatus,
    ReceiptDecision,
    inspect_bundle,
    open_private_key,
    verify_enrollment,
    verify_org_keys,
    verify_receipt,
)


def test_golden_bundle_still_verifies_to_its_content(tmp_path: Path) -> None:
    verified = verify(FIXTURES / "golden.cdsb", tmp_path / "q")

    assert verified.records == GOLDEN_RECORDS
    (attachment,) = verified.attachments
    assert attachment.name == GOLDEN_ATTACHMENT_NAME
    assert attachment.path.read_bytes() == GOLDEN_ATTACHMENT
    assert verified.manifest.canonical() == (FIXTURES / "golden-manifest.json").read_bytes()
    assert verified.header.core.canonical() == (FIXTURES / "golden-header-core.json").read_bytes()


def test_golden_bundle_opens_with_the_second_recipient_key(tmp_path: Path) -> None:
    verified = verify(FIXTURES / "golden.cdsb", tmp_path / "q", keys=[OFFICE_NEXT_KEY])

    assert verified.opened_with == OFFICE_NEXT_KEY.public.key_id


def test_writer_deterministic_parts_match_the_golden_bytes(tmp_path: Path) -> None:
    written = write_golden_bundle(tmp_path)

    header = inspect_bundle(written.path)
    assert header.core.canonical() == (FIXTURES / "golden-header-core.json").read_bytes()
    verified = verify(written.path, tmp_path / "q")
    assert verified.manifest.canonical() == (FIXTURES / "golden-manifest.json").read_bytes()
    assert written.manifest_sha256 == verified.manifest_sha256


def test_signed_documents_and_key_file_are_byte_identical() -> None:
    for name, data in golden_documents().items():
        assert data == (FIXTURES / name).read_bytes(), name


def test_golden_documents_verify() -> None:
    org_keys = verify_org_keys(
        (FIXTURES / "golden-org-keys.json").read_bytes(),
        pinned_root=OFFICE_ROOT.public.fingerprint,
        now=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
    )
    assert org_keys.body.list_version == 3
    assert verify_enrollment((FIXTURES / "golden-enrollment.json").read_bytes()).key == COMMUNE_KEY.public
    rotation = verify_enrollment(
        (FIXTURES / "golden-rotation.json").read_bytes(), lookup_key=enrolled(COMMUNE_KEY, KeyStatus.ACTIVE)
    )
    assert rotation.previous is not None and rotation.previous.key == COMMUNE_KEY.public
    receipt = verify_receipt((FIXTURES / "golden-receipt.json").read_bytes(), root=org_keys.root, commune=COMMUNE)
    assert receipt.body.decision is ReceiptDecision.RETURNED


def test_golden_private_key_file_opens_with_its_passphrase() -> None:
    key = open_private_key((FIXTURES / "golden-private-key.json").read_bytes(), GOLDEN_PASSPHRASE)

    assert key.seed == COMMUNE_KEY.seed


def test_key_ids_are_stable() -> None:
    assert COMMUNE_KEY.public.key_id == "XAJRRAYFWQSTRCKLWEUC7MFMC4BJU4DH"
    assert COMMUNE_KEY.public.fingerprint == "XAJR RAYF WQST RCKL WEUC 7MFM C4BJ U4DH"
