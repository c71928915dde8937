"""Progressive start-up: the first look into the database (``storage/peek.py``), the main window's frame shown
before the service stack is imported, and the same window filled in once the data is open."""

from __future__ import annotations

import subprocess
import time
import sys

from PySide6.QtWidgets import QApplication

from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import CACHE_DIR_ENV, CONFIG_DIR_ENV, DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune.service import CommuneService, open_commune_service
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.peek import Peek, peek
from cds_desktop.ui.shell.application import DesktopApp
from cds_desktop.ui.commune.main_window import PAGE_TITLES, MainWindow, WindowLayout
from cds_desktop.ui.shell.qt_translator import QtLanguage


def test_peek_reads_the_unit_accounts_and_language_without_the_service(service, tmp_path, mini_plan, clock):
    empty = CommuneService(DataDir(tmp_path / "empty"), PlanCatalog([mini_plan]), clock)
    try:
        assert peek(empty.data_dir.database) == Peek(None, None, False, None)  # not set up yet
    finally:
        empty.close()
    database = service.data_dir.database
    assert peek(database) == Peek("Xã Nhân Cơ", "24751", False, None)
    service.set_setting("language", "en")
    assert peek(database) == Peek("Xã Nhân Cơ", "24751", False, "en")
    Accounts(service).create(NewUser("quan.tri", "Quản trị", frozenset({Role.ADMIN}), "Quan-tri 2025!"))
    assert peek(database).has_accounts


def test_peek_gives_up_on_a_missing_or_foreign_file(tmp_path):
    assert peek(tmp_path / "missing.sqlite") is None
    (tmp_path / "notes.sqlite").write_text("not a database", encoding="utf-8")
    assert peek(tmp_path / "notes.sqlite") is None


FRAME_PROBE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([]); app.setOrganizationName("CDS Desktop"); app.setApplicationName("CDS Desktop")
import cds_desktop.app
from cds_desktop.ui.commune.main_window import MainWindow
from cds_desktop.ui.shell.window_layout import remembered_layout, save_layout
layout = remembered_layout()
frame = MainWindow(title="x", layout=layout)
frame.show()
app.processEvents()
heavy = {"sqlalchemy", "sqlmodel", "pydantic", "cryptography", "reportlab", "alembic", "yaml", "dataclasses"}
print(sorted({m.split(".")[0] for m in sys.modules} & heavy), "cds_desktop.ui.commune.indicators_page" in sys.modules,
      "Qt" in vars(sys.modules["PySide6.QtCore"]), layout is not None)
