"""Field types shared by the bundle documents (header core, manifest, key files, org-keys, enrollment, receipts).

Each type states how a value looks in canonical JSON and refuses anything else: binary data is canonical base64,
instants are ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, human text must already be NFC, identifiers follow fixed patterns.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer
from pydantic_core import PydanticCustomError

from cds_desktop.core.bundle.canonical import Document
from cds_desktop.core.plans.schedule import period_pattern
from cds_desktop.core.text import is_nfc

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _decode_base64(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise PydanticCustomError("not_base64", "not base64") from None
    if b64(raw) != value:
        raise PydanticCustomError("base64_not_canonical", "base64 not canonical")
    return raw


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


Base64Bytes = Annotated[bytes, BeforeValidator(_decode_base64), PlainSerializer(b64, return_type=str)]
"""Binary data: standard padded base64 in JSON, canonical form only."""


def _check_nfc(value: str) -> str:
    if not is_nfc(value):
        raise PydanticCustomError("not_nfc", "text not NFC")
    return value


NfcText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_check_nfc)]
"""A human-readable name: 1 to 200 characters, already NFC."""


def format_timestamp(moment: dt.datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime(TIMESTAMP_FORMAT)


_CANONICAL_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z", re.ASCII)


def _parse_timestamp(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    canonical = _CANONICAL_TIMESTAMP.fullmatch(value)
    if canonical is not None:  # the usual case, without strptime (a report holds hundreds of timestamps)
        try:
            parsed = dt.datetime(*map(int, canonical.groups()), tzinfo=dt.timezone.utc)
        except ValueError:
            raise PydanticCustomError("timestamp_form", "not a timestamp") from None
        if parsed.year < 1000:  # written with four digits, but strftime writes fewer
            raise PydanticCustomError("timestamp_form", "timestamp not canonical")
        return parsed
    try:
        parsed = dt.datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise PydanticCustomError("timestamp_form", "not a timestamp") from None
    if format_timestamp(parsed) != value:
        raise PydanticCustomError("timestamp_form", "timestamp not canonical")
    return parsed


def _require_aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise PydanticCustomError("timestamp_form", "timestamp without zone")
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(_parse_timestamp),
    AfterValidator(_require_aware),
    PlainSerializer(format_timestamp, return_type=str),
]
"""A UTC instant to the second: ``2024-01-31T08:00:00Z`` in JSON."""

KeyIdText = Annotated[str, Field(pattern=r"^[A-Z2-7]{32}$")]
"""A key id: 32 base32 letters (see ``keys``)."""

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
"""A SHA-256 digest as 64 lower-case hex digits."""

OrgCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
"""An organisation code: a commune (5 digits), a province (2 digits) or a district (3 digits) office."""

PlanId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
"""A plan id, as in ``plans.model.PlanIdentity.id``."""

PeriodId = Annotated[str, Field(pattern=period_pattern().pattern)]
"""A reporting period: ``2023``, ``2023S1`` or ``2023Q1``."""

BundleId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
"""A bundle id: 16 random bytes as 32 lower-case hex digits."""

Revision = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Series(Document):
    """What a bundle reports on: one commune's report for one plan and period. Revisions are counted per series."""

    commune: OrgCode
    plan: PlanId
    period: PeriodId


class OrgKey(Document):
    """An organisation and one of its keys, by id."""

    org: OrgCode
    key_id: KeyIdText


def check_addressing(sender: OrgKey, recipients: list[OrgKey], series: Series) -> None:
    """The rules shared by the header core and the manifest: each recipient key once; a commune sends its own series."""
    if len({r.key_id for r in recipients}) != len(recipients):
        raise PydanticCustomError("recipient_twice", "recipient twice")
    if series.commune != sender.org:
        raise PydanticCustomError("series_other_commune", "series of another commune")
