"""The task checklist (status, dates, filters) and evidence (background add, size warning, removal)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from cds_desktop.ui.commune.models.task_model import TaskColumn, TaskFilter
from tests.ui.conftest import PERIOD, PLAN
from tests.ui.keyboard import active


def _edit_task(qtbot, window, code, column):
    page = window.tasks_page
    window.pages.setCurrentWidget(page)
    page.table.setCurrentIndex(QModelIndex())
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.mapFromSource(page.model.index_for(code, "status").siblingAtColumn(column)))
    return QApplication.focusWidget()


def test_task_status_progress_and_date_are_saved_from_the_checklist(qtbot, window, service):
    status = _edit_task(qtbot, window, "T1", TaskColumn.STATUS)
    assert isinstance(status, QComboBox)
    status.setCurrentIndex(status.findText("Hoàn thành"))
    qtbot.keyClick(status, Qt.Key.Key_Tab)
    assert window.tasks_page.table.currentIndex().column() == TaskColumn.PROGRESS
    problems = {p.code for p in service.validate(PLAN, PERIOD) if p.item_code == "T1"}
    assert {"task.done_needs_date", "task.done_needs_result"} <= problems
    date = _edit_task(qtbot, window, "T1", TaskColumn.COMPLETED)
    qtbot.keyClicks(date, "15/05/2023")
    qtbot.keyClick(date, Qt.Key.Key_Return)
    entry = service.entries(PLAN, PERIOD).tasks["T1"]
    assert (entry.status.value, entry.progress_pct, f"{entry.completed_on:%d/%m/%Y}") == ("done", 100, "15/05/2023")


def test_a_bad_date_is_refused_with_a_translated_notice(qtbot, window, service):
    editor = _edit_task(qtbot, window, "T1", TaskColumn.COMPLETED)
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "31/02/2023")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert "không hợp lệ" in window.notice.text()
    assert service.entries(PLAN, PERIOD).tasks.get("T1") is None


def test_filters_show_overdue_not_started_and_by_lead_agency(qtbot, window, clock):
    page = window.tasks_page
    assert page.proxy.rowCount() == 3  # T1, T2a, T2b
    page.filter_box.setCurrentIndex(page.filter_box.findData(TaskFilter.OVERDUE.value))
    assert page.proxy.rowCount() == 0  # nothing is overdue on 20/05/2023
    page.filter_box.setCurrentIndex(page.filter_box.findData(TaskFilter.NOT_STARTED.value))
    assert page.proxy.rowCount() == 3
    page.agency_box.setCurrentIndex(page.agency_box.findText("Phòng Văn hóa và Thông tin"))
    assert [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())] == ["T1"]


def test_evidence_is_added_in_the_background_and_warns_when_large(qtbot, window, service, tmp_path):
    service.set_setting("evidence_warn_mb", 1)
    big = tmp_path / "Biên bản kiểm tra.pdf"
    big.write_bytes(b"x" * (1024 * 1024 + 10))
    page = window.evidence_page
    window.show_evidence("T1")
    assert page.add_button.isEnabled()
    with qtbot.waitSignal(window.workspace.changed, timeout=30_000):
        page.add_files([big])
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, 1).data() == "Biên bản kiểm tra.pdf"
    assert "lớn hơn mức cảnh báo" in window.notice.text()
    task_row = window.tasks_page.model.index_for("T1", "evidence").row()
    assert window.tasks_page.model.index(task_row, TaskColumn.EVIDENCE).data() == "1"


def test_removing_evidence_asks_first(qtbot, window, service, tmp_path):
    small = tmp_path / "anh.jpg"
    small.write_bytes(b"jpeg")
    service.add_evidence(PLAN, PERIOD, "1a", small, "someone")
    window.workspace.publish(service.set_indicator(PLAN, PERIOD, "1a", {"note": "x"}, "someone")[0])
    page = window.evidence_page
    window.show_evidence("1a")
    page.table.selectRow(0)
    question = page.remove_selected()
    assert "anh.jpg" in question.text()
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # Esc: nothing happens
    assert not question.isVisible() and len(service.evidence(PLAN, PERIOD)) == 1
    question = active(qtbot, page.remove_selected())
    qtbot.keyClick(question, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # "&Gỡ bỏ"
    qtbot.waitUntil(lambda: not question.isVisible())  # an access key presses its button after a short flash
    assert service.evidence(PLAN, PERIOD) == []
    assert page.proxy.rowCount() == 0
