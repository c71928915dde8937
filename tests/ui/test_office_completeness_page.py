"""The office's home page driven with pytest-qt over the small office of ``support.small_office`` (real bundles,
really imported): the matrix and its figures, search without tone marks, sorting, opening a submission with the
mouse and the keyboard, the "not yet reported" list, refreshing on changes, the reminder letter, and the layout
at 1366×768 in Vietnamese and English."""

from __future__ import annotations

import re
import time

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from cds_desktop.core.i18n import set_language
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.ui.office.completeness_model import CODE_COLUMN, FIRST_PERIOD_COLUMN, NAME_COLUMN
from cds_desktop.ui.office.completeness_page import CompletenessPage
from cds_desktop.ui.office.pages import PAGES
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shell.qt_translator import QtLanguage
from support.small_office import COMMUNES, P, PASS_OFFICE, Q1, Q2, open_small_office
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

Q1_COLUMN, Q2_COLUMN = FIRST_PERIOD_COLUMN, FIRST_PERIOD_COLUMN + 1


@pytest.fixture
def vietnam_time(monkeypatch):
    """Times are shown in the computer's time zone: the office's (UTC+7), whatever the test machine's."""
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def office(tmp_path, mini_plan, clock, vietnam_time):
    service = open_small_office(tmp_path / "office", mini_plan, clock)
    yield service
    service.close()


@pytest.fixture
def open_page(qtbot, office):
    made = []

    def make(language: str = "vi") -> CompletenessPage:
        set_language(language)
        qt_language = QtLanguage(QApplication.instance())
        qt_language.apply(language)
        workspace = OfficeWorkspace(office, "van_thu")
        tasks = BackgroundTasks()
        with qtbot.waitSignal(workspace.plan_chosen, timeout=1000):
            page = CompletenessPage(workspace, tasks)
        qtbot.addWidget(page)
        page.resize(1366, 700)  # the window's tab area at 1366×768
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            page.show()
        made.append((tasks, qt_language, workspace))
        return page

    yield make
    for tasks, qt_language, workspace in made:
        tasks.wait()
        qt_language.apply("en")
        tasks.deleteLater()
        qt_language.deleteLater()
        workspace.deleteLater()


@pytest.fixture
def page(open_page):
    return open_page("vi")


def _codes(page) -> list[str]:
    return [page.proxy.index(row, CODE_COLUMN).data() for row in range(page.proxy.rowCount())]


def _cell(page, code: str, column: int):
    row = _codes(page).index(code)
    return page.proxy.index(row, column)


def test_the_page_is_the_first_of_the_office_window():
    assert PAGES[0].name == "completeness" and PAGES[0].factory.endswith("completeness_page:CompletenessPage")


