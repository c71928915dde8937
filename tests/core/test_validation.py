"""The rule engine: field rules, every comparator, per-level targets, completeness and tasks."""

import datetime as dt
from decimal import Decimal

import pytest

from cds_desktop.core.domain import IndicatorEntry, PeriodEntries, TargetStatus, TaskEntry, TaskStatus
from cds_desktop.core.plans.model import Comparator, Level, Target
from cds_desktop.core.validation import Severity, check_indicator, check_task, evaluate_target, indicator_result, validate_period


def T(comparator, value=None, low=None, high=None):
    return Target(comparator=comparator, value=value, low=low, high=high)


@pytest.mark.parametrize(
    ("target", "value", "expected"),
    [
        (T(Comparator.GE, 80), "80", TargetStatus.MET),
        (T(Comparator.GE, 80), "79.99", TargetStatus.NOT_MET),
        (T(Comparator.GT, 90), "90", TargetStatus.NOT_MET),
        (T(Comparator.GT, 90), "90.01", TargetStatus.MET),
        (T(Comparator.LE, 5), "5", TargetStatus.MET),
        (T(Comparator.LE, 5), "6", TargetStatus.NOT_MET),
        (T(Comparator.LT, 20), "19.9", TargetStatus.MET),
        (T(Comparator.LT, 20), "20", TargetStatus.NOT_MET),
        (T(Comparator.EQ, 100), "100", TargetStatus.MET),
        (T(Comparator.EQ, 100), "99.99", TargetStatus.NOT_MET),
        (T(Comparator.RANGE, low=55, high=60), "57", TargetStatus.MET),
        (T(Comparator.RANGE, low=55, high=60), "55", TargetStatus.MET),
        (T(Comparator.RANGE, low=55, high=60), "72", TargetStatus.MET),  # exceeding the band is not a failure
        (T(Comparator.RANGE, low=55, high=60), "54.9", TargetStatus.NOT_MET),
        (T(Comparator.GE, 80), None, TargetStatus.NO_DATA),
        (None, "50", TargetStatus.NOT_APPLICABLE),
    ],
)
def test_every_comparator(target, value, expected):
    assert evaluate_target(target, Decimal(value) if value else None) is expected


def test_per_level_targets(mini_plan):
    indicator = mini_plan.indicator("1c")
    entry = IndicatorEntry("1c", numerator="60", denominator="100")
    assert indicator_result(indicator, entry, Level.COMMUNE).status is TargetStatus.MET  # commune: ≥ 50 %
    assert indicator_result(indicator, entry, Level.DISTRICT).status is TargetStatus.NOT_MET  # others: = 100 %
    assert indicator_result(indicator, entry, Level.COMMUNE).result == Decimal("60.00")


def codes(problems):
    return sorted(p.code for p in problems)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"numerator": "80", "denominator": "100"}, []),
        ({"numerator": "abc", "denominator": "100"}, ["value.not_numeric"]),
        ({"numerator": "-1", "denominator": "100"}, ["value.negative"]),
        ({"numerator": "10.5", "denominator": "100"}, ["value.not_whole"]),
        ({"numerator": "120", "denominator": "100"}, ["value.numerator_exceeds"]),
        ({"numerator": "0", "denominator": "0"}, ["value.zero_denominator"]),
        ({"numerator": "10"}, ["value.pair_incomplete"]),
        ({"value": "101"}, ["value.percent_range"]),
        ({"value": "75.5"}, []),
        ({"value": "75", "numerator": "1", "denominator": "2"}, ["value.both_forms"]),
        ({}, ["indicator.missing_needs_comment"]),
        ({"note": "Chưa có số liệu thống kê"}, []),
    ],
)
def test_ratio_field_rules(mini_plan, fields, expected):
    assert codes(check_indicator(mini_plan.indicator("1a"), IndicatorEntry("1a", **fields))) == expected


def test_money_ratio_allows_decimals(mini_plan):
    entry = IndicatorEntry("1d", numerator="1500.5", denominator="20000.25")
    assert check_indicator(mini_plan.indicator("1d"), entry) == []


