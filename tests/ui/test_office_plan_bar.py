"""The office's plan bar (``ui/office/plan_bar.py``), shared by the completeness and results pages, over the office
of ``results_support`` (real bundles, really imported) with a second plan in its catalog: a plan chosen on one page
is chosen on the other through the workspace, each page reads it, and its own second choice (the year, the period)
follows the plan."""

from __future__ import annotations

import shutil

import pytest

from cds_desktop.core.i18n import set_language
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.ui.office.completeness_page import CompletenessPage
from cds_desktop.ui.office.plan_bar import OfficePlanBar
from cds_desktop.ui.office.results_page import ResultsPage
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks
from tests.core.exchange.results_support import P, Q4, open_results_office


@pytest.fixture
def office(tmp_path, mini_plan, clock):
    opened = open_results_office(tmp_path / "template", mini_plan, clock)
    opened.close()
    shutil.copytree(tmp_path / "template", tmp_path / "office")
    catalog = PlanCatalog([mini_plan, *PlanCatalog.builtin().all()])
    service = OfficeService(DataDir(tmp_path / "office"), catalog, clock)
    yield service
    service.close()


def test_a_plan_chosen_on_one_page_is_read_on_the_other(qtbot, office):
    set_language("vi")
    workspace, tasks = OfficeWorkspace(office, "van_thu"), BackgroundTasks()
    matrix, results = CompletenessPage(workspace, tasks), ResultsPage(workspace, tasks)
    for page in (matrix, results):
        qtbot.addWidget(page)
        assert isinstance(page.bar, OfficePlanBar)
    qtbot.waitUntil(lambda: matrix.running is None and results.running is None, timeout=10_000)
    assert matrix.plan_id == results.plan_id == P  # the plan with reports comes first
    assert results.period_id == Q4 and matrix.year_box.currentData() == 2023
    other = matrix.plan_box.itemData(1)
    with qtbot.waitSignals([matrix.loaded, results.loaded], timeout=20_000):
        matrix.plan_box.setCurrentIndex(1)
    assert workspace.plan_id == other and results.plan_id == other
    assert results.model.results.plan_id == other and matrix.model.matrix.plan_id == other
    periods = office.result_periods(other)
    assert [results.period_box.itemData(i) for i in range(results.period_box.count())] == periods
    assert [matrix.year_box.itemData(i) for i in range(matrix.year_box.count())] == office.plan_years(other)
    with qtbot.waitSignals([matrix.loaded, results.loaded], timeout=20_000):
        results.plan_box.setCurrentIndex(results.plan_box.findData(P))
    assert matrix.plan_id == P and matrix.model.matrix.plan_id == P
    tasks.wait()
