"""Reporting periods: identifiers (``2023``, ``2023S1``, ``2023Q1``), their dates and their deadlines.

A plan's periods depend on its (frozen, hashable) ``Schedule`` only: they are worked out once per schedule.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache, total_ordering

from cds_desktop.core.errors import InputError
from cds_desktop.core.plans.model import DeadlineRule, Plan, PeriodKind, Schedule, period_pattern


@total_ordering
@dataclass(frozen=True)
class Period:
    """One reporting period. Ordered by start date, then longest first (2023, 2023S1, 2023Q1, 2023Q2, …)."""

    start: dt.date
    end: dt.date
    id: str
    kind: PeriodKind

    @classmethod
    def parse(cls, period_id: str) -> "Period":
        text = period_id.strip().upper() if isinstance(period_id, str) else ""
        match = period_pattern().match(text)
        if not match or int(match["year"]) < 1:
            raise InputError("period.bad_id", period=period_id)
        year = int(match["year"])
        if match["half"]:
            half = int(match["half"][1])
            start_month, months, kind = 6 * (half - 1) + 1, 6, PeriodKind.HALF
        elif match["quarter"]:
            quarter = int(match["quarter"][1])
            start_month, months, kind = 3 * (quarter - 1) + 1, 3, PeriodKind.QUARTER
        else:
            start_month, months, kind = 1, 12, PeriodKind.YEAR
        start = dt.date(year, start_month, 1)
        end = _month_end(year, start_month + months - 1)
        return cls(start=start, end=end, id=match.group(0), kind=kind)

    def _sort_key(self) -> tuple[dt.date, int]:
        return (self.start, -self.end.toordinal())

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    @property
    def year(self) -> int:
        return self.start.year

    def contains(self, date: dt.date) -> bool:
        return self.start <= date <= self.end

    def last_months(self) -> list[tuple[int, int]]:
        """(year, month) of each month of the period, last first."""
        months = []
        year, month = self.end.year, self.end.month
        while dt.date(year, month, 1) >= self.start:
            months.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _clamped_date(year: int, month: int, day: int) -> dt.date:
    return min(dt.date(year, month, 1) + dt.timedelta(days=day - 1), _month_end(year, month))


def due_before(period: Period, rule: DeadlineRule) -> dt.date:
    """The date the period's report is due before (a report is on time when submitted earlier).

    ``in_period_month`` takes a day of one of the period's own months (clamped to that month's last day);
    ``fixed`` a day and month of the period's year (clamped likewise); ``after_end`` counts days from the
    period's last day.
    """
    if rule.rule == "in_period_month":
        year, month = period.last_months()[rule.month_from_end]
        return _clamped_date(year, month, rule.day)
    if rule.rule == "fixed":
        return _clamped_date(period.year, rule.month, rule.day)
    return period.end + dt.timedelta(days=rule.days)


@dataclass(frozen=True)
class ScheduledPeriod:
    period: Period
    due_before: dt.date
    rule: DeadlineRule


def plan_periods(plan: Plan) -> list[ScheduledPeriod]:
    """Every reporting period of ``plan`` over the years it covers, in date order."""
    return list(_schedule_periods(plan.schedule).values())


@lru_cache(maxsize=64)
def _schedule_periods(schedule: Schedule) -> dict[str, ScheduledPeriod]:
    """The periods of ``schedule`` by id, in date order (shared: callers must not change it)."""
    result = []
    for year in range(schedule.first_year, schedule.last_year + 1):
        for rule in schedule.periods:
            ids = {
                PeriodKind.YEAR: [f"{year}"],
                PeriodKind.HALF: [f"{year}S1", f"{year}S2"],
                PeriodKind.QUARTER: [f"{year}Q{q}" for q in range(1, 5)],
            }[rule.kind]
            for period_id in ids:
                period = Period.parse(period_id)
                result.append(ScheduledPeriod(period, due_before(period, rule.deadline), rule.deadline))
    return {s.period.id: s for s in sorted(result, key=lambda s: (s.period.end, -s.period.start.toordinal()))}


def scheduled_period(plan: Plan, period_id: str) -> ScheduledPeriod:
    """The period ``period_id`` of ``plan``; ``InputError`` when the plan has no such period."""
    period = Period.parse(period_id)
    scheduled = _schedule_periods(plan.schedule).get(period.id)
    if scheduled is not None:
        return scheduled
    raise InputError("period.not_in_plan", period=period.id, plan=plan.id)
