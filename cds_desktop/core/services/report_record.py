"""The report record carried inside a bundle (entry ``report.json``): its exact schema, built and parsed.

The record is the commune's whole report for one plan period and revision: the unit, the plan id and version,
the period's state times, every indicator entry, every task's progress, the evidence list (each evidence file
travels as the attachment ``evidence/<sha256>``) and the change history. ``docs/bundle-format.md`` (§16)
specifies every field; this module is that specification in code:

- strict types: a number where a number belongs, never a string coerced into one; no unknown member;
- quantities (numerator, denominator) are canonical decimal strings of bounded size (``QUANTITY_PATTERN``), so
  no computation on them can overflow; an indicator's ``value`` is a quantity unless the indicator is a text
  one, which the office checks against the plan (``office/record_checks.py``);
- human text (names, notes, results, history values) is normalised to NFC on the way in, as everywhere else
  (``text.clean``), and its limits count NFC characters;
- instants are ``YYYY-MM-DDTHH:MM:SSZ`` (UTC), dates ``YYYY-MM-DD``.

``parse_record`` is the office's boundary (every failure a ``DocumentError`` with its own code, worded for
people); ``building_record`` gives the commune's export the same typed errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from functools import cache
from typing import Annotated, Any, Iterator, Literal, get_args

import annotated_types
from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from cds_desktop.core.bundle.canonical import MAX_SAFE_INTEGER, Document
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.fields import (
    PeriodId,
    PlanId,
    Revision,
    Sha256Hex,
    Timestamp,
)
from cds_desktop.core.bundle.format import MAX_ENTRIES
from cds_desktop.core.bundle.names import printable
from cds_desktop.core.bundle.wording import first_problem
from cds_desktop.core.domain import (
    IndicatorEntry,
    PeriodEntries,
    TaskEntry,
    TaskStatus,
    UnitIdentity,
    UnitKind,
)
from cds_desktop.core.errors import BundleError
from cds_desktop.core.numbers import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS
from cds_desktop.core.plans.model import CODE_PATTERN
from cds_desktop.core.text import nfc

RECORD_NAME = "report.json"
RECORD_VERSION = 1
SCHEMA_VERSION = 1  # the manifest's ``schema_version``: report.json with record_version 1, evidence attachments
EVIDENCE_PREFIX = "evidence/"
MAX_ITEMS = 1000  # indicators, tasks: a plan has a few dozen
MAX_HISTORY = 100_000
INTEGER_DIGITS, FRACTION_DIGITS = MAX_INTEGER_DIGITS, MAX_FRACTION_DIGITS  # the bounds people type within
QUANTITY_PATTERN = re.compile(rf"-?(0|[1-9][0-9]{{0,{INTEGER_DIGITS - 1}}})(\.[0-9]{{0,{FRACTION_DIGITS - 1}}}[1-9])?")
"""A canonical decimal: no sign unless negative, no leading zero, no exponent, no trailing fraction zero."""
_EVIDENCE_NAME = re.compile(rf"{EVIDENCE_PREFIX}[0-9a-f]{{64}}")


def evidence_entry_name(sha256: str) -> str:
    return f"{EVIDENCE_PREFIX}{sha256}"


def is_evidence_entry_name(name: str) -> bool:
    return bool(_EVIDENCE_NAME.fullmatch(name))


def is_quantity(text: str) -> bool:
    """True for a canonical decimal string within the record's bounds (``-0`` excluded)."""
    return bool(QUANTITY_PATTERN.fullmatch(text)) and text != "-0"


def _quantity(value: Any) -> Any:
    if isinstance(value, str) and not is_quantity(value):
        raise PydanticCustomError("quantity_form", "not a quantity",
                                  {"integer_digits": INTEGER_DIGITS, "fraction_digits": FRACTION_DIGITS})
    return value


def _nfc(value: Any) -> Any:
    return nfc(value) if isinstance(value, str) else value


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_form", "not a date") from None
    if parsed.isoformat() != value:  # fromisoformat also takes 20230315 and 2023-W11-3
        raise PydanticCustomError("date_form", "date not canonical")
    return parsed


def _text(max_length: int, min_length: int = 0) -> Any:
    """Human text: NFC-normalised first, then ``min_length`` … ``max_length`` characters."""
    return Annotated[str, BeforeValidator(_nfc), Field(min_length=min_length, max_length=max_length)]


@cache
def max_length(model: type[BaseModel], field: str) -> int | None:
    """The most characters ``model`` allows in ``field`` (None: not limited by length): the one source of the
    limits the commune checks where a value is typed (``services/commune/inputs.py``)."""
    info = model.model_fields[field]
    constraints = list(info.metadata)
    for argument in get_args(info.annotation):  # ``Text | None``: the constraints sit on the Annotated member
        for meta in getattr(argument, "__metadata__", ()):
            constraints.extend(meta.metadata if isinstance(meta, FieldInfo) else [meta])
    return next((c.max_length for c in constraints if isinstance(c, annotated_types.MaxLen)), None)


Quantity = Annotated[str, BeforeValidator(_quantity)]
ItemCode = Annotated[str, Field(pattern=CODE_PATTERN)]
RecordDate = Annotated[dt.date, BeforeValidator(_date), PlainSerializer(dt.date.isoformat, return_type=str)]
MediaType = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")]
UnitName = _text(200, 1)
ActorName = _text(200)
EvidenceName = _text(255, 1)
Note = _text(4000)
SourceText = _text(1000)
LongText = _text(8000)
AsString = Field(strict=False)  # enum members arrive as their JSON strings


