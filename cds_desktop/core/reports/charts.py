"""Charts drawn with reportlab graphics (vector, embedded fonts): how many communes meet each indicator's target.

A stacked bar per indicator, numbered as in the indicator table: communes meeting the target, below it, and
without valid data (no answer, or an answer with an error). Communes whose answer cannot be judged (no target) are left out of the bars; the table counts them.
Colours differ in lightness too, so the chart still reads on a black-and-white printout.
"""

from __future__ import annotations

from typing import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from cds_desktop.core.i18n import translate
from cds_desktop.core.presentation import target_status_name
from cds_desktop.core.reports.data import IndicatorSummaryRow
from cds_desktop.core.reports.fonts import REGULAR

_SERIES = (  # (the legend label in a language, colour, count of communes)
    (lambda language: target_status_name("met", language), colors.Color(0.18, 0.45, 0.27), lambda row: row.met),
    (lambda language: target_status_name("not_met", language), colors.Color(0.85, 0.42, 0.30),
     lambda row: row.not_met),
    (lambda language: translate("report.column.no_data", language), colors.Color(0.85, 0.85, 0.85),
     lambda row: row.without_valid_data),
)
_FONT_SIZE = 9
_CHART_HEIGHT = 170
_LEGEND_HEIGHT = 24
_AXIS_ROOM = 30  # left of the plot, for the value axis labels


def _value_step(largest: int) -> int:
    """A round tick step giving at most about 8 ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if largest / step <= 8:
            return step
    return max(1, largest // 8)


def target_results_chart(rows: Sequence[IndicatorSummaryRow], width: float, language: str) -> Drawing:
    """Stacked bars of communes met / not met / no data for each indicator (1, 2, … as in the table)."""
    drawing = Drawing(width, _CHART_HEIGHT + _LEGEND_HEIGHT, initialFontName=REGULAR, initialFontSize=_FONT_SIZE)
    chart = VerticalBarChart()
    chart.x, chart.y = _AXIS_ROOM, _LEGEND_HEIGHT + 18
    chart.width, chart.height = width - _AXIS_ROOM - 4, _CHART_HEIGHT - 26
    chart.data = [[count(row) for row in rows] for _, _, count in _SERIES]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [str(number) for number in range(1, len(rows) + 1)]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = _FONT_SIZE
    chart.categoryAxis.labels.dy = -2
    largest = max((sum(count(row) for _, _, count in _SERIES) for row in rows), default=1) or 1
    step = _value_step(largest)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = -(-largest // step) * step
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = _FONT_SIZE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.Color(0.8, 0.8, 0.8)
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.barSpacing = 0
    chart.groupSpacing = 4
    for index, (_, colour, _) in enumerate(_SERIES):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = colors.black
        chart.bars[index].strokeWidth = 0.3
    drawing.add(chart)

    legend = Legend()
    legend.x, legend.y = width / 2, 6
    legend.alignment = "right"
    legend.boxAnchor = "c"
    legend.columnMaximum = 1
    legend.fontName = REGULAR
    legend.fontSize = _FONT_SIZE + 1
    legend.dx = legend.dy = 8
    legend.variColumn = True  # each entry as wide as its own label
    legend.autoXPadding = 24
    legend.colorNamePairs = [(colour, label(language)) for label, colour, _ in _SERIES]
    drawing.add(legend)
    return drawing
