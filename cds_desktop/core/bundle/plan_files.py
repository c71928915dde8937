"""Signed plan files (``.cdsplan``): a plan an office publishes to its communes, signed by the office root key.

A plan file is a signed document (``cds.plan``, the envelope of ``signed.py``) whose body carries the plan's YAML
text as written by the office (``plan_yaml``, the format of ``docs/plan-format.md``), its SHA-256, the plan id and
version (which must match the YAML's own), the office's org code, when it was issued, a short change note, and a
status: ``active``, or ``replaced`` (optionally by another plan id) when the office withdraws it. The commune
verifies it against the root key of the org-keys file it pinned at set-up (``verify_plan_file``); which versions it
accepts (newer than the one installed; the same version again only as a status change) is the commune's rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cds_desktop.core.bundle.canonical import DocumentCodes, validate_model
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.fields import OrgCode, PlanId, Sha256Hex, Timestamp
from cds_desktop.core.bundle.keys import PublicKey, SigningKey
from cds_desktop.core.bundle.signed import SignedBody, open_envelope, seal
from cds_desktop.core.errors import BundleError
from cds_desktop.core.text import is_nfc

if TYPE_CHECKING:
    from cds_desktop.core.plans.model import Plan

PLAN_FILE_SUFFIX = ".cdsplan"
MAX_PLAN_YAML_CHARS = 1 << 20  # the plan loader's limit (MAX_PLAN_BYTES) in characters
MAX_PLAN_FILE_SIZE = 8 * MAX_PLAN_YAML_CHARS  # JSON escaping of the YAML text: at most ~6 bytes a character
MAX_CHANGE_NOTE = 2000
PLAN_FILE_CODES = DocumentCodes.single(Code.PLAN_FILE_INVALID)


class PlanStatus(StrEnum):
    ACTIVE = "active"
    REPLACED = "replaced"  # withdrawn by the office; ``replaced_by`` names the plan that takes its place, if any


class PlanFileBody(SignedBody):
    type: Literal["cds.plan"] = "cds.plan"
    version: Literal[1] = 1
    office: OrgCode
    plan_id: PlanId
    plan_version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    issued_at: Timestamp
    status: Annotated[PlanStatus, Field(strict=False)]
    replaced_by: PlanId | None
    change_note: Annotated[str, Field(min_length=1, max_length=MAX_CHANGE_NOTE)] | None
    plan_sha256: Sha256Hex
    plan_yaml: Annotated[str, Field(min_length=1, max_length=MAX_PLAN_YAML_CHARS)]

    @model_validator(mode="after")
    def _consistent(self) -> PlanFileBody:
        if hashlib.sha256(self.plan_yaml.encode("utf-8")).hexdigest() != self.plan_sha256:
            raise PydanticCustomError("hash_mismatch", "plan text does not match its hash")
        if self.replaced_by is not None and self.status is not PlanStatus.REPLACED:
            raise PydanticCustomError("replaced_by_when_active", "replaced_by on an active plan")
        if self.change_note is not None and not is_nfc(self.change_note):
            raise PydanticCustomError("not_nfc", "change note not NFC")
        return self


@dataclass(frozen=True)
class PlanFile:
    """A verified plan file: its signed body, the plan its YAML holds, and the file's exact bytes."""

    body: PlanFileBody
    plan: Plan
    data: bytes


def make_plan_file(
    root: SigningKey,
    *,
    office: str,
    plan_yaml: str,
    issued_at: dt.datetime,
    status: PlanStatus = PlanStatus.ACTIVE,
    replaced_by: str | None = None,
    change_note: str | None = None,
) -> bytes:
    """The ``.cdsplan`` bytes of the plan in ``plan_yaml`` (validated here), signed by the office ``root`` key."""
    plan = _parse(plan_yaml)
    body = validate_model(
        {
            "office": office,
            "plan_id": plan.id,
            "plan_version": plan.plan.plan_version,
            "issued_at": issued_at,
            "status": status,
            "replaced_by": replaced_by,
            "change_note": change_note,
            "plan_sha256": hashlib.sha256(plan_yaml.encode("utf-8")).hexdigest(),
            "plan_yaml": plan_yaml,
        },
        PlanFileBody,
        PLAN_FILE_CODES,
    )
    return seal(body, [root])


def looks_like_signed_plan(data: bytes) -> bool:
    """True when ``data`` starts as a signed document (JSON), False for a bare plan YAML file."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def verify_plan_file(data: bytes, *, root: PublicKey, office: str) -> PlanFile:
    """The plan file in ``data`` if the office ``root`` key signed it for ``office`` and its plan is valid.

    ``PLAN_FILE_INVALID`` (damaged, or its YAML is not the plan its body names), ``PLAN_FILE_OTHER_OFFICE`` (the
    body names another office: refused before its signature is considered), ``PLAN_FILE_BAD_SIGNATURE`` (altered,
    or signed by another key).
    """
    if len(data) > MAX_PLAN_FILE_SIZE:
        raise DocumentError(Code.PLAN_FILE_INVALID, reason="file_too_large", limit=MAX_PLAN_FILE_SIZE)
    envelope = open_envelope(data, PLAN_FILE_CODES)
    body = envelope.body_as(PlanFileBody, PLAN_FILE_CODES)
    if body.office != office:
        raise BundleError(Code.PLAN_FILE_OTHER_OFFICE, office=body.office, expected=office)
    if not envelope.is_signed_by(root, PlanFileBody):
        raise BundleError(Code.PLAN_FILE_BAD_SIGNATURE, office=body.office, plan=body.plan_id)
    plan = _parse(body.plan_yaml)
    if plan.id != body.plan_id or plan.plan.plan_version != body.plan_version:
        raise DocumentError(Code.PLAN_FILE_INVALID, reason="invalid", field="plan_yaml")
    return PlanFile(body=body, plan=plan, data=data)


def _parse(plan_yaml: str) -> Plan:
    """The plan in ``plan_yaml``; ``PlanError`` (the loader's, naming the field) when it is not a valid plan."""
    from cds_desktop.core.plans.loader import parse_plan

    return parse_plan(plan_yaml, PLAN_FILE_SUFFIX)
