"""The office's consolidated report, built from bundles really imported: completeness, indicators, errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from cds_desktop.core.errors import InputError, ReportError
from cds_desktop.core.reports.data import SubmissionStatus
from cds_desktop.core.services.office.report import office_report_data, write_office_report

from .conftest import P, PASS_COMMUNE, PASS_OFFICE, Q1, fill_and_approve


def _text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_one_commune_on_time_and_one_missing(service, exchange, office, clock, tmp_path):
    # Q1 of the mini plan is due before 03/03/2023; the bundle is made and imported on 01/03/2023
    clock.now = dt.datetime(2023, 3, 1, 9, 0, tzinfo=clock.now.tzinfo)
    fill_and_approve(service, exchange)  # 1a, 1b, 1c, 2d at 60 %: 1a (≥ 80 %) and 2d are below target
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    (outcome,) = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert outcome.status == "accepted"

    data = office_report_data(office, P, Q1, number="15/BC-SKHCN", date=dt.date(2023, 3, 10), place="Lâm Đồng",
                              signer="Trần Thị Mai")
    current = data.current
    assert current.due_before == dt.date(2023, 3, 3) and data.earlier_periods == ()
    assert {(e.commune_code, e.status, e.received_on) for e in current.submissions} == {
        ("24751", SubmissionStatus.ON_TIME, dt.date(2023, 3, 1)),
        ("24752", SubmissionStatus.MISSING, None)}
    rows = {row.code: row for row in data.indicators}
    assert "1d" not in rows  # not reported by communes
    # the missing commune counts as no data
    assert (rows["1a"].met, rows["1a"].not_met, rows["1a"].no_data) == (0, 1, 1)
    assert (rows["1c"].met, rows["1c"].not_met) == (1, 0)  # commune-level target ≥ 50 %
    assert data.document.issuer.name_lines == ("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH LÂM ĐỒNG",)
    assert data.document.signature.capacity_lines == ("GIÁM ĐỐC",)

    out = write_office_report(office, P, Q1, tmp_path / "tong-hop.pdf", number="15/BC-SKHCN",
                              date=dt.date(2023, 3, 10), place="Lâm Đồng", signer="Trần Thị Mai")
    assert out.warnings == ()
    text = _text(out.path)
    assert "BÁO CÁO" in text and "Số: 15/BC-SKHCN" in text and "Lâm Đồng, ngày 10 tháng 3 năm 2023" in text
    assert ("Trong Quý I năm 2023, 2 xã phải gửi báo cáo (hạn gửi trước ngày 03/03/2023): 1 xã gửi đúng hạn, "
            "0 xã gửi trễ hạn, 1 xã chưa gửi.") in text
    assert "Phường Bắc Gia Nghĩa" in text and "Chưa gửi" in text
    below = "Tỷ lệ dân số có điện thoại thông minh (mục tiêu ≥ 80%): 1/1 xã được đánh giá chưa đạt"
    assert below in text
    assert "Trần Thị Mai" in text


def test_unknown_or_empty_period_gives_a_clear_error(office, tmp_path):
    with pytest.raises(InputError) as bad:
        office_report_data(office, P, "2023Q7")
    assert bad.value.code == "period.bad_id"
    with pytest.raises(InputError) as outside:
        office_report_data(office, P, "2030Q1")
    assert outside.value.code == "period.not_in_plan"
    with pytest.raises(ReportError) as empty:
        write_office_report(office, P, Q1, tmp_path / "x.pdf")
    assert empty.value.code == "report.office_period_empty"
    assert "Chưa nhận được báo cáo" in empty.value.message("vi")
    assert not (tmp_path / "x.pdf").exists()


def test_an_office_without_communes_cannot_report(tmp_path, mini_plan, clock):
    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.plans.loader import PlanCatalog
    from cds_desktop.core.services.office.service import OfficeService

    bare = OfficeService(DataDir(tmp_path / "bare"), PlanCatalog([mini_plan]), clock)
    try:
        bare.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
        with pytest.raises(ReportError) as error:
            office_report_data(bare, P, Q1)
        assert error.value.code == "report.office_no_communes"
        assert "cds office import-communes" in error.value.message("en")
    finally:
        bare.close()


def test_on_time_means_first_received_strictly_before_the_deadline(mini_plan):
    """The first import counts (a later revision does not make a report late); the deadline day itself is late."""
    from cds_desktop.core.plans.schedule import scheduled_period
    from cds_desktop.core.services.office.report import period_submissions
    from cds_desktop.core.storage.exchange_models import OfficeCommune, Submission

    def commune(code):
        return OfficeCommune(code=code, province_code="68", name=f"Xã {code}", kind="xa",
                             added_at=dt.datetime(2023, 1, 1))

    def received(code, day, revision=1):
        return Submission(commune_code=code, revision=revision, received_at=dt.datetime(2023, 3, day, 16, 0))

    scheduled = scheduled_period(mini_plan, Q1)  # due before 03/03/2023
    result = period_submissions(scheduled, [commune("00001"), commune("00002"), commune("00003")],
                                [received("00001", 20, 2), received("00001", 2), received("00002", 3)])
    assert [(e.status, e.received_on) for e in result.submissions] == [
        (SubmissionStatus.ON_TIME, dt.date(2023, 3, 2)),
        (SubmissionStatus.LATE, dt.date(2023, 3, 3)),
        (SubmissionStatus.MISSING, None)]


def export_as_sent(service, exchange, out_dir, indicators):
    """Export the approved period with some answers replaced by ``indicators`` ({code: fields}), as an older or a
    modified commune app could have sent them (this app refuses to export errors): the real record, signed and
    encrypted by the real writer with the commune's key."""
    import cds_desktop
    from cds_desktop.core.bundle.fields import Series
    from cds_desktop.core.bundle.writer import write_bundle
    from cds_desktop.core.services.commune.exchange import SCHEMA_VERSION
    from cds_desktop.core.services.report_record import RECORD_NAME, IndicatorRecord

    record, attachments = exchange.build_record(P, Q1)
    answers = {i.code: i for i in record.indicators}
    for code, fields in indicators.items():
        answers[code] = IndicatorRecord(code=code, **fields)
    record = record.model_copy(update={"indicators": tuple(answers.values())})
    return write_bundle(
        out_dir, series=Series(commune=record.unit.commune_code, plan=P, period=Q1), revision=record.revision,
        previous_manifest_sha256=None, signing_key=exchange.unlock(PASS_COMMUNE),
        recipients=exchange.pinned_office().recipients(), records={RECORD_NAME: record.model_dump(mode="json")},
        attachments=attachments, app_version=cds_desktop.__version__, schema_version=SCHEMA_VERSION,
        created_at=service.clock())


