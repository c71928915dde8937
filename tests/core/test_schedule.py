"""Reporting periods: ids, dates, ordering, deadline rules (with clamping) and a plan's schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cds_desktop.core.errors import InputError
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.plans.model import DeadlineKind, LocalizedText, TaskDeadline
from cds_desktop.core.plans.schedule import (
    DeadlineRule,
    Period,
    PeriodKind,
    due_before,
    plan_periods,
    scheduled_period,
)

TEXT = LocalizedText(vi="quy tắc", en="rule")


def rule(**fields) -> DeadlineRule:
    return DeadlineRule(text=TEXT, **fields)


# --- period ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_id", "kind", "start", "end"),
    [
        ("2023", PeriodKind.YEAR, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        ("2023S1", PeriodKind.HALF, dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
        ("2023S2", PeriodKind.HALF, dt.date(2023, 7, 1), dt.date(2023, 12, 31)),
        ("2023Q1", PeriodKind.QUARTER, dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        ("2023Q2", PeriodKind.QUARTER, dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
        ("2023Q3", PeriodKind.QUARTER, dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
        ("2023Q4", PeriodKind.QUARTER, dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
        ("2024Q1", PeriodKind.QUARTER, dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    ],
)
def test_period_ids_parse_to_their_dates(period_id, kind, start, end):
    period = Period.parse(period_id)
    assert (period.id, period.kind, period.start, period.end) == (period_id, kind, start, end)
    assert period.year == start.year
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - dt.timedelta(days=1)) and not period.contains(end + dt.timedelta(days=1))


@pytest.mark.parametrize(("typed", "canonical"), [("2023q4", "2023Q4"), (" 2023s1 ", "2023S1"), ("2025\n", "2025")])
def test_period_ids_are_canonicalised(typed, canonical):
    assert Period.parse(typed).id == canonical


@pytest.mark.parametrize(
    "bad",
    ["2023Q5", "2023Q0", "2023S3", "2023S0", "23", "20231", "", "   ", "2023-Q1", "Q1 2023", "2023 Q1", "2023H1",
     "２０２３", "0000", "2023Q1Q2", None, 2023],
)
def test_bad_period_ids_are_refused_with_input_error(bad):
    with pytest.raises(InputError) as caught:
        Period.parse(bad)
    error = caught.value
    assert error.code == "period.bad_id"
    assert error.params["period"] == bad
    assert "2023Q1" in error.message("vi") and "2023Q1" in error.message("en")
    assert error.message("vi") != error.message("en")


def test_periods_order_by_start_then_longest_first():
    ids = ["2023Q2", "2023", "2023S2", "2023Q1", "2022Q4", "2023S1", "2023Q4"]
    ordered = [p.id for p in sorted(Period.parse(i) for i in ids)]
    assert ordered == ["2022Q4", "2023", "2023S1", "2023Q1", "2023Q2", "2023S2", "2023Q4"]


def test_last_months_are_listed_from_the_end():
    assert Period.parse("2023Q1").last_months() == [(2023, 3), (2023, 2), (2023, 1)]
    year = Period.parse("2023").last_months()
    assert len(year) == 12 and year[0] == (2023, 12) and year[-1] == (2023, 1)


# --- deadline rules --------------------------------------------------------------------------------


def test_in_period_month_rule_is_a_day_of_the_periods_last_month():
    before_the_3rd = rule(rule="in_period_month", day=3, month_from_end=0)
    assert due_before(Period.parse("2023Q1"), before_the_3rd) == dt.date(2023, 3, 3)
    assert due_before(Period.parse("2023Q2"), before_the_3rd) == dt.date(2023, 6, 3)
    assert due_before(Period.parse("2023Q4"), before_the_3rd) == dt.date(2023, 12, 3)
    assert due_before(Period.parse("2023S1"), before_the_3rd) == dt.date(2023, 6, 3)


def test_in_period_month_rule_counts_months_from_the_end():
    second_to_last = rule(rule="in_period_month", day=20, month_from_end=1)
    assert due_before(Period.parse("2023Q3"), second_to_last) == dt.date(2023, 8, 20)
    assert due_before(Period.parse("2023"), rule(rule="in_period_month", day=5, month_from_end=11)) == dt.date(
        2023, 1, 5
    )


def test_days_past_the_end_of_the_month_are_clamped():
    day_31_of_february = rule(rule="in_period_month", day=31, month_from_end=1)  # Q1: February
    assert due_before(Period.parse("2023Q1"), day_31_of_february) == dt.date(2023, 2, 28)
    assert due_before(Period.parse("2024Q1"), day_31_of_february) == dt.date(2024, 2, 29)
    assert due_before(Period.parse("2023Q2"), rule(rule="in_period_month", day=31, month_from_end=0)) == dt.date(
        2023, 6, 30
    )
    fixed_30_february = rule(rule="fixed", day=30, month=2)
    assert due_before(Period.parse("2023"), fixed_30_february) == dt.date(2023, 2, 28)
    assert due_before(Period.parse("2024"), fixed_30_february) == dt.date(2024, 2, 29)


def test_fixed_rule_is_a_day_of_the_periods_year():
    assert due_before(Period.parse("2023"), rule(rule="fixed", day=10, month=12)) == dt.date(2023, 12, 10)
    assert due_before(Period.parse("2024"), rule(rule="fixed", day=15, month=12)) == dt.date(2024, 12, 15)


def test_after_end_rule_counts_days_after_the_period():
    assert due_before(Period.parse("2023Q1"), rule(rule="after_end", days=15)) == dt.date(2023, 4, 15)
    assert due_before(Period.parse("2023"), rule(rule="after_end", days=0)) == dt.date(2023, 12, 31)
    assert due_before(Period.parse("2023"), rule(rule="after_end", days=20)) == dt.date(2024, 1, 20)


@pytest.mark.parametrize(
    "fields",
    [
        {"rule": "in_period_month", "day": 3},  # month_from_end missing
        {"rule": "in_period_month", "day": 3, "month_from_end": 0, "month": 12},  # a field of another rule
        {"rule": "fixed", "day": 10},
        {"rule": "after_end", "days": 5, "day": 1},
        {"rule": "fixed", "day": 32, "month": 12},
        {"rule": "fixed", "day": 1, "month": 13},
    ],
)
def test_deadline_rules_take_exactly_their_fields(fields):
    with pytest.raises(ValueError):
        rule(**fields)


@given(
    year=st.integers(2000, 2100),
    spec=st.sampled_from(["", "S1", "S2", "Q1", "Q2", "Q3", "Q4"]),
    day=st.integers(1, 31),
    back=st.integers(0, 11),
)
def test_in_period_month_deadline_falls_in_the_chosen_month(year, spec, day, back):
    period = Period.parse(f"{year}{spec}")
    months = period.last_months()
    back %= len(months)
    due = due_before(period, rule(rule="in_period_month", day=day, month_from_end=back))
    assert (due.year, due.month) == months[back]
    assert period.contains(due)
    assert due.day == day or (due + dt.timedelta(days=1)).month != due.month  # clamped only to the month's end


# --- task deadlines -------------------------------------------------------------------------------


def test_task_deadline_due_dates():
    assert TaskDeadline(kind=DeadlineKind.MONTH, month="2023-12").due_date() == dt.date(2023, 12, 31)
    assert TaskDeadline(kind=DeadlineKind.MONTH, month="2023-10").due_date() == dt.date(2023, 10, 31)
    assert TaskDeadline(kind=DeadlineKind.MONTH, month="2024-02").due_date() == dt.date(2024, 2, 29)
    assert TaskDeadline(kind=DeadlineKind.DATE, date=dt.date(2024, 12, 14)).due_date() == dt.date(2024, 12, 14)
    yearly = TaskDeadline(kind=DeadlineKind.YEARLY)
    assert yearly.due_date(Period.parse("2023Q2").end) == dt.date(2023, 12, 31)
    assert yearly.due_date() is None
    for kind in (DeadlineKind.ROADMAP, DeadlineKind.ONGOING, DeadlineKind.NONE):
        assert TaskDeadline(kind=kind).due_date(dt.date(2023, 12, 31)) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "month"},
        {"kind": "month", "month": "2023-13"},
        {"kind": "month", "month": "12/2023"},
        {"kind": "date"},
        {"kind": "yearly", "month": "2023-12"},
        {"kind": "roadmap", "date": "2023-12-31"},
    ],
)
def test_task_deadline_shapes_are_checked(fields):
    with pytest.raises(ValueError):
        TaskDeadline.model_validate(fields)


# --- a plan's schedule --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> PlanCatalog:
    return PlanCatalog.builtin()


def test_plan_periods_cover_the_plan_years_in_date_order(catalog):
    plan = catalog.get("dak-rlap-2023")
    periods = plan_periods(plan)
    assert [s.period.id for s in periods] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2023"]
    assert [s.due_before for s in periods] == [
        dt.date(2023, 3, 3), dt.date(2023, 6, 3), dt.date(2023, 9, 3), dt.date(2023, 12, 3), dt.date(2023, 12, 10)
    ]
    assert periods[-1].rule.text.vi == "trước ngày 10/12"


def test_scheduled_period_finds_the_plans_periods_only(catalog):
    ninh_thuan = catalog.get("ninh-thuan-2024")
    assert scheduled_period(ninh_thuan, "2024s1").due_before == dt.date(2024, 6, 15)
    assert scheduled_period(ninh_thuan, "2024").due_before == dt.date(2024, 12, 15)
    for missing in ("2024Q1", "2023", "2025S1"):
        with pytest.raises(InputError) as caught:
            scheduled_period(ninh_thuan, missing)
        assert caught.value.code == "period.not_in_plan"
        assert caught.value.params == {"period": missing.upper(), "plan": "ninh-thuan-2024"}
    with pytest.raises(InputError) as caught:
        scheduled_period(ninh_thuan, "2024S3")
    assert caught.value.code == "period.bad_id"


def test_multi_year_plan_has_one_period_per_year(catalog):
    plan = catalog.get("huong-tra-2022")
    periods = plan_periods(plan)
    assert [s.period.id for s in periods] == [str(y) for y in range(2022, 2031)]
    assert all(s.due_before == dt.date(s.period.year, 12, 1) for s in periods)
