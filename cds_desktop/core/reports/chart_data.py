"""What the office's indicator charts show, as plain values both the screen (QPainter) and the PDF (reportlab)
draw from: no drawing here, no database.

For one indicator of one period (``IndicatorChartData``):

- ``bars``: the communes with a valid number, highest first (ties by commune code), each with its judgement
  against the commune-level target (the bar's colour);
- ``bins``: the distribution of those numbers (``histogram``): for a ratio, bins of 10 percentage points from 0
  to 100 (further when a value passes 100), the last one also holding its ``high`` (100 % is in 90–100 %); for a
  count, bins of a round width from 0, each holding ``low ≤ value < high``;
- ``office_trend`` / ``commune_trend``: the indicator over the plan's periods of the period's kind, for the whole
  office (Σ numerators ÷ Σ denominators for a ratio) and for one chosen commune.

``value_axis`` gives the round scale a chart's value axis runs on; ``target_marks`` the lines and band a target
draws (one line for ≥, >, ≤, <, =; a band from low to high for a range such as 55–60 %); ``value_text`` and
``period_lines`` how values and periods read on the axes (``75,5%``; "Quý 1" over "năm 2025").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.numbers import format_number, format_percent
from cds_desktop.core.plans.model import Comparator, IndicatorKind, Target
from cds_desktop.core.presentation import period_name

RATIO_BIN_WIDTH = Decimal(10)
MAX_COUNT_BINS = 10
SHORT_PERIOD = 9  # a period name this long stays on one line ("Năm 2025")
CHARTED_KINDS = (IndicatorKind.RATIO, IndicatorKind.COUNT)  # yes/no and text answers have no scale to draw


@dataclass(frozen=True)
class ChartBar:
    commune_code: str
    commune_name: str
    value: Decimal
    status: TargetStatus | None = None


@dataclass(frozen=True)
class HistogramBin:
    low: Decimal
    high: Decimal
    count: int


@dataclass(frozen=True)
class TrendValue:
    period_id: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status: TargetStatus | None = None  # a commune's judgement; None for the office
    met: int | None = None  # the office: communes meeting the target, out of ``expected``
    expected: int | None = None


@dataclass(frozen=True)
class IndicatorChartData:
    code: str
    name: str
    kind: IndicatorKind
    target: Target | None  # at the commune level
    period_id: str
    bars: tuple[ChartBar, ...]
    bins: tuple[HistogramBin, ...]
    office_trend: tuple[TrendValue, ...] = ()
    commune_trend: tuple[TrendValue, ...] = ()
    commune_code: str | None = None
    commune_name: str | None = None
    expected: int = 0  # the office's communes: ``bars`` may hold fewer (nothing received, no valid number)

    @property
    def is_percent(self) -> bool:
        return self.kind is IndicatorKind.RATIO


def sorted_bars(bars: Iterable[ChartBar]) -> tuple[ChartBar, ...]:
    """Highest value first; equal values by commune code."""
    return tuple(sorted(bars, key=lambda bar: (-bar.value, bar.commune_code)))


def nice_step(span: Decimal, most: int) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 × 10ⁿ, at least 1) that cuts ``span`` into at most ``most`` parts."""
    if span <= 0:
        return Decimal(1)
    exponent = max(0, math.floor(math.log10(float(span) / most)))
    for power in (exponent, exponent + 1):
        for factor in ("1", "2", "2.5", "5"):
            step = Decimal(factor) * Decimal(10) ** power
            if step >= 1 and span / step <= most:
                return step
    return Decimal(10) ** (exponent + 2)


def round_up(value: Decimal, step: Decimal) -> Decimal:
    """The smallest multiple of ``step`` at or above ``value``."""
    return (value / step).to_integral_value(rounding="ROUND_CEILING") * step


def histogram(values: Sequence[Decimal], kind: IndicatorKind) -> tuple[HistogramBin, ...]:
    """The distribution of ``values`` (see the module's docstring); no bins without values."""
    if not values:
        return ()
    largest = max(values)
    if kind is IndicatorKind.RATIO:
        width = RATIO_BIN_WIDTH
        top = max(Decimal(100), round_up(largest, width))
    else:
        width = nice_step(largest, MAX_COUNT_BINS)
        top = (largest / width).to_integral_value(rounding="ROUND_FLOOR") * width + width
    edges = int(top / width)
    counts = [0] * edges
    for value in values:
        index = min(int(value / width), edges - 1) if value > 0 else 0
        counts[index] += 1
    return tuple(HistogramBin(width * index, width * (index + 1), count) for index, count in enumerate(counts))


def target_marks(target: Target | None) -> tuple[tuple[Decimal, ...], tuple[Decimal, Decimal] | None]:
    """(values of the target's lines, the band (low, high) of a range target or None)."""
    if target is None:
        return (), None
    if target.comparator is Comparator.RANGE:
        return (target.low, target.high), (target.low, target.high)
    return (target.value,), None


def value_axis(values: Iterable[Decimal], kind: IndicatorKind, target: Target | None,
               ticks: int = 5) -> tuple[Decimal, Decimal]:
    """(the axis's top, its tick step): from 0 to a round value above every value and the target's; a ratio's
    axis reaches at least 100 %."""
    lines, _ = target_marks(target)
    largest = max([*values, *lines, Decimal(0)])
    if kind is IndicatorKind.RATIO:
        largest = max(largest, Decimal(100))
    step = nice_step(largest, ticks)
    return max(round_up(largest, step), step), step


def value_text(value: Decimal, kind: IndicatorKind, language: str) -> str:
    """A value as a chart labels it: ``75,5%`` for a ratio, ``1.234`` for a count."""
    return format_percent(value, language) if kind is IndicatorKind.RATIO else format_number(value, language)


def period_lines(period_id: str, language: str) -> tuple[str, ...]:
    """A period's name on at most two lines under a chart's axis: ("Quý 1", "năm 2025"), ("Q1", "2025")."""
    text = period_name(period_id, language)
    if len(text) <= SHORT_PERIOD:
        return (text,)
    if " năm " in text:
        first, rest = text.split(" năm ", 1)
        return first, "năm " + rest
    first, _, rest = text.rpartition(" ")
    return (first, rest) if first else (text,)
