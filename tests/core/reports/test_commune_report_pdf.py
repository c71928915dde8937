"""The commune report PDF read back: exact Vietnamese text, fonts, page size, margins, page numbers, atomicity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from cds_desktop.core.domain import TargetStatus
from cds_desktop.core.errors import ReportError
from cds_desktop.core.plans.model import Comparator, IndicatorKind, Target
from cds_desktop.core.progress import CancelToken, Cancelled
from cds_desktop.core.reports.commune_pdf import render_commune_report
from cds_desktop.core.reports.data import CommuneReportData, IndicatorRow, Signature
from cds_desktop.core.reports.samples import sample_commune_report

MM = 72 / 25.4
LEFT_MARGIN, RIGHT_MARGIN, PAGE_WIDTH = 30 * MM, 15 * MM, 595.28

SMARTPHONES = IndicatorRow(
    code="1a",
    name="Tỷ lệ dân số (tính trên toàn bộ dân số) có điện thoại thông minh",
    group="1. Phát triển hạ tầng số",
    kind=IndicatorKind.RATIO,
    target=Target(comparator=Comparator.GE, value=Decimal(80)),
    status=TargetStatus.MET,
    value=Decimal("82.5"),
    numerator=Decimal(1650),
    denominator=Decimal(2000),
)
FIBRE = IndicatorRow(
    code="1b",
    name="Tỷ lệ hộ gia đình có đường Internet cáp quang băng rộng",
    group="1. Phát triển hạ tầng số",
    kind=IndicatorKind.RATIO,
    target=Target(comparator=Comparator.GE, value=Decimal(75)),
    status=TargetStatus.NOT_MET,
    value=Decimal("64.8"),
    numerator=Decimal(886),
    denominator=Decimal(1368),
)


def with_document(data: CommuneReportData, **changes: object) -> CommuneReportData:
    """``data`` with some document fields changed (number, date, signature …)."""
    return dataclasses.replace(data, document=dataclasses.replace(data.document, **changes))


@pytest.fixture
def commune_data() -> CommuneReportData:
    """The sample commune report (18 indicators, 20 tasks) dated 05/02/2026, its first two rows pinned."""
    sample = sample_commune_report()
    data = dataclasses.replace(sample, indicators=(SMARTPHONES, FIBRE, *sample.indicators[2:]))
    return with_document(data, number="05/BC-UBND", date=dt.date(2026, 2, 5))


@pytest.fixture
def commune_pdf(commune_data: CommuneReportData, tmp_path: Path, read_pdf):
    path = tmp_path / "bao-cao.pdf"
    render_commune_report(commune_data, path)
    return read_pdf(path)


def test_official_header_title_and_date_line(commune_pdf) -> None:
    first_page = commune_pdf.page_text(0)
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ NHÂN CƠ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-UBND",
        "Nhân Cơ, ngày 05 tháng 02 năm 2026",
        "BÁO CÁO Kết quả thực hiện Kế hoạch chuyển đổi số Quý IV năm 2023",
    ):
        assert expected in first_page


def test_header_typography(commune_pdf) -> None:
    drawn = commune_pdf.drawn(0)
    national, motto = drawn["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], drawn["Độc lập - Tự do - Hạnh phúc"]
    assert (national.font, national.size) == ("LiberationSerif-Bold", 12)
    assert (motto.font, motto.size) == ("LiberationSerif-Bold", 13)
    assert drawn["XÃ NHÂN CƠ"].font == "LiberationSerif-Bold"
    assert drawn["Nhân Cơ, ngày 05 tháng 02 năm 2026"].font == "LiberationSerif-Italic"
    assert (drawn["BÁO CÁO"].font, drawn["BÁO CÁO"].size) == ("LiberationSerif-Bold", 14)
    # two columns: issuer left, national title right, on the same line
    assert drawn["ỦY BAN NHÂN DÂN"].x + drawn["ỦY BAN NHÂN DÂN"].width < national.x
    assert abs(drawn["ỦY BAN NHÂN DÂN"].y - national.y) < 1
    # the title is centred over the text width
    title = drawn["BÁO CÁO"]
    assert abs(title.x + title.width / 2 - (LEFT_MARGIN + (PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN) / 2)) < 1


def test_indicator_and_task_tables(commune_pdf) -> None:
    text = commune_pdf.text
    assert f"{SMARTPHONES.name} ≥ 80% 82,5% (1.650/2.000) Đạt" in text
    assert f"{FIBRE.name} ≥ 75% 64,8% (886/1.368) Chưa đạt" in text
    assert "Tỷ lệ người dân từ 15 tuổi trở lên có tài khoản giao dịch" in text
    assert "55–60%" in text
    assert "Tỷ trọng doanh thu thương mại điện tử trong tổng mức bán lẻ ≥ 5% Chưa có số liệu" in text
    assert "Phổ cập danh tính điện tử toàn dân Công an huyện 12/2023" in text
    assert "Chưa thực hiện (quá hạn)" in text
    for heading in ("I. TÓM TẮT KẾT QUẢ", "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "III. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
                    "IV. KHÓ KHĂN, VƯỚNG MẮC", "V. ĐỀ XUẤT, KIẾN NGHỊ"):  # fmt: skip
        assert heading in text


def test_summary_counts(commune_data: CommuneReportData, commune_pdf) -> None:
    text = commune_pdf.text
    assert f"Số chỉ tiêu đã có số liệu: {commune_data.indicators_answered}/18 chỉ tiêu." in text
    assert f"Số nhiệm vụ đã hoàn thành: {commune_data.tasks_done}/20 nhiệm vụ" in text
    assert commune_data.indicators_answered == 17 and commune_data.tasks_done == 5  # what the sample holds


def test_signature_and_recipients(commune_pdf) -> None:
    text = commune_pdf.text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Nguyễn Văn Hùng" in text
    assert "- Thường trực HĐND xã;" in text
    assert "- Lưu: VT, VHXH." in text
    drawn = commune_pdf.drawn(len(commune_pdf.pages) - 1)
    assert (drawn["Nơi nhận:"].font, drawn["Nơi nhận:"].size) == ("LiberationSerif-BoldItalic", 12)
    assert drawn["- Lưu: VT, VHXH."].size == 11
    assert drawn["Nguyễn Văn Hùng"].font == "LiberationSerif-Bold"
    # recipients on the left, signature on the right, starting on the same line; room for signature and seal
    assert drawn["Nơi nhận:"].x < drawn["TM. ỦY BAN NHÂN DÂN"].x
    assert abs(drawn["Nơi nhận:"].y - drawn["TM. ỦY BAN NHÂN DÂN"].y) < 2
    assert drawn["CHỦ TỊCH"].y - drawn["Nguyễn Văn Hùng"].y > 25 * MM


def test_deputy_signature(commune_data: CommuneReportData, tmp_path: Path, read_pdf) -> None:
    deputy = Signature(capacity_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), signer_name="Lê Thị Hoa")
    path = tmp_path / "deputy.pdf"
    render_commune_report(with_document(commune_data, signature=deputy), path)
    text = read_pdf(path).raw_text
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Lê Thị Hoa" in text
    assert "TM. ỦY BAN NHÂN DÂN" not in text


def test_body_ends_with_the_end_mark(commune_pdf) -> None:
    assert "cho cấp xã./." in commune_pdf.text


def test_text_is_nfc_even_from_decomposed_input(commune_data: CommuneReportData, tmp_path: Path, read_pdf) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thủy")
    path = tmp_path / "nfd.pdf"
    data = with_document(commune_data, signature=Signature(("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), decomposed))
    render_commune_report(data, path)
    text = read_pdf(path).raw_text
    assert "Nguyễn Thị Thủy" in text
    assert unicodedata.is_normalized("NFC", text)


def test_markup_characters_in_data_are_printed_literally(
    commune_data: CommuneReportData,
    tmp_path: Path,
    read_pdf,
) -> None:
    path = tmp_path / "markup.pdf"
    odd = dataclasses.replace(SMARTPHONES, name="Tỷ lệ <b>hộ</b> & doanh nghiệp")
    data = dataclasses.replace(
        with_document(commune_data, recipients=("Sở KH&CN",)), indicators=(odd, *commune_data.indicators[1:])
    )
    render_commune_report(data, path)
    text = read_pdf(path).raw_text
    assert "Tỷ lệ <b>hộ</b> & doanh nghiệp" in text
    assert "- Sở KH&CN;" in text


def test_a_very_long_task_result_splits_across_pages(
    commune_data: CommuneReportData,
    tmp_path: Path,
    read_pdf,
) -> None:
    long_result = " ".join(f"Câu số {number} đã tổ chức tuyên truyền." for number in range(150))
    tasks = (dataclasses.replace(commune_data.tasks[0], result=long_result), *commune_data.tasks[1:])
    path = tmp_path / "long.pdf"
    render_commune_report(dataclasses.replace(commune_data, tasks=tasks), path)
    short_path = tmp_path / "short.pdf"
    render_commune_report(commune_data, short_path)
    pdf = read_pdf(path)
    assert len(pdf.pages) >= len(read_pdf(short_path).pages) + 4
    assert "Câu số 0 đã tổ chức tuyên truyền." in pdf.text
    assert "Câu số 149 đã tổ chức tuyên truyền." in pdf.text
    assert "Nguyễn Văn Hùng" in pdf.page_text(len(pdf.pages) - 1)


def test_english_labels_but_vietnamese_national_title(
    commune_data: CommuneReportData,
    tmp_path: Path,
    read_pdf,
) -> None:
    path = tmp_path / "en.pdf"
    render_commune_report(dataclasses.replace(commune_data, language="en"), path)
    text = read_pdf(path).text
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "REPORT", "No.: 05/BC-UBND",
                     "Nhân Cơ, 05/02/2026", "I. SUMMARY", "Recipients:", "- Archived: VT, VHXH.", "82.5% (1,650/2,000)",
                     "Not met"):  # fmt: skip
        assert expected in text
    assert "BÁO CÁO" not in text and "Nơi nhận" not in text


def test_a_report_without_indicators_and_tasks_is_refused(
    commune_data: CommuneReportData,
    tmp_path: Path,
) -> None:
    path = tmp_path / "empty.pdf"
    with pytest.raises(ReportError) as caught:
        render_commune_report(dataclasses.replace(commune_data, indicators=(), tasks=()), path)
    assert caught.value.code == "report.empty"
    assert "Quý IV năm 2023" in caught.value.message("vi")
    assert not path.exists()


def test_indicators_only_report_says_there_are_no_tasks(
    commune_data: CommuneReportData,
    tmp_path: Path,
    read_pdf,
) -> None:
    path = tmp_path / "indicators-only.pdf"
    render_commune_report(dataclasses.replace(commune_data, tasks=()), path)
    text = read_pdf(path).text
    assert "III. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ Không có." in text


def test_progress_reaches_the_total(commune_data: CommuneReportData, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    render_commune_report(commune_data, tmp_path / "p.pdf", progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 3
    assert all(0 <= done <= total for done, total in calls)
    assert calls[-1][0] == calls[-1][1]


def test_cancelling_leaves_the_previous_file_untouched(
    commune_data: CommuneReportData,
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"previous report")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        render_commune_report(commune_data, path, cancel=token)
    assert path.read_bytes() == b"previous report"
    assert [entry.name for entry in tmp_path.iterdir()] == ["report.pdf"]


def test_rewriting_replaces_the_file_atomically(commune_data: CommuneReportData, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"old")
    render_commune_report(commune_data, path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert [entry.name for entry in tmp_path.iterdir()] == ["report.pdf"]


def test_ratio_without_terms_shows_the_percentage(commune_data: CommuneReportData, tmp_path: Path, read_pdf) -> None:
    plain = dataclasses.replace(SMARTPHONES, value=Decimal("80"), numerator=None, denominator=None)
    path = tmp_path / "plain.pdf"
    render_commune_report(dataclasses.replace(commune_data, indicators=(plain,)), path)
    assert f"{SMARTPHONES.name} ≥ 80% 80% Đạt" in read_pdf(path).text
