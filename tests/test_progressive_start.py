"""Progressive start-up: the first look into the database (``storage/peek.py``), the main window's frame shown
before the service stack is imported, and the same window filled in once the data is open."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtWidgets import QApplication

from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.commune import CommuneService
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.peek import Peek, peek
from cds_desktop.ui.application import DesktopApp
from cds_desktop.ui.main_window import PAGE_TITLES, MainWindow
from cds_desktop.ui.qt_translator import QtLanguage


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


def test_the_frame_needs_neither_the_service_stack_nor_the_pages():
    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "import cds_desktop.app; from cds_desktop.ui.main_window import MainWindow; MainWindow(title='x').show(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'pydantic', "
            "'cryptography', 'reportlab', 'alembic'}), 'cds_desktop.ui.pages.indicators_page' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert done.stdout.split("\n")[0] == "[] False"


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
