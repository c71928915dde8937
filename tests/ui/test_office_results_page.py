"""The office's results page driven with pytest-qt over the office of ``results_support`` (real bundles, really
imported): the cells, their colours and tooltips, the office's rows, the period chosen at first, and an export
written on the background lane and read back."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt

from cds_desktop.ui.office.pages import PAGES
from cds_desktop.ui.office.results_model import FIRST_INDICATOR_COLUMN, NAME_COLUMN, STATUS_COLOURS
from cds_desktop.core.domain import TargetStatus
from support.results_page import shown_results_page
from tests.core.exchange.results_support import NOTE_BLANK, P, Q4, open_results_office


@pytest.fixture
def office(tmp_path, mini_plan, clock):
    service = open_results_office(tmp_path / "office", mini_plan, clock)
    yield service
    service.close()


@pytest.fixture
def page(qtbot, office):
    with shown_results_page(qtbot, office) as shown:
        yield shown


def _index(page, row: int, code: str):
    column = FIRST_INDICATOR_COLUMN + [i.code for i in page.model.results.indicators].index(code)
    return page.model.index(row, column)


def test_the_page_is_registered():
    assert "results" in [entry.name for entry in PAGES]


def test_cells_colours_and_tooltips(page):
    assert (page.plan_id, page.period_id) == (P, Q4)  # the latest period reported
    assert page.period_box.currentText() == "Quý 4 năm 2023"
    model = page.model
    assert model.rowCount() == 6 + 2
    assert model.index(0, NAME_COLUMN).data() == "Xã Nhân Cơ"
    nhan_co = _index(page, 0, "1a")
    assert nhan_co.data() == "90%"
    assert nhan_co.data(Qt.ItemDataRole.BackgroundRole).color() == STATUS_COLOURS[TargetStatus.MET]
    assert nhan_co.data(Qt.ItemDataRole.ToolTipRole) == "Tử số 90 / mẫu số 100\nĐạt"
    phuong = _index(page, 1, "1a")
    assert phuong.data() == "75%"
    assert phuong.data(Qt.ItemDataRole.BackgroundRole).color() == STATUS_COLOURS[TargetStatus.NOT_MET]
    blank = _index(page, 2, "1c")
    assert blank.data() == "—"
    assert blank.data(Qt.ItemDataRole.ToolTipRole) == f"Không có số liệu\nGhi chú của xã: {NOTE_BLANK}"
    assert _index(page, 3, "1a").data(Qt.ItemDataRole.ToolTipRole) == "Chưa nhận báo cáo"
    assert _index(page, 0, "2b").data() == "Có" and _index(page, 0, "2c").data() == "Mô hình A"


def test_the_office_rows(page):
    office_row, met_row = 6, 7
    assert page.model.index(office_row, NAME_COLUMN).data() == "Toàn cơ quan"
    figure = _index(page, office_row, "1a")
    assert figure.data() == "68,3%"  # one decimal, as every percentage on screen
    assert figure.data(Qt.ItemDataRole.ToolTipRole).startswith("Tổng tử số 410 ÷ tổng mẫu số 600 của 5 xã")
    assert _index(page, met_row, "1a").data() == "3/6 (50%)"
    assert _index(page, met_row, "2c").data() == ""  # no target


def test_export_runs_in_the_background_and_writes_the_workbook(qtbot, page, tmp_path):
    with qtbot.waitSignal(page.exported, timeout=30_000) as written:
        page.export_to("xlsx", tmp_path / "ket-qua.xlsx")
    assert written.args[0] == [tmp_path / "ket-qua.xlsx"]
    assert "Kết quả chỉ tiêu" in openpyxl.load_workbook(tmp_path / "ket-qua.xlsx").sheetnames
