"""The office's indicator charts as data (Qt-free): built from the results read models (``results.Results``:
``period_results`` and ``indicator_trend``) into ``reports.chart_data.IndicatorChartData``, which the results
screen and the consolidated PDF draw.

A commune's bar is its valid numeric answer (met, not met or without a target: an answer with an error, a blank
or a report not received draws nothing). The trend runs over the plan's periods of the chosen period's kind
(quarters with a quarter, years with a year): the office's figure (Σ numerators ÷ Σ denominators of a ratio, the
sum of a count) and, when asked, one commune's own value.
"""

from __future__ import annotations

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.errors import InputError
from cds_desktop.core.plans.model import Indicator, Level
from cds_desktop.core.plans.schedule import scheduled_period
from cds_desktop.core.reports.chart_data import (
    CHARTED_KINDS,
    ChartBar,
    IndicatorChartData,
    TrendValue,
    histogram,
    sorted_bars,
)
from cds_desktop.core.services.office.results import PeriodResults, TrendPoint

# The judgements whose number is drawn, as the office's summary adds them up (``results.summarize``).
DRAWN = (TargetStatus.MET, TargetStatus.NOT_MET, TargetStatus.NOT_APPLICABLE)


def charted(indicator: Indicator) -> bool:
    """Whether the indicator's answers are numbers on a scale (a ratio or a count)."""
    return indicator.kind in CHARTED_KINDS


def _trend(points: list[TrendPoint]) -> tuple[TrendValue, ...]:
    return tuple(TrendValue(point.period_id, point.result, point.numerator, point.denominator, point.status,
                            point.met, point.expected) for point in points)


def indicator_chart(service, results: PeriodResults, indicator_code: str, language: str,
                    commune_code: str | None = None, with_trend: bool = True) -> IndicatorChartData:
    """The charts of ``indicator_code`` for the period of ``results`` (read by ``service.period_results``);
    ``commune_code`` adds that commune's trend. ``InputError`` (``results.unknown_indicator``) for an indicator
    the results do not have; ``results.unknown_commune`` for a commune not on the office's list."""
    column = next((index for index, indicator in enumerate(results.indicators) if indicator.code == indicator_code),
                  None)
    if column is None:
        raise InputError("results.unknown_indicator", indicator=indicator_code, plan=results.plan_id)
    indicator = results.indicators[column]
    width = len(results.indicators)
    names = {commune.code: commune.name for commune in results.communes}
    bars = sorted_bars(ChartBar(cell.commune_code, names[cell.commune_code], cell.result, cell.status)
                       for cell in results.cells[column::width] if cell.status in DRAWN and cell.result is not None)
    office_trend = commune_trend = ()
    if with_trend:
        kind = scheduled_period(service.catalog.get(results.plan_id), results.period_id).period.kind
        office_trend = _trend(service.indicator_trend(results.plan_id, indicator.code, None, kind))
        if commune_code is not None:
            commune_trend = _trend(service.indicator_trend(results.plan_id, indicator.code, commune_code, kind))
    return IndicatorChartData(
        code=indicator.code, name=indicator.name.get(language), kind=indicator.kind,
        target=indicator.target_for(Level.COMMUNE), period_id=results.period_id, bars=bars,
        bins=histogram([bar.value for bar in bars], indicator.kind), office_trend=office_trend,
        commune_trend=commune_trend, commune_code=commune_code,
        commune_name=names.get(commune_code) if commune_code else None, expected=len(results.communes))


def period_charts(service, plan_id: str, period_id: str, language: str,
                  results: PeriodResults | None = None) -> tuple[IndicatorChartData, ...]:
    """The charts of every charted indicator of the period (the consolidated report draws them all)."""
    if results is None:
        results = service.period_results(plan_id, period_id)
    return tuple(indicator_chart(service, results, indicator.code, language)
                 for indicator in results.indicators if charted(indicator))