def test_count_and_yes_no_rules(mini_plan):
    assert codes(check_indicator(mini_plan.indicator("2a"), IndicatorEntry("2a", value="2.5"))) == ["value.not_whole"]
    assert codes(check_indicator(mini_plan.indicator("2b"), IndicatorEntry("2b", value="maybe"))) == ["value.not_yes_no"]
    assert check_indicator(mini_plan.indicator("2b"), IndicatorEntry("2b", value="1")) == []


def test_problems_have_severity_field_and_bilingual_messages(mini_plan):
    (problem,) = check_indicator(mini_plan.indicator("1a"), IndicatorEntry("1a", numerator="120", denominator="100"))
    assert problem.severity is Severity.ERROR and problem.field == "numerator" and problem.item_code == "1a"
    assert problem.message("vi") == "1a: tử số (120) không được lớn hơn mẫu số (100)."
    assert problem.message("en") == "1a: the numerator (120) must not exceed the denominator (100)."


def test_task_rules(mini_plan):
    task = mini_plan.task("T1")  # due 12/2023
    end, before, after = dt.date(2023, 12, 31), dt.date(2023, 11, 1), dt.date(2024, 1, 5)
    assert codes(check_task(task, TaskEntry("T1", TaskStatus.DONE), end, before)) == [
        "task.done_needs_date", "task.done_needs_result", "task.evidence_expected"]
    done = TaskEntry("T1", TaskStatus.DONE, completed_on=dt.date(2023, 10, 2), result="Đạt 82%")
    assert codes(check_task(task, done, end, before)) == ["task.evidence_expected"]
    assert codes(check_task(task, TaskEntry("T1", TaskStatus.IN_PROGRESS), end, after)) == ["task.overdue"]
    assert codes(check_task(task, TaskEntry("T1", TaskStatus.IN_PROGRESS), end, before)) == []
    future = TaskEntry("T1", TaskStatus.DONE, completed_on=dt.date(2024, 2, 1), result="x")
    assert "task.completed_in_future" in codes(check_task(task, future, end, before))
    assert codes(check_task(task, TaskEntry("T1", progress_pct=120), end, before)) == ["task.progress_range"]


def test_yearly_task_is_due_at_the_end_of_the_period_year(mini_plan):
    task = mini_plan.task("T2a")
    late = check_task(task, TaskEntry("T2a"), dt.date(2023, 12, 31), dt.date(2024, 1, 2))
    assert [p.params["due"] for p in late] == ["31/12/2023"]
    assert check_task(mini_plan.task("T2b"), TaskEntry("T2b"), dt.date(2023, 12, 31), dt.date(2030, 1, 1)) == []


def test_validate_period_covers_commune_items_only(mini_plan):
    problems = validate_period(mini_plan, PeriodEntries(), dt.date(2023, 3, 31), dt.date(2023, 4, 1))
    items = {p.item_code for p in problems}
    assert "1d" not in items and "T3" not in items  # not for communes
    assert {"1a", "1b", "1c", "2a", "2b", "2c", "2d"} <= items
    assert all(p.severity is Severity.ERROR for p in problems if p.code == "indicator.missing_needs_comment")


def test_target_not_met_is_a_warning_and_evidence_clears_expectation(mini_plan):
    entries = PeriodEntries(
        indicators={"1a": IndicatorEntry("1a", numerator="50", denominator="100")},
        tasks={"T1": TaskEntry("T1", TaskStatus.DONE, completed_on=dt.date(2023, 3, 1), result="ok")},
        evidence_counts={"T1": 1},
    )
    problems = validate_period(mini_plan, entries, dt.date(2023, 3, 31), dt.date(2023, 4, 1))
    (shortfall,) = [p for p in problems if p.item_code == "1a"]
    assert shortfall.code == "indicator.target_not_met" and shortfall.severity is Severity.WARNING
    assert not [p for p in problems if p.item_code == "T1"]


