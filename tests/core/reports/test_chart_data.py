"""The chart data's pure parts (``core/reports/chart_data.py``) against values worked out by hand: the order of the
sorted bars, the histogram's bins, the value axis, the target's marks and how periods read under an axis."""

from __future__ import annotations

from decimal import Decimal as D

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.plans.model import Comparator, IndicatorKind, Target
from cds_desktop.core.reports.chart_data import (
    ChartBar,
    histogram,
    nice_step,
    period_lines,
    sorted_bars,
    target_marks,
    value_axis,
    value_text,
)


def _counts(bins) -> list[tuple[int, int, int]]:
    return [(int(item.low), int(item.high), item.count) for item in bins]


def test_bars_go_from_the_highest_value_down_equal_values_by_code():
    bars = sorted_bars([ChartBar("03", "C", D("75")), ChartBar("02", "B", D("90"), TargetStatus.MET),
                        ChartBar("01", "A", D("75")), ChartBar("04", "D", D("5"))])
    assert [bar.commune_code for bar in bars] == ["02", "01", "03", "04"]


def test_ratio_bins_are_ten_points_wide_from_0_to_100_and_100_falls_in_the_last():
    bins = histogram([D("90"), D("75"), D("85"), D("80"), D("5"), D("100"), D("0")], IndicatorKind.RATIO)
    assert _counts(bins) == [(0, 10, 2), (10, 20, 0), (20, 30, 0), (30, 40, 0), (40, 50, 0), (50, 60, 0),
                             (60, 70, 0), (70, 80, 1), (80, 90, 2), (90, 100, 2)]


def test_a_ratio_above_100_widens_the_bins_past_100():
    bins = histogram([D("58"), D("120")], IndicatorKind.RATIO)
    assert _counts(bins) == [*[(low, low + 10, 0) for low in range(0, 50, 10)], (50, 60, 1),
                             *[(low, low + 10, 0) for low in range(60, 110, 10)], (110, 120, 1)]


def test_count_bins_have_a_round_width_and_hold_low_up_to_below_high():
    assert _counts(histogram([D(3), D(6), D(2), D(5), D(0)], IndicatorKind.COUNT)) == [
        (0, 1, 1), (1, 2, 0), (2, 3, 1), (3, 4, 1), (4, 5, 0), (5, 6, 1), (6, 7, 1)]
    assert _counts(histogram([D(1500), D(30), D(200)], IndicatorKind.COUNT)) == [
        (0, 200, 1), (200, 400, 1), *[(low, low + 200, 0) for low in range(400, 1400, 200)], (1400, 1600, 1)]
    assert histogram([], IndicatorKind.COUNT) == ()


def test_round_steps_and_the_value_axis():
    assert [nice_step(D(value), 5) for value in (100, 6, 3321, 1)] == [D(20), D(2), D(1000), D(1)]
    assert value_axis([D("68.3")], IndicatorKind.RATIO, None) == (D(100), D(20))  # a ratio reaches 100 %
    assert value_axis([D("120")], IndicatorKind.RATIO, None) == (D(125), D(25))
    ge_8 = Target(comparator=Comparator.GE, value=D(8))
    assert value_axis([D(3), D(6)], IndicatorKind.COUNT, ge_8) == (D(8), D(2))  # the target's line fits


def test_target_marks_a_line_or_a_band():
    assert target_marks(Target(comparator=Comparator.GE, value=D(80))) == ((D(80),), None)
    assert target_marks(Target(comparator=Comparator.RANGE, low=D(55), high=D(60))) == ((D(55), D(60)),
                                                                                         (D(55), D(60)))
    assert target_marks(None) == ((), None)


def test_values_and_periods_as_the_axes_read_them():
    assert value_text(D("75.5"), IndicatorKind.RATIO, "vi") == "75,5%"
    assert value_text(D("1234"), IndicatorKind.COUNT, "vi") == "1.234"
    assert period_lines("2025Q1", "vi") == ("Quý 1", "năm 2025")
    assert period_lines("2025", "vi") == ("Năm 2025",)
    assert period_lines("2025S1", "vi") == ("6 tháng đầu", "năm 2025")
    assert period_lines("2025Q1", "en") == ("Q1 2025",)
