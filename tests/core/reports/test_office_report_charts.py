"""The consolidated office report's charts per indicator (``reports/indicator_charts.py``), written by the real
report service from the office of ``results_support`` (real bundles, really imported) and read back with pypdf:
the charts of every ratio and count indicator are there with their labels, numbered as in the indicator table,
and no label runs off the page."""

from __future__ import annotations

import re

import pytest

from cds_desktop.core.services.office.report import write_office_report
from tests.core.exchange.results_support import P, Q4, open_results_office


@pytest.fixture
def office(tmp_path, mini_plan, clock):
    service = open_results_office(tmp_path / "office", mini_plan, clock)
    yield service
    service.close()


def test_every_numeric_indicator_has_its_three_charts_with_labels(office, tmp_path, read_pdf):
    written = write_office_report(office, P, Q4, tmp_path / "tong-hop.pdf", "vi", signer="Nguyễn Văn A")
    pdf = read_pdf(written.path)
    text = pdf.text
    # the table's order: 1a 1b 1c 2a 2b (yes/no) 2c (text) 2d
    headings = re.findall(r"Biểu đồ chỉ tiêu (\d+):", text)
    assert headings == ["1", "2", "3", "4", "7"]
    assert "Biểu đồ chỉ tiêu 1: Tỷ lệ dân số có điện thoại thông minh" in text
    assert "Các xã xếp từ cao xuống thấp (5/6 xã có số liệu); đường xanh là mục tiêu" in text
    assert "Xã Nhân Cơ: 90%" in text and "Xã Kiến Thành: 5%" in text  # the highest and the lowest, named
    assert "Mục tiêu ≥ 80%" in text and "Mục tiêu 55–60%" in text and "Mục tiêu ≥ 50%" in text  # 1c: commune level
    assert text.count("Số xã theo khoảng giá trị") == 5 and text.count("Toàn cơ quan qua các kỳ") == 5
    assert "Quý 3" in text and "năm 2023" in text and "2023Q" not in text
    for index, page in enumerate(pdf.pages):
        width = float(page.mediabox.width)
        for fragment in pdf.fragments(index):
            assert 0 <= fragment.x and fragment.x + fragment.width <= width, (index, fragment)


def test_the_charts_in_english(office, tmp_path, read_pdf):
    written = write_office_report(office, P, Q4, tmp_path / "summary.pdf", "en", signer="Nguyen Van A")
    text = read_pdf(written.path).text
    assert "Charts of indicator 2: Share of people with a bank account" in text
    assert "Target 55–60%" in text and "Q3 2023" in text and "Communes per range of values" in text
