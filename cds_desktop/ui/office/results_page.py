"""The office's results page: for a plan and a period, four views on tabs —

- the table: every commune × every indicator, and the office as a whole in two rows (``results_model``);
- the charts of one chosen indicator (``results_charts``): communes sorted by value with the target line, their
  distribution, and the trend over the plan's periods for the office and one chosen commune;
- the trend: the same trend as a small table beside its chart (``results_trend``);
- the values worth a call (``results_outliers``), where activating a row opens that commune's submission.

Everything is read in the background (``BackgroundTasks``): the results, the outliers and the chosen indicator's
chart data when the plan or period changes and whenever reports are imported or decided; only the chart data
when another indicator or commune is chosen. Painting only draws what was computed. Export buttons write the
period as Excel, CSV or DHIS2 on the background lane; the outcome is a workspace notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.presentation import period_name
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.reports.chart_data import IndicatorChartData
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.results import Outlier, PeriodResults
from cds_desktop.core.services.office.results_charts import charted, indicator_chart
from cds_desktop.ui.office.plan_bar import OfficePlanBar
from cds_desktop.ui.office.results_charts import HistogramChart, SortedBarsChart, TrendChart
from cds_desktop.ui.office.results_model import ResultsModel
from cds_desktop.ui.office.results_outliers import WHY_COLUMN, OutliersModel
from cds_desktop.ui.office.results_trend import TrendModel
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

EXPORT_SUFFIXES = {"xlsx": "xlsx", "csv": "csv", "dhis2": "json"}
TABLE_TAB, CHARTS_TAB, TREND_TAB, OUTLIERS_TAB = range(4)
TREND_TABLE_WIDTH = 720  # at most: the chart beside it takes the rest
OUTLIER_COLUMN_WIDTH = 300  # the longer names are elided; the tooltip gives them whole


@dataclass(frozen=True)
class Loaded:
    results: PeriodResults
    outliers: list[Outlier]
    chart: IndicatorChartData | None


def _table(name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return table


def _labelled(message_id: str, box: QWidget) -> QLabel:
    label = QLabel(translate(message_id))
    label.setBuddy(box)
    return label


class ResultsPage(QWidget):
    loaded = Signal()  # the results on screen were (re)read
    chart_loaded = Signal()  # the charts and the trend show the chosen indicator and commune
    exported = Signal(list)  # [Path]: the files an export wrote

    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("results_page")
        self.workspace, self.tasks = workspace, tasks
        self.service = workspace.service
        self.running: RunningTask | None = None
        self.chart_running: RunningTask | None = None

        self.bar = OfficePlanBar(workspace, ("results_plan", "results_period"), ("ui.results.plan",
                                                                                 "ui.results.period"))
        self.plan_box, self.period_box = self.bar.plan_box, self.bar.choice_box
        self.bar.row.addStretch(1)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind in EXPORT_SUFFIXES:
            button = QPushButton(translate(f"ui.results.export_{kind}"))
            button.setObjectName(f"results_export_{kind}")
            button.clicked.connect(lambda _=False, chosen=kind: self.choose_file(chosen))
            self.bar.add_widget(button)
            self.export_buttons[kind] = button

        self.model = ResultsModel(self)
        self.table = _table("results_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.empty = QLabel()
        self.empty.setObjectName("results_empty")
        self.empty.setWordWrap(True)
        self.empty.hide()

        self.indicator_box = QComboBox()
        self.indicator_box.setObjectName("results_chart_indicator")
        self.indicator_box.setMinimumContentsLength(40)
        self.indicator_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.commune_box = QComboBox()
        self.commune_box.setObjectName("results_chart_commune")
        self.commune_box.setMinimumContentsLength(24)
        self.commune_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choosers = QWidget()
        self.choosers.setObjectName("results_chart_choosers")
        row = QHBoxLayout(self.choosers)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(_labelled("ui.results.chart_indicator", self.indicator_box))
        row.addWidget(self.indicator_box, 3)
        row.addSpacing(8)
        row.addWidget(_labelled("ui.results.chart_commune", self.commune_box))
        row.addWidget(self.commune_box, 1)
        row.addStretch(1)

        self.sorted_chart, self.histogram_chart, self.trend_chart = SortedBarsChart(), HistogramChart(), TrendChart()
        charts = QWidget()
        charts.setObjectName("results_charts")
        charts_layout = QVBoxLayout(charts)
        charts_layout.addWidget(self.sorted_chart, 1)
        lower = QHBoxLayout()
        lower.addWidget(self.histogram_chart, 1)
        lower.addWidget(self.trend_chart, 1)
        charts_layout.addLayout(lower, 1)

        self.trend_model = TrendModel(self)
        self.trend_table = _table("results_trend_table")
        self.trend_table.setModel(self.trend_model)
        self.trend_table.setMaximumWidth(TREND_TABLE_WIDTH)
        self.trend_title = QLabel()
        self.trend_title.setObjectName("results_trend_title")
        self.trend_title.setWordWrap(True)
        self.trend_title.setBuddy(self.trend_table)
        self.trend_view_chart = TrendChart()
        self.trend_view_chart.setObjectName("chart_trend_large")
        trend = QWidget()
        trend.setObjectName("results_trend")
        trend_layout = QHBoxLayout(trend)
        trend_left = QVBoxLayout()
        trend_left.addWidget(self.trend_title)
        trend_left.addWidget(self.trend_table, 1)
        trend_layout.addLayout(trend_left)
        trend_layout.addWidget(self.trend_view_chart, 1)

        self.outliers_model = OutliersModel(self)
        self.outliers_table = _table("results_outliers")
        self.outliers_table.setModel(self.outliers_model)
        self.outliers_table.horizontalHeader().setStretchLastSection(True)
        self.outliers_table.activated.connect(self.open_outlier)
        self.outliers_hint = QLabel(translate("ui.outliers.hint"))
        self.outliers_hint.setObjectName("results_outliers_hint")
        self.outliers_hint.setWordWrap(True)
        self.outliers_hint.setBuddy(self.outliers_table)
        outliers = QWidget()
        outliers_layout = QVBoxLayout(outliers)
        outliers_layout.addWidget(self.outliers_hint)
        outliers_layout.addWidget(self.outliers_table, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("results_tabs")
        self.tabs.addTab(self.table, translate("ui.results.view.table"))
        self.tabs.addTab(charts, translate("ui.results.view.charts"))
        self.tabs.addTab(trend, translate("ui.results.view.trend"))
        self.tabs.addTab(outliers, translate("ui.results.view.outliers", count=0))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())

        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.choosers)
        layout.addWidget(self.tabs, 1)
        QWidget.setTabOrder(self.export_buttons["dhis2"], self.indicator_box)
        QWidget.setTabOrder(self.indicator_box, self.commune_box)
        QWidget.setTabOrder(self.commune_box, self.tabs)

        self.bar.plan_changed.connect(self._plan_changed)
        self.bar.choice_changed.connect(lambda: self.reload())
        self.indicator_box.currentIndexChanged.connect(lambda: self.reload_chart())
        self.commune_box.currentIndexChanged.connect(lambda: self.reload_chart())
        workspace.changed.connect(self._on_changed)
        if self.plan_box.count():
            self._fill_periods()
            self.reload()
        else:
            self._show_empty(translate("ui.matrix.no_plans"))

    @property
    def plan_id(self) -> str | None:
        return self.bar.plan_id

    @property
    def period_id(self) -> str | None:
        return self.bar.choice

    @property
    def indicator_code(self) -> str | None:
        return self.indicator_box.currentData()

    @property
    def commune_code(self) -> str | None:
        return self.commune_box.currentData()

    def _fill_periods(self) -> None:
        latest = self.service.latest_reported_period(self.plan_id)
        self.bar.set_choices(((period_name(period_id), period_id)
                              for period_id in self.service.result_periods(self.plan_id)), latest)

    def _plan_changed(self) -> None:
        self._fill_periods()
        self.reload()

    def _on_changed(self, changes: OfficeChanges) -> None:
        if changes.submissions or changes.decisions or changes.communes:
            self.reload()

    def _tab_changed(self, index: int) -> None:
        self.choosers.setVisible(index in (CHARTS_TAB, TREND_TAB))

    # --- reading ---------------------------------------------------------------------------------
    def reload(self) -> RunningTask | None:
        """Read the period's results, its outliers and the chosen indicator's charts in the background."""
        plan_id, period_id = self.plan_id, self.period_id
        if plan_id is None or period_id is None:
            return None
        for running in (self.running, self.chart_running):
            if running is not None:
                running.cancel_token.cancel()
        self.chart_running = None
        service, language = self.service, current_language()
        wanted_indicator, wanted_commune = self.indicator_code, self.commune_code

        def work(progress: ProgressCallback, cancel: CancelToken) -> Loaded:
            results = service.period_results(plan_id, period_id)
            cancel.raise_if_cancelled()  # a newer reading, or the page closed
            outliers = service.outliers(plan_id, period_id, results)
            cancel.raise_if_cancelled()
            codes = [indicator.code for indicator in results.indicators if charted(indicator)]
            code = wanted_indicator if wanted_indicator in codes else next(iter(codes), None)
            commune = wanted_commune if any(c.code == wanted_commune for c in results.communes) else None
            chart = indicator_chart(service, results, code, language, commune) if code else None
            return Loaded(results, outliers, chart)

        task = self.tasks.run(work, lambda loaded: self._show(task, loaded), translate("ui.results.loading"),
                              self, on_failed=lambda: self._settled(task), show_error=self._show_empty)
        self.running = task
        return task

    def reload_chart(self) -> RunningTask | None:
        """Compute the charts of the chosen indicator and commune from the results on screen, in the background."""
        results, code = self.model.results, self.indicator_code
        if results is None or code is None or self.running is not None:
            return None  # a full reading is on its way and brings the charts
        if self.chart_running is not None:
            self.chart_running.cancel_token.cancel()
        service, language, commune = self.service, current_language(), self.commune_code

        def work(progress: ProgressCallback, cancel: CancelToken) -> IndicatorChartData:
            return indicator_chart(service, results, code, language, commune)

        task = self.tasks.run(work, lambda chart: self._show_chart(task, chart),
                              translate("ui.results.charts_loading"), self,
                              on_failed=lambda: self._chart_settled(task), show_error=self._show_empty)
        self.chart_running = task
        return task

    def _settled(self, task: RunningTask) -> None:
        if isValid(self) and task is self.running:
            self.running = None

    def _chart_settled(self, task: RunningTask) -> None:
        if isValid(self) and task is self.chart_running:
            self.chart_running = None

    def _show(self, task: RunningTask, loaded: Loaded) -> None:
        if not isValid(self) or task is not self.running:
            return  # the window closed meanwhile, or a newer reading replaced this one
        self.running = None
        self.empty.hide()
        self.model.set_results(loaded.results)
        self.table.resizeColumnsToContents()
        self._fill_choosers(loaded.results, loaded.chart)
        self.outliers_model.set_outliers(loaded.outliers, loaded.results.indicators)
        self.outliers_table.resizeColumnsToContents()
        for column in range(WHY_COLUMN):
            self.outliers_table.setColumnWidth(column, min(OUTLIER_COLUMN_WIDTH,
                                                           self.outliers_table.columnWidth(column)))
        self.outliers_table.horizontalHeader().setSectionResizeMode(WHY_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.tabs.setTabText(OUTLIERS_TAB, translate("ui.results.view.outliers", count=len(loaded.outliers)))
        self.outliers_hint.setText(translate("ui.outliers.hint" if loaded.outliers else "ui.outliers.none"))
        self._draw(loaded.chart)
        self.loaded.emit()

    def _show_chart(self, task: RunningTask, chart: IndicatorChartData) -> None:
        if not isValid(self) or task is not self.chart_running:
            return
        self.chart_running = None
        self._draw(chart)

    def _fill_choosers(self, results: PeriodResults, chart: IndicatorChartData | None) -> None:
        language = current_language()
        for box in (self.indicator_box, self.commune_box):
            box.blockSignals(True)
            box.clear()
        for indicator in results.indicators:
            if charted(indicator):
                self.indicator_box.addItem(f"{indicator.code}. {indicator.name.get(language)}", indicator.code)
        self.commune_box.addItem(translate("ui.results.no_commune"), None)
        for commune in results.communes:
            self.commune_box.addItem(f"{commune.name} ({commune.code})", commune.code)
        if chart is not None:
            self.indicator_box.setCurrentIndex(max(0, self.indicator_box.findData(chart.code)))
            self.commune_box.setCurrentIndex(max(0, self.commune_box.findData(chart.commune_code))
                                             if chart.commune_code else 0)
        for box in (self.indicator_box, self.commune_box):
            box.blockSignals(False)

    def _draw(self, chart: IndicatorChartData | None) -> None:
        message = translate("ui.charts.no_indicator") if chart is None else ""
        for widget in (self.sorted_chart, self.histogram_chart, self.trend_chart, self.trend_view_chart):
            widget.set_data(chart, message)
        self.trend_model.set_chart(chart)
        self.trend_table.resizeColumnsToContents()
        header = self.trend_table.horizontalHeader()
        self.trend_table.setMinimumWidth(min(TREND_TABLE_WIDTH, header.length() + 2 * self.trend_table.frameWidth()
                                             + self.trend_table.verticalScrollBar().sizeHint().width()))
        self.trend_title.setText(translate("ui.trend.title", indicator=f"{chart.code}. {chart.name}")
                                 if chart is not None else message)
        self.chart_loaded.emit()

    def _show_empty(self, message: str) -> None:
        if not isValid(self):
            return  # a reading failed after the window closed
        self.empty.setText(message)
        self.empty.show()

    # --- acting ----------------------------------------------------------------------------------
    def open_outlier(self, index: QModelIndex) -> None:
        """Ask for the submission the chosen outlier comes from."""
        if index.isValid():
            outlier = self.outliers_model.outlier(index.row())
            self.workspace.show_submission(outlier.commune_code, self.model.results.plan_id, outlier.period_id)

    def choose_file(self, kind: str) -> None:
        dialog = QFileDialog(self, translate(f"ui.results.export_{kind}"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(EXPORT_SUFFIXES[kind])
        dialog.selectFile(str(Path.home() / f"KetQua_{self.plan_id}_{self.period_id}.{EXPORT_SUFFIXES[kind]}"))
        if dialog.exec() and dialog.selectedFiles():
            self.export_to(kind, Path(dialog.selectedFiles()[0]))

    def export_to(self, kind: str, path: Path) -> RunningTask | None:
        """Write the period shown as ``kind`` (xlsx, csv, dhis2) at ``path`` on the background lane."""
        plan_id, period_id = self.plan_id, self.period_id
        if plan_id is None or period_id is None:
            return None
        service, language = self.service, current_language()

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[Path]:
            if kind == "xlsx":
                return [service.export_xlsx(plan_id, period_id, path, language, progress, cancel)]
            if kind == "csv":
                return [service.export_csv(plan_id, period_id, path, language=language)]
            return list(service.export_dhis2(plan_id, period_id, path))

        def written(paths: list[Path]) -> None:
            self.workspace.notice.emit(translate("ui.results.exported", file=str(paths[0])), False)
            self.exported.emit(paths)

        return self.tasks.run(work, written, translate("ui.results.exporting"), self,
                              show_error=lambda message: self.workspace.notice.emit(message, True))
