"""Stand-in pages for the office window's own tests (the real pages are built elsewhere and listed in
``ui/office/pages.py``): each records what the window and the workspace ask of it, and has a field that can take
the keyboard focus. Tests put them in ``PAGES`` with ``office_pages`` (``tests/ui/conftest.py``)."""

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
