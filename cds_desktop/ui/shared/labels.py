"""How the desktop shows periods, dates, sizes, field names and stored values (in the current language)."""

from __future__ import annotations

import datetime as dt

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number, parse_decimal
from cds_desktop.core.plans.schedule import Period
from cds_desktop.core.services.commune.service import PeriodView


def period_name(period_id: str) -> str:
    """``2023Q2`` → "Quý 2 năm 2023"; ``2023S1`` → "6 tháng đầu năm 2023"; ``2023`` → "Năm 2023"."""
    period = Period.parse(period_id)
    kind = period.kind.value
    if kind == "quarter":
        return translate("ui.period.quarter", number=period_id[-1], year=period.year)
    if kind == "half":
        return translate(f"ui.period.half{period_id[-1]}", year=period.year)
    return translate("ui.period.year", year=period.year)


def deadline_text(period: PeriodView) -> str:
    return period.deadline_text_en if current_language() == "en" else period.deadline_text_vi


def date_text(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def datetime_text(value: dt.datetime) -> str:
    return f"{value.astimezone():%d/%m/%Y %H:%M}"


def size_text(size: int) -> str:
    """Bytes → "1,5 MB" / "820 KB"."""
    language = current_language()
    if size >= 1024 * 1024:
        return translate("ui.size.mb", size=format_number(size / (1024 * 1024), language, places=1))
    return translate("ui.size.kb", size=format_number(max(1, round(size / 1024)), language))


def field_name(field: str) -> str:
    return translate(f"ui.field.{field}")


def stored_value_text(field: str, value: str | None) -> str:
    """A stored (canonical) value as people read it: numbers grouped, statuses and dates translated."""
    if value is None:
        return ""
    if field == "status":
        return translate(f"task_status.{value}")
    if field == "completed_on":
        try:
            return date_text(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field in ("numerator", "denominator", "value", "progress_pct"):
        return number_text(value)
    return value


def number_text(value: str | None) -> str:
    """A stored number in the reader's convention (``1.234,5``); text that is not a number is shown as typed."""
    try:
        number = parse_decimal(value)
    except ValueError:
        return value or ""
    return format_number(number, current_language()) if number is not None else ""
