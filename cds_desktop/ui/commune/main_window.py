"""The main window: a thin shell of menus, the period picker, the workflow strip, the pages, the problems panel
and notices.

It owns no data logic: pages and panels refresh themselves from the ``Workspace``; the shell only wires
navigation (a problem → its cell, an item → its history or evidence) and shows notices.

Everything works from the keyboard: Ctrl+1/2/3 show a page and put the cursor in its table, F8 shows the
problems panel and puts the cursor in it (Enter goes to the problem's cell, Esc back to the page), the steps of
the workflow have shortcuts, and every button and field label an access key (Alt+letter) of its own. A
receipt file dropped on the window is imported (``WorkflowStrip.import_receipt``), a plan file (``.cdsplan``)
after a question naming the plan and its changes (``plan_import``; also File → Import a plan file); evidence files
are dropped on the Evidence page. File → Keys and office opens the signing key's and the receiving office's
screen (``keys_dialog``).

Progressive start-up: ``MainWindow()`` without a workspace is the frame — title, menus, the period bar, the
tab skeleton and the problems dock, disabled, saying that the data is being opened — which needs neither the
service stack nor the pages (they are imported by ``open``); ``open(workspace, tasks)`` fills it in.
``MainWindow(workspace, tasks)`` does both at once. The window's geometry and dock layout are remembered in
``QSettings`` (``ui/shell/window_layout.py``) and given back to a new window (``layout=``); the
problems dock is placed from that layout with ``restoreDockWidget``, so the frame needs no ``Qt`` namespace
enum (loading those takes ~20 ms) unless there is no layout to place it from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.ui.commune.period_bar import PeriodBar
from cds_desktop.ui.shell.window_layout import WindowLayout

if TYPE_CHECKING:
    from cds_desktop.core.services.changes import Changes
    from cds_desktop.ui.shell.background import BackgroundTasks
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from cds_desktop.ui.commune.history_dialog import HistoryDialog
    from cds_desktop.ui.commune.keys_dialog import KeysDialog
    from cds_desktop.ui.shared.settings_dialog import SettingsDialog
    from cds_desktop.ui.commune.workspace import Workspace

NOTICE_MS = 8000
DEFAULT_SIZE = (1366, 740)
PAGE_TITLES = ("ui.page.indicators", "ui.page.tasks", "ui.page.evidence")
PERIOD_ITEM = "*"  # the history's item for the period itself: its states, the reasons it was sent back


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace | None = None, tasks: BackgroundTasks | None = None,
                 title: str | None = None, layout: WindowLayout | None = None) -> None:
        super().__init__()
        self.workspace: Workspace | None = None
        self.resize(*DEFAULT_SIZE)
        if layout is not None:
            self.restoreGeometry(layout.geometry)
            self.restoreState(layout.state)  # before the dock exists: Qt keeps its place for restoreDockWidget
        self.setWindowTitle(title or translate("ui.app_title"))
        self.period_bar = PeriodBar()
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        for message_id in PAGE_TITLES:
            self.pages.addTab(QWidget(), translate(message_id))
        central = QWidget()
        self._layout = QVBoxLayout(central)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.period_bar)
        self._layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.problems_dock = QDockWidget(translate("ui.problems.title"), self)
        self.problems_dock.setObjectName("problems_dock")
        self.problems_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                                       | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        if not self.restoreDockWidget(self.problems_dock):
            self._dock_problems_at_the_bottom()

        self.notice = QLabel(translate("ui.startup.opening"))
        self.notice.setObjectName("notice")
        self.saved = QLabel()
        self.saved.setObjectName("saved_at")
        self.statusBar().addWidget(self.notice, 1)
        self.statusBar().addPermanentWidget(self.saved)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.clear)
        self._build_frame_menus()
        self.centralWidget().setEnabled(False)
        if workspace is not None:
            self.open(workspace, tasks)

    def _dock_problems_at_the_bottom(self) -> None:
        from PySide6.QtCore import Qt

        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.resizeDocks([self.problems_dock], [self.fontMetrics().height() * 12], Qt.Orientation.Vertical)

    @property
    def is_open(self) -> bool:
        return self.workspace is not None

    def open(self, workspace: Workspace, tasks: BackgroundTasks) -> None:
        """Fill the frame in: the period bar, the workflow strip, the pages, the problems and every menu action."""
        EvidencePage, IndicatorsPage, ProblemsPanel, TasksPage, WorkflowStrip = window_contents()  # noqa: N806
        self.workspace = workspace
        self.setWindowTitle(self._title())
        self.notice.clear()
        self.period_bar.attach(workspace)  # opens a period first, as the pages expect
        self.workflow = WorkflowStrip(workspace, tasks)
        self.indicators_page = IndicatorsPage(workspace)
        self.tasks_page = TasksPage(workspace)
        self.evidence_page = EvidencePage(workspace, tasks)
        self._replace_placeholders((self.indicators_page, self.tasks_page, self.evidence_page))
        self._layout.insertWidget(1, self.workflow)
        self.problems_panel = ProblemsPanel(workspace)
        self.problems_dock.setWidget(self.problems_panel)
        self._fill_menus()
        self.centralWidget().setEnabled(True)

        workspace.notice.connect(self.show_notice)
        workspace.changed.connect(self._changed)
        self.problems_panel.problem_activated.connect(self.go_to)
        self.problems_panel.leave_requested.connect(self.focus_page)
        self.setAcceptDrops(True)
        self.workflow.problems_requested.connect(self.show_problems)
        self.workflow.period_requested.connect(self.period_bar.choose)
        for page in (self.indicators_page, self.tasks_page):
            page.actions.history_requested.connect(self.show_history)
            page.actions.evidence_requested.connect(self.show_evidence)

    def _replace_placeholders(self, pages: tuple[QWidget, ...]) -> None:
        """The frame's empty tabs give way to ``pages``, the current tab staying current. Only that page is
        ever shown (and laid out, which asks its model for every row): the others wait until chosen."""
        placeholders = [self.pages.widget(index) for index in range(self.pages.count())]
        current = self.pages.currentIndex()
        for page, message_id in zip(pages, PAGE_TITLES):
            self.pages.addTab(page, translate(message_id))
        self.pages.setCurrentWidget(pages[current])
        for placeholder in placeholders:
            self.pages.removeTab(self.pages.indexOf(placeholder))
            placeholder.deleteLater()

    def _title(self) -> str:
        unit = self.workspace.service.unit()
        return window_title(unit.name, unit.commune_code) if unit else translate("ui.app_title")

    def _build_frame_menus(self) -> None:
        """The menus with what works before the data is open: Quit, the pages and the problems panel."""
        self.file_menu = self.menuBar().addMenu(translate("ui.menu.file"))
        quit_action = self._frame_action(translate("ui.menu.quit"), "Ctrl+Q")
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(translate("ui.menu.view"))
        for number, title in enumerate(PAGE_TITLES, start=1):
            action = self._frame_action(translate(title), f"Ctrl+{number}")
            action.triggered.connect(lambda checked=False, n=number - 1: self.show_page(n))
            view_menu.addAction(action)
        problems = self._frame_action(translate("ui.menu.problems"), "F8")
        problems.setObjectName("show_problems")
        problems.triggered.connect(self.show_problems)
        view_menu.addSeparator()
        view_menu.addAction(problems)
        self.period_menu = self.menuBar().addMenu(translate("ui.menu.period"))
        self.period_menu.setObjectName("period_menu")
        self.period_menu.setEnabled(False)

    def _frame_action(self, text: str, keys: str) -> QAction:
        """An action built without the overloads that load ``QIcon``'s and the ``Qt`` namespace's enums
        (``QAction(text, parent)``, ``setShortcut``): loading those adds ~25 ms to showing the frame."""
        action = QAction(self)
        action.setText(text)
        action.setShortcuts([QKeySequence(keys)])
        return action

    def _fill_menus(self) -> None:
        """Settings… above Quit, the workflow's actions in the Period menu."""
        settings = QAction(translate("ui.menu.settings"), self)
        settings.setShortcut(QKeySequence("Ctrl+,"))
        settings.triggered.connect(self.show_settings)
        keys = QAction(translate("ui.menu.keys"), self)
        keys.setObjectName("show_keys")
        keys.triggered.connect(self.show_keys)
        import_plan = QAction(translate("ui.menu.import_plan"), self)
        import_plan.setObjectName("import_plan")
        import_plan.triggered.connect(self.choose_plan_file)
        quit_action = self.file_menu.actions()[-1]
        self.file_menu.insertAction(quit_action, import_plan)
        self.file_menu.insertAction(quit_action, keys)
        self.file_menu.insertAction(quit_action, settings)
        self.file_menu.insertSeparator(quit_action)
        for action in self.workflow.actions_in_order():
            if action is self.workflow.report_action:
                self.period_menu.addSeparator()
            self.period_menu.addAction(action)
        period_history = QAction(translate("ui.menu.period_history"), self)
        period_history.setObjectName("period_history")
        period_history.setShortcut(QKeySequence("Ctrl+Shift+H"))
        period_history.triggered.connect(lambda: self.show_history(PERIOD_ITEM))
        self.period_menu.addAction(period_history)
        self.period_menu.setEnabled(True)

    # --- navigation ------------------------------------------------------------------------
    def go_to(self, item_code: str, field: str) -> None:
        """Show the page holding ``item_code`` and put the cursor in the cell of ``field``."""
        for page in (self.indicators_page, self.tasks_page):
            if page.model.index_for(item_code, field).isValid():
                self.pages.setCurrentWidget(page)
                page.focus_item(item_code, field)
                return

    def show_history(self, item_code: str, field: str = "") -> HistoryDialog:
        from cds_desktop.ui.commune.history_dialog import HistoryDialog

        dialog = HistoryDialog(self.workspace, item_code, self)
        dialog.setObjectName("history_dialog")
        dialog.open()
        return dialog

    def show_page(self, number: int) -> None:
        """Page ``number`` (0: indicators, 1: tasks, 2: evidence), the cursor in its table."""
        self.pages.setCurrentIndex(number)
        if self.is_open:
            self.focus_page()

    def focus_page(self) -> None:
        """The cursor back in the current page's table, on its current cell (the first input when none)."""
        self.pages.currentWidget().take_focus()

    def show_problems(self) -> None:
        """Show the problems panel and put the cursor in it: Enter goes to a problem's cell, Esc back."""
        self.problems_dock.show()
        self.problems_dock.raise_()
        if self.is_open:
            self.problems_panel.take_focus()

    # --- a receipt or a plan file dropped on the window ------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self.is_open and len(_dropped_files(event)) == 1:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        from cds_desktop.ui.commune.plan_import import is_plan_file

        files = _dropped_files(event)
        if self.is_open and len(files) == 1:
            event.acceptProposedAction()
            if is_plan_file(files[0]):
                self.offer_plan(files[0])
            else:
                self.workflow.import_receipt(files[0]).open()

    def offer_plan(self, path: Path) -> QMessageBox:
        """Ask to import the plan file at ``path`` (naming the plan), or say why it cannot be (already open)."""
        from cds_desktop.ui.commune.plan_import import offer_plan_file

        def installed(plan_id: str, title: str) -> None:
            self.period_bar.show_plans(plan_id)
            self.show_notice(translate("ui.plan_file.imported", title=title), False)

        return offer_plan_file(self, self.workspace.service, path, installed)

    def choose_plan_file(self) -> QFileDialog:
        """File → Import a plan file: the file dialog, then the question about the file chosen."""
        from cds_desktop.ui.commune.plan_import import choose_plan_file

        return choose_plan_file(self, self.offer_plan)

    def show_keys(self) -> KeysDialog:
        """The Keys-and-office screen: the signing key's fingerprint, the enrolment file and its letter, the office."""
        from cds_desktop.ui.commune.keys_dialog import KeysDialog

        dialog = KeysDialog(self.workspace, self.workflow.tasks, self)
        dialog.open()
        return dialog

    def show_evidence(self, item_code: str) -> None:
        self.pages.setCurrentWidget(self.evidence_page)
        self.evidence_page.show_item(item_code)

    def show_settings(self) -> SettingsDialog:
        from cds_desktop.ui.shared.settings_dialog import SettingsDialog

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
            self.saved.setText(translate("ui.saved_at", time=f"{self.workspace.service.clock().astimezone():%H:%M:%S}"))
        if changes.unit:
            self.setWindowTitle(self._title())


def _dropped_files(event) -> list[Path]:
    """The local files a drag brings (none when it brings something else: text, a web address …)."""
    data = event.mimeData()
    if not data.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile() and Path(url.toLocalFile()).is_file()]


def window_contents() -> tuple[type, ...]:
    """The classes ``MainWindow.open`` builds, imported on first use (start-up imports them in a worker thread
    while the frame is shown: importing defines classes and colours, it makes no widgets)."""
    from cds_desktop.ui.commune.evidence_page import EvidencePage
    from cds_desktop.ui.commune.indicators_page import IndicatorsPage
    from cds_desktop.ui.commune.problems_panel import ProblemsPanel
    from cds_desktop.ui.commune.tasks_page import TasksPage
    from cds_desktop.ui.commune.workflow_panel import WorkflowStrip

    return EvidencePage, IndicatorsPage, ProblemsPanel, TasksPage, WorkflowStrip


def window_title(unit_name: str, commune_code: str) -> str:
    return translate("ui.window_title", unit=unit_name, commune=commune_code)

