"""The office's consolidated report read back: completeness, per-indicator summary, chart, late and missing lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from cds_desktop.core.errors import ReportError
from cds_desktop.core.plans.model import Comparator, IndicatorKind, Target
from cds_desktop.core.plans.schedule import Period
from cds_desktop.core.reports.charts import target_results_chart
from cds_desktop.core.reports.data import (
    CommuneSubmission,
    DocumentInfo,
    IndicatorSummaryRow,
    Issuer,
    OfficeReportData,
    PeriodSubmissions,
    Signature,
    SubmissionStatus,
)
from cds_desktop.core.reports.office_pdf import render_office_report
from cds_desktop.core.reports.samples import sample_office_report

DUE_Q3 = dt.date(2023, 9, 3)
GROUP = "1. Phát triển hạ tầng số"


def _indicator(code: str, name: str, target: str, met: int, not_met: int, no_data: int) -> IndicatorSummaryRow:
    return IndicatorSummaryRow(
        code=code,
        name=name,
        group=GROUP,
        kind=IndicatorKind.RATIO,
        target=Target(comparator=Comparator.GE, value=Decimal(target)),
        met=met,
        not_met=not_met,
        not_applicable=0,
        no_data=no_data,
    )


@pytest.fixture
def small_office_data() -> OfficeReportData:
    """Three communes (on time, late, missing) and two indicators, with numbers small enough to check by hand."""
    current = PeriodSubmissions(
        period=Period.parse("2023Q3"),
        due_before=DUE_Q3,
        submissions=(
            CommuneSubmission("24601", "Xã Nhân Cơ", SubmissionStatus.ON_TIME, dt.date(2023, 9, 1)),
            CommuneSubmission("24602", "Xã Quảng Tín", SubmissionStatus.LATE, dt.date(2023, 9, 5)),
            CommuneSubmission("24603", "Xã Kiến Đức", SubmissionStatus.MISSING),
        ),
    )
    earlier = dataclasses.replace(
        current,
        period=Period.parse("2023Q2"),
        due_before=dt.date(2023, 6, 3),
        submissions=tuple(
            dataclasses.replace(entry, status=SubmissionStatus.ON_TIME, received_on=dt.date(2023, 6, 1))
            for entry in current.submissions
        ),
    )
    document = DocumentInfo(
        issuer=Issuer(("SỞ KHOA HỌC VÀ CÔNG NGHỆ",), "Sở Khoa học và Công nghệ", parent="UBND TỈNH LÂM ĐỒNG"),
        number="12/BC-SKHCN",
        place="Lâm Đồng",
        date=dt.date(2023, 10, 9),
        subject="Tổng hợp kết quả thực hiện chuyển đổi số cấp xã Quý III năm 2023",
        signature=Signature(("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "Trần Thị Mai"),
        recipients=("UBND tỉnh (b/c)",),
    )
    return OfficeReportData(
        document=document,
        current=current,
        earlier_periods=(earlier,),
        indicators=(
            _indicator("1a", "Tỷ lệ dân số có điện thoại thông minh", "80", met=1, not_met=1, no_data=1),
            _indicator("1b", "Tỷ lệ hộ gia đình có cáp quang băng rộng", "75", met=0, not_met=2, no_data=1),
        ),
    )


@pytest.fixture
def small_office_pdf(small_office_data: OfficeReportData, tmp_path: Path, read_pdf):
    path = tmp_path / "tong-hop.pdf"
    render_office_report(small_office_data, path)
    return read_pdf(path)


def test_office_header_and_signature(small_office_pdf) -> None:
    text = small_office_pdf.text
    assert "UBND TỈNH LÂM ĐỒNG SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 12/BC-SKHCN" in text
    assert "Lâm Đồng, ngày 09 tháng 10 năm 2023" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Trần Thị Mai" in text
    assert "Nơi nhận: - UBND tỉnh (b/c); - Lưu: VT." in text
    drawn = small_office_pdf.drawn(0)
    assert drawn["UBND TỈNH LÂM ĐỒNG"].font == "LiberationSerif"  # the governing body is not bold
    assert drawn["SỞ KHOA HỌC VÀ CÔNG NGHỆ"].font == "LiberationSerif-Bold"


def test_completeness_and_timeliness_per_period(small_office_pdf) -> None:
    text = small_office_pdf.text
    assert (
        "Trong Quý III năm 2023, 3 xã phải gửi báo cáo (hạn gửi trước ngày 03/09/2023): "
        "1 xã gửi đúng hạn, 1 xã gửi trễ hạn, 1 xã chưa gửi." in text
    )
    assert "Quý II năm 2023 03/06/2023 3 3 (100%) 0 (0%) 0 (0%)" in text
    assert "Quý III năm 2023 03/09/2023 3 1 (33,3%) 1 (33,3%) 1 (33,3%)" in text


def test_indicator_summary_rows(small_office_pdf) -> None:
    text = small_office_pdf.text
    assert "1 Tỷ lệ dân số có điện thoại thông minh ≥ 80% 2 1 (50%) 1 (50%) 1" in text
    assert "2 Tỷ lệ hộ gia đình có cáp quang băng rộng ≥ 75% 2 0 (0%) 2 (100%) 1" in text
    assert "Biểu đồ: số xã đạt, không đạt và chưa có số liệu hợp lệ theo từng chỉ tiêu" in text


def test_indicators_most_often_below_target_come_first(small_office_pdf) -> None:
    text = small_office_pdf.text
    fibre = "Tỷ lệ hộ gia đình có cáp quang băng rộng (mục tiêu ≥ 75%): 2/2 xã được đánh giá chưa đạt, chiếm 100%."
    phones = "Tỷ lệ dân số có điện thoại thông minh (mục tiêu ≥ 80%): 1/2 xã được đánh giá chưa đạt, chiếm 50%."
    assert fibre in text and phones in text
    assert text.index(fibre) < text.index(phones)


def test_late_and_missing_communes_are_listed_missing_first(small_office_pdf) -> None:
    text = small_office_pdf.text
    listing = text[text.index("IV. DANH SÁCH XÃ GỬI BÁO CÁO TRỄ HẠN HOẶC CHƯA GỬI") :]
    assert "1 24603 Xã Kiến Đức Chưa gửi 2 24602 Xã Quảng Tín Trễ hạn 05/09/2023" in listing
    assert "Xã Nhân Cơ" not in text  # on time: not listed anywhere


def test_all_on_time_says_so(small_office_data: OfficeReportData, tmp_path: Path, read_pdf) -> None:
    current = small_office_data.current
    on_time = tuple(dataclasses.replace(entry, status=SubmissionStatus.ON_TIME) for entry in current.submissions)
    data = dataclasses.replace(small_office_data, current=dataclasses.replace(current, submissions=on_time))
    path = tmp_path / "on-time.pdf"
    render_office_report(data, path)
    assert "Tất cả các xã đã gửi báo cáo đúng hạn." in read_pdf(path).text


def test_no_indicator_below_target_says_so(small_office_data: OfficeReportData, tmp_path: Path, read_pdf) -> None:
    met_everywhere = tuple(
        dataclasses.replace(row, met=row.met + row.not_met, not_met=0) for row in small_office_data.indicators
    )
    path = tmp_path / "all-met.pdf"
    render_office_report(dataclasses.replace(small_office_data, indicators=met_everywhere), path)
    assert "Không có chỉ tiêu nào có xã chưa đạt." in read_pdf(path).text


def test_two_hundred_communes(tmp_path: Path, read_pdf) -> None:
    data = sample_office_report(200)
    path = tmp_path / "200.pdf"
    render_office_report(data, path)
    pdf = read_pdf(path)
    text = pdf.text
    listed = [entry for entry in data.current.submissions if entry.status is not SubmissionStatus.ON_TIME]
    assert listed, "the sample has late and missing communes"
    for entry in listed:
        assert f"{entry.commune_code} {entry.commune_name}" in text
    for entry in data.current.submissions:
        if entry.status is SubmissionStatus.ON_TIME:
            assert f"{entry.commune_code} {entry.commune_name}" not in text
    assert f"{data.current.expected} xã phải gửi báo cáo" in text
    assert data.current.expected == 200
    for row in data.indicators:
        assert row.name in text


def test_english_office_report(small_office_data: OfficeReportData, tmp_path: Path, read_pdf) -> None:
    path = tmp_path / "en.pdf"
    render_office_report(dataclasses.replace(small_office_data, language="en"), path)
    text = read_pdf(path).text
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "REPORT", "I. REPORTS RECEIVED FROM THE COMMUNES",
                     "Q3 2023 03/09/2023 3 1 (33.3%) 1 (33.3%) 1 (33.3%)", "Missing", "Late", "Recipients:"):  # fmt: skip
        assert expected in text


def test_an_office_report_with_nothing_to_report_is_refused(
    small_office_data: OfficeReportData, tmp_path: Path
) -> None:
    empty_period = dataclasses.replace(small_office_data.current, submissions=())
    data = dataclasses.replace(small_office_data, current=empty_period, indicators=())
    with pytest.raises(ReportError) as caught:
        render_office_report(data, tmp_path / "empty.pdf")
    assert caught.value.code == "report.empty"
    assert not (tmp_path / "empty.pdf").exists()


def test_chart_stacks_met_not_met_and_no_data(small_office_data: OfficeReportData) -> None:
    first, second = small_office_data.indicators
    rows = (first, dataclasses.replace(second, invalid=2))  # answers with an error stack with no data
    drawing = target_results_chart(rows, 400, "vi")
    chart, legend = drawing.contents
    assert chart.data == [[1, 0], [1, 2], [1, 3]]
    assert chart.categoryAxis.categoryNames == ["1", "2"]
    assert chart.categoryAxis.style == "stacked"
    assert [label for _, label in legend.colorNamePairs] == ["Đạt", "Chưa đạt", "Chưa có số liệu hợp lệ"]
    assert chart.valueAxis.valueMax >= 3
