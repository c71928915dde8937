"""The decree's date line, and targets, results, deadlines and periods as printed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.plans.model import Comparator, DeadlineKind, IndicatorKind, Target, TaskDeadline
from cds_desktop.core.plans.schedule import Period
from cds_desktop.core.reports.data import IndicatorRow
from cds_desktop.core.reports.formatting import (
    count_with_share,
    decree_day_month,
    format_date,
    format_deadline,
    format_result,
    format_target,
    format_task_status,
    period_label,
    place_date_line,
)

EXPECTED_MONTHS = {
    1: "01", 2: "02", 3: "3", 4: "4", 5: "5", 6: "6", 7: "7", 8: "8", 9: "9", 10: "10", 11: "11", 12: "12"
}  # fmt: skip


@pytest.mark.parametrize("month", range(1, 13))
def test_month_has_leading_zero_only_for_january_and_february(month: int) -> None:
    assert decree_day_month(dt.date(2026, month, 15)) == ("15", EXPECTED_MONTHS[month])


@pytest.mark.parametrize("day", range(1, 32))
def test_day_has_leading_zero_below_ten(day: int) -> None:
    expected = f"0{day}" if day < 10 else str(day)
    assert decree_day_month(dt.date(2026, 1, day))[0] == expected


@pytest.mark.parametrize(
    ("date", "line"),
    [
        (dt.date(2026, 2, 5), "Nhân Cơ, ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 3, 15), "Nhân Cơ, ngày 15 tháng 3 năm 2026"),
        (dt.date(2025, 12, 9), "Nhân Cơ, ngày 09 tháng 12 năm 2025"),
        (dt.date(2024, 1, 31), "Nhân Cơ, ngày 31 tháng 01 năm 2024"),
    ],
)
def test_place_date_line_vietnamese(date: dt.date, line: str) -> None:
    assert place_date_line("Nhân Cơ", date, "vi") == line


def test_place_date_line_english_uses_dd_mm_yyyy() -> None:
    assert place_date_line("Nhân Cơ", dt.date(2026, 2, 5), "en") == "Nhân Cơ, 05/02/2026"
    assert format_date(dt.date(2023, 9, 3)) == "03/09/2023"
    assert format_date(None) == ""


@pytest.mark.parametrize(
    ("target", "kind", "vi", "en"),
    [
        (Target(comparator=Comparator.GE, value=Decimal("80")), IndicatorKind.RATIO, "≥ 80%", "≥ 80%"),
        (Target(comparator=Comparator.GT, value=Decimal("90.5")), IndicatorKind.RATIO, "> 90,5%", "> 90.5%"),
        (Target(comparator=Comparator.EQ, value=Decimal("100")), IndicatorKind.RATIO, "100%", "100%"),
        (Target(comparator=Comparator.RANGE, low=Decimal("55"), high=Decimal("60")), IndicatorKind.RATIO,
         "55–60%", "55–60%"),
        (Target(comparator=Comparator.LE, value=Decimal("1500")), IndicatorKind.COUNT, "≤ 1.500", "≤ 1,500"),
        (Target(comparator=Comparator.EQ, value=Decimal("1")), IndicatorKind.BOOLEAN, "Có", "Yes"),
        (None, IndicatorKind.TEXT, "—", "—"),
    ],
)  # fmt: skip
def test_format_target(target: Target | None, kind: IndicatorKind, vi: str, en: str) -> None:
    assert format_target(target, kind, "vi") == vi
    assert format_target(target, kind, "en") == en


def _row(kind: IndicatorKind, **values: object) -> IndicatorRow:
    return IndicatorRow(code="x", name="x", group="g", kind=kind, target=None, status=TargetStatus.MET, **values)


def test_format_result_by_kind() -> None:
    ratio = _row(IndicatorKind.RATIO, value=Decimal("75.5"), numerator=Decimal(1510), denominator=Decimal(2000))
    assert format_result(ratio, "vi") == "75,5% (1.510/2.000)"
    assert format_result(ratio, "en") == "75.5% (1,510/2,000)"
    assert format_result(_row(IndicatorKind.RATIO, value=Decimal("80.00")), "vi") == "80%"
    assert format_result(_row(IndicatorKind.COUNT, value=Decimal(1234)), "vi") == "1.234"
    assert format_result(_row(IndicatorKind.BOOLEAN, value=Decimal(0)), "vi") == "Không"
    assert format_result(_row(IndicatorKind.TEXT, text="Đã ban hành quy chế"), "vi") == "Đã ban hành quy chế"
    assert format_result(_row(IndicatorKind.RATIO), "vi") == ""


def test_format_deadline() -> None:
    assert format_deadline(TaskDeadline(kind=DeadlineKind.MONTH, month="2023-12"), "vi") == "12/2023"
    assert format_deadline(TaskDeadline(kind=DeadlineKind.DATE, date=dt.date(2023, 6, 15)), "vi") == "15/06/2023"
    assert format_deadline(TaskDeadline(kind=DeadlineKind.YEARLY), "vi") == "Hàng năm"
    assert format_deadline(TaskDeadline(kind=DeadlineKind.ROADMAP), "en") == "Per roadmap"
    assert format_deadline(TaskDeadline(kind=DeadlineKind.NONE), "vi") == "—"


def test_task_status_marks_overdue() -> None:
    assert format_task_status(TaskStatus.IN_PROGRESS, False, "vi") == "Đang thực hiện"
    assert format_task_status(TaskStatus.NOT_STARTED, True, "vi") == "Chưa thực hiện (quá hạn)"
    assert format_task_status(TaskStatus.DONE, False, "en") == "Done"


@pytest.mark.parametrize(
    ("period_id", "vi", "en"),
    [
        ("2023Q1", "Quý I năm 2023", "Q1 2023"),
        ("2023Q4", "Quý IV năm 2023", "Q4 2023"),
        ("2024S1", "6 tháng đầu năm 2024", "the first half of 2024"),
        ("2024S2", "6 tháng cuối năm 2024", "the second half of 2024"),
        ("2025", "năm 2025", "the year 2025"),
    ],
)
def test_period_label(period_id: str, vi: str, en: str) -> None:
    period = Period.parse(period_id)
    assert period_label(period, "vi") == vi
    assert period_label(period, "en") == en


def test_count_with_share() -> None:
    assert count_with_share(151, 200, "vi") == "151 (75,5%)"
    assert count_with_share(151, 200, "en") == "151 (75.5%)"
    assert count_with_share(0, 0, "vi") == "0"
