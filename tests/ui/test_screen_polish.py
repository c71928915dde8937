"""Details seen on the screenshots (scripts/screenshots.py): overdue deadlines stand out, the typing hint only
where typing is possible, the problems summary without errors, the wizard's province refusal explained."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.setup import CommuneChoice
from cds_desktop.ui.shared.cells import MUTED_TEXT, OVERDUE_TEXT
from cds_desktop.ui.commune.models.task_model import TaskColumn
from cds_desktop.ui.setup_wizard.identity_page import IdentityPage
from tests.ui.keyboard import send_back, submit
from tests.ui.test_workflow import fill


def test_overdue_task_deadlines_are_red_the_others_muted(qtbot, window, clock):
    model = window.tasks_page.model
    deadline = lambda row: model.index(row, TaskColumn.DEADLINE).data(Qt.ItemDataRole.ForegroundRole).name()  # noqa: E731
    assert {deadline(row) for row in range(model.rowCount())} == {MUTED_TEXT.name()}
    clock.advance(days=230)  # past December 2023
    window.workspace.set_task("T1", "progress_pct", "50")  # any change re-reads the period
    overdue = [model.row(row).overdue for row in range(model.rowCount())]
    assert any(overdue) and not all(overdue)
    assert [deadline(row) == OVERDUE_TEXT.name() for row in range(model.rowCount())] == overdue


def test_the_typing_hint_shows_only_while_the_period_can_be_edited(qtbot, window):
    hint = window.indicators_page.hint
    assert hint.isVisibleTo(window)
    fill(window)
    submit(qtbot, window)
    assert not hint.isVisibleTo(window)
    send_back(qtbot, window, "Sửa chỉ tiêu 1a")
    assert hint.isVisibleTo(window)


def test_the_problems_summary_without_errors_says_so(qtbot, window):
    fill(window)
    panel = window.problems_panel
    errors, warnings = panel.model.counts()
    assert errors == 0 and warnings > 0
    assert panel.summary.text() == translate("ui.problems.warnings_only", warnings=warnings)


def test_a_province_not_among_the_2025_ones_is_explained_and_must_be_chosen(qtbot):
    page = IdentityPage()
    qtbot.addWidget(page)
    page.show()
    page.set_choices((CommuneChoice("24784", "Xã Nhân Cơ", "67"),))  # Đăk Nông, merged into Lâm Đồng in 2025
    page.pick.setCurrentRow(0)
    assert page.error.isVisible() and "67" in page.error.text()
    assert page.province_code() == "" and page.commune_code.text() == "24784"
    assert not page.validatePage()
    assert page.error.text() == translate("ui.setup.identity.province_missing")
    page.province.setCurrentIndex(page.province.findData("68"))
    assert not page.error.isVisible()
    assert page.validatePage()
