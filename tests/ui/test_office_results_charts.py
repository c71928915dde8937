"""The results page's charts, trend and "worth a call" list driven with pytest-qt over the office of
``results_support`` (real bundles, really imported): the chart data on screen, the target line painted where the
scale puts it, the trend table, a commune chosen on the background lane, an outlier opening its submission in the
real window, the keyboard, and a chart of 3,321 communes painted in good time."""

from __future__ import annotations

import re
import time
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QApplication

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.i18n import set_language
from cds_desktop.core.plans.model import Comparator, IndicatorKind, Target
from cds_desktop.core.reports.chart_data import ChartBar, IndicatorChartData, histogram, sorted_bars
from cds_desktop.ui.office.main_window import OfficeWindow
from cds_desktop.ui.office.results_charts import (
    MET_COLOUR,
    NOT_MET_COLOUR,
    PLAIN_COLOUR,
    TARGET_COLOUR,
    SortedBarsChart,
)
from cds_desktop.ui.office.results_outliers import COMMUNE_COLUMN, KIND_COLUMN, VALUE_COLUMN, WHY_COLUMN
from cds_desktop.ui.office.results_page import CHARTS_TAB, OUTLIERS_TAB, TABLE_TAB, TREND_TAB, ResultsPage
from cds_desktop.ui.office.results_trend import COMMUNE_COLUMN as TREND_COMMUNE
from cds_desktop.ui.office.results_trend import MET_COLUMN, OFFICE_COLUMN, PERIOD_COLUMN, STATUS_COLUMN, TERMS_COLUMN
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks
from support.results_page import shown_results_page
from tests.core.exchange.results_support import NOTE_ABOVE, P, Q4, open_results_office


@pytest.fixture
def office(tmp_path, mini_plan, clock):
    service = open_results_office(tmp_path / "office", mini_plan, clock)
    yield service
    service.close()


@pytest.fixture
def page(qtbot, office):
    with shown_results_page(qtbot, office, (1300, 700)) as shown:
        yield shown


def _pixel(widget, x: float, y: float) -> QColor:
    return widget.grab().toImage().pixelColor(int(x), int(y))


def test_the_first_charted_indicator_is_drawn_sorted_with_its_target(page, qtbot):
    page.tabs.setCurrentIndex(CHARTS_TAB)
    assert page.choosers.isVisible()
    assert [page.indicator_box.itemData(i) for i in range(page.indicator_box.count())] == ["1a", "1b", "1c", "2a",
                                                                                           "2d"]
    chart = page.sorted_chart
    assert [bar.commune_code for bar in chart.data.bars] == ["24751", "24753", "24755", "24752", "24756"]
    assert chart.axis_top == D(100)
    plot = chart.plot_rect()
    target_y = round(chart.y_of(D(80)))
    assert target_y == round(plot.bottom() - 0.8 * plot.height())
    middle = plot.left() + plot.width() / 2  # the third bar (80 %): the target line runs over its top
    assert _pixel(chart, middle, target_y) == TARGET_COLOUR
    first, last = chart.bar_rect(0), chart.bar_rect(4)
    assert _pixel(chart, first.center().x(), plot.bottom() - 5) == MET_COLOUR  # 90 %: met
    assert _pixel(chart, last.center().x(), plot.bottom() - 2) == NOT_MET_COLOUR  # 5 %: not met
    assert _pixel(chart, last.center().x(), chart.y_of(D(50))) == QColor("white")  # 5 % reaches nowhere near 50 %


def test_the_histogram_counts_and_marks_the_target(page):
    page.tabs.setCurrentIndex(CHARTS_TAB)
    chart = page.histogram_chart
    assert [(int(b.low), b.count) for b in chart.data.bins if b.count] == [(0, 1), (70, 1), (80, 2), (90, 1)]
    assert chart.axis_top == D(3)  # 2 communes at most, and room above for the count
    x = (chart.x_of(D(80)) + chart.x_of(D(90))) / 2 + 6  # inside the 80–90 bin, right of the target line
    assert _pixel(chart, x, chart.y_of(D("1.5"))) == PLAIN_COLOUR  # two communes: up to 2
    one = (chart.x_of(D(90)) + chart.x_of(D(100))) / 2
    assert _pixel(chart, one, chart.y_of(D("0.5"))) == PLAIN_COLOUR  # one commune in 90–100 %: up to 1
    assert _pixel(chart, one, chart.y_of(D("1.5"))) == QColor("white")
    assert _pixel(chart, round(chart.x_of(D(80))), chart.y_of(D("0.5"))) == TARGET_COLOUR


