"""The commune report service: data assembled from entries and settings, PDF written, clear errors."""

import datetime as dt

import pytest
from pypdf import PdfReader

from cds_desktop.core.domain import TargetStatus, TaskStatus
from cds_desktop.core.errors import InputError, ReportError
from cds_desktop.core.services.commune.report import commune_report_data, write_commune_report

P = "mini-plan"


def test_report_data_comes_from_entries_and_settings(service):
    service.set_indicator(P, "2023Q1", "1a", {"numerator": "812", "denominator": "1000"}, "a")
    service.set_task(P, "2023Q1", "T1", {"status": "in_progress", "difficulties": "Thiếu kinh phí"}, "a")
    service.set_setting("report_signer_name", "Nguyễn Văn Hùng")
    service.set_setting("report_signer_title", "deputy")
    service.set_setting("report_recipients", "UBND tỉnh Lâm Đồng (b/c)\nThường trực Đảng ủy xã")
    data = commune_report_data(service, P, "2023Q1", number="05", date=dt.date(2023, 4, 1))
    assert data.document.number == "05/BC-UBND" and data.document.place == "Nhân Cơ"
    assert data.document.issuer.name_lines == ("ỦY BAN NHÂN DÂN", "XÃ NHÂN CƠ")
    assert data.document.signature.capacity_lines[-1] == "PHÓ CHỦ TỊCH"
    assert data.document.recipients == ("UBND tỉnh Lâm Đồng (b/c)", "Thường trực Đảng ủy xã")
    rows = {row.code: row for row in data.indicators}
    assert "1d" not in rows  # not for communes
    assert rows["1a"].status is TargetStatus.MET and str(rows["1a"].value) == "81.20"
    assert rows["1b"].status is TargetStatus.NO_DATA
    tasks = {row.code: row for row in data.tasks}
    assert set(tasks) == {"T1", "T2a", "T2b"} and tasks["T1"].status is TaskStatus.IN_PROGRESS
    assert data.difficulties == "T1: Thiếu kinh phí"


def test_pdf_is_written_with_the_commune_values(service, tmp_path):
    service.set_indicator(P, "2023Q1", "1a", {"numerator": "812", "denominator": "1000"}, "a")
    out = write_commune_report(service, P, "2023Q1", tmp_path / "bao-cao.pdf", date=dt.date(2023, 4, 5))
    assert out.path == tmp_path / "bao-cao.pdf" and out.warnings == ()
    text = "\n".join(page.extract_text() for page in PdfReader(out.path).pages)
    assert "Nhân Cơ, ngày 05 tháng 4 năm 2023" in text
    assert "Tỷ lệ dân số có điện thoại thông minh" in text and "81,2%" in text


def test_empty_or_unknown_period_gives_a_clear_error(service, tmp_path):
    with pytest.raises(ReportError) as empty:
        write_commune_report(service, P, "2023Q2", tmp_path / "x.pdf")
    assert empty.value.code == "report.period_empty" and "chưa có số liệu" in empty.value.message("vi")
    with pytest.raises(InputError):
        write_commune_report(service, P, "2023Q7", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_an_answer_with_an_error_is_never_met_in_the_report(service, tmp_path):
    """150 of 100 (and a draft's "1e400") are kept as typed, shown as wrong data, and not counted as met."""
    service.set_indicator(P, "2023Q1", "1a", {"numerator": "150", "denominator": "100"}, "a")
    service.set_indicator(P, "2023Q1", "1c", {"numerator": "1e400", "denominator": "100"}, "a")
    service.set_indicator(P, "2023Q1", "2a", {"value": "NaN"}, "a")
    data = commune_report_data(service, P, "2023Q1", date=dt.date(2023, 4, 1))
    rows = {row.code: row for row in data.indicators}
    assert {rows[code].status for code in ("1a", "1c", "2a")} == {TargetStatus.INVALID}
    assert data.targets_met == 0 and data.targets_judged == 0
    write_commune_report(service, P, "2023Q1", tmp_path / "bao-cao.pdf", date=dt.date(2023, 4, 5))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(tmp_path / "bao-cao.pdf").pages).split())
    assert "150% (150/100) Số liệu sai" in text
    assert "Đạt" not in text.replace("Số chỉ tiêu đạt", "")
    assert "Số chỉ tiêu đạt mục tiêu: 0 trên tổng số 0 chỉ tiêu được đánh giá." in text


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

STORED = st.one_of(st.text(min_size=1, max_size=30).filter(str.strip),
                   st.sampled_from(["1e400", "NaN", "-Infinity", "1E+2", "9" * 40, "0.0000001", "-0"]),
                   st.from_regex(r"-?[0-9]{1,17}(\.[0-9]{1,7})?", fullmatch=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numerator=STORED, denominator=STORED, count=STORED)
def test_any_typed_draft_gives_problems_and_a_report_never_an_exception(service, numerator, denominator, count):
    service.set_indicator(P, "2023Q1", "1a", {"numerator": numerator, "denominator": denominator}, "a")
    service.set_indicator(P, "2023Q1", "2a", {"value": count}, "a")
    problems = {p.item_code: p for p in service.validate(P, "2023Q1") if p.is_error and p.code.startswith("value.")}
    status = service.status(P, "2023Q1")
    data = commune_report_data(service, P, "2023Q1", date=dt.date(2023, 4, 1))
    rows = {row.code: row for row in data.indicators}
    for code in ("1a", "2a"):
        assert (rows[code].status is TargetStatus.INVALID) == (code in problems)
    assert status.targets_met == data.targets_met