save_layout(frame)
"""


def test_the_frame_needs_neither_the_service_stack_nor_the_pages_nor_the_qt_namespace(tmp_path):
    """The frame is built from the cached catalogs and, from the second start on, from the remembered
    layout: no YAML parsing, no ``dataclasses``, and none of the ~100 ``Qt`` namespace enums (~20 ms)."""
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           CONFIG_DIR_ENV: str(tmp_path / "config"), CACHE_DIR_ENV: str(tmp_path / "cache")}

    def start() -> str:
        done = subprocess.run([sys.executable, "-c", FRAME_PROBE], capture_output=True, text=True, check=True,
                              env=env)
        return done.stdout.split("\n")[0]

    first = start()  # parses the catalogs (PyYAML) and places the dock with the Qt namespace's enums
    assert first.startswith("[") and "False True False" in first
    assert start() == "[] False False True"
def test_the_frame_is_disabled_until_the_desktop_fills_it_in(qtbot, service):
    frame = MainWindow(title="Xã Nhân Cơ")
    qtbot.addWidget(frame)
    assert not frame.is_open and not frame.centralWidget().isEnabled()
    assert frame.notice.text() == translate("ui.startup.opening")
    assert [frame.pages.tabText(i) for i in range(frame.pages.count())] == [translate(t) for t in PAGE_TITLES]
    assert not frame.period_menu.isEnabled()

    app = QApplication.instance()
    language = QtLanguage(app)
    desktop = DesktopApp(app, language, service, "can.bo.xa", remember_geometry=False)
    try:
        window = desktop.show(frame)
        assert window is frame and frame.is_open and frame.centralWidget().isEnabled()
        assert frame.pages.widget(0) is frame.indicators_page and frame.pages.count() == len(PAGE_TITLES)
        assert frame.workspace.has_period and frame.period_bar.period_box.count() > 0
        assert frame.period_menu.isEnabled() and frame.period_menu.actions()
        assert frame.notice.text() == "" and "24751" in frame.windowTitle()
    finally:
        desktop.tasks.wait()
        language.apply("en")
        desktop.deleteLater()
        language.deleteLater()


def test_a_new_window_places_the_problems_dock_where_the_last_one_had_it(qtbot):
    from PySide6.QtCore import Qt

    first = MainWindow(title="x")
    qtbot.addWidget(first)
    assert first.dockWidgetArea(first.problems_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    first.show()
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.problems_dock)
    first.problems_dock.hide()
    qtbot.waitUntil(lambda: not first.problems_dock.isVisible(), timeout=30_000)

    second = MainWindow(title="x", layout=WindowLayout(first.saveGeometry(), first.saveState()))
    qtbot.addWidget(second)
    second.show()
    assert second.dockWidgetArea(second.problems_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not second.problems_dock.isVisible()  # closed by the user: stays closed
    assert not second.problems_dock.toggleViewAction().isChecked()


def test_the_data_is_opened_once_the_frame_is_on_screen_or_soon_anyway(qtbot):
    from PySide6.QtWidgets import QWidget

    from cds_desktop.app import SHOWN_WAIT_MS, _on_screen
    from cds_desktop.ui.shell.off_thread import wait_off_the_gui_thread

    frame = QWidget()
    qtbot.addWidget(frame)
    frame.show()
    # until the frame is painted, the worker would compete with the painting for the interpreter lock
    assert wait_off_the_gui_thread(lambda: frame.windowHandle().isExposed(), _on_screen(frame), SHOWN_WAIT_MS)

    never_shown = QWidget()
    qtbot.addWidget(never_shown)
    started = time.monotonic()
    assert wait_off_the_gui_thread(lambda: "opened", _on_screen(never_shown), SHOWN_WAIT_MS) == "opened"
    assert time.monotonic() - started >= SHOWN_WAIT_MS / 1000


STARTED_PROBE = """
import gc, sys
from cds_desktop.app import main
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

DEFERRED = ("cds_desktop.core.storage.exchange_models", "cds_desktop.core.services.commune.exchange",
            "cds_desktop.core.bundle.writer", "cds_desktop.core.bundle.reader", "cds_desktop.core.bundle.keyfiles",
            "cds_desktop.core.bundle.private_keys", "reportlab", "alembic", "yaml")

def probe():
    for window in QApplication.topLevelWidgets():
        if isinstance(window, QMainWindow) and getattr(window, "is_open", False) and window.isVisible():
            loaded = [name for name in DEFERRED if name in sys.modules]
            print("started", loaded, gc.isenabled(), gc.get_freeze_count() > 10_000, flush=True)
            timer.stop()
            window.close()

app = QApplication([])
timer = QTimer(interval=5)
timer.timeout.connect(probe)
timer.start()
code = main(["--data-dir", sys.argv[1]])
print("ended", code, gc.get_freeze_count())
"""


def test_the_main_window_is_filled_in_without_what_its_first_form_does_not_need(tmp_path):
    """Started on a set-up commune, the app fills its window in without loading the exchange (bundle writing and
    reading, the exchange tables), reports or Alembic; from the second start on, without PyYAML either (the
    plans come from the parsed-plan cache). What the start-up worker imported is frozen out of the garbage
    collector's passes while the app runs (``ui/shell/import_costs.py``), and given back when it ends."""
    service = open_commune_service(tmp_path / "data")
    try:
        service.init_commune("68", "24751", "Xã Nhân Cơ")
    finally:
        service.close()
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           CONFIG_DIR_ENV: str(tmp_path / "config"), CACHE_DIR_ENV: str(tmp_path / "cache")}

    def start() -> list[str]:
        done = subprocess.run([sys.executable, "-c", STARTED_PROBE, str(tmp_path / "data")], capture_output=True,
                              text=True, check=True, env=env, timeout=120)
        return done.stdout.splitlines()

    first = start()
    assert first[0] == "started ['yaml'] True True" and first[-1] == "ended 0 0"
    assert start() == ["started [] True True", "ended 0 0"]
