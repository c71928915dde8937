"""The office window's pages, in tab order: each a QWidget built as ``Page(workspace, tasks, parent)``.

A page shows one thing (completeness, the inbox, one submission, keys and communes …), reads through the office
service, refreshes itself from ``OfficeWorkspace.changed`` and asks for other pages through the workspace
(``show_page``, ``show_submission``), never by calling them. The window (``main_window.py``) builds them from
this list, imported on first use so the window appears before every page's modules load.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

from PySide6.QtWidgets import QWidget


class PageEntry(NamedTuple):
    name: str  # stable, used by ``OfficeWorkspace.show_page``
    title_id: str  # message id of the tab's title (with an & access key)
    factory: str  # "module:Class"

    def build(self, workspace, tasks, parent: QWidget | None = None) -> QWidget:
        module, _, cls = self.factory.partition(":")
        return getattr(importlib.import_module(module), cls)(workspace, tasks, parent)


PAGES: list[PageEntry] = [  # each page's slice adds its entry here, in the order the tabs show
    PageEntry("completeness", "ui.matrix.tab", "cds_desktop.ui.office.completeness_page:CompletenessPage"),
    PageEntry("results", "ui.results.tab", "cds_desktop.ui.office.results_page:ResultsPage"),
    PageEntry("submission", "ui.office_review.page_title", "cds_desktop.ui.office.submission_page:SubmissionPage"),
    PageEntry("inbox", "ui.inbox.page_title", "cds_desktop.ui.office.inbox_page:InboxPage"),
    PageEntry("communes", "ui.office_communes.tab", "cds_desktop.ui.office.communes_page:CommunesPage"),
    PageEntry("plans", "ui.plans_page.tab", "cds_desktop.ui.office.plan_page:PlansPage"),
]
