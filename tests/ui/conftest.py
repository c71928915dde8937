"""UI fixtures: the real main window over the ``service`` fixture (mini plan, fixed clock), period 2023Q2."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from cds_desktop.core.i18n import set_language
from cds_desktop.ui.shell.application import DesktopApp
from cds_desktop.ui.shell.qt_translator import QtLanguage

PLAN, PERIOD = "mini-plan", "2023Q2"


@pytest.fixture
def open_window(qtbot, service):
    """A function making the main window in a language, as users see it (1366×768)."""
    made = []

    def make(language: str = "vi"):
        set_language(language)
        app = QApplication.instance()
        qt_language = QtLanguage(app)
        qt_language.apply(language)
        desktop = DesktopApp(app, qt_language, service, "can.bo.xa", remember_geometry=False)
        window = desktop.show()
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.period_bar.choose(PLAN, PERIOD)
        made.append((desktop, qt_language))
        return window

    yield make
    for desktop, qt_language in made:
        desktop.tasks.wait()
        qt_language.apply("en")  # uninstall the Vietnamese translator
        desktop.deleteLater()
        qt_language.deleteLater()


@pytest.fixture
def window(open_window):
    return open_window("vi")
