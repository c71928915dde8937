"""The main window: a thin shell of menus, the period picker, the workflow strip, the pages, the problems panel
and notices.

It owns no data logic: pages and panels refresh themselves from the ``Workspace``; the shell only wires
navigation (a problem → its cell, an item → its history or evidence) and shows notices.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.changes import Changes
from cds_desktop.ui.background import BackgroundTasks
from cds_desktop.ui.pages.evidence_page import EvidencePage
from cds_desktop.ui.pages.history_dialog import HistoryDialog
from cds_desktop.ui.pages.indicators_page import IndicatorsPage
from cds_desktop.ui.pages.problems_panel import ProblemsPanel
from cds_desktop.ui.pages.settings_dialog import SettingsDialog
from cds_desktop.ui.pages.tasks_page import TasksPage
from cds_desktop.ui.pages.workflow_panel import WorkflowStrip
from cds_desktop.ui.widgets.period_bar import PeriodBar
from cds_desktop.ui.workspace import Workspace

NOTICE_MS = 8000


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace, tasks: BackgroundTasks) -> None:
        super().__init__()
        self.workspace = workspace
        self.setWindowTitle(self._title())
        self.period_bar = PeriodBar(workspace)
        self.workflow = WorkflowStrip(workspace, tasks)
        self.indicators_page = IndicatorsPage(workspace)
        self.tasks_page = TasksPage(workspace)
        self.evidence_page = EvidencePage(workspace, tasks)
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.indicators_page, translate("ui.page.indicators"))
        self.pages.addTab(self.tasks_page, translate("ui.page.tasks"))
        self.pages.addTab(self.evidence_page, translate("ui.page.evidence"))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.period_bar)
        layout.addWidget(self.workflow)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.problems_panel = ProblemsPanel(workspace)
        self.problems_dock = QDockWidget(translate("ui.problems.title"), self)
        self.problems_dock.setObjectName("problems_dock")
        self.problems_dock.setWidget(self.problems_panel)
        self.problems_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                                       | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.resizeDocks([self.problems_dock], [self.fontMetrics().height() * 12], Qt.Orientation.Vertical)

        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.saved = QLabel()
        self.saved.setObjectName("saved_at")
        self.statusBar().addWidget(self.notice, 1)
        self.statusBar().addPermanentWidget(self.saved)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.clear)
        self._build_menus()

        workspace.notice.connect(self.show_notice)
        workspace.changed.connect(self._changed)
        self.problems_panel.problem_activated.connect(self.go_to)
        self.workflow.problems_requested.connect(self.show_problems)
        self.workflow.period_requested.connect(self.period_bar.choose)
        for page in (self.indicators_page, self.tasks_page):
            page.actions.history_requested.connect(self.show_history)
            page.actions.evidence_requested.connect(self.show_evidence)

    def _title(self) -> str:
        unit = self.workspace.service.unit()
        if unit is None:
            return translate("ui.app_title")
        return translate("ui.window_title", unit=unit.name, commune=unit.commune_code)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(translate("ui.menu.file"))
        settings = QAction(translate("ui.menu.settings"), self)
        settings.setShortcut(QKeySequence("Ctrl+,"))
        settings.triggered.connect(self.show_settings)
        quit_action = QAction(translate("ui.menu.quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(settings)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(translate("ui.menu.view"))
        for number, title in enumerate(("ui.page.indicators", "ui.page.tasks", "ui.page.evidence"), start=1):
            action = QAction(translate(title), self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda checked=False, n=number - 1: self.pages.setCurrentIndex(n))
            view_menu.addAction(action)
        problems = self.problems_dock.toggleViewAction()
        problems.setText(translate("ui.menu.problems"))
        problems.setShortcut(QKeySequence("F8"))
        view_menu.addSeparator()
        view_menu.addAction(problems)
        period_menu = self.menuBar().addMenu(translate("ui.menu.period"))
        period_menu.setObjectName("period_menu")
        for action in self.workflow.actions_in_order():
            if action is self.workflow.report_action:
                period_menu.addSeparator()
            period_menu.addAction(action)

    # --- navigation ------------------------------------------------------------------------
    def go_to(self, item_code: str, field: str) -> None:
        """Show the page holding ``item_code`` and put the cursor in the cell of ``field``."""
        for page in (self.indicators_page, self.tasks_page):
            if page.model.index_for(item_code, field).isValid():
                self.pages.setCurrentWidget(page)
                page.focus_item(item_code, field)
                return

    def show_history(self, item_code: str, field: str = "") -> HistoryDialog:
        dialog = HistoryDialog(self.workspace, item_code, self)
        dialog.setObjectName("history_dialog")
        dialog.open()
        return dialog

    def show_problems(self) -> None:
        self.problems_dock.show()
        self.problems_dock.raise_()
        self.problems_panel.table.setFocus()

    def show_evidence(self, item_code: str) -> None:
        self.pages.setCurrentWidget(self.evidence_page)
        self.evidence_page.show_item(item_code)

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.workspace, self)
        dialog.setObjectName("settings_dialog")
        dialog.open()
        return dialog

    # --- feedback --------------------------------------------------------------------------
    def show_notice(self, message: str, failure: bool) -> None:
        self.notice.setProperty("failure", failure)
        self.notice.setStyleSheet("color: #a11d16;" if failure else "color: #8a5a00;")
        self.notice.setText(message)
        self._notice_timer.start(NOTICE_MS)

    def _changed(self, changes: Changes) -> None:
        if changes.items or changes.evidence:
            self.saved.setText(translate("ui.saved_at", time=f"{dt.datetime.now():%H:%M:%S}"))
        if changes.unit:
            self.setWindowTitle(self._title())
