"""The consolidated office report's charts per indicator, drawn with reportlab graphics (vector, embedded fonts)
from ``chart_data.IndicatorChartData`` — the same three charts the results screen draws:

- the communes sorted by value (highest first, green met / orange not met), the target as a blue line or, for a
  range target, a band between two lines; the highest and the lowest commune named under the ends;
- the distribution: communes per range of values, the target marked where it falls;
- the trend: the office's figure over the plan's periods of the report's kind, the target line behind.

``indicator_charts_block`` lays one indicator's charts out (the sorted bars across the page, the distribution
and the trend side by side under it) with a small title and captions, kept together on a page.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from cds_desktop.core.formatting import describe_target
from cds_desktop.core.i18n import translate
from cds_desktop.core.reports.blocks import body_text, caption
from cds_desktop.core.reports.chart_data import (
    IndicatorChartData,
    nice_step,
    period_lines,
    round_up,
    target_marks,
    value_axis,
    value_text,
)
from cds_desktop.core.reports.fonts import REGULAR

MET = colors.Color(0.18, 0.49, 0.27)
NOT_MET = colors.Color(0.88, 0.48, 0.22)
PLAIN = colors.Color(0.44, 0.53, 0.65)
TARGET = colors.Color(0.12, 0.31, 0.75)
BAND = colors.Color(0.12, 0.31, 0.75, alpha=0.15)
OFFICE = colors.Color(0.11, 0.17, 0.31)
GRID = colors.Color(0.85, 0.86, 0.88)
TEXT = colors.Color(0.13, 0.13, 0.13)
LABEL_BACKDROP = colors.Color(1, 1, 1, alpha=0.85)  # a label stays readable over the bars
_BAR_COLOURS = {"met": MET, "not_met": NOT_MET}
_FONT_SIZE = 8
_LEFT, _RIGHT, _TOP = 38, 14, 14
_SORTED_HEIGHT, _SMALL_HEIGHT = 125, 115
_GUTTER = 10  # between the distribution and the trend


def _text(x: float, y: float, text: str, anchor: str = "start", colour=TEXT) -> String:
    return String(x, y, text, fontName=REGULAR, fontSize=_FONT_SIZE, fillColor=colour, textAnchor=anchor)


def _fit(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to ``width`` points."""
    if stringWidth(text, REGULAR, _FONT_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", REGULAR, _FONT_SIZE) > width:
        text = text[:-1]
    return text + "…"


class _Plot:
    """A plot area in a drawing, with its value scale from 0 to ``top``."""

    def __init__(self, drawing: Drawing, bottom: float, top: Decimal, step: Decimal, label) -> None:
        self.drawing, self.top, self.step, self.label = drawing, top, step, label
        self.x, self.y = _LEFT, bottom
        self.width = drawing.width - _LEFT - _RIGHT
        self.height = drawing.height - bottom - _TOP

    def y_of(self, value: Decimal) -> float:
        return self.y + float(value / self.top) * self.height

    def axis(self) -> None:
        tick = Decimal(0)
        while tick <= self.top:
            y = self.y_of(tick)
            self.drawing.add(Line(self.x, y, self.x + self.width, y, strokeColor=GRID, strokeWidth=0.4))
            self.drawing.add(_text(self.x - 3, y - 3, self.label(tick), "end"))
            tick += self.step
        self.drawing.add(Line(self.x, self.y, self.x, self.y + self.height, strokeColor=TEXT, strokeWidth=0.5))

    def target_lines(self, data: IndicatorChartData, language: str, label_at_right: bool = True) -> None:
        lines, band = target_marks(data.target)
        if not lines:
            return
        if band is not None:
            self.drawing.add(Rect(self.x, self.y_of(band[0]), self.width, self.y_of(band[1]) - self.y_of(band[0]),
                                  fillColor=BAND, strokeColor=None))
        for value in lines:
            y = self.y_of(value)
            self.drawing.add(Line(self.x, y, self.x + self.width, y, strokeColor=TARGET, strokeWidth=1.2))
        text = translate("report.chart.target", language, target=describe_target(data.target, data.kind, language))
        y = min(self.y_of(max(lines)) + 3, self.y + self.height + 2)
        width = stringWidth(text, REGULAR, _FONT_SIZE) + 4
        left = self.x + self.width - width if label_at_right else self.x
        self.drawing.add(Rect(left, y - 1, width, _FONT_SIZE + 1, fillColor=LABEL_BACKDROP, strokeColor=None))
        self.drawing.add(_text(left + 2, y, text, "start", TARGET))


def sorted_drawing(data: IndicatorChartData, width: float, language: str) -> Drawing:
    drawing = Drawing(width, _SORTED_HEIGHT)
    top, step = value_axis([bar.value for bar in data.bars], data.kind, data.target)
    plot = _Plot(drawing, 16, top, step, lambda value: value_text(value, data.kind, language))
    plot.axis()
    if not data.bars:
        drawing.add(_text(plot.x + plot.width / 2, plot.y + plot.height / 2,
                          translate("report.chart.no_values", language), "middle"))
        return drawing
    slot = plot.width / len(data.bars)
    gap = 0.6 if slot >= 3 else 0
    for index, bar in enumerate(data.bars):
        drawing.add(Rect(plot.x + index * slot, plot.y, max(0.2, slot - gap), plot.y_of(bar.value) - plot.y,
                         fillColor=_BAR_COLOURS.get(bar.status, PLAIN), strokeColor=None))
    plot.target_lines(data, language)
    half = plot.width / 2 - 6
    first, last = data.bars[0], data.bars[-1]
    drawing.add(_text(plot.x, 4, _fit(f"{first.commune_name}: {value_text(first.value, data.kind, language)}",
                                      half)))
    if len(data.bars) > 1:
        drawing.add(_text(plot.x + plot.width, 4, _fit(
            f"{last.commune_name}: {value_text(last.value, data.kind, language)}", half), "end"))
    return drawing


def histogram_drawing(data: IndicatorChartData, width: float, language: str) -> Drawing:
    drawing = Drawing(width, _SMALL_HEIGHT)
    largest = Decimal(max((item.count for item in data.bins), default=1))
    step = max(Decimal(1), nice_step(largest, 4))
    plot = _Plot(drawing, 16, max(step, round_up(largest, step)), step, lambda value: str(int(value)))
    plot.axis()
    if not data.bins:
        return drawing
    low, high = data.bins[0].low, data.bins[-1].high

    def x_of(value: Decimal) -> float:
        return plot.x + float((value - low) / (high - low)) * plot.width

    lines, band = target_marks(data.target)
    if band is not None:
        drawing.add(Rect(x_of(band[0]), plot.y, x_of(band[1]) - x_of(band[0]), plot.height, fillColor=BAND,
                         strokeColor=None))
    for item in data.bins:
        if item.count:
            left, right = x_of(item.low), x_of(item.high)
            drawing.add(Rect(left + 0.5, plot.y, right - left - 1, plot.y_of(Decimal(item.count)) - plot.y,
                             fillColor=PLAIN, strokeColor=None))
            drawing.add(_text((left + right) / 2, plot.y_of(Decimal(item.count)) + 2, str(item.count), "middle"))
    edges = [low, *(item.high for item in data.bins)]
    widest = max(stringWidth(value_text(edge, data.kind, language), REGULAR, _FONT_SIZE) for edge in edges)
    every = int((widest + 4) / (plot.width / len(data.bins))) + 1
    for index, edge in enumerate(edges):
        if index % every == 0:
            drawing.add(_text(x_of(edge), 5, value_text(edge, data.kind, language), "middle"))
    for value in lines:
        x = x_of(min(max(value, low), high))
        drawing.add(Line(x, plot.y, x, plot.y + plot.height, strokeColor=TARGET, strokeWidth=1.2))
    return drawing


def trend_drawing(data: IndicatorChartData, width: float, language: str) -> Drawing:
    drawing = Drawing(width, _SMALL_HEIGHT)
    values = [point.value for point in data.office_trend if point.value is not None]
    top, step = value_axis(values, data.kind, data.target)
    plot = _Plot(drawing, 24, top, step, lambda value: value_text(value, data.kind, language))
    plot.axis()
    plot.target_lines(data, language, label_at_right=False)
    points = data.office_trend
    slot = plot.width / max(1, len(points))
    widest = max((stringWidth(line, REGULAR, _FONT_SIZE) for point in points
                  for line in period_lines(point.period_id, language)), default=1)
    every = int((widest + 4) / slot) + 1
    run: list[float] = []
    for index, point in enumerate(points):
        x = plot.x + (index + 0.5) * slot
        if index % every == 0:
            for row, line in enumerate(period_lines(point.period_id, language)):
                drawing.add(_text(x, 14 - row * 9, line, "middle"))
        if point.value is None:
            if len(run) > 2:
                drawing.add(PolyLine(run, strokeColor=OFFICE, strokeWidth=1.4))
            run = []
            continue
        y = plot.y_of(point.value)
        run += [x, y]
        drawing.add(Circle(x, y, 2.2, fillColor=OFFICE, strokeColor=None))
    if len(run) > 2:
        drawing.add(PolyLine(run, strokeColor=OFFICE, strokeWidth=1.4))
    return drawing


def indicator_charts_block(data: IndicatorChartData, number: int, width: float, language: str) -> Flowable:
    """One indicator's three charts with their title and captions, kept on one page."""
    small = (width - _GUTTER) / 2
    pair = Table([[histogram_drawing(data, small, language), trend_drawing(data, small, language)],
                  [caption(translate("report.chart.histogram_caption", language)),
                   caption(translate("report.chart.trend_caption", language))]],
                 colWidths=[small + _GUTTER / 2, small + _GUTTER / 2])
    pair.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([
        Spacer(1, 6),
        body_text(translate("report.office.charts_heading", language, number=number, name=data.name)),
        sorted_drawing(data, width, language),
        caption(translate("report.chart.sorted_caption", language, shown=len(data.bars), expected=data.expected)),
        Spacer(1, 4),
        pair,
    ])
