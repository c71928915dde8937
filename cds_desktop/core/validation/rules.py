"""Validation rules: per field, target evaluation, and period completeness.

Field rules (codes ``value.*``): required together, numeric, not negative, whole numbers for counted units,
numerator ≤ denominator, a directly reported percentage within 0–100 %, yes/no values.
Target rules: ``evaluate_target`` gives met / not met / not applicable / no data for every comparator,
ranges and per-level targets included; ``indicator_result`` is the one judgement of an answer (an answer with
an error is invalid, never met).
Completeness (codes ``indicator.*``, ``task.*``): every applicable indicator answered or explained; a done
task needs a completion date and a result; a task past its deadline and not done is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from cds_desktop.core.domain import IndicatorEntry, PeriodEntries, TargetStatus, TaskEntry, TaskStatus
from cds_desktop.core.numbers import QuantityError, format_number, parse_decimal, percentage
from cds_desktop.core.plans.model import (
    Comparator,
    Indicator,
    IndicatorKind,
    Level,
    Plan,
    Target,
    Task,
)
from cds_desktop.core.validation.problems import Problem, Severity

E, W = Severity.ERROR, Severity.WARNING


def evaluate_target(target: Target | None, value: Decimal | None) -> TargetStatus:
    """Compare ``value`` (a percentage for ratios) with ``target``; this alone does not know whether the
    value is valid — ``indicator_result`` is the judgement the app shows and counts."""
    if target is None:
        return TargetStatus.NOT_APPLICABLE
    if value is None:
        return TargetStatus.NO_DATA
    comparator = target.comparator
    met = {
        Comparator.GE: lambda: value >= target.value,
        Comparator.GT: lambda: value > target.value,
        Comparator.LE: lambda: value <= target.value,
        Comparator.LT: lambda: value < target.value,
        Comparator.EQ: lambda: value == target.value,
        Comparator.RANGE: lambda: value >= target.low,
    }[comparator]()
    return TargetStatus.MET if met else TargetStatus.NOT_MET


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator's answer as a number (percentage for ratios), its target status at a level, and the field
    problems of the answer. An answer with an error is ``INVALID``: never met, whatever its number."""

    result: Decimal | None
    target: Target | None
    status: TargetStatus
    problems: tuple[Problem, ...] = ()

    @property
    def met(self) -> bool:
        return self.status is TargetStatus.MET


_VALUE_FIELDS = ("numerator", "denominator", "value")


def indicator_result(indicator: Indicator, entry: IndicatorEntry | None, level: Level) -> IndicatorResult:
    """The one judgement of an answer: its comparable result, its problems (``check_indicator``) and how it
    stands against the target at ``level``. The screen's badge, both PDF reports, the office's stored status
    and its figures all come from here.

    An answer with an error in a value field is ``INVALID`` (not met, not a shortfall); a blank one is
    ``NO_DATA``. A range target ("55–60 %") is met when the result reaches its lower bound: the plan sets the
    band it expects to reach, and exceeding it is not a failure.
    """
    target = indicator.target_for(level) if indicator.kind is not IndicatorKind.TEXT else None
    if entry is None:
        return IndicatorResult(None, target, evaluate_target(target, None))
    problems = tuple(check_indicator(indicator, entry))
    result = _numeric_result(indicator, entry)
    if any(p.is_error and p.field in _VALUE_FIELDS for p in problems):
        return IndicatorResult(result, target, TargetStatus.INVALID, problems)
    return IndicatorResult(result, target, evaluate_target(target, result), problems)


def _numeric_result(indicator: Indicator, entry: IndicatorEntry) -> Decimal | None:
    """The answer as a number, or None when it has none (or none that can be read: the problems say why)."""
    try:
        if indicator.kind is IndicatorKind.RATIO:
            numerator, denominator = parse_decimal(entry.numerator), parse_decimal(entry.denominator)
            if numerator is not None and denominator is not None:
                return percentage(numerator, denominator)
            return parse_decimal(entry.value)
        if indicator.kind in (IndicatorKind.COUNT, IndicatorKind.BOOLEAN):
            return parse_decimal(entry.value)
    except QuantityError:
        return None
    return None


def _number(problems: list[Problem], item: str, field: str, text: str | None, *, whole: bool) -> Decimal | None:
    if text is None:
        return None
    try:
        value = parse_decimal(text)
    except QuantityError as error:  # number.not_numeric → value.not_numeric, number.exponent → value.exponent …
        problems.append(Problem(error.code.replace("number.", "value.", 1), E, item, field, dict(error.params)))
        return None
    if value is None:  # blank text where the store keeps None for "not answered"
        problems.append(Problem("value.not_numeric", E, item, field, {"text": text}))
        return None
    if value < 0:
        problems.append(Problem("value.negative", E, item, field, {"value": format_number(value)}))
    elif whole and value != value.to_integral_value():
        problems.append(Problem("value.not_whole", E, item, field, {"value": format_number(value)}))
    return value


