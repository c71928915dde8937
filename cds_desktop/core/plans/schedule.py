"""The reporting schedule of a plan and the periods it makes.

- The schedule as a plan file states it (``Schedule``: the years covered, a ``PeriodRule`` per kind of period —
  year, half-year, quarter — each with its ``DeadlineRule``, and one-off ``Milestone`` deadlines), validated on
  load like the rest of the plan (see ``docs/plan-format.md``);
- reporting periods: identifiers (``2023``, ``2023S1``, ``2023Q1``), their dates and their deadlines.

A plan's periods depend on its (frozen, hashable) ``Schedule`` only: they are worked out once per schedule.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, total_ordering
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from cds_desktop.core.errors import InputError
from cds_desktop.core.period_ids import PERIOD_ID
from cds_desktop.core.plans.common import CODE_PATTERN, FrozenModel, Level, LocalizedText, PlanProblem

if TYPE_CHECKING:  # model.py imports this module (a plan holds a schedule)
    from cds_desktop.core.plans.model import Plan


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"

    @property
    def months(self) -> int:
        """How many months a period of this kind lasts."""
        return {"year": 12, "half": 6, "quarter": 3}[self.value]


class DeadlineRule(FrozenModel):
    """When a period's report is due ("before" the date: on time means submitted earlier).

    - ``in_period_month``: day ``day`` of the period's ``month``-th month counted from its end
      (``month_from_end: 0`` is the last month): "trước ngày mùng 03 của tháng cuối quý";
    - ``fixed``: a fixed day and month of the period's year: "trước ngày 10/12" (year periods only);
    - ``after_end``: ``days`` days after the period ends.

    A day past the end of its month is clamped to the month's last day (day 31 in a 30-day month).
    ``stated`` is false when the document states no deadline and the plan file chose one; ``text`` then
    says so.
    """

    rule: Literal["in_period_month", "fixed", "after_end"]
    day: int | None = Field(default=None, ge=1, le=31)
    month: int | None = Field(default=None, ge=1, le=12)
    month_from_end: int | None = Field(default=None, ge=0, le=11)
    days: int | None = Field(default=None, ge=0, le=366)
    text: LocalizedText  # the rule as the document states it
    stated: bool = True

    @model_validator(mode="after")
    def _check_shape(self) -> "DeadlineRule":
        needed = {
            "in_period_month": {"day", "month_from_end"},
            "fixed": {"day", "month"},
            "after_end": {"days"},
        }[self.rule]
        for name in ("day", "month", "month_from_end", "days"):
            if (getattr(self, name) is not None) != (name in needed):
                raise PlanProblem(
                    "plan.problem.rule_fields", (name,), rule=self.rule, fields=", ".join(sorted(needed))
                )
        return self


class PeriodRule(FrozenModel):
    kind: PeriodKind
    deadline: DeadlineRule

    @model_validator(mode="after")
    def _check_fits(self) -> "PeriodRule":
        rule = self.deadline
        if rule.rule == "in_period_month" and rule.month_from_end >= self.kind.months:
            raise PlanProblem(
                "plan.problem.month_from_end",
                ("deadline", "month_from_end"),
                value=rule.month_from_end,
                kind=self.kind.value,
                months=self.kind.months,
            )
        if rule.rule == "fixed" and self.kind is not PeriodKind.YEAR:
            raise PlanProblem("plan.problem.fixed_only_year", ("deadline", "rule"), kind=self.kind.value)
        return self


class Milestone(FrozenModel):
    """A one-off deadline the plan states (e.g. "send your detailed plan before 15/6/2023")."""

    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    title: LocalizedText
    due_before: dt.date
    levels: tuple[Level, ...] = (Level.COMMUNE,)  # who must meet it


class Schedule(FrozenModel):
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)
    periods: tuple[PeriodRule, ...] = Field(min_length=1)
    milestones: tuple[Milestone, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> "Schedule":
        if self.first_year > self.last_year:
            raise PlanProblem("plan.problem.years_order", ("last_year",), first=self.first_year, last=self.last_year)
        seen: set[PeriodKind] = set()
        for index, rule in enumerate(self.periods):
            if rule.kind in seen:
                raise PlanProblem("plan.problem.period_kind_twice", ("periods", index, "kind"), kind=rule.kind.value)
            seen.add(rule.kind)
        codes: set[str] = set()
        for index, milestone in enumerate(self.milestones):
            if milestone.code in codes:
                raise PlanProblem(
                    "plan.problem.duplicate_milestone", ("milestones", index, "code"), item=milestone.code
                )
            codes.add(milestone.code)
        return self

    def rule_for(self, kind: PeriodKind) -> PeriodRule | None:
        return next((p for p in self.periods if p.kind is kind), None)


def period_pattern() -> re.Pattern[str]:
    """The pattern of a period identifier (``2023``, ``2023S1``, ``2023Q1``)."""
    return PERIOD_ID


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