def test_choosing_a_commune_reads_its_trend_in_the_background(page, qtbot):
    page.tabs.setCurrentIndex(TREND_TAB)
    with qtbot.waitSignal(page.chart_loaded, timeout=10_000):
        page.commune_box.setCurrentIndex(page.commune_box.findData("24751"))
    assert page.chart_running is None
    model = page.trend_model
    rows = {model.index(row, PERIOD_COLUMN).data(): row for row in range(model.rowCount())}
    assert list(rows)[:4] == ["Quý 1 năm 2023", "Quý 2 năm 2023", "Quý 3 năm 2023", "Quý 4 năm 2023"]
    q3, q4 = rows["Quý 3 năm 2023"], rows["Quý 4 năm 2023"]
    assert model.index(q3, OFFICE_COLUMN).data() == "60%"
    assert model.index(q4, OFFICE_COLUMN).data() == "68,3%"  # 410 ÷ 600
    assert model.index(q4, TERMS_COLUMN).data() == "410 / 600"
    assert model.index(q4, MET_COLUMN).data() == "3/6"
    assert model.headerData(TREND_COMMUNE, Qt.Orientation.Horizontal) == "Xã Nhân Cơ"
    assert (model.index(q3, TREND_COMMUNE).data(), model.index(q3, STATUS_COLUMN).data()) == ("60%", "Chưa đạt")
    assert model.index(rows["Quý 1 năm 2023"], OFFICE_COLUMN).data() == "—"
    trend = page.trend_view_chart
    assert [p.value for p in trend.data.commune_trend if p.value is not None] == [D(60), D(90)]
    x = trend.x_of(3)  # Q4: the commune's dot at 90 %, the office's at 68,33 %
    assert _pixel(trend, x, trend.y_of(D(90))).name() != "#ffffff"
    with qtbot.waitSignal(page.chart_loaded, timeout=10_000):
        page.indicator_box.setCurrentIndex(page.indicator_box.findData("2a"))
    assert page.sorted_chart.data.code == "2a" and page.trend_model.data_.commune_code == "24751"
    assert [bar.value for bar in page.sorted_chart.data.bars] == [D(6), D(5), D(3), D(2), D(0)]
    assert page.trend_title.text() == "Chỉ tiêu 2a. Số tập thể được khen thưởng qua các kỳ"


def test_the_outliers_list_and_its_reasons(page):
    model = page.outliers_model
    assert page.tabs.tabText(OUTLIERS_TAB) == "Cần xem &lại (3)"
    rows = [[model.index(row, column).data() for column in (COMMUNE_COLUMN, KIND_COLUMN, VALUE_COLUMN, WHY_COLUMN)]
            for row in range(model.rowCount())]
    assert rows == [
        ["Xã Kiến Thành (24756)", "Khác xa các xã khác", "5%",
         "Điểm z hiệu chỉnh -10,1 (ngưỡng ±3,5), so với các xã khác trong kỳ"],
        ["Phường Bắc Gia Nghĩa (24752)", "Mẫu số thay đổi mạnh", "200", "Mẫu số từ 100 kỳ trước thành 200 (+100%)"],
        ["Xã Kiến Thành (24756)", "Tử số lớn hơn mẫu số", "120",
         f"Tử số 120 lớn hơn mẫu số 100. Ghi chú của xã: {NOTE_ABOVE}"],
    ]


def test_an_outlier_opens_its_commune_submission_in_the_window(qtbot, office):
    set_language("vi")
    workspace, tasks = OfficeWorkspace(office, "van_thu"), BackgroundTasks()
    window = OfficeWindow(workspace, tasks)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("results")
    qtbot.waitUntil(lambda: page.running is None and page.outliers_model.rowCount() == 3, timeout=10_000)
    page.tabs.setCurrentIndex(OUTLIERS_TAB)
    table = page.outliers_table
    table.setFocus()
    table.selectRow(1)  # Phường Bắc Gia Nghĩa's denominator
    qtbot.keyClick(table, Qt.Key.Key_Return)
    submission = window.page("submission")
    qtbot.waitUntil(lambda: window.current_page_name() == "submission", timeout=5_000)
    header = submission.detail.header
    assert (header.commune_code, header.plan_id, header.period_id) == ("24752", P, Q4)
    tasks.wait()


