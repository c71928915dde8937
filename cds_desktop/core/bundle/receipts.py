"""Receipts: the receiving office's signed answer to a bundle, which the commune verifies against the pinned root.

A receipt (``cds.receipt``, signed by the office root key) names the office, the series, the revision, the bundle
id and manifest hash it answers, and the decision: ``accepted``, or ``returned`` for correction with a reason.
It lets the commune see which revision the office holds, with no network in between.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cds_desktop.core.bundle.canonical import DocumentCodes, validate_model
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.fields import BundleId, OrgCode, Revision, Series, Sha256Hex, Timestamp
from cds_desktop.core.bundle.keys import PublicKey, SigningKey
from cds_desktop.core.bundle.signed import SignedBody, open_envelope, seal
from cds_desktop.core.errors import BundleError
from cds_desktop.core.text import is_nfc

MAX_RECEIPT_SIZE = 64 * 1024
RECEIPT_CODES = DocumentCodes.single(Code.RECEIPT_INVALID)


class ReceiptDecision(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"  # returned to the commune for correction; ``reason`` says what to fix


class ReceiptBody(SignedBody):
    type: Literal["cds.receipt"] = "cds.receipt"
    version: Literal[1] = 1
    office: OrgCode
    series: Series
    revision: Revision
    bundle_id: BundleId
    manifest_sha256: Sha256Hex
    decision: Annotated[ReceiptDecision, Field(strict=False)]
    reason: Annotated[str, Field(min_length=1, max_length=4000)] | None
    issued_at: Timestamp

    @model_validator(mode="after")
    def _reason_when_returned(self) -> ReceiptBody:
        if self.decision is ReceiptDecision.RETURNED and self.reason is None:
            raise PydanticCustomError("reason_needed", "reason needed")
        if self.reason is not None and not is_nfc(self.reason):
            raise PydanticCustomError("not_nfc", "reason not NFC")
        return self


@dataclass(frozen=True)
class Receipt:
    body: ReceiptBody
    data: bytes


def make_receipt(
    root: SigningKey,
    *,
    office: str,
    series: Series,
    revision: int,
    bundle_id: str,
    manifest_sha256: str,
    decision: ReceiptDecision,
    issued_at: dt.datetime,
    reason: str | None = None,
) -> bytes:
    """A receipt for one verified bundle, signed by the office ``root`` key."""
    body = validate_model(
        {
            "office": office,
            "series": series,
            "revision": revision,
            "bundle_id": bundle_id,
            "manifest_sha256": manifest_sha256,
            "decision": decision,
            "reason": reason,
            "issued_at": issued_at,
        },
        ReceiptBody,
        RECEIPT_CODES,
    )
    return seal(body, [root])


def verify_receipt(data: bytes, *, root: PublicKey, commune: str) -> Receipt:
    """The receipt in ``data`` if the office ``root`` (from the verified org-keys file) signed it for ``commune``."""
    if len(data) > MAX_RECEIPT_SIZE:
        raise DocumentError(Code.RECEIPT_INVALID, reason="file_too_large", limit=MAX_RECEIPT_SIZE)
    envelope = open_envelope(data, RECEIPT_CODES)
    body = envelope.body_as(ReceiptBody, RECEIPT_CODES)
    if not envelope.is_signed_by(root, ReceiptBody):
        raise BundleError(Code.RECEIPT_BAD_SIGNATURE, office=body.office)
    if body.series.commune != commune:
        raise BundleError(Code.RECEIPT_OTHER_COMMUNE, commune=body.series.commune, expected=commune)
    return Receipt(body=body, data=data)
