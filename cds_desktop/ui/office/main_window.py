"""The receiving office's main window: a thin shell of menus, one tab per page of ``pages.PAGES``, and notices.

It owns no data logic: each page reads through the office service and refreshes itself from
``OfficeWorkspace.changed``. The shell only answers the workspace's requests — show a page
(``page_requested``), show one submission (``submission_requested``: the ``submission`` page's
``show(commune, plan_id, period_id)``) — and shows its notices: in the status bar, and a failure also in a message
box. Files or folders dropped onto the window go to the inbox (``OfficeWorkspace.request_import``).

``OfficeWindow(layout=…)`` is the empty window; ``open(workspace, tasks)`` imports the pages and fills it in
(the session does both, ``ui/office/application.py``). Menus, all with access keys: File (settings, backup and
restore, the database — ``database_dialog.py`` —, quit; the session adds users, change password and sign out), View
(one entry per page, Ctrl+1…n, which also puts the keyboard focus into the page) and Help (about: the version).
The geometry is remembered by the session under ``office_window/`` (``ui/shell/window_layout.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from cds_desktop import __version__
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.shell.window_layout import WindowLayout

if TYPE_CHECKING:
    from cds_desktop.ui.office.database_dialog import DatabaseDialog
    from cds_desktop.ui.office.workspace import OfficeWorkspace
    from cds_desktop.ui.shared.backup_dialogs import DataDialog
    from cds_desktop.ui.shared.settings_dialog import SettingsDialog
    from cds_desktop.ui.shell.background import BackgroundTasks

NOTICE_MS = 8000
DEFAULT_SIZE = (1366, 740)
INBOX, SUBMISSION = "inbox", "submission"


class OfficeWindow(QMainWindow):
    def __init__(self, workspace: OfficeWorkspace | None = None, tasks: BackgroundTasks | None = None,
                 layout: WindowLayout | None = None) -> None:
        super().__init__()
        self.setObjectName("office_window")
        self.workspace: OfficeWorkspace | None = None
        self.page_names: list[str] = []
        self.failure_box: QMessageBox | None = None
        self.about_box: QMessageBox | None = None
        self.resize(*DEFAULT_SIZE)
        if layout is not None:
            self.restoreGeometry(layout.geometry)
            self.restoreState(layout.state)
        self.setWindowTitle(translate("ui.app_title"))
        self.pages = QTabWidget()
        self.pages.setObjectName("office_pages")
        self.pages.setDocumentMode(True)
        central = QWidget()
        self._layout = QVBoxLayout(central)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.pages)
        self.setCentralWidget(central)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.statusBar().addWidget(self.notice, 1)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.clear)
        self.setAcceptDrops(True)
        self._build_menus()
        if workspace is not None:
            self.open(workspace, tasks)

    @property
    def is_open(self) -> bool:
        return self.workspace is not None

    def open(self, workspace: OfficeWorkspace, tasks: BackgroundTasks) -> None:
        """Build the pages (their modules imported now) and wire the workspace's requests and notices."""
        from cds_desktop.ui.office.pages import PAGES

        self.workspace = workspace
        identity = workspace.service.identity()
        if identity is not None:
            self.setWindowTitle(translate("ui.office.window_title", office=identity.name, code=identity.code))
        for number, entry in enumerate(PAGES, start=1):
            page = entry.build(workspace, tasks, self.pages)
            title = translate(entry.title_id)
            self.pages.addTab(page, title)
            self.page_names.append(entry.name)
            action = self._action(title, f"Ctrl+{number}", lambda checked=False, name=entry.name: self.show_page(name))
            action.setObjectName(f"page_action_{entry.name}")
            self.view_menu.addAction(action)
        if not PAGES:
            empty = QLabel(translate("ui.office.no_pages"))
            empty.setObjectName("no_pages")
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty.setWordWrap(True)
            self.pages.hide()
            self._layout.addWidget(empty)
        self.view_menu.setEnabled(bool(PAGES))
        workspace.notice.connect(self.show_notice)
        workspace.page_requested.connect(self.show_page)
        workspace.submission_requested.connect(self.show_submission)

    # --- menus -----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu(translate("ui.menu.file"))
        self.file_menu.setObjectName("file_menu")
        settings = self._action(translate("ui.menu.settings"), "Ctrl+,", self.show_settings)
        settings.setObjectName("settings_action")
        data = self._action(translate("ui.menu.backup"), "", self.show_data)
        data.setObjectName("backup_action")
        database = self._action(translate("ui.menu.database"), "", self.show_database)
        database.setObjectName("database_action")
        quit_action = self._action(translate("ui.menu.quit"), "Ctrl+Q", self.close)
        quit_action.setObjectName("quit_action")
        for action in (settings, data, database):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(quit_action)
        self.view_menu = self.menuBar().addMenu(translate("ui.menu.view"))
        self.view_menu.setObjectName("view_menu")
        help_menu = self.menuBar().addMenu(translate("ui.menu.help"))
        help_menu.setObjectName("help_menu")
        about = self._action(translate("ui.menu.about"), "", self.show_about)
        about.setObjectName("about_action")
        help_menu.addAction(about)

    def _action(self, text: str, keys: str, slot) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda checked=False: slot())
        return action

    # --- navigation ------------------------------------------------------------------------
    def page(self, name: str) -> QWidget | None:
        return self.pages.widget(self.page_names.index(name)) if name in self.page_names else None

    def current_page_name(self) -> str | None:
        index = self.pages.currentIndex()
        return self.page_names[index] if 0 <= index < len(self.page_names) else None

    def show_page(self, name: str) -> QWidget | None:
        """Bring the page ``name`` to the front with the keyboard focus in it (None: no such page)."""
        page = self.page(name)
        if page is not None:
            self.pages.setCurrentWidget(page)
            focus_into(page)
        return page

    def show_submission(self, commune: str, plan_id: str, period_id: str) -> None:
        page = self.page(SUBMISSION)
        if page is not None:
            self.pages.setCurrentWidget(page)
            page.show(commune, plan_id, period_id)  # the submission page's own ``show`` (see ``pages.py``)
            focus_into(page)

    # --- dialogs ---------------------------------------------------------------------------
    def show_settings(self) -> SettingsDialog:
        from cds_desktop.ui.shared.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.workspace, self)
        dialog.setObjectName("settings_dialog")
        dialog.open()
        return dialog

    def show_data(self) -> DataDialog:
        from cds_desktop.ui.shared.backup_dialogs import DataDialog

        dialog = DataDialog(self.workspace, self)
        dialog.open()
        return dialog

    def show_database(self) -> DatabaseDialog:
        from cds_desktop.ui.office.database_dialog import DatabaseDialog

        dialog = DatabaseDialog(self.workspace, self, move_available=self.workspace.service.may(Permission.MANAGE))
        dialog.move_to_server_requested.connect(lambda: self.show_move_to_server(dialog))
        dialog.open()
        return dialog

    def show_move_to_server(self, database_dialog: QDialog | None = None) -> QDialog:
        from cds_desktop.ui.office.move_dialog import MoveToServerDialog

        if database_dialog is not None:
            database_dialog.close()
        dialog = MoveToServerDialog(self.workspace, self)
        dialog.open()
        return dialog


    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, translate("ui.about.title"),
                          translate("ui.about.text", version=__version__), QMessageBox.StandardButton.Ok, self)
        box.setObjectName("about_box")
        box.open()
        self.about_box = box
        return box

    # --- dropping files ----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if self.is_open and INBOX in self.page_names and _dropped_paths(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.is_open and INBOX in self.page_names and _dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        paths = _dropped_paths(event)
        if self.is_open and INBOX in self.page_names and paths:
            event.acceptProposedAction()
            self.workspace.request_import(paths)

    # --- feedback --------------------------------------------------------------------------
    def show_notice(self, message: str, failure: bool) -> None:
        """In the status bar for a while; a failure also in a message box (its text replaced by a newer one)."""
        self.notice.setProperty("failure", failure)
        self.notice.setStyleSheet("color: #a11d16;" if failure else "color: #8a5a00;")
        self.notice.setText(message)
        self._notice_timer.start(NOTICE_MS)
        if failure:
            if self.failure_box is None:
                self.failure_box = QMessageBox(QMessageBox.Icon.Warning, translate("ui.app_title"), message,
                                               QMessageBox.StandardButton.Ok, self)
                self.failure_box.setObjectName("failure_message")
                self.failure_box.finished.connect(self._failure_closed)
            self.failure_box.setText(message)
            self.failure_box.open()

    def _failure_closed(self) -> None:
        self.failure_box.deleteLater()
        self.failure_box = None


def _dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    data = event.mimeData()
    if not data.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]


def focus_into(page: QWidget) -> None:
    """Put the keyboard focus on the first widget of ``page`` that takes it by Tab (else on the page)."""
    if page.focusProxy() is not None:
        page.focusProxy().setFocus(Qt.FocusReason.ShortcutFocusReason)
        return
    widget = page.nextInFocusChain()
    while widget is not page and widget is not None:
        takes_tab = widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
        if page.isAncestorOf(widget) and takes_tab and widget.isEnabled() and widget.isVisibleTo(page):
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        widget = widget.nextInFocusChain()
    page.setFocus(Qt.FocusReason.ShortcutFocusReason)
