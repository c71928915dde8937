"""The office's results page shown over the office of ``results_support`` (real bundles, really imported), for the
results-page and chart tests."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from cds_desktop.core.i18n import set_language
from cds_desktop.ui.office.results_page import ResultsPage
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks


@contextmanager
def shown_results_page(qtbot, office, size: tuple[int, int] | None = None) -> Iterator[ResultsPage]:
    """The page for the clerk ``van_thu``, shown and loaded (in Vietnamese); its background work waited for after."""
    set_language("vi")
    tasks = BackgroundTasks()
    page = ResultsPage(OfficeWorkspace(office, "van_thu"), tasks)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    if size is not None:
        page.resize(*size)
    yield page
    tasks.wait()
