"""The office's results page: for a plan and a period, every commune × every indicator the communes report on,
and the office as a whole in two rows at the bottom.

A cell shows the commune's result (a percentage for a ratio, the number, yes/no, the text answer) coloured met /
not met / with an error against the commune-level target; its tooltip gives the numerator and denominator, the
target, the assessment and the commune's note. An empty cell says why in its tooltip (not received, not
applicable, no value). The bottom rows: the office's figure (Σ numerators ÷ Σ denominators, never a mean of
percentages) and how many communes meet the target out of all. Export buttons write the period as Excel, CSV or
DHIS2 on the background lane (``BackgroundTasks``); the outcome is a workspace notice. The results are read in the
background when the plan or period changes and whenever reports are imported or decided. Charts are not drawn yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.formatting import describe_target
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import format_number, format_percent
from cds_desktop.core.plans.model import IndicatorKind, Level
from cds_desktop.core.presentation import period_name, target_status_name
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.results import IndicatorSummary, PeriodResults, ResultCell
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

CODE_COLUMN, NAME_COLUMN, FIRST_INDICATOR_COLUMN = 0, 1, 2
SUMMARY_ROWS = 2  # the office's figure, then the communes meeting the target
STATUS_COLOURS = {TargetStatus.MET: QColor("#d8f0dc"), TargetStatus.NOT_MET: QColor("#f8dcdc"),
                  TargetStatus.INVALID: QColor("#fbe8c8")}
EXPORT_SUFFIXES = {"xlsx": "xlsx", "csv": "csv", "dhis2": "json"}


def _quantity(kind: IndicatorKind, value, language: str) -> str:
    if value is None:
        return ""
    if kind is IndicatorKind.RATIO:
        return format_percent(value, language)
    return format_number(value, language)


class ResultsModel(QAbstractTableModel):
    """Communes × indicators of one period, then ``SUMMARY_ROWS`` rows for the whole office."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.results: PeriodResults | None = None

    def set_results(self, results: PeriodResults) -> None:
        self.beginResetModel()
        self.results = results
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or self.results is None:
            return 0
        return len(self.results.communes) + SUMMARY_ROWS

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or self.results is None:
            return 0
        return FIRST_INDICATOR_COLUMN + len(self.results.indicators)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.results is None:
            return None
        if section < FIRST_INDICATOR_COLUMN:
            key = "ui.results.code" if section == CODE_COLUMN else "ui.results.commune"
            return translate(key) if role == Qt.ItemDataRole.DisplayRole else None
        indicator = self.results.indicators[section - FIRST_INDICATOR_COLUMN]
        if role == Qt.ItemDataRole.DisplayRole:
            return indicator.code
        if role == Qt.ItemDataRole.ToolTipRole:
            language = current_language()
            target = describe_target(indicator.target_for(Level.COMMUNE), indicator.kind, language)
            return indicator.name.get(language) + (
                "\n" + translate("ui.results.tip.target", target=target) if target else "")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.results is None:
            return None
        row, column = index.row(), index.column()
        communes = self.results.communes
        if row >= len(communes):
            return self._summary_data(row - len(communes), column, role)
        commune = communes[row]
        if column == CODE_COLUMN:
            return commune.code if role == Qt.ItemDataRole.DisplayRole else None
        if column == NAME_COLUMN:
            return commune.name if role == Qt.ItemDataRole.DisplayRole else None
        indicator_column = column - FIRST_INDICATOR_COLUMN
        cell = self.results.cell(row, indicator_column)
        return self._cell_data(cell, self.results.indicators[indicator_column].kind, role)

    def _cell_data(self, cell: ResultCell, kind: IndicatorKind, role: int) -> Any:
        language = current_language()
        if role == Qt.ItemDataRole.DisplayRole:
            if cell.empty is not None:
                return "—"
            if kind is IndicatorKind.TEXT:
                return cell.text or ""
            if kind is IndicatorKind.BOOLEAN and cell.result is not None:
                return translate("export.yes" if cell.result == 1 else "export.no")
            return _quantity(kind, cell.result, language)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = []
            if cell.empty is not None:
                lines.append(translate(f"export.empty.{cell.empty}"))
            else:
                if cell.numerator is not None and cell.denominator is not None:
                    lines.append(translate("ui.results.tip.terms", numerator=format_number(cell.numerator, language),
                                           denominator=format_number(cell.denominator, language)))
                lines.append(target_status_name(cell.status))
            if cell.note:
                lines.append(translate("ui.results.tip.note", note=cell.note))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole and cell.status in STATUS_COLOURS:
            return QBrush(STATUS_COLOURS[cell.status])
        if role == Qt.ItemDataRole.TextAlignmentRole and kind is not IndicatorKind.TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _summary_data(self, which: int, column: int, role: int) -> Any:
        if column == CODE_COLUMN:
            return None
        if column == NAME_COLUMN:
            key = "ui.results.office_row" if which == 0 else "ui.results.met_row"
            return translate(key) if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None
        summary: IndicatorSummary = self.results.summaries[column - FIRST_INDICATOR_COLUMN]
        kind = self.results.indicators[column - FIRST_INDICATOR_COLUMN].kind
        language = current_language()
        if role == Qt.ItemDataRole.DisplayRole:
            if which == 0:
                return _quantity(kind, summary.result, language)
            if summary.share_met is None:
                return ""
            return translate("ui.results.met_cell", met=summary.met, expected=summary.expected,
                             share=format_percent(summary.share_met, language))
        if role == Qt.ItemDataRole.ToolTipRole and which == 0 and summary.numerator_total is not None:
            return translate("ui.results.tip.office", numerator=format_number(summary.numerator_total, language),
                             denominator=format_number(summary.denominator_total, language), added=summary.added,
                             rate_only=summary.rate_only)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ResultsPage(QWidget):
    loaded = Signal()  # the results on screen were (re)read
    exported = Signal(list)  # [Path]: the files an export wrote

    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("results_page")
        self.workspace, self.tasks = workspace, tasks
        self.service = workspace.service
        self.running: RunningTask | None = None

        self.plan_box = QComboBox()
        self.plan_box.setObjectName("results_plan")
        self.plan_box.setMinimumContentsLength(30)
        self.plan_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.period_box = QComboBox()
        self.period_box.setObjectName("results_period")
        top = QHBoxLayout()
        for message_id, box, stretch in (("ui.results.plan", self.plan_box, 3),
                                         ("ui.results.period", self.period_box, 1)):
            label = QLabel(translate(message_id))
            label.setBuddy(box)
            top.addWidget(label)
            top.addWidget(box, stretch)
        top.addStretch(1)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind in EXPORT_SUFFIXES:
            button = QPushButton(translate(f"ui.results.export_{kind}"))
            button.setObjectName(f"results_export_{kind}")
            button.clicked.connect(lambda _=False, chosen=kind: self.choose_file(chosen))
            top.addWidget(button)
            self.export_buttons[kind] = button

        self.model = ResultsModel(self)
        self.table = QTableView()
        self.table.setObjectName("results_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.empty = QLabel()
        self.empty.setObjectName("results_empty")
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

        self._fill_plans()
        self.plan_box.currentIndexChanged.connect(self._plan_changed)
        self.period_box.currentIndexChanged.connect(lambda: self.reload())
        workspace.plan_chosen.connect(self._select_plan)
        workspace.changed.connect(self._on_changed)
        if self.plan_box.count():
            self._fill_periods()
            self.reload()
        else:
            self._show_empty(translate("ui.matrix.no_plans"))

    @property
    def plan_id(self) -> str | None:
        return self.plan_box.currentData()

    @property
    def period_id(self) -> str | None:
        return self.period_box.currentData()

    def _fill_plans(self) -> None:
        language = current_language()
        for plan in self.service.office_plans():
            self.plan_box.addItem(plan.plan.title.get(language), plan.id)
        wanted = self.plan_box.findData(self.workspace.plan_id) if self.workspace.plan_id else -1
        self.plan_box.setCurrentIndex(max(0, wanted))

    def _fill_periods(self) -> None:
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for period_id in self.service.result_periods(self.plan_id):
            self.period_box.addItem(period_name(period_id), period_id)
        latest = self.service.latest_reported_period(self.plan_id)
        self.period_box.setCurrentIndex(max(0, self.period_box.findData(latest)) if latest else 0)
        self.period_box.blockSignals(False)

    def _select_plan(self, plan_id: str) -> None:
        index = self.plan_box.findData(plan_id)
        if index >= 0 and index != self.plan_box.currentIndex():
            self.plan_box.setCurrentIndex(index)

    def _plan_changed(self) -> None:
        if self.plan_id is not None:
            self.workspace.choose_plan(self.plan_id)
            self._fill_periods()
            self.reload()

    def _on_changed(self, changes: OfficeChanges) -> None:
        if changes.submissions or changes.decisions or changes.communes:
            self.reload()

    # --- reading ---------------------------------------------------------------------------------
    def reload(self) -> RunningTask | None:
        plan_id, period_id = self.plan_id, self.period_id
        if plan_id is None or period_id is None:
            return None
        if self.running is not None:
            self.running.cancel_token.cancel()
        service = self.service

        def work(progress: ProgressCallback, cancel: CancelToken) -> PeriodResults:
            return service.period_results(plan_id, period_id)

        task = self.tasks.run(work, lambda results: self._show(task, results), translate("ui.results.loading"),
                              self, on_failed=lambda: self._settled(task), show_error=self._show_empty)
        self.running = task
        return task

    def _settled(self, task: RunningTask) -> None:
        if task is self.running:
            self.running = None

    def _show(self, task: RunningTask, results: PeriodResults) -> None:
        if task is not self.running:
            return  # a newer reading replaced this one
        self.running = None
        self.empty.hide()
        self.model.set_results(results)
        self.table.resizeColumnsToContents()
        self.loaded.emit()

    def _show_empty(self, message: str) -> None:
        self.empty.setText(message)
        self.empty.show()

    # --- exporting -------------------------------------------------------------------------------
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