def check_indicator(indicator: Indicator, entry: IndicatorEntry) -> list[Problem]:
    """Field rules for one indicator entry (what the form shows while typing)."""
    problems: list[Problem] = []
    code = indicator.code
    whole = indicator.unit.is_whole if indicator.unit else False
    if indicator.kind is IndicatorKind.RATIO:
        numerator = _number(problems, code, "numerator", entry.numerator, whole=whole)
        denominator = _number(problems, code, "denominator", entry.denominator, whole=whole)
        if (entry.numerator is None) != (entry.denominator is None):
            missing = "denominator" if entry.denominator is None else "numerator"
            problems.append(Problem("value.pair_incomplete", E, code, missing))
        if numerator is not None and denominator is not None:
            if denominator == 0:
                problems.append(Problem("value.zero_denominator", E, code, "denominator"))
            elif numerator > denominator:
                problems.append(
                    Problem(
                        "value.numerator_exceeds",
                        E,
                        code,
                        "numerator",
                        {"numerator": format_number(numerator), "denominator": format_number(denominator)},
                    )
                )
        if entry.value is not None:
            if entry.numerator is not None or entry.denominator is not None:
                problems.append(Problem("value.both_forms", E, code, "value"))
            rate = _number(problems, code, "value", entry.value, whole=False)
            if rate is not None and rate > 100:
                problems.append(Problem("value.percent_range", E, code, "value", {"value": format_number(rate)}))
    elif indicator.kind is IndicatorKind.COUNT:
        _number(problems, code, "value", entry.value, whole=whole)
    elif indicator.kind is IndicatorKind.BOOLEAN:
        if entry.value is not None and entry.value not in ("0", "1"):
            problems.append(Problem("value.not_yes_no", E, code, "value", {"text": entry.value}))
    if entry.is_blank and not entry.note:
        problems.append(Problem("indicator.missing_needs_comment", E, code, "note"))
    return problems


def check_task(task: Task, entry: TaskEntry, period_end: dt.date, as_of: dt.date) -> list[Problem]:
    """Rules for one task's progress in a period ending ``period_end``, judged on ``as_of``."""
    problems: list[Problem] = []
    code = task.code
    if entry.progress_pct is not None and not 0 <= entry.progress_pct <= 100:
        problems.append(Problem("task.progress_range", E, code, "progress_pct", {"value": entry.progress_pct}))
    if entry.status is TaskStatus.DONE:
        if entry.completed_on is None:
            problems.append(Problem("task.done_needs_date", E, code, "completed_on"))
        elif entry.completed_on > as_of:
            problems.append(
                Problem("task.completed_in_future", E, code, "completed_on", {"date": f"{entry.completed_on:%d/%m/%Y}"})
            )
        if not entry.result:
            problems.append(Problem("task.done_needs_result", E, code, "result"))
    elif entry.completed_on is not None:
        problems.append(Problem("task.date_without_done", W, code, "completed_on"))
    due = task.deadline.due_date(period_end)
    if entry.status is not TaskStatus.DONE and due is not None and as_of > due:
        problems.append(Problem("task.overdue", W, code, "status", {"due": f"{due:%d/%m/%Y}"}))
    if task.evidence_expected and entry.status is TaskStatus.DONE:
        problems.append(Problem("task.evidence_expected", W, code, "evidence"))
    return problems


def validate_period(
    plan: Plan,
    entries: PeriodEntries,
    period_end: dt.date,
    as_of: dt.date,
    level: Level = Level.COMMUNE,
) -> list[Problem]:
    """All problems of a period: field rules, completeness and target shortfalls, in plan order."""
    problems: list[Problem] = []
    for indicator in plan.indicators():
        if level is Level.COMMUNE and not indicator.applies_to_communes:
            continue
        entry = entries.indicators.get(indicator.code, IndicatorEntry(indicator.code))
        outcome = indicator_result(indicator, entry, level)
        problems.extend(outcome.problems)
        if outcome.status is TargetStatus.NOT_MET:
            problems.append(Problem("indicator.target_not_met", W, indicator.code, "value"))
    tasks = plan.commune_tasks() if level is Level.COMMUNE else list(plan.reportable_tasks())
    for task in tasks:
        entry = entries.tasks.get(task.code, TaskEntry(task.code))
        task_problems = check_task(task, entry, period_end, as_of)
        if task.evidence_expected and entries.evidence_counts.get(task.code):
            task_problems = [p for p in task_problems if p.code != "task.evidence_expected"]
        problems.extend(task_problems)
    return problems
