"""How codes read to people, in Vietnamese or English: a reporting period, a period's state, an indicator's
assessment, a task's status, a recorded field and its stored value — and the parameters of messages.

This is the one place for those words. The desktop (``ui/shared/labels.py``), the command line, the PDF
reports (``reports/formatting.py``) and every error message use it, so the screen, the terminal and the paper
say the same thing: an indicator below its target is "Chưa đạt" everywhere, a period is "Quý 4 năm 2023",
never ``2023Q4``.

Messages keep codes in their parameters (``--json`` output shows them as they are) and are worded when they
are rendered: ``worded_params`` turns the parameters that name a period (``period``, ``signed_period``) or a
period's state (``state``) into words; ``CdsError.message`` and the command line's messages call it.

A period has two forms: its name ("Quý 4 năm 2023", "Q4 2023"), used on screen, in the terminal and in
messages; and its form in an official document ("Quý IV năm 2023", "năm 2023": administrative documents write
quarters in Roman numerals and a year inside a sentence in lower case).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from cds_desktop.core.errors import InputError
from cds_desktop.core.i18n import catalog, current_language, translate
from cds_desktop.core.numbers import format_number, parse_decimal
from cds_desktop.core.period_ids import PERIOD_ID

_ROMAN = ("I", "II", "III", "IV")


# --- periods ---------------------------------------------------------------------------------

def _period_parts(period_id: object) -> tuple[str, int, int] | None:
    """(kind, number, year) of a period id — ("quarter", 4, 2023) for ``2023Q4`` — or None when it is not one."""
    if not isinstance(period_id, str):
        return None
    match = PERIOD_ID.match(period_id.strip().upper())
    if match is None or int(match["year"]) < 1:
        return None
    if match["quarter"]:
        return "quarter", int(match["quarter"][1]), int(match["year"])
    if match["half"]:
        return "half", int(match["half"][1]), int(match["year"])
    return "year", 0, int(match["year"])


def _required_parts(period_id: str) -> tuple[str, int, int]:
    parts = _period_parts(period_id)
    if parts is None:
        raise InputError("period.bad_id", period=period_id)
    return parts


def is_period_id(value: object) -> bool:
    return _period_parts(value) is not None


def period_name(period_id: str, language: str | None = None) -> str:
    """``2023Q4`` → "Quý 4 năm 2023"; ``2023S1`` → "6 tháng đầu năm 2023"; ``2023`` → "Năm 2023" (and in English
    "Q4 2023", "First half of 2023", "Year 2023")."""
    kind, number, year = _required_parts(period_id)
    if kind == "quarter":
        return translate("period.name.quarter", language, number=number, year=year)
    if kind == "half":
        return translate(f"period.name.half{number}", language, year=year)
    return translate("period.name.year", language, year=year)


def period_in_document(period_id: str, language: str | None = None) -> str:
    """The period in an official document's sentences: "Quý IV năm 2023", "6 tháng đầu năm 2023", "năm 2023"."""
    return period_parts_in_document(*_required_parts(period_id), language)


def period_parts_in_document(kind: str, number: int, year: int, language: str | None = None) -> str:
    """``period_in_document`` from the period's parts: ``kind`` quarter | half | year, the quarter's or half's
    ``number`` (0 for a year) and the ``year``."""
    if kind == "quarter":
        return translate("report.period.quarter", language, roman=_ROMAN[number - 1], number=number, year=year)
    if kind == "half":
        return translate(f"report.period.half_{'first' if number == 1 else 'second'}", language, year=year)
    return translate("report.period.year", language, year=year)


# --- states and statuses ---------------------------------------------------------------------

def state_name(state: str, language: str | None = None) -> str:
    """A period's state or the office's verdict: ``submitted`` → "Đã gửi duyệt", ``returned`` → "Bị trả lại để sửa"."""
    return translate(f"state.{state}", language)


def target_status_name(status: str, language: str | None = None) -> str:
    """An indicator's assessment against its target: ``met`` → "Đạt", ``not_met`` → "Chưa đạt" …"""
    return translate(f"target_status.{status}", language)


def task_status_name(status: str, language: str | None = None) -> str:
    """A task's progress: ``not_started`` → "Chưa thực hiện", ``in_progress`` → "Đang thực hiện", ``done``."""
    return translate(f"task_status.{status}", language)


# --- values as stored ------------------------------------------------------------------------

def date_text(value: dt.date | None) -> str:
    """dd/MM/yyyy, the same in both languages; empty for None."""
    return f"{value:%d/%m/%Y}" if value else ""


def datetime_text(value: dt.datetime) -> str:
    """dd/MM/yyyy HH:MM in the computer's time zone."""
    return f"{value.astimezone():%d/%m/%Y %H:%M}"


def number_text(value: str | None, language: str | None = None) -> str:
    """A stored number in the reader's convention (``1.234,5``); text that is not a number is shown as typed."""
    try:
        number = parse_decimal(value)
    except ValueError:
        return value or ""
    return format_number(number, language or current_language()) if number is not None else ""


def field_name(field: str, language: str | None = None) -> str:
    """What a recorded field is called: ``numerator`` → "Tử số", ``state`` → "Trạng thái của kỳ" …"""
    return translate(f"field.{field}", language)


_NUMBER_FIELDS = ("numerator", "denominator", "value", "progress_pct")
_TIME_FIELDS = ("submitted_at", "approved_at", "exported_at")


def stored_value_text(field: str, value: str | None, language: str | None = None) -> str:
    """A value as the history stores it, as people read it: numbers grouped, states, statuses and dates worded."""
    if value is None:
        return ""
    if field == "status":
        return task_status_name(value, language)
    if field in ("state", "office_status"):
        return state_name(value, language)
    if field == "completed_on":
        try:
            return date_text(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field in _TIME_FIELDS:
        try:
            return datetime_text(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if field in _NUMBER_FIELDS:
        return number_text(value, language)
    return value


# --- the parameters of messages --------------------------------------------------------------

def _worded_period(value: Any, language: str | None) -> Any:
    return period_name(value, language) if is_period_id(value) else value


def _worded_state(value: Any, language: str | None) -> Any:
    return state_name(value, language) if isinstance(value, str) and f"state.{value}" in catalog() else value


WORDED_PARAMS: dict[str, Callable[[Any, str | None], Any]] = {
    "period": _worded_period,
    "signed_period": _worded_period,
    "state": _worded_state,
}


def worded_params(params: Mapping[str, Any], language: str | None = None) -> dict[str, Any]:
    """``params`` with the codes people should not read put into words (see ``WORDED_PARAMS``): a period id
    becomes its name, a state its name. Anything else — and a value that is not such a code, like the text a
    person typed as a period — is left as it is."""
    return {name: WORDED_PARAMS[name](value, language) if name in WORDED_PARAMS else value
            for name, value in params.items()}
