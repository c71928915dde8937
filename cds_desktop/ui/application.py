"""The desktop application object: language, the workspace, background tasks and the main window.

Not a ``QApplication`` subclass and not a service locator: it builds the pieces, keeps the Qt translator
referenced, remembers the window geometry (the one thing kept in ``QSettings``) and rebuilds the window when
the language setting changes.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from cds_desktop.core.i18n import current_language, set_language
from cds_desktop.core.services.changes import Changes
from cds_desktop.core.services.commune import CommuneService
from cds_desktop.ui.background import BackgroundTasks
from cds_desktop.ui.main_window import MainWindow
from cds_desktop.ui.qt_translator import QtLanguage
from cds_desktop.ui.workspace import Workspace

DEFAULT_SIZE = (1366, 740)


class DesktopApp(QObject):
    def __init__(self, app: QApplication, qt_language: QtLanguage, service: CommuneService, actor: str,
                 remember_geometry: bool = True) -> None:
        super().__init__(app)
        self.qt_language = qt_language
        self.qt_language.apply(current_language())
        self.workspace = Workspace(service, actor, self)
        self.tasks = BackgroundTasks(self)
        self.remember_geometry = remember_geometry
        self.window: MainWindow | None = None
        self.workspace.changed.connect(self._changed)
        app.aboutToQuit.connect(self._quitting)

    def show(self) -> MainWindow:
        self.window = MainWindow(self.workspace, self.tasks)
        self.window.resize(*DEFAULT_SIZE)
        if self.remember_geometry:
            self._restore_geometry(self.window)
        self.window.show()
        return self.window

    def _changed(self, changes: Changes) -> None:
        if changes.settings and self.workspace.service.setting("language") != current_language():
            QTimer.singleShot(0, self._switch_language)

    def _switch_language(self) -> None:
        """Rebuild the window in the newly chosen language, on the same plan period."""
        language = self.workspace.service.setting("language")
        set_language(language)
        self.qt_language.apply(language)
        old, plan_id, period_id = self.window, self.workspace.plan_id, self.workspace.period_id
        geometry = old.saveGeometry() if old else None
        self.window = MainWindow(self.workspace, self.tasks)
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        self.window.period_bar.choose(plan_id, period_id)
        self.window.show()
        if old is not None:
            old.hide()
            old.deleteLater()

    # --- geometry --------------------------------------------------------------------------
    @staticmethod
    def _restore_geometry(window: MainWindow) -> None:
        settings = QSettings()
        for key, restore in (("geometry", window.restoreGeometry), ("state", window.restoreState)):
            value = settings.value(f"main_window/{key}")
            if isinstance(value, QByteArray):
                restore(value)

    def _quitting(self) -> None:
        self.tasks.wait()
        if self.remember_geometry and self.window is not None:
            settings = QSettings()
            settings.setValue("main_window/geometry", self.window.saveGeometry())
            settings.setValue("main_window/state", self.window.saveState())
