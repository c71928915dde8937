"""Receipts: signed by the office root, verified by the commune against the pinned root."""

from __future__ import annotations

import datetime as dt
import json

from bundle_helpers import COMMUNE, OFFICE, OFFICE_ROOT, OTHER_COMMUNE_KEY, SERIES, refusal

from cds_desktop.core.bundle import Code, ReceiptDecision, Series, SigningKey, make_receipt, verify_receipt
from cds_desktop.core.bundle.canonical import encode

ISSUED = dt.datetime(2023, 4, 1, 10, 0, tzinfo=dt.timezone.utc)


def receipt(
    decision: ReceiptDecision = ReceiptDecision.ACCEPTED,
    reason: str | None = None,
    series: Series = SERIES,
    root: SigningKey = OFFICE_ROOT,
) -> bytes:
    return make_receipt(
        root,
        office=OFFICE,
        series=series,
        revision=2,
        bundle_id="00112233445566778899aabbccddeeff",
        manifest_sha256="ab" * 32,
        decision=decision,
        reason=reason,
        issued_at=ISSUED,
    )


def test_accepted_receipt_verifies() -> None:
    verified = verify_receipt(receipt(), root=OFFICE_ROOT.public, commune=COMMUNE)

    assert (verified.body.decision, verified.body.revision, verified.body.series) == (
        ReceiptDecision.ACCEPTED,
        2,
        SERIES,
    )


def test_returned_receipt_carries_its_reason() -> None:
    verified = verify_receipt(
        receipt(ReceiptDecision.RETURNED, "Thiếu minh chứng"), root=OFFICE_ROOT.public, commune=COMMUNE
    )

    assert verified.body.reason == "Thiếu minh chứng"


def test_returned_receipt_needs_a_reason() -> None:
    assert refusal(receipt, ReceiptDecision.RETURNED).code == Code.RECEIPT_INVALID


def test_receipt_signed_by_another_key() -> None:
    error = refusal(verify_receipt, receipt(root=OTHER_COMMUNE_KEY), root=OFFICE_ROOT.public, commune=COMMUNE)

    assert error.code == Code.RECEIPT_BAD_SIGNATURE


def test_altered_receipt() -> None:
    document = json.loads(receipt())
    document["body"]["revision"] = 3

    assert (
        refusal(verify_receipt, encode(document), root=OFFICE_ROOT.public, commune=COMMUNE).code
        == Code.RECEIPT_BAD_SIGNATURE
    )


def test_receipt_for_another_commune() -> None:
    other = Series(commune="24752", plan=SERIES.plan, period=SERIES.period)

    assert (
        refusal(verify_receipt, receipt(series=other), root=OFFICE_ROOT.public, commune=COMMUNE).code
        == Code.RECEIPT_OTHER_COMMUNE
    )


def test_malformed_receipt() -> None:
    assert refusal(verify_receipt, b"[]", root=OFFICE_ROOT.public, commune=COMMUNE).code == Code.RECEIPT_INVALID
