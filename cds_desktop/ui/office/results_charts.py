"""The results page's three indicator charts, drawn with QPainter from ``IndicatorChartData`` (computed in the
background with the results; painting only places what is given):

- ``SortedBarsChart``: one bar per commune with a value, highest first, green when it meets the commune-level
  target and orange when not; the target as a blue line (a range target as a band between its two lines); the
  highest and lowest communes named at the ends, since with 146 or 3,321 communes a bar is too thin to label;
- ``HistogramChart``: how many communes fall in each bin of values, the target marked where it falls;
- ``TrendChart``: the indicator over the plan's periods, the office's figure as a dark line and one chosen
  commune as an orange one, the target line behind.

Labels are translated; numbers read as the language writes them (``75,5%``); periods as people say them
("Quý 1" over "năm 2025"). Hovering a bar tells which commune it is. QPainter keeps the installed size as it
is (no charting library).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.formatting import describe_target
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.reports.chart_data import (
    IndicatorChartData,
    TrendValue,
    nice_step,
    round_up,
    period_lines,
    target_marks,
    value_axis,
    value_text,
)

MET_COLOUR = QColor("#2e7d46")
NOT_MET_COLOUR = QColor("#e07b39")
PLAIN_COLOUR = QColor("#6f87a6")  # a value without a target to judge it by
TARGET_COLOUR = QColor("#1f4fbf")
BAND_COLOUR = QColor(31, 79, 191, 40)
OFFICE_COLOUR = QColor("#1d2b4f")
COMMUNE_COLOUR = QColor("#e07b39")
GRID_COLOUR = QColor("#dde1e6")
AXIS_COLOUR = QColor("#5b6470")
TEXT_COLOUR = QColor("#222222")
BAR_COLOURS = {TargetStatus.MET: MET_COLOUR, TargetStatus.NOT_MET: NOT_MET_COLOUR}
TARGET_PEN_WIDTH = 2
HEADROOM = Decimal("1.15")  # the histogram's axis reaches this far above its tallest bar


class ChartCanvas(QWidget):
    """A chart's frame: title, value axis on the left with round ticks and a light grid, room for labels below."""

    LEFT, RIGHT, TOP, BOTTOM = 58, 26, 30, 40  # the right margin holds half of the last axis label

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(280, 190)
        self.data: IndicatorChartData | None = None
        self.axis_top, self.axis_step = Decimal(100), Decimal(20)
        self.message = ""

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(520, 260)

    def set_data(self, data: IndicatorChartData | None, message: str = "") -> None:
        """Show ``data``; without data, ``message`` says why the chart is empty."""
        self.data, self.message = data, message
        self._scale()
        self.update()

    def _scale(self) -> None:
        if self.data is not None:
            self.axis_top, self.axis_step = value_axis([bar.value for bar in self.data.bars], self.data.kind,
                                                       self.data.target)

    def plot_rect(self) -> QRectF:
        return QRectF(self.LEFT, self.TOP, max(1, self.width() - self.LEFT - self.RIGHT),
                      max(1, self.height() - self.TOP - self.BOTTOM))

    def y_of(self, value: Decimal) -> float:
        """Where ``value`` sits on the value axis, in the widget's pixels."""
        plot = self.plot_rect()
        return plot.bottom() - float(value / self.axis_top) * plot.height()

    def title(self) -> str:
        return ""

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(TEXT_COLOUR)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRectF(8, 4, self.width() - 16, self.TOP - 8),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title())
        painter.setFont(self.font())
        if self.data is None or not self.has_values():
            painter.drawText(self.plot_rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.message or translate("ui.charts.no_values"))
            painter.end()
            return
        self.draw_value_axis(painter)
        self.draw(painter)
        painter.end()

    def has_values(self) -> bool:
        return bool(self.data.bars)

    def value_label(self, value: Decimal) -> str:
        return value_text(value, self.data.kind, current_language())

    def draw_value_axis(self, painter: QPainter) -> None:
        plot = self.plot_rect()
        metrics = QFontMetrics(painter.font())
        tick = Decimal(0)
        while tick <= self.axis_top:
            y = self.y_of(tick)
            painter.setPen(GRID_COLOUR)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS_COLOUR)
            label = self.value_label(tick)
            painter.drawText(QRectF(0, y - metrics.height() / 2, self.LEFT - 6, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            tick += self.axis_step
        painter.setPen(AXIS_COLOUR)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())

    def draw_target(self, painter: QPainter, label_at_right: bool = True) -> None:
        """The target's band (a range) and lines across the plot, labelled "Mục tiêu ≥ 80%"."""
        lines, band = target_marks(self.data.target)
        if not lines:
            return
        plot = self.plot_rect()
        if band is not None:
            top, bottom = self.y_of(band[1]), self.y_of(band[0])
            painter.fillRect(QRectF(plot.left(), top, plot.width(), bottom - top), BAND_COLOUR)
        painter.setPen(QPen(TARGET_COLOUR, TARGET_PEN_WIDTH))
        for value in lines:
            y = round(self.y_of(value))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        text = translate("ui.charts.target", target=describe_target(self.data.target, self.data.kind,
                                                                   current_language()))
        metrics = QFontMetrics(painter.font())
        width = metrics.horizontalAdvance(text) + 8
        y = self.y_of(max(lines)) - metrics.height() - 2
        x = plot.right() - width if label_at_right else plot.left() + 4
        box = QRectF(x, max(plot.top() - metrics.height(), y), width, metrics.height())
        painter.fillRect(box, QColor(255, 255, 255, 210))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def draw(self, painter: QPainter) -> None:
        raise NotImplementedError


class SortedBarsChart(ChartCanvas):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("chart_sorted", parent)
        self.setMouseTracking(True)

    def title(self) -> str:
        if self.data is None:
            return translate("ui.charts.sorted_title")
        return translate("ui.charts.sorted_caption", shown=len(self.data.bars), expected=self.data.expected)

    def bar_rect(self, index: int) -> QRectF:
        plot = self.plot_rect()
        width = plot.width() / len(self.data.bars)
        gap = 1 if width >= 4 else 0
        top = self.y_of(self.data.bars[index].value)
        return QRectF(plot.left() + index * width, top, max(1.0, width - gap), plot.bottom() - top)

    def draw(self, painter: QPainter) -> None:
        bars = self.data.bars
        plot = self.plot_rect()
        if len(bars) <= plot.width():
            for index, bar in enumerate(bars):
                painter.fillRect(self.bar_rect(index), BAR_COLOURS.get(bar.status, PLAIN_COLOUR))
        else:  # thinner than a pixel: one column of pixels per run of bars, as tall as its first (highest) bar
            for column in range(int(plot.width())):
                bar = bars[column * len(bars) // int(plot.width())]
                top = round(self.y_of(bar.value))
                painter.fillRect(int(plot.left()) + column, top, 1, round(plot.bottom()) - top,
                                 BAR_COLOURS.get(bar.status, PLAIN_COLOUR))
        self.draw_target(painter)
        metrics = QFontMetrics(painter.font())
        painter.setPen(TEXT_COLOUR)
        extremes = [(bars[0], Qt.AlignmentFlag.AlignLeft)]
        if len(bars) > 1:
            extremes.append((bars[-1], Qt.AlignmentFlag.AlignRight))
        half = plot.width() / 2 - 4
        for bar, side in extremes:
            text = metrics.elidedText(f"{bar.commune_name}: {self.value_label(bar.value)}",
                                      Qt.TextElideMode.ElideMiddle, int(half))
            painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), metrics.height()),
                             side | Qt.AlignmentFlag.AlignTop, text)
        painter.setPen(AXIS_COLOUR)
        painter.drawText(QRectF(plot.left(), plot.bottom() + 4 + metrics.height(), plot.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         translate("ui.charts.sorted_axis"))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.data is not None and self.data.bars:
            plot = self.plot_rect()
            x = event.pos().x() - plot.left()
            if 0 <= x < plot.width():
                bar = self.data.bars[min(len(self.data.bars) - 1, int(x / plot.width() * len(self.data.bars)))]
                QToolTip.showText(event.globalPos(), f"{bar.commune_name} ({bar.commune_code}): "
                                                     f"{self.value_label(bar.value)}", self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class HistogramChart(ChartCanvas):
    """Counts on the value axis; the bins' values along the bottom, the target at its value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("chart_histogram", parent)

    def title(self) -> str:
        return translate("ui.charts.histogram_title")

    def _scale(self) -> None:
        if self.data is not None and self.data.bins:
            largest = Decimal(max(item.count for item in self.data.bins))
            self.axis_step = max(Decimal(1), nice_step(largest, 4))
            # room above the tallest bar for its count, below the target's label
            self.axis_top = max(self.axis_step, round_up(largest * HEADROOM, self.axis_step))

    def value_label(self, value: Decimal) -> str:
        return str(int(value))

    def x_of(self, value: Decimal) -> float:
        """Where ``value`` (of the indicator) sits along the bins, in the widget's pixels."""
        plot = self.plot_rect()
        low, high = self.data.bins[0].low, self.data.bins[-1].high
        return plot.left() + float((value - low) / (high - low)) * plot.width()

    def draw(self, painter: QPainter) -> None:
        plot = self.plot_rect()
        metrics = QFontMetrics(painter.font())
        language = current_language()
        lines, band = target_marks(self.data.target)
        if band is not None:
            painter.fillRect(QRectF(self.x_of(band[0]), plot.top(), self.x_of(band[1]) - self.x_of(band[0]),
                                    plot.height()), BAND_COLOUR)
        counts = []  # drawn last, over the target line
        for item in self.data.bins:
            left, right = self.x_of(item.low), self.x_of(item.high)
            if item.count:
                top = self.y_of(Decimal(item.count))
                painter.fillRect(QRectF(left + 1, top, right - left - 2, plot.bottom() - top), PLAIN_COLOUR)
                width = metrics.horizontalAdvance(str(item.count)) + 6
                counts.append((QRectF((left + right - width) / 2, top - metrics.height(), width, metrics.height()),
                               str(item.count)))
        edges = [self.data.bins[0].low, *(item.high for item in self.data.bins)]
        widest = max(metrics.horizontalAdvance(value_text(edge, self.data.kind, language)) for edge in edges)
        every = max(1, int((widest + 8) / (plot.width() / len(self.data.bins))) + 1)
        painter.setPen(AXIS_COLOUR)
        for index, edge in enumerate(edges):
            if index % every == 0 or index == len(edges) - 1:
                x = self.x_of(edge)
                painter.drawText(QRectF(x - widest, plot.bottom() + 3, 2 * widest, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                                 value_text(edge, self.data.kind, language))
        painter.drawText(QRectF(plot.left(), plot.bottom() + 4 + metrics.height(), plot.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         translate("ui.charts.histogram_axis"))
        if lines:
            painter.setPen(QPen(TARGET_COLOUR, TARGET_PEN_WIDTH))
            for value in lines:
                x = round(self.x_of(min(max(value, edges[0]), edges[-1])))
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            text = translate("ui.charts.target", target=describe_target(self.data.target, self.data.kind, language))
            width = metrics.horizontalAdvance(text) + 8
            x = self.x_of(max(lines))
            left = x + 4 if x + width < plot.right() else x - width - 4
            box = QRectF(max(plot.left(), left), plot.top() - metrics.height() + 2, width, metrics.height())
            painter.fillRect(box, QColor(255, 255, 255, 210))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(TEXT_COLOUR)
        for box, text in counts:
            painter.fillRect(box, QColor("white"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class TrendChart(ChartCanvas):
    """The office's line and one commune's over the periods; a period without a value breaks the line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("chart_trend", parent)
        self.BOTTOM = 52

    def title(self) -> str:
        return translate("ui.charts.trend_title")

    def _scale(self) -> None:
        if self.data is not None:
            values = [point.value for point in (*self.data.office_trend, *self.data.commune_trend)
                      if point.value is not None]
            self.axis_top, self.axis_step = value_axis(values, self.data.kind, self.data.target)

    def has_values(self) -> bool:
        return any(point.value is not None for point in (*self.data.office_trend, *self.data.commune_trend))

    def x_of(self, index: int) -> float:
        plot = self.plot_rect()
        count = max(1, len(self.data.office_trend))
        return plot.left() + (index + 0.5) * plot.width() / count

    def _line(self, painter: QPainter, points: tuple[TrendValue, ...], colour: QColor) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(colour, 2))
        path, drawing = QPainterPath(), False
        for index, point in enumerate(points):
            if point.value is None:
                drawing = False
                continue
            spot = QPointF(self.x_of(index), self.y_of(point.value))
            path.lineTo(spot) if drawing else path.moveTo(spot)
            drawing = True
        painter.drawPath(path)
        painter.setBrush(colour)
        for index, point in enumerate(points):
            if point.value is not None:
                painter.drawEllipse(QPointF(self.x_of(index), self.y_of(point.value)), 3.5, 3.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def draw(self, painter: QPainter) -> None:
        self.draw_target(painter, label_at_right=False)
        self._line(painter, self.data.office_trend, OFFICE_COLOUR)
        if self.data.commune_trend:
            self._line(painter, self.data.commune_trend, COMMUNE_COLOUR)
        plot = self.plot_rect()
        metrics = QFontMetrics(painter.font())
        language = current_language()
        slot = plot.width() / max(1, len(self.data.office_trend))
        widest = max((metrics.horizontalAdvance(line) for point in self.data.office_trend
                      for line in period_lines(point.period_id, language)), default=1)
        every = max(1, int((widest + 6) / slot) + 1)
        painter.setPen(AXIS_COLOUR)
        for index, point in enumerate(self.data.office_trend):
            if index % every:
                continue
            for row, line in enumerate(period_lines(point.period_id, language)):
                painter.drawText(QRectF(self.x_of(index) - widest, plot.bottom() + 3 + row * metrics.height(),
                                        2 * widest, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, line)
        self._legend(painter, metrics)

    def _legend(self, painter: QPainter, metrics: QFontMetrics) -> None:
        entries = [(translate("ui.charts.office"), OFFICE_COLOUR)]
        if self.data.commune_trend and self.data.commune_name:
            entries.append((self.data.commune_name, COMMUNE_COLOUR))
        x = self.width() - self.RIGHT
        for text, colour in reversed(entries):
            width = metrics.horizontalAdvance(text) + 4
            x -= width
            painter.setPen(TEXT_COLOUR)
            painter.drawText(QRectF(x, 6, width, metrics.height()), Qt.AlignmentFlag.AlignVCenter, text)
            x -= 22
            painter.setPen(QPen(colour, 3))
            painter.drawLine(QPointF(x, 6 + metrics.height() / 2), QPointF(x + 16, 6 + metrics.height() / 2))
            x -= 12