# --- stored text from an old database or a draft: always a problem, never an exception --------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.mark.parametrize(
    ("stored", "code"),
    [
        ("1e400", "value.exponent"),
        ("NaN", "value.not_numeric"),
        ("Infinity", "value.not_numeric"),
        ("abc", "value.not_numeric"),
        ("9" * 400, "value.too_many_digits"),
        ("0.1234567", "value.too_many_decimals"),
    ],
)
def test_a_stored_value_that_is_not_a_quantity_is_a_problem(mini_plan, stored, code):
    for indicator, entry in (
        ("1a", IndicatorEntry("1a", numerator=stored, denominator="100")),
        ("1a", IndicatorEntry("1a", numerator="5", denominator=stored)),
        ("1b", IndicatorEntry("1b", value=stored)),
        ("2a", IndicatorEntry("2a", value=stored)),
    ):
        problems = check_indicator(mini_plan.indicator(indicator), entry)
        assert code in codes(problems)
        assert all(p.message("vi") and p.message("en") for p in problems)
        outcome = indicator_result(mini_plan.indicator(indicator), entry, Level.COMMUNE)
        assert outcome.status is TargetStatus.INVALID and not outcome.met


@pytest.mark.parametrize(
    ("indicator", "fields"),
    [
        ("1a", {"numerator": "150", "denominator": "100"}),  # 150 %: far above the ≥ 80 % target, and impossible
        ("1b", {"value": "101"}),
        ("1a", {"numerator": "-5", "denominator": "-10"}),  # 50 %, from two negative counts
        ("1c", {"numerator": "60.5", "denominator": "100"}),  # half a record
        ("2a", {"value": "-3"}),  # a count below the ≤ 5 target, but negative
        ("2b", {"value": "2"}),
        ("1a", {"numerator": "80", "denominator": "100", "value": "90"}),
    ],
)
def test_a_value_with_an_error_is_never_met(mini_plan, indicator, fields):
    outcome = indicator_result(mini_plan.indicator(indicator), IndicatorEntry(indicator, **fields), Level.COMMUNE)
    assert any(p.is_error for p in outcome.problems)
    assert outcome.status is TargetStatus.INVALID and not outcome.met


def test_the_outcome_carries_the_problems_and_a_clean_answer_is_judged(mini_plan):
    outcome = indicator_result(mini_plan.indicator("1a"), IndicatorEntry("1a", numerator="85", denominator="100"),
                               Level.COMMUNE)
    assert outcome.problems == () and outcome.status is TargetStatus.MET and outcome.met
    blank = indicator_result(mini_plan.indicator("1a"), IndicatorEntry("1a"), Level.COMMUNE)
    assert blank.status is TargetStatus.NO_DATA and codes(blank.problems) == ["indicator.missing_needs_comment"]
    assert indicator_result(mini_plan.indicator("1a"), None, Level.COMMUNE).status is TargetStatus.NO_DATA


def test_an_invalid_answer_is_not_also_reported_as_a_shortfall(mini_plan):
    entries = PeriodEntries(indicators={"1a": IndicatorEntry("1a", numerator="150", denominator="100")})
    problems = [p for p in validate_period(mini_plan, entries, dt.date(2023, 3, 31), dt.date(2023, 4, 1))
                if p.item_code == "1a"]
    assert codes(problems) == ["value.numerator_exceeds"]


STORED = st.one_of(st.none(), st.text(max_size=25), st.sampled_from(["1e400", "NaN", "-Infinity", "0", "-0", "1E+2"]),
                   st.from_regex(r"-?[0-9]{1,18}(\.[0-9]{1,8})?", fullmatch=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.sampled_from(["1a", "1b", "1c", "2a", "2b", "2c", "2d"]), numerator=STORED, denominator=STORED,
       value=STORED)
def test_any_stored_text_gives_problems_never_an_exception(mini_plan, code, numerator, denominator, value):
    entry = IndicatorEntry(code, numerator=numerator, denominator=denominator, value=value)
    outcome = indicator_result(mini_plan.indicator(code), entry, Level.COMMUNE)
    for problem in outcome.problems:
        assert problem.message("vi") and problem.message("en")
    if any(p.is_error for p in outcome.problems if p.field != "note"):
        assert outcome.status is TargetStatus.INVALID
    validate_period(mini_plan, PeriodEntries(indicators={code: entry}), dt.date(2023, 3, 31), dt.date(2023, 4, 1))
