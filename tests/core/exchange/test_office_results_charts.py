"""The indicator charts' data (``services/office/results_charts.py``) over the office of ``results_support``
(real bundles, really imported), checked against the table in that module's docstring worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.errors import InputError
from cds_desktop.core.services.office.results_charts import indicator_chart, period_charts
from tests.core.exchange.results_support import P, Q3, Q4, open_results_office


@pytest.fixture
def office(tmp_path, mini_plan, clock, office_storage):
    """A copy of the results office (``results_support``), on SQLite and on PostgreSQL."""
    service = open_results_office(tmp_path / "office", mini_plan, clock, office_storage)
    yield service
    service.close()


def test_communes_sorted_by_value_with_their_judgement_and_the_target(office):
    chart = indicator_chart(office, office.period_results(P, Q4), "1a", "vi", "24751")
    # 1a in 2023Q4: 90/100, 150/200, 85/100, nothing from 24754, 80/100, 5/100
    assert [(bar.commune_code, bar.value, bar.status) for bar in chart.bars] == [
        ("24751", D(90), TargetStatus.MET), ("24753", D(85), TargetStatus.MET), ("24755", D(80), TargetStatus.MET),
        ("24752", D(75), TargetStatus.NOT_MET), ("24756", D(5), TargetStatus.NOT_MET)]
    assert chart.expected == 6 and chart.name == "Tỷ lệ dân số có điện thoại thông minh"
    assert chart.target.value == D(80)
    assert [(int(b.low), b.count) for b in chart.bins if b.count] == [(0, 1), (70, 1), (80, 2), (90, 1)]


def test_the_trend_is_the_office_sum_of_numerators_over_denominators_and_the_communes_own(office):
    chart = indicator_chart(office, office.period_results(P, Q4), "1a", "vi", "24751")
    office_points = {point.period_id: point for point in chart.office_trend}
    assert [point.period_id for point in chart.office_trend] == [
        "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4"]  # quarters only
    # Q3: 60+70+85+80+5 = 300 over 500; Q4: 90+150+85+80+5 = 410 over 600
    assert (office_points[Q3].numerator, office_points[Q3].denominator, office_points[Q3].value) == (
        D(300), D(500), D(60))
    assert (office_points[Q4].numerator, office_points[Q4].denominator, office_points[Q4].value) == (
        D(410), D(600), D("68.33"))
    assert office_points["2023Q1"].value is None
    commune = {point.period_id: point for point in chart.commune_trend}
    assert (commune[Q3].value, commune[Q3].status) == (D(60), TargetStatus.NOT_MET)
    assert (commune[Q4].value, commune[Q4].status) == (D(90), TargetStatus.MET)
    assert chart.commune_name == "Xã Nhân Cơ"


def test_a_range_target_and_what_is_left_out(office):
    chart = indicator_chart(office, office.period_results(P, Q4), "1b", "en")
    # 1b: 58/100, 50/100, 61/100, 57 given as a rate, 120/100 (an answer with an error: not drawn)
    assert [(bar.commune_code, bar.value) for bar in chart.bars] == [
        ("24753", D(61)), ("24751", D(58)), ("24755", D(57)), ("24752", D(50))]
    assert (chart.target.low, chart.target.high) == (D(55), D(60))
    assert chart.name == "Share of people with a bank account" and chart.commune_trend == ()
    level_specific = indicator_chart(office, office.period_results(P, Q4), "1c", "vi", with_trend=False)
    assert level_specific.target.value == D(50)  # the commune level's ≥ 50, not the plan's general 100


def test_the_report_charts_every_ratio_and_count_but_no_yes_no_or_text(office):
    assert [chart.code for chart in period_charts(office, P, Q4, "vi")] == ["1a", "1b", "1c", "2a", "2d"]


def test_an_unknown_indicator_or_commune_is_an_input_error(office):
    results = office.period_results(P, Q4)
    with pytest.raises(InputError) as raised:
        indicator_chart(office, results, "9z", "vi")
    assert raised.value.code == "results.unknown_indicator"
    with pytest.raises(InputError) as raised:
        indicator_chart(office, results, "1a", "vi", "99999")
    assert raised.value.code == "results.unknown_commune"