def test_tabs_and_choosers_are_reached_by_access_keys(page):
    assert [page.tabs.tabText(i) for i in (TABLE_TAB, CHARTS_TAB, TREND_TAB)] == ["Bảng &số liệu", "B&iểu đồ",
                                                                                  "X&u hướng"]
    buddies = {label.buddy(): label.text() for label in page.findChildren(type(page.empty)) if label.buddy()}
    assert buddies[page.indicator_box] == "Chỉ tiêu &phân tích:" and buddies[page.commune_box] == "So sánh &với xã:"
    assert buddies[page.plan_box] == "&Kế hoạch:" and buddies[page.period_box] == "Kỳ &báo cáo:"
    page.tabs.setCurrentIndex(TABLE_TAB)
    assert not page.choosers.isVisible()  # they choose what the charts and the trend show


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text or "")
    return found.group(1).lower() if found else None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_new_access_keys_clash_with_nothing_in_the_window(qtbot, office, language):
    set_language(language)
    workspace, tasks = OfficeWorkspace(office, "van_thu"), BackgroundTasks()
    window = OfficeWindow(workspace, tasks)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("results")
    qtbot.waitUntil(lambda: page.running is None and page.model.results is not None, timeout=10_000)
    page.tabs.setCurrentIndex(CHARTS_TAB)
    mine = [page.tabs.tabText(i) for i in range(page.tabs.count())] + [
        label.text() for label in page.choosers.findChildren(type(page.empty))]
    others = [action.text() for action in window.menuBar().actions()]
    others += [window.pages.tabText(i) for i in range(window.pages.count())]
    others += [w.text() for w in page.bar.findChildren(QAbstractButton) + page.bar.findChildren(type(page.empty))]
    keys = [_mnemonic(text) for text in mine]
    assert None not in keys and len(set(keys)) == len(keys), mine
    assert not set(keys) & {_mnemonic(text) for text in others}, (mine, others)
    qtbot.keyClick(window, _mnemonic(page.choosers.findChildren(type(page.empty))[0].text()),
                   Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.indicator_box, timeout=2_000)
    tasks.wait()


def test_a_range_target_draws_its_band(page, qtbot):
    page.tabs.setCurrentIndex(CHARTS_TAB)
    with qtbot.waitSignal(page.chart_loaded, timeout=10_000):
        page.indicator_box.setCurrentIndex(page.indicator_box.findData("1b"))
    chart = page.sorted_chart
    assert chart.data.target.comparator is Comparator.RANGE
    low, high = chart.y_of(D(55)), chart.y_of(D(60))
    x = chart.plot_rect().right() - 2  # past the last bar (50 %): the band's colour over white
    band = _pixel(chart, x, (low + high) / 2)
    assert band != QColor("white") and band.blue() > band.red()
    assert _pixel(chart, x, round(low)) == TARGET_COLOUR and _pixel(chart, x, round(high)) == TARGET_COLOUR


def test_three_thousand_communes_paint_quickly(qtbot):
    set_language("vi")
    bars = sorted_bars(ChartBar(f"{code:05d}", f"Xã {code}", D(code % 97) + D("0.5"),
                                TargetStatus.MET if code % 97 >= 80 else TargetStatus.NOT_MET)
                       for code in range(3321))
    data = IndicatorChartData("1a", "Tỷ lệ", IndicatorKind.RATIO, Target(comparator=Comparator.GE, value=D(80)),
                              Q4, bars, histogram([bar.value for bar in bars], IndicatorKind.RATIO), expected=3321)
    chart = SortedBarsChart()
    qtbot.addWidget(chart)
    chart.resize(1300, 320)
    chart.set_data(data)
    started = time.perf_counter()
    image = chart.grab().toImage()
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed
    plot = chart.plot_rect()
    assert image.pixelColor(int(plot.left() + 2), int(plot.bottom() - 3)) == MET_COLOUR
    assert image.pixelColor(int(plot.right() - 2), int(plot.bottom() - 1)) == NOT_MET_COLOUR
    assert image.pixelColor(int(plot.center().x()), round(chart.y_of(D(80)))) == TARGET_COLOUR
    assert chart.title() == "3321/3321 xã có số liệu, xếp từ cao xuống thấp"


def test_a_reading_that_ends_after_the_page_is_gone_is_dropped(qtbot, office):
    set_language("vi")
    workspace, tasks = OfficeWorkspace(office, "van_thu"), BackgroundTasks()
    made = ResultsPage(workspace, tasks)  # reads in the background at once
    assert made.running is not None
    made.deleteLater()
    qtbot.waitUntil(lambda: not tasks.running, timeout=10_000)  # the reading ended: nothing raised in the loop
    tasks.wait()
