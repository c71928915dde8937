"""Stand-in pages for the office window's own tests (the real pages are built elsewhere and listed in
``ui/office/pages.py``): each records what the window and the workspace ask of it, and has a field that can take
the keyboard focus. Tests put them in ``PAGES`` with ``office_pages`` (``tests/ui/conftest.py``).

``real_page_opener`` opens one REAL page of the office window alone in a 1366×768 window, for the page's own
tests: its notices recorded on ``page.notices``, its background work waited for at the end."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate


class RecordingPage(QWidget):
    def __init__(self, workspace, tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.tasks = workspace, tasks
        self.shown: list[tuple[str, str, str]] = []  # what ``show(commune, plan, period)`` was asked
        self.imports: list[list] = []  # what ``import_requested`` carried
        self.field = QLineEdit()
        self.field.setObjectName("page_field")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate("ui.user.username")))
        layout.addWidget(self.field)
        workspace.import_requested.connect(self.imports.append)

    def show(self, *submission: str) -> None:  # the submission page's contract: show(commune, plan_id, period_id)
        if submission:
            self.shown.append(submission)
        else:
            super().show()


def use_recording_pages(monkeypatch) -> list:
    """``PAGES`` replaced, for the test, by an inbox and a submission page that record (titles: any catalog text)."""
    from cds_desktop.ui.office import pages

    entries = [pages.PageEntry("inbox", "ui.page.indicators", "support.office_pages:RecordingPage"),
               pages.PageEntry("submission", "ui.page.evidence", "support.office_pages:RecordingPage")]
    monkeypatch.setattr(pages, "PAGES", entries)
    return entries


def real_page_opener(qtbot, office, name: str, user: str = "quan.tri"):
    """A generator for a pytest fixture: yields ``make(language="vi")``, which opens the office page ``name`` (an
    entry of ``ui/office/pages.PAGES``) on ``office`` as ``user``; ends the pages' background work after the test."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    from cds_desktop.core.i18n import set_language
    from cds_desktop.ui.office.pages import PAGES
    from cds_desktop.ui.office.workspace import OfficeWorkspace
    from cds_desktop.ui.shell.background import BackgroundTasks
    from cds_desktop.ui.shell.qt_translator import QtLanguage

    made = []

    def make(language: str = "vi"):
        set_language(language)
        qt_language = QtLanguage(QApplication.instance())
        qt_language.apply(language)
        workspace = OfficeWorkspace(office, user)
        notices: list[tuple[str, bool]] = []
        workspace.notice.connect(lambda text, failed: notices.append((text, failed)))
        tasks = BackgroundTasks()
        (entry,) = [page for page in PAGES if page.name == name]
        window = QMainWindow()
        page = entry.build(workspace, tasks, window)
        window.setCentralWidget(page)
        window.resize(1366, 768)
        qtbot.addWidget(window)
        window.show()
        page.notices = notices
        made.append((tasks, qt_language, workspace, window))
        return page

    yield make
    for tasks, qt_language, _workspace, _window in made:
        tasks.wait()
        qt_language.apply("en")
