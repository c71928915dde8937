"""What a person types, checked where it is typed: the unit, task fields, dates, evidence names, who acts —
and every limit the bundle's report record imposes on them.

The limits have one source of truth: the report record model (``services/report_record.py``), whose field
constraints the office enforces when it parses a bundle. ``max_length`` reads them from the model, so what
the commune accepts is exactly what the office accepts: a value over a limit is refused on input when the
caller asks for it (``reject_invalid``), and is otherwise kept in the draft and reported as the validation
problem ``value.too_long`` — an error, so submitting and approving are refused until it is shortened.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from typing import Any

from pydantic import BaseModel

from cds_desktop.core.domain import PeriodEntries, TaskStatus
from cds_desktop.core.errors import InputError
from cds_desktop.core.numbers import parse_decimal
from cds_desktop.core.services.report_record import (
    EvidenceRecord,
    HistoryRecord,
    IndicatorRecord,
    TaskRecord,
    UnitRecord,
    max_length,
)
from cds_desktop.core.text import BIDI_CONTROLS, clean
from cds_desktop.core.validation import Problem, Severity

_PROVINCE = re.compile(r"^\d{2}$")
_COMMUNE = re.compile(r"^\d{5}$")


def length_problems(item_code: str, values: dict[str, Any], model: type[BaseModel]) -> list[Problem]:
    """A ``value.too_long`` error for each text in ``values`` longer than ``model`` allows."""
    problems = []
    for field, value in values.items():
        limit = max_length(model, field) if field in model.model_fields else None
        if isinstance(value, str) and limit is not None and len(value) > limit:
            problems.append(Problem("value.too_long", Severity.ERROR, item_code, field,
                                    {"length": len(value), "limit": limit}))
    return problems


def record_problems(entries: PeriodEntries) -> list[Problem]:
    """The limit problems of every entry of a period (indicators and tasks)."""
    problems = []
    for code, entry in entries.indicators.items():
        fields = ("numerator", "denominator", "value", "note", "data_source")
        problems += length_problems(code, {f: getattr(entry, f) for f in fields}, IndicatorRecord)
    for code, task in entries.tasks.items():
        fields = ("result", "difficulties", "proposals")
        problems += length_problems(code, {f: getattr(task, f) for f in fields}, TaskRecord)
    return problems


def check_unit(province_code: str, commune_code: str, name: str) -> tuple[str, str, str]:
    """The unit's codes and name, trimmed and NFC; ``InputError`` for the first one that is not valid."""
    province_code, commune_code = (province_code or "").strip(), (commune_code or "").strip()
    if not _PROVINCE.match(province_code):
        raise InputError("unit.bad_province_code", code=province_code)
    if not _COMMUNE.match(commune_code):
        raise InputError("unit.bad_commune_code", code=commune_code)
    name = clean(name)
    if not name:
        raise InputError("unit.name_required")
    limit = max_length(UnitRecord, "name")
    if len(name) > limit:
        raise InputError("unit.name_too_long", length=len(name), limit=limit)
    return province_code, commune_code, name


def check_reason(reason: str | None) -> str:
    """Why a period is sent back for correction: required, trimmed and NFC, and no longer than a history row
    of the report record carries (the reason travels in the bundle's history)."""
    reason = clean(reason)
    if not reason:
        raise InputError("period.reason_needed")
    limit = max_length(HistoryRecord, "new")
    if len(reason) > limit:
        raise InputError("period.reason_too_long", length=len(reason), limit=limit)
    return reason


def evidence_name(file_name: str) -> str:
    """The name an evidence file is listed under: NFC, without control or text-direction characters, and
    shortened (keeping the extension) to what the record allows; ``InputError`` if nothing is left."""
    text = unicodedata.normalize("NFC", file_name)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text if ch not in BIDI_CONTROLS)
    text = " ".join(text.split())
    if not text:
        raise InputError("evidence.bad_name", name=file_name.encode("unicode_escape").decode("ascii"))
    limit = max_length(EvidenceRecord, "name")
    if len(text) > limit:
        stem, extension = os.path.splitext(text)
        extension = extension if len(extension) <= 16 else ""
        text = stem[: limit - len(extension) - 1].rstrip() + "…" + extension
    return text


def yes_no(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in ("1", "yes", "có", "co", "true", "y"):
        return "1"
    if lowered in ("0", "no", "không", "khong", "false", "n"):
        return "0"
    return text


def parse_task_fields(fields: dict[str, Any]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, raw in fields.items():
        value = clean(raw) if isinstance(raw, str) else raw
        if name == "status" and value is not None:
            try:
                value = TaskStatus(value)
            except ValueError:
                raise InputError("task.bad_status", value=value, allowed=", ".join(s.value for s in TaskStatus)) from None
        elif name == "status":
            value = TaskStatus.NOT_STARTED
        elif name == "progress_pct" and value is not None:
            try:
                value = int(parse_decimal(str(value)))
            except (ValueError, TypeError):
                raise InputError("task.bad_progress", value=value) from None
        elif name == "completed_on" and isinstance(value, str):
            value = parse_date(value)
        parsed[name] = value
    return parsed


def parse_date(text: str) -> dt.date:
    """``2023-11-30`` or ``30/11/2023`` → date; ``InputError`` otherwise."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise InputError("input.bad_date", value=text)