def test_the_matrix_shows_each_state_with_its_revision_and_the_figures(page):
    assert page.plan_id == P and page.year_box.currentText() == "2023"
    assert page.workspace.plan_id == P
    assert _codes(page) == ["24751", "24752", "24753", "24754"]
    texts = {code: [_cell(page, code, column).data() for column in (Q1_COLUMN, Q2_COLUMN)] for code in COMMUNES}
    assert texts == {
        "24751": ["Đã chấp nhận · lần 2", "Chưa gửi"],
        "24752": ["Trễ hạn · lần 1", "Đúng hạn · lần 1"],
        "24753": ["Trả lại để sửa · lần 1", "Chưa gửi"],
        "24754": ["Chưa gửi", "Chưa gửi"],
    }
    header = page.proxy.headerData(Q1_COLUMN, Qt.Orientation.Horizontal)
    assert header == "Quý 1 năm 2023\nĐã nhận 3/4 (75%)\nĐúng hạn 2/4 (50%)"
    assert page.proxy.headerData(Q2_COLUMN, Qt.Orientation.Horizontal).splitlines()[1:] == [
        "Đã nhận 1/4 (25%)", "Đúng hạn 1/4 (25%)"]
    assert [page.proxy.headerData(c, Qt.Orientation.Horizontal).splitlines()[0] for c in range(2, 7)] == [
        "Quý 1 năm 2023", "Quý 2 năm 2023", "Quý 3 năm 2023", "Quý 4 năm 2023", "Năm 2023"]
    tooltip = page.proxy.headerData(Q1_COLUMN, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "hạn nộp trước 03/03/2023" in tooltip and "Đang trả lại để sửa: 1 · Đã chấp nhận: 1" in tooltip
    assert _cell(page, "24752", Q1_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == (
        "Phường Bắc Gia Nghĩa — Quý 1 năm 2023 (hạn nộp trước 03/03/2023)\n"
        "Nhận lần đầu: 03/03/2023 08:00 — trễ hạn\nNhấp đúp hoặc nhấn Enter để xem báo cáo.")
    assert _cell(page, "24751", Q1_COLUMN).data(Qt.ItemDataRole.ToolTipRole).splitlines()[1:4] == [
        "Nhận lần đầu: 01/03/2023 09:00 — đúng hạn", "Nhận lần 2: 10/03/2023 09:00",
        "Đã chấp nhận lần 2: 11/03/2023 09:00"]


def test_search_by_name_or_code_with_or_without_tone_marks(page, qtbot):
    qtbot.keyClicks(page.search, "dak wer")
    assert _codes(page) == ["24753"]
    page.search.setText("Đắk")
    assert _codes(page) == ["24753"]
    page.search.setText("XÃ  quảng")
    assert _codes(page) == ["24754"]
    page.search.setText("2475")
    assert len(_codes(page)) == 4
    page.search.setText("24752")
    assert _codes(page) == ["24752"]
    page.search.setText("phuong bac nhan")  # every word must be found
    assert _codes(page) == []
    page.search.clear()
    assert len(_codes(page)) == 4


def test_sort_by_any_column(page):
    page.table.sortByColumn(Q1_COLUMN, Qt.SortOrder.AscendingOrder)  # what needs attention first
    assert _codes(page) == ["24754", "24753", "24752", "24751"]
    page.table.sortByColumn(Q1_COLUMN, Qt.SortOrder.DescendingOrder)
    assert _codes(page) == ["24751", "24752", "24753", "24754"]
    page.table.sortByColumn(NAME_COLUMN, Qt.SortOrder.AscendingOrder)  # "Phường …" before "Xã Đắk …"
    assert _codes(page) == ["24752", "24753", "24751", "24754"]
    page.table.sortByColumn(CODE_COLUMN, Qt.SortOrder.DescendingOrder)
    assert _codes(page) == ["24754", "24753", "24752", "24751"]
    page.search.setText("xa")  # filtering keeps the order
    assert _codes(page) == ["24754", "24753", "24751"]


def test_a_received_cell_opens_its_submission_with_the_mouse_or_the_keyboard(page, qtbot):
    table = page.table
    with qtbot.waitSignal(page.workspace.submission_requested, timeout=1000) as opened:
        index = _cell(page, "24752", Q1_COLUMN)
        table.scrollTo(index)
        where = table.visualRect(index).center()
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a double-click's first press
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == ["24752", P, Q1]

    table.setFocus()
    table.selectionModel().setCurrentIndex(_cell(page, "24751", Q1_COLUMN),
                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)
    with qtbot.waitSignal(page.workspace.submission_requested, timeout=1000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == ["24751", P, Q1]
    qtbot.keyClick(table, Qt.Key.Key_Right)  # to Q2 of Nhân Cơ: nothing received, nothing to open
    assert table.currentIndex().column() == Q2_COLUMN
    with qtbot.assertNotEmitted(page.workspace.submission_requested, wait=200):
        qtbot.keyClick(table, Qt.Key.Key_Return)


def test_the_communes_not_heard_from_for_a_period_and_the_state_filter(page, qtbot):
    # on 20/05/2023 the latest period past its deadline is Q1: the list is for it
    assert page.period_id == Q1
    assert page.missing_title.text() == "C&hưa gửi báo cáo Quý 1 năm 2023: 1/4 xã"
    assert [page.missing_model.row(r).name for r in range(page.missing_model.rowCount())] == ["Xã Quảng Tín"]
    assert page.reminder_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.period_box.setCurrentIndex(page.period_box.findData(Q2))
    assert [page.missing_model.row(r).code for r in range(page.missing_model.rowCount())] == [
        "24751", "24753", "24754"]
    page.state_box.setCurrentIndex(page.state_box.findData("on_time"))
    assert _codes(page) == ["24752"]  # on time for Q2
    page.state_box.setCurrentIndex(page.state_box.findData("not_received"))
    assert _codes(page) == ["24751", "24753", "24754"]
    with qtbot.waitSignal(page.loaded, timeout=10_000):  # moving to a Q1 cell takes the side panel to Q1
        page.table.setCurrentIndex(_cell(page, "24754", Q1_COLUMN))
    assert page.period_id == Q1 and _codes(page) == ["24754"]
    page.state_box.setCurrentIndex(0)
    page.missing_view.setCurrentIndex(page.missing_model.index(0, 0))
    page.missing_view.activated.emit(page.missing_model.index(0, 0))  # the list takes the matrix to the commune
    current = page.table.currentIndex()
    assert (page.proxy.index(current.row(), CODE_COLUMN).data(), current.column()) == ("24754", Q1_COLUMN)


def test_the_page_reads_again_when_reports_are_decided_and_only_then(page, qtbot, tmp_path):
    office = page.service
    office.receipt("24752", P, Q1, tmp_path / "accepted.json", PASS_OFFICE, "truong_phong")
    with qtbot.assertNotEmitted(page.loaded, wait=300):
        page.workspace.publish(OfficeChanges(keys=True))
    assert _cell(page, "24752", Q1_COLUMN).data() == "Trễ hạn · lần 1"
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.workspace.publish(OfficeChanges(decisions=True))
    assert _cell(page, "24752", Q1_COLUMN).data() == "Đã chấp nhận · lần 1"
    assert "Đã chấp nhận: 2" in page.proxy.headerData(Q1_COLUMN, Qt.Orientation.Horizontal,
                                                       Qt.ItemDataRole.ToolTipRole)


def test_access_keys_reach_the_search_and_the_plan(page, qtbot):
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    qtbot.keyClick(page, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert page.search.hasFocus()
    qtbot.keyClick(page, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert page.plan_box.hasFocus()


def _text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


def test_the_reminder_letter_is_previewed_and_saved(page, qtbot, tmp_path):
    dialog = page.open_reminder()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.pages()) == 1, timeout=20_000)
    assert dialog.save_button.isEnabled() and dialog.place.text() == "Lâm Đồng"
    dialog.number.setText("125/SKHCN-CĐS")
    dialog.signer.setText("Trần Thị Mai")
    assert not dialog.save_button.isEnabled()  # until the preview shows the letter as it would be saved
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=20_000)
    with qtbot.waitSignal(page.workspace.notice, timeout=20_000) as notice:
        dialog.save_to(tmp_path / "don-doc.pdf")
    assert notice.args == [f"Đã lưu công văn đôn đốc: {tmp_path / 'don-doc.pdf'}", False]
    text = _text(tmp_path / "don-doc.pdf")
    assert "Số: 125/SKHCN-CĐS" in text and "Kính gửi: Ủy ban nhân dân xã Quảng Tín." in text
    assert "Trần Thị Mai" in text and "Quý I năm 2023" in text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_layout_and_translations_at_1366x768(open_page, qtbot, office, language):
    page = open_page(language)
    page.window().resize(1366, 700)
    QApplication.processEvents()
    assert_no_clipped_text(page)
    assert page.table.horizontalScrollBar().maximum() == 0  # five periods fit without scrolling
    dialog = page.open_reminder()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.pages()) == 1, timeout=20_000)
    QApplication.processEvents()
    assert_no_clipped_text(dialog)
    data = {*COMMUNES.values(), *COMMUNES, "2023", "2024", office.catalog.get(P).plan.title.get(language),
            "Lâm Đồng", "GIÁM ĐỐC"}
    texts = _visible_texts(page) + _visible_texts(dialog)
    assert len(texts) > 30
    assert _untranslated(texts, language, data) == []


def test_an_office_without_communes_says_what_to_do(qtbot, tmp_path, mini_plan, clock):
    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.plans.loader import PlanCatalog
    from cds_desktop.core.services.office.service import OfficeService

    bare = OfficeService(DataDir(tmp_path / "bare"), PlanCatalog([mini_plan]), clock)
    tasks = BackgroundTasks()
    try:
        bare.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
        page = CompletenessPage(OfficeWorkspace(bare, "van_thu"), tasks)
        qtbot.addWidget(page)
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            page.show()
        assert page.empty.isVisible() and "chưa có danh sách xã" in page.empty.text()
        assert page.model.rowCount() == 0 and not page.reminder_button.isEnabled()
        assert page.proxy.headerData(Q1_COLUMN, Qt.Orientation.Horizontal).splitlines()[1] == "Đã nhận 0/0"
    finally:
        tasks.wait()
        bare.close()
