"""How report values read on paper: the decree's date line, dates, targets, results, deadlines and periods.

Numbers go through ``core.numbers`` (``1.234,5`` and ``75,5%`` in Vietnamese); periods, assessments and task
statuses through ``core.presentation``, so the paper says what the screen says; other words come from the
``report.*`` message catalog. Every function takes the report's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.formatting import describe_quantity, describe_target
from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import format_number, format_percent, percentage
from cds_desktop.core.plans.model import DeadlineKind, IndicatorKind, Target, TaskDeadline
from cds_desktop.core.plans.schedule import Period, PeriodKind
from cds_desktop.core.presentation import period_parts_in_document, target_status_name, task_status_name
from cds_desktop.core.reports.data import IndicatorRow


def decree_day_month(date: dt.date) -> tuple[str, str]:
    """Day and month as Decree 30/2020/NĐ-CP writes them in the date line.

    Days below 10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 02"); other months do not
    ("ngày 15 tháng 3", "ngày 09 tháng 12").
    """
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{date.day:02d}", month


def format_date(date: dt.date | None) -> str:
    """dd/MM/yyyy, the same in both languages; empty for None."""
    return f"{date:%d/%m/%Y}" if date else ""


def place_date_line(place: str, date: dt.date, language: str) -> str:
    """The italic line under the motto: "Nhân Cơ, ngày 05 tháng 02 năm 2026"."""
    day, month = decree_day_month(date)
    return translate(
        "report.date_line", language, place=place, day=day, month=month, year=date.year, date=format_date(date)
    )


def period_label(period: Period, language: str) -> str:
    """"Quý I năm 2023", "6 tháng đầu năm 2023", "năm 2023" (and the English equivalents)."""
    if period.kind is PeriodKind.QUARTER:
        return period_parts_in_document("quarter", (period.start.month - 1) // 3 + 1, period.year, language)
    if period.kind is PeriodKind.HALF:
        return period_parts_in_document("half", 1 if period.start.month == 1 else 2, period.year, language)
    return period_parts_in_document("year", 0, period.year, language)


def format_target(target: Target | None, kind: IndicatorKind, language: str) -> str:
    """"≥ 80%", "55–60%", "100%", "≤ 5", "Có"; an em dash when there is no target."""
    return describe_target(target, kind, language) or "—"


def format_result(row: IndicatorRow, language: str) -> str:
    """The commune's answer: "82,5% (1.234/1.496)", "12", "Có", the answer text; empty when not answered."""
    if row.kind is IndicatorKind.TEXT:
        return row.text or ""
    if row.value is None:
        return ""
    result = describe_quantity(row.value, row.kind, language)
    if row.kind is IndicatorKind.RATIO and row.numerator is not None and row.denominator is not None:
        terms = f"{format_number(row.numerator, language)}/{format_number(row.denominator, language)}"
        result = f"{result} ({terms})"
    return result


def format_deadline(deadline: TaskDeadline, language: str) -> str:
    """"31/12/2023", "12/2023", "Hàng năm", "Theo lộ trình", "Thường xuyên", or an em dash."""
    if deadline.kind is DeadlineKind.DATE:
        return format_date(deadline.date)
    if deadline.kind is DeadlineKind.MONTH:
        year, month = deadline.month.split("-")
        return f"{month}/{year}"
    if deadline.kind is DeadlineKind.NONE:
        return "—"
    return translate(f"report.deadline.{deadline.kind.value}", language)


def format_target_status(status: TargetStatus, language: str) -> str:
    """"Đạt", "Chưa đạt", "Chưa có số liệu" … — the words of the commune's screen."""
    return target_status_name(status.value, language)


def format_task_status(status: TaskStatus, overdue: bool, language: str) -> str:
    """"Đang thực hiện", or "Đang thực hiện (quá hạn)" for an overdue task."""
    label = task_status_name(status.value, language)
    return translate("report.task_status.overdue", language, status=label) if overdue else label


def count_with_share(part: int, whole: int, language: str) -> str:
    """"12 (60%)": a count with its share of ``whole``; just the count when ``whole`` is zero."""
    share = percentage(Decimal(part), Decimal(whole), places=None)
    return f"{part} ({format_percent(share, language)})" if share is not None else str(part)