class UnitRecord(Document):
    province_code: Annotated[str, Field(pattern=r"^\d{2}$")]
    commune_code: Annotated[str, Field(pattern=r"^\d{5}$")]
    name: UnitName
    kind: Annotated[UnitKind, AsString]


class IndicatorRecord(Document):
    code: ItemCode
    numerator: Quantity | None = None
    denominator: Quantity | None = None
    value: Note | None = None  # a quantity, unless the plan's indicator is a text one
    note: Note | None = None
    data_source: SourceText | None = None


class TaskRecord(Document):
    code: ItemCode
    status: Annotated[TaskStatus, AsString]
    progress_pct: Annotated[int, Field(ge=0, le=100)] | None = None
    completed_on: RecordDate | None = None
    result: LongText | None = None
    difficulties: LongText | None = None
    proposals: LongText | None = None


class EvidenceRecord(Document):
    item: ItemCode
    name: EvidenceName
    sha256: Sha256Hex
    size: Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]
    media_type: MediaType


class HistoryRecord(Document):
    at: Timestamp
    actor: ActorName
    revision: Revision
    item: Annotated[str, Field(pattern=rf"{CODE_PATTERN}|^\*$")]  # "*": the period itself (its state)
    field: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    old: LongText | None = None
    new: LongText | None = None


def _items(model: type, limit: int) -> Any:
    return Annotated[tuple[model, ...], Field(strict=False, max_length=limit)]


class ReportRecord(Document):
    record_version: Literal[1] = RECORD_VERSION  # exactly the integer 1: parse_record refuses True and 1.0
    unit: UnitRecord
    plan_id: PlanId
    plan_version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    period_id: PeriodId
    revision: Revision
    submitted_at: Timestamp | None = None
    submitted_by: ActorName | None = None
    approved_at: Timestamp | None = None
    approved_by: ActorName | None = None
    indicators: _items(IndicatorRecord, MAX_ITEMS) = ()
    tasks: _items(TaskRecord, MAX_ITEMS) = ()
    evidence: _items(EvidenceRecord, MAX_ENTRIES) = ()
    history: _items(HistoryRecord, MAX_HISTORY) = ()

    def entries(self) -> PeriodEntries:
        """The record's answers as domain values (for validation and storage); codes are unique by then."""
        counts: dict[str, int] = {}
        for item in self.evidence:
            counts[item.item] = counts.get(item.item, 0) + 1
        return PeriodEntries(
            indicators={
                i.code: IndicatorEntry(i.code, i.numerator, i.denominator, i.value, i.note, i.data_source)
                for i in self.indicators
            },
            tasks={
                t.code: TaskEntry(t.code, t.status, t.progress_pct, t.completed_on, t.result, t.difficulties, t.proposals)
                for t in self.tasks
            },
            evidence_counts=counts,
        )


_RECORD_LISTS = {"indicators": IndicatorRecord, "tasks": TaskRecord, "evidence": EvidenceRecord,
                 "history": HistoryRecord}


def unit_record(unit: UnitIdentity) -> UnitRecord:
    return UnitRecord(province_code=unit.province_code, commune_code=unit.commune_code, name=unit.name,
                      kind=unit.kind.value)


def _refusal(exc: ValidationError) -> DocumentError:
    field, reason, params = first_problem(exc)
    if reason == "unknown_field":
        return DocumentError(Code.RECORD_UNKNOWN_FIELD, reason=reason, field=field, **params)
    if reason == "quantity_form":
        return DocumentError(Code.RECORD_QUANTITY_INVALID, reason=reason, field=field, **params)
    return DocumentError(Code.RECORD_FIELD_INVALID, reason=reason, field=field, **params)


def parse_record(value: Any) -> ReportRecord:
    """The report record in parsed JSON ``value``, or a ``DocumentError``: ``bundle.record_version_unknown``,
    ``bundle.record_unknown_field``, ``bundle.record_quantity_invalid`` or ``bundle.record_field_invalid``."""
    version = value.get("record_version", RECORD_VERSION) if isinstance(value, dict) else RECORD_VERSION
    if type(version) is not int or version != RECORD_VERSION:  # not True, not 1.0: exactly the integer 1
        shown = printable(str(version)[:40]) if isinstance(version, (int, str, float)) else "?"
        raise DocumentError(Code.RECORD_VERSION_UNKNOWN, reason="not_allowed", field="record_version",
                            allowed=str(RECORD_VERSION), version=shown)
    try:
        record = ReportRecord.model_validate(value)
    except ValidationError as exc:
        raise _refusal(exc) from None
    missing = _missing_member(ReportRecord, value, ())
    if missing is not None:  # the defaults are for building a record; a received one states every member
        raise DocumentError(Code.RECORD_FIELD_INVALID, reason="missing", field=".".join(map(str, missing)))
    return record


def _missing_member(model: type[Document], value: dict[str, Any], path: tuple) -> tuple | None:
    """The path of the first member of ``model`` (or of a record nested in it) that ``value`` leaves out."""
    for name, field in model.model_fields.items():
        if name not in value:
            return (*path, name)
        nested = _RECORD_LISTS.get(name) if model is ReportRecord else None
        if nested is not None:
            for index, item in enumerate(value[name]):
                missing = _missing_member(nested, item, (*path, name, index))
                if missing is not None:
                    return missing
    return None


@contextlib.contextmanager
def building_record() -> Iterator[None]:
    """Around building a record from stored values (export): a value the schema refuses is a ``DocumentError``."""
    try:
        yield
    except ValidationError as exc:
        raise _refusal(exc) from None


class RecordError(BundleError):
    """A refusal about what a record says (its series, plan, period); its periods read as people say them, like
    every error's (``CdsError.message``)."""