def test_an_answer_with_an_error_is_never_met_at_the_office(service, exchange, office, tmp_path):
    """150 of 100 for "≥ 80 %" was stored and counted as met; it is stored invalid and counted as no valid data."""
    from sqlmodel import select

    from cds_desktop.core.storage.exchange_models import SubmissionIndicator

    fill_and_approve(service, exchange, numerator="90")  # 1a, 1b, 1c, 2d at 90 %
    export_as_sent(service, exchange, tmp_path / "usb", {"1a": {"numerator": "150", "denominator": "100"},
                                                         "1b": {"value": "101"}})
    (outcome,) = office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    assert outcome.status == "accepted"
    with office.repo.reading() as session:
        stored = {row.indicator_code: row.target_status for row in session.exec(select(SubmissionIndicator))}
    assert (stored["1a"], stored["1b"], stored["1c"]) == ("invalid", "invalid", "met")

    rows = {row.code: row for row in office_report_data(office, P, Q1).indicators}
    assert (rows["1a"].met, rows["1a"].not_met, rows["1a"].invalid, rows["1a"].no_data) == (0, 0, 1, 1)
    assert rows["1a"].answered == 0 and rows["1c"].met == 1
    out = tmp_path / "tong-hop.pdf"
    write_office_report(office, P, Q1, out)
    text = _text(out)
    assert "Tỷ lệ dân số có điện thoại thông minh ≥ 80% 0 0 0 2" in text  # answered, met, not met, no valid data


def test_an_old_office_database_that_stored_met_for_an_error_is_judged_again(service, exchange, office, tmp_path):
    """Statuses stored by an older version are not trusted: the report judges the stored answers again."""
    from sqlalchemy import update

    from cds_desktop.core.storage.exchange_models import SubmissionIndicator

    fill_and_approve(service, exchange, numerator="90")
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)
    with office.repo.transaction() as session:  # what the old rule stored for 150/100
        session.exec(update(SubmissionIndicator).where(SubmissionIndicator.indicator_code == "1a")
                     .values(numerator="150", result="150.00", target_status="met"))
    rows = {row.code: row for row in office_report_data(office, P, Q1).indicators}
    assert (rows["1a"].met, rows["1a"].invalid) == (0, 1)


HOSTILE = ('<font color="red" size="40">Hỗ trợ</font> &amp; <b>kinh phí</b> & <para>x</para> <img src="x.png"/> '
           '<br/> &nbsp; &#x41; <i>chưa đóng <b')


def test_difficulties_and_proposals_of_the_communes_reach_the_pdf_literally(service, exchange, office, tmp_path):
    """They read "None." although the communes' tasks carried them; bundle text is printed as text, never markup."""
    service.set_task(P, Q1, "T1", {"status": "in_progress", "difficulties": "Thiếu kinh phí\nThiếu nhân lực",
                                   "proposals": HOSTILE}, "lan")
    service.set_task(P, Q1, "T2a", {"difficulties": "Chưa có phần mềm"}, "lan")
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "usb", PASS_COMMUNE, "chu_tich")
    office.import_bundles([tmp_path / "usb"], PASS_OFFICE)

    data = office_report_data(office, P, Q1)
    assert data.difficulties == ("Xã Nhân Cơ (nhiệm vụ T1): Thiếu kinh phí Thiếu nhân lực\n"
                                 "Xã Nhân Cơ (nhiệm vụ T2a): Chưa có phần mềm")
    assert data.proposals == f"Xã Nhân Cơ (nhiệm vụ T1): {HOSTILE}"
    out = tmp_path / "tong-hop.pdf"
    write_office_report(office, P, Q1, out)
    text = _text(out)
    difficulties = text[text.index("V. KHÓ KHĂN, VƯỚNG MẮC"):text.index("VI. ĐỀ XUẤT, KIẾN NGHỊ")]
    assert "Xã Nhân Cơ (nhiệm vụ T1): Thiếu kinh phí Thiếu nhân lực" in difficulties
    assert "Không có." not in difficulties
    assert f"Xã Nhân Cơ (nhiệm vụ T1): {HOSTILE}./." in text
