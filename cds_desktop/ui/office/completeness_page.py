"""The office's home page: for a plan and a year, every commune × every reporting period, each cell the state of the
commune's report (not received, on time, late, returned for correction, accepted) with its revision, the figures of
each period in its column's header (received and on time out of expected), and beside the matrix the communes that
have not reported a chosen period, with the reminder letter to them.

Search by commune name or code (with or without tone marks), show only the communes whose report for the chosen
period is in one state, sort by any column (header click). Double-click or Enter on a received cell asks for that
submission (``OfficeWorkspace.show_submission``); a commune in the "not reported" list takes the matrix to its row.
The matrix is read in the background (``BackgroundTasks``) when the plan or the year changes and whenever reports
are imported, decided, or the communes change (``OfficeChanges``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.dashboard import CellState, Completeness, MissingCommune, PeriodColumn
from cds_desktop.ui.office.completeness_delegate import STATE_COLOURS, StateBadgeDelegate
from cds_desktop.ui.shared.cells import badge_width
from cds_desktop.ui.office.completeness_model import (
    CODE_COLUMN,
    FIRST_PERIOD_COLUMN,
    NAME_COLUMN,
    CompletenessModel,
    MatrixFilter,
    MissingModel,
    state_label,
)
from cds_desktop.ui.office.plan_bar import OfficePlanBar
from cds_desktop.ui.office.reminder_dialog import ReminderDialog
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shared.labels import date_text, period_name
from cds_desktop.ui.shell.background import BackgroundTasks, RunningTask

SIDE_WIDTH = 330
CODE_WIDTH = 72
NAME_MIN_WIDTH = 200
CELL_PADDING = 16  # px beside a column's widest header line


@dataclass(frozen=True)
class Loaded:
    matrix: Completeness
    period_id: str | None  # the period of the "not reported" list
    missing: list[MissingCommune]


def chosen_period(periods: tuple[PeriodColumn, ...], wanted: str | None, today: dt.date) -> str | None:
    """The period to list communes for: ``wanted`` when the matrix has it, else the latest one whose deadline has
    passed (the one a reminder is for), else the first."""
    ids = [column.period_id for column in periods]
    if wanted in ids:
        return wanted
    passed = [column for column in periods if column.due_before <= today]
    return passed[-1].period_id if passed else (ids[0] if ids else None)


def _label(message_id: str, buddy: QWidget) -> QLabel:
    label = QLabel(translate(message_id))
    label.setBuddy(buddy)
    return label


class CompletenessPage(QWidget):
    loaded = Signal()  # the matrix on screen was (re)read

    def __init__(self, workspace: OfficeWorkspace, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("completeness_page")
        self.workspace, self.tasks = workspace, tasks
        self.service = workspace.service
        self.running: RunningTask | None = None
        self._shown_plan: str | None = None

        self.bar = OfficePlanBar(workspace, ("matrix_plan", "matrix_year"), ("ui.matrix.plan", "ui.matrix.year"))
        self.plan_box, self.year_box = self.bar.plan_box, self.bar.choice_box
        self.search = QLineEdit()
        self.search.setObjectName("matrix_search")
        self.search.setPlaceholderText(translate("ui.matrix.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.bar.add_widget(_label("ui.matrix.search", self.search))
        self.bar.add_widget(self.search, 2)

        self.model = CompletenessModel(self)
        self.proxy = MatrixFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("matrix_table")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(StateBadgeDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setSortIndicator(CODE_COLUMN, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._open)
        self.empty = QLabel()
        self.empty.setObjectName("matrix_empty")
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.legend = self._legend()

        self.period_box = QComboBox()
        self.period_box.setObjectName("matrix_period")
        self.state_box = QComboBox()
        self.state_box.setObjectName("matrix_state_filter")
        self.state_box.addItem(translate("ui.matrix.filter.all"), None)
        for state in CellState:
            self.state_box.addItem(state_label(state), state.value)
        self.missing_model = MissingModel(self)
        self.missing_view = QTableView()
        self.missing_view.setObjectName("matrix_missing")
        self.missing_view.setModel(self.missing_model)
        self.missing_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.missing_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.missing_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.missing_view.verticalHeader().hide()
        self.missing_view.horizontalHeader().setStretchLastSection(True)
        self.missing_view.setColumnWidth(CODE_COLUMN, CODE_WIDTH)
        self.missing_view.activated.connect(self._go_to_missing)
        self.missing_title = QLabel()
        self.missing_title.setObjectName("matrix_missing_title")
        self.missing_title.setWordWrap(True)
        self.missing_title.setBuddy(self.missing_view)
        self.reminder_button = QPushButton(translate("ui.matrix.reminder"))
        self.reminder_button.setObjectName("matrix_reminder")
        self.reminder_button.setToolTip(translate("ui.matrix.reminder_tip"))
        self.reminder_button.setEnabled(False)
        self.reminder_button.clicked.connect(self.open_reminder)

        side_box = QGroupBox(translate("ui.matrix.side_title"))
        side_box.setObjectName("matrix_side")
        side = QVBoxLayout(side_box)
        side.addWidget(_label("ui.matrix.period", self.period_box))
        side.addWidget(self.period_box)
        side.addWidget(_label("ui.matrix.filter", self.state_box))
        side.addWidget(self.state_box)
        side.addSpacing(6)
        side.addWidget(self.missing_title)
        side.addWidget(self.missing_view, 1)
        side.addWidget(self.reminder_button)
        side_box.setFixedWidth(SIDE_WIDTH)

        matrix = QVBoxLayout()
        matrix.addLayout(self.legend)
        matrix.addWidget(self.empty)
        matrix.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addLayout(matrix, 1)
        body.addWidget(side_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addLayout(body, 1)
        for first, second in ((self.plan_box, self.year_box), (self.year_box, self.search),
                              (self.search, self.table), (self.table, self.period_box),
                              (self.period_box, self.state_box), (self.state_box, self.missing_view),
                              (self.missing_view, self.reminder_button)):
            QWidget.setTabOrder(first, second)

        self.bar.plan_changed.connect(lambda: self.reload())
        self.bar.choice_changed.connect(lambda: self.reload())
        self.period_box.currentIndexChanged.connect(self._period_changed)
        self.state_box.currentIndexChanged.connect(self._apply_state_filter)
        self.search.textChanged.connect(self.proxy.set_search)
        self.table.selectionModel().currentChanged.connect(self._follow_cell)
        workspace.changed.connect(self._on_changed)
        if self.plan_box.count():
            self.workspace.choose_plan(self.plan_id)
            self.reload()
        else:
            self._show_empty(translate("ui.matrix.no_plans"))

    # --- what is chosen --------------------------------------------------------------------------
    @property
    def plan_id(self) -> str | None:
        return self.bar.plan_id

    @property
    def period_id(self) -> str | None:
        return self.period_box.currentData()

    def _period_changed(self) -> None:
        self._apply_state_filter()
        self.reload(keep_matrix=True)

    def _apply_state_filter(self) -> None:
        self.proxy.set_state_filter(self.period_id, self.state_box.currentData())

    def _on_changed(self, changes: OfficeChanges) -> None:
        if changes.submissions and self._follow_the_reports():
            return
        if changes.submissions or changes.decisions or changes.communes:
            self.reload()

    def _follow_the_reports(self) -> bool:
        """After an import, a matrix with nothing received (a new office opens on the catalog's first plan) gives
        way to the plan the office has reports for (``followed_plans`` puts it first): True when it switched."""
        matrix = self.model.matrix
        if matrix is None or any(column.figures.received for column in matrix.periods):
            return False
        busiest = next(iter(self.service.followed_plans()), None)
        if busiest is None or busiest.id == self.plan_id or self.plan_box.findData(busiest.id) < 0:
            return False
        self.bar.select_plan(busiest.id)  # reads it (the bar's ``plan_changed``), on the year of its latest report
        return True

    # --- reading ---------------------------------------------------------------------------------
    def reload(self, keep_matrix: bool = False) -> RunningTask | None:
        """Read the matrix (of the year chosen; a plan just chosen opens on its default year) and the communes not
        reported for the chosen period, in the background; ``keep_matrix`` reads only the list."""
        plan_id = self.plan_id
        if plan_id is None:
            return None
        year = self.bar.choice if self._shown_plan == plan_id else None
        if self.running is not None:
            self.running.cancel_token.cancel()
        service, wanted = self.service, self.period_id
        kept = self.model.matrix if keep_matrix and self._shown_plan == plan_id else None

        def work(progress: ProgressCallback, cancel: CancelToken) -> Loaded:
            matrix = kept or service.completeness(plan_id, year)
            period = chosen_period(matrix.periods, wanted, service.clock().date())
            missing = service.not_reported(plan_id, period) if period else []
            return Loaded(matrix, period, missing)

        task = self.tasks.run(work, lambda loaded: self._show(task, loaded), translate("ui.matrix.loading"), self,
                              on_failed=lambda: self._failed(task),
                              show_error=lambda message: self._show_empty(message))
        self.running = task
        return task

    def _failed(self, task: RunningTask) -> None:
        if isValid(self) and task is self.running:
            self.running = None

    def _show(self, task: RunningTask, loaded: Loaded) -> None:
        if not isValid(self) or task is not self.running:
            return  # the window closed meanwhile, or a newer reading replaced this one
        self.running = None
        matrix = loaded.matrix
        if matrix is not self.model.matrix:
            self._show_matrix(matrix)
        self._show_missing(loaded)
        self.loaded.emit()

    def _show_matrix(self, matrix: Completeness) -> None:
        current = self.table.currentIndex()
        self.model.set_matrix(matrix)
        self._shown_plan = matrix.plan_id
        self._fill_years(matrix)
        self._fill_periods(matrix)
        self._size_columns(matrix)
        if matrix.cells:
            self.empty.hide()
        else:
            self._show_empty(translate("ui.matrix.no_communes"))
        if current.isValid() and current.row() < self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(current.row(), current.column()))

    def _fill_years(self, matrix: Completeness) -> None:
        self.bar.set_choices(((str(year), year) for year in self.service.plan_years(matrix.plan_id)), matrix.year)

    def _fill_periods(self, matrix: Completeness) -> None:
        wanted = self.period_id
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for column in matrix.periods:
            self.period_box.addItem(translate("ui.matrix.period_choice", period=period_name(column.period_id),
                                              due=date_text(column.due_before)), column.period_id)
        self.period_box.setCurrentIndex(max(0, self.period_box.findData(wanted)))
        self.period_box.blockSignals(False)

    def _show_missing(self, loaded: Loaded) -> None:
        if loaded.period_id is not None and loaded.period_id != self.period_id:
            self.period_box.blockSignals(True)
            self.period_box.setCurrentIndex(self.period_box.findData(loaded.period_id))
            self.period_box.blockSignals(False)
            self._apply_state_filter()
        self.missing_model.set_rows(loaded.missing)
        column = next((c for c in loaded.matrix.periods if c.period_id == loaded.period_id), None)
        if column is None:
            self.missing_title.setText("")
        elif loaded.missing:
            self.missing_title.setText(translate("ui.matrix.missing_title", count=len(loaded.missing),
                                                 expected=column.figures.expected,
                                                 period=period_name(column.period_id)))
        else:
            self.missing_title.setText(translate("ui.matrix.none_missing", period=period_name(column.period_id)))
        self.reminder_button.setEnabled(bool(loaded.missing))

    def _show_empty(self, message: str) -> None:
        if not isValid(self):
            return  # a reading failed after the window closed
        self.empty.setText(message)
        self.empty.show()

    def _size_columns(self, matrix: Completeness) -> None:
        """Period columns as wide as their header's widest line or their widest badge; the name takes the rest."""
        header = self.table.horizontalHeader()
        metrics = QFontMetrics(header.font())
        cell_metrics = self.table.fontMetrics()
        widest_badge = max(badge_width(cell_metrics, translate("ui.matrix.badge", state=state_label(state),
                                                               revision=9))
                           for state in CellState)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(CODE_WIDTH)
        self.table.setColumnWidth(CODE_COLUMN, CODE_WIDTH)
        for offset in range(len(matrix.periods)):
            section = FIRST_PERIOD_COLUMN + offset
            text = self.model.headerData(section, Qt.Orientation.Horizontal)
            width = max(max(metrics.horizontalAdvance(line) for line in text.splitlines()) + CELL_PADDING,
                        widest_badge)
            self.table.setColumnWidth(section, width)
        self.table.setMinimumWidth(CODE_WIDTH + NAME_MIN_WIDTH)

    def _legend(self) -> QHBoxLayout:
        legend = QHBoxLayout()
        title = QLabel(translate("ui.matrix.legend"))
        legend.addWidget(title)
        for state, (background, foreground) in STATE_COLOURS.items():
            badge = QLabel(state_label(state))
            badge.setObjectName(f"legend_{state.value}")
            badge.setToolTip(translate(f"ui.matrix.legend.{state.value}"))
            badge.setStyleSheet(f"background: {background}; color: {foreground}; border-radius: 8px; "
                                "padding: 1px 8px;")
            legend.addWidget(badge)
        legend.addStretch(1)
        return legend

    # --- acting ----------------------------------------------------------------------------------
    def _open(self, index: QModelIndex) -> None:
        """Ask for the submission of a received cell."""
        source = self.proxy.mapToSource(index)
        cell = self.model.cell_at(source.row(), source.column())
        if cell is not None and cell.revision is not None:
            self.workspace.show_submission(cell.commune_code, self.model.matrix.plan_id, cell.period_id)

    def _follow_cell(self, current: QModelIndex) -> None:
        """The side panel follows the period of the cell the user is on."""
        if current.isValid() and current.column() >= FIRST_PERIOD_COLUMN:
            period_id = self.model.periods[current.column() - FIRST_PERIOD_COLUMN].period_id
            if period_id != self.period_id:
                self.period_box.setCurrentIndex(self.period_box.findData(period_id))

    def _go_to_missing(self, index: QModelIndex) -> None:
        """Show the chosen commune's row of the matrix, on the chosen period's cell."""
        code = self.missing_model.row(index.row()).code
        column = self.model.period_column(self.period_id) or CODE_COLUMN
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, CODE_COLUMN).data() == code:
                target = self.proxy.index(row, column)
                self.table.selectionModel().setCurrentIndex(
                    target, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.table.scrollTo(target)
                return

    def open_reminder(self) -> ReminderDialog | None:
        if self.plan_id is None or self.period_id is None:
            return None
        dialog = ReminderDialog(self.workspace, self.tasks, self.plan_id, self.period_id, self)
        dialog.show()
        return dialog
