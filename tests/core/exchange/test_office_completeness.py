"""Completeness and timeliness at the office, from bundles really sent and imported (``tests/support/small_office``):
each cell's state, revision and dates, the figures of each period checked by hand, the communes not heard from,
and the reminder letter's text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from cds_desktop.core.errors import InputError, PermissionDeniedError, ReportError
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.dashboard import CellState, LetterDetails
from cds_desktop.core.services.roles import Role
from support.small_office import P, Q1, Q2, open_small_office

from .conftest import PASS_COMMUNE, PASS_OFFICE, fill_and_approve

VN = dt.timezone(dt.timedelta(hours=7))  # the office's clock (the fixture's)


def D(*parts) -> dt.datetime:  # noqa: N802 - reads like the constructor
    return dt.datetime(*parts, tzinfo=VN)


PASSWORD = "mật khẩu dài 2025"


@pytest.fixture
def small(tmp_path, mini_plan, clock, office_storage):
    """The small office of ``support.small_office`` (a copy of it for this test), on 20/05/2023, on SQLite and on
    PostgreSQL."""
    service = open_small_office(tmp_path / "small", mini_plan, clock, office_storage)
    yield service
    service.close()


def _cells(matrix):
    return {(cell.commune_code, cell.period_id): cell for cell in matrix.cells}


def test_each_cell_has_its_state_revision_and_dates(small):
    matrix = small.completeness(P, 2023)
    assert matrix.year == 2023
    assert [column.period_id for column in matrix.periods] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2023"]
    assert [column.due_before for column in matrix.periods] == [
        dt.date(2023, 3, 3), dt.date(2023, 6, 3), dt.date(2023, 9, 3), dt.date(2023, 12, 3), dt.date(2023, 12, 10)]
    assert matrix.commune_count == 4 and len(matrix.cells) == 20
    # row-major: commune-code order, then the periods' order
    assert [(c.commune_code, c.period_id) for c in matrix.cells[:6]] == [
        ("24751", "2023Q1"), ("24751", "2023Q2"), ("24751", "2023Q3"), ("24751", "2023Q4"), ("24751", "2023"),
        ("24752", "2023Q1")]
    cells = _cells(matrix)
    nhan_co = cells["24751", Q1]
    assert (nhan_co.commune_name, nhan_co.state, nhan_co.revision, nhan_co.on_time) == (
        "Xã Nhân Cơ", CellState.ACCEPTED, 2, True)
    assert nhan_co.first_received_at == D(2023, 3, 1, 9, 0)  # the first revision's import decides on time
    assert nhan_co.received_at == D(2023, 3, 10, 9, 0) and nhan_co.decided_at == D(2023, 3, 11, 9, 0)
    phuong = cells["24752", Q1]
    assert (phuong.state, phuong.revision, phuong.on_time, phuong.first_received_at) == (
        CellState.LATE, 1, False, D(2023, 3, 3, 8, 0))
    assert phuong.decided_at is None
    dak_wer = cells["24753", Q1]
    assert (dak_wer.state, dak_wer.revision, dak_wer.on_time, dak_wer.decided_at) == (
        CellState.RETURNED, 1, True, D(2023, 3, 6, 9, 0))
    missing = cells["24754", Q1]
    assert (missing.commune_name, missing.state, missing.revision, missing.on_time, missing.first_received_at,
            missing.received_at, missing.decided_at) == ("Xã Quảng Tín", CellState.NOT_RECEIVED, None, None, None,
                                                          None, None)
    assert cells["24752", Q2].state == CellState.ON_TIME
    assert {cells[code, Q2].state for code in ("24751", "24753", "24754")} == {CellState.NOT_RECEIVED}
    assert {cell.state for cell in matrix.cells if cell.period_id in ("2023Q3", "2023Q4", "2023")} == {
        CellState.NOT_RECEIVED}


def test_the_figures_of_each_period(small):
    """Q1: 4 expected; received 3 (75 %); on time 2 — Nhân Cơ (first received 01/03, now accepted) and Đắk Wer
    (02/03, returned); Phường Bắc Gia Nghĩa came on the deadline day — 2 of 4 is 50 %. Q2: 1 of 4 on time."""
    q1, q2, q3, q4, year = small.completeness(P, 2023).periods
    assert tuple(q1.figures) == ("2023Q1", 4, 3, 2, 1, 1)  # expected, received, on time, returned, accepted
    assert (q1.reporting_rate, q1.on_time_rate) == (Decimal(75), Decimal(50))
    assert tuple(q2.figures) == ("2023Q2", 4, 1, 1, 0, 0)
    assert (q2.reporting_rate, q2.on_time_rate) == (Decimal(25), Decimal(25))
    for column in (q3, q4, year):
        assert tuple(column.figures)[1:] == (4, 0, 0, 0, 0) and column.reporting_rate == Decimal(0)


def test_the_communes_not_heard_from(small):
    assert [(row.code, row.name) for row in small.not_reported(P, Q1)] == [("24754", "Xã Quảng Tín")]
    assert [row.code for row in small.not_reported(P, Q2)] == ["24751", "24753", "24754"]
    assert len(small.not_reported(P, "2023")) == 4
    with pytest.raises(InputError) as outside:
        small.not_reported(P, "2030Q1")
    assert outside.value.code == "period.not_in_plan"


def test_the_default_year_and_plans(small):
    assert small.plan_years(P) == [2023, 2024]
    assert small.default_year(P) == 2023  # the latest year received
    assert [plan.id for plan in small.followed_plans()] == [P]
    empty = small.completeness(P, 2024)
    assert [c.period_id for c in empty.periods] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2024"]
    assert {cell.state for cell in empty.cells} == {CellState.NOT_RECEIVED}
    with pytest.raises(InputError):
        small.completeness(P, 2031)


def test_a_decision_on_an_older_revision_does_not_decide_the_newer(service, exchange, office, clock, tmp_path):
    clock.now = D(2023, 3, 1, 9, 0)
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "r1", PASS_COMMUNE, "chu_tich")
    office.import_bundles([tmp_path / "r1"], PASS_OFFICE)
    office.receipt("24751", P, Q1, tmp_path / "r.json", PASS_OFFICE, "tp", returned_reason="Thiếu số liệu")
    assert _cells(office.completeness(P, 2023))["24751", Q1].state == CellState.RETURNED
    exchange.import_receipt(tmp_path / "r.json", "lan")
    clock.now = D(2023, 3, 20, 9, 0)  # revision 2 comes after the deadline
    fill_and_approve(service, exchange, numerator="90")
    exchange.export(P, Q1, tmp_path / "r2", PASS_COMMUNE, "chu_tich")
    office.import_bundles([tmp_path / "r2"], PASS_OFFICE)
    cell = _cells(office.completeness(P, 2023))["24751", Q1]
    assert (cell.state, cell.revision, cell.on_time, cell.decided_at) == (CellState.ON_TIME, 2, True, None)


def _text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_the_reminder_letter_lists_the_communes_not_heard_from(small, tmp_path):
    details = LetterDetails(number="125/SKHCN-CĐS", date=dt.date(2023, 5, 22), signer="Trần Thị Mai",
                            recipients=("Giám đốc Sở (để b/c)",), reply_by=dt.date(2023, 5, 31))
    written = small.write_reminder(P, Q2, tmp_path / "don-doc.pdf", details)
    assert written.warnings == ()
    text = _text(written.path)
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH LÂM ĐỒNG" in text and "Số: 125/SKHCN-CĐS" in text
    assert "Lâm Đồng, ngày 22 tháng 5 năm 2023" in text
    assert "V/v đôn đốc gửi báo cáo kết quả thực hiện chuyển đổi số Quý II năm 2023" in text
    assert "BÁO CÁO" not in text  # a letter has no title
    assert "Kính gửi: Ủy ban nhân dân các xã, phường có tên dưới đây." in text
    assert ("Theo Kế hoạch số 01/KH-UBND ngày 18/01/2023, Ủy ban nhân dân các xã, phường có trách nhiệm gửi báo "
            "cáo kết quả thực hiện Quý II năm 2023 về Sở Khoa học và Công nghệ tỉnh Lâm Đồng trước ngày 03/06/2023."
            ) in text
    assert ("Đến ngày 22/05/2023, Sở Khoa học và Công nghệ tỉnh Lâm Đồng chưa nhận được báo cáo Quý II năm 2023 "
            "của 3/4 đơn vị sau đây:") in text
    assert "1 24751 Xã Nhân Cơ 2 24753 Xã Đắk Wer 3 24754 Xã Quảng Tín" in text
    assert "Phường Bắc Gia Nghĩa" not in text
    assert "về Sở Khoa học và Công nghệ tỉnh Lâm Đồng trước ngày 31/05/2023." in text
    assert "Trân trọng./." in text
    assert "Nơi nhận: - Như trên; - Giám đốc Sở (để b/c); - Lưu: VT." in text
    assert "GIÁM ĐỐC" in text and "Trần Thị Mai" in text


def test_a_reminder_to_one_commune_names_it_and_english_reads_naturally(small, tmp_path):
    details = LetterDetails(date=dt.date(2023, 3, 6))
    vi = _text(small.write_reminder(P, Q1, tmp_path / "vi.pdf", details).path)
    assert "Kính gửi: Ủy ban nhân dân xã Quảng Tín." in vi
    assert "Số: /" in vi  # the number is left blank to be written in
    assert "trong thời gian sớm nhất." in vi
    en = _text(small.write_reminder(P, Q1, tmp_path / "en.pdf", details, language="en").path)
    assert "Re: reminder to send the digital transformation reports for" in en
    assert "To: the People's Committee of Xã Quảng Tín." in en
    assert "has not received the report for" in en and "from 1 of the 4 communes, listed below:" in en
    assert "as soon as possible." in en and "Recipients: - As above;" in en


def test_no_letter_when_nobody_is_missing_or_expected(small, tmp_path, mini_plan, clock):
    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.plans.loader import PlanCatalog
    from cds_desktop.core.reports.reminder_pdf import render_reminder_letter
    from cds_desktop.core.services.office.service import OfficeService

    data = small.reminder_letter_data(P, Q1)
    assert [code for code, _ in data.missing] == ["24754"] and data.expected == 4
    with pytest.raises(ReportError) as nobody_missing:
        render_reminder_letter(dataclasses.replace(data, missing=()), tmp_path / "none.pdf")
    assert nobody_missing.value.code == "reminder.nothing_missing"
    assert not (tmp_path / "none.pdf").exists()

    bare = OfficeService(DataDir(tmp_path / "bare"), PlanCatalog([mini_plan]), clock)
    try:
        bare.init_office("68", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "province", PASS_OFFICE)
        with pytest.raises(ReportError) as nobody_expected:
            bare.write_reminder(P, Q1, tmp_path / "bare.pdf")
        assert nobody_expected.value.code == "reminder.no_communes"
        assert "không có xã nào để đôn đốc" in nobody_expected.value.message("vi")
        assert bare.completeness(P, 2023).cells == [] and bare.not_reported(P, Q1) == []
    finally:
        bare.close()


def test_the_letter_takes_its_defaults_from_the_office_settings(small, tmp_path):
    with small.repo.transaction() as session:
        small.repo.save_setting(session, "report_number_pattern", "{number}/SKHCN-CĐS")
        small.repo.save_setting(session, "report_signer_name", "Nguyễn Văn An")
        small.repo.save_setting(session, "report_recipients", "UBND tỉnh Lâm Đồng\n\nGiám đốc Sở")
    defaults = small.reminder_defaults()
    assert defaults.number == "\u2002\u2002\u2002/SKHCN-CĐS" and defaults.signer == "Nguyễn Văn An"
    assert defaults.recipients == ("UBND tỉnh Lâm Đồng", "Giám đốc Sở")
    assert (defaults.place, defaults.capacity_lines) == ("Lâm Đồng", ("GIÁM ĐỐC",))  # the office's province, head
    text = _text(small.write_reminder(P, Q2, tmp_path / "d.pdf").path)
    assert "/SKHCN-CĐS" in text and "Nguyễn Văn An" in text
    assert "Nơi nhận: - Như trên; - UBND tỉnh Lâm Đồng; - Giám đốc Sở; - Lưu: VT." in text
    assert "Lâm Đồng, ngày 20 tháng 5 năm 2023" in text  # today, by the office's clock


def test_only_those_who_may_export_make_a_letter(small, tmp_path):
    accounts = Accounts(small)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), PASSWORD))
    accounts.sign_in("quantri", PASSWORD)
    accounts.create(NewUser("vanthu", "Văn thư", frozenset({Role.CLERK}), PASSWORD))
    with pytest.raises(PermissionDeniedError):
        small.write_reminder(P, Q2, tmp_path / "admin.pdf")
    assert not (tmp_path / "admin.pdf").exists()
    assert small.completeness(P, 2023).commune_count == 4  # reading needs no permission
    accounts.sign_in("vanthu", PASSWORD)
    assert small.write_reminder(P, Q2, tmp_path / "clerk.pdf").path.exists()


def test_the_deadline_is_the_offices_calendar_day(service, exchange, office, clock, tmp_path):
    """05:00 on the deadline day at the office (22:00 the day before in UTC, as stored) is late: the day is the
    office's, not UTC's."""
    clock.now = D(2023, 3, 3, 5, 0)
    fill_and_approve(service, exchange)
    exchange.export(P, Q1, tmp_path / "r1", PASS_COMMUNE, "chu_tich")
    office.import_bundles([tmp_path / "r1"], PASS_OFFICE)
    matrix = office.completeness(P, 2023)
    cell = _cells(matrix)["24751", Q1]
    assert (cell.state, cell.on_time, cell.first_received_at) == (CellState.LATE, False, D(2023, 3, 3, 5, 0))
    assert tuple(matrix.periods[0].figures) == (Q1, 2, 1, 0, 0, 0)


def test_every_cell_is_read_from_the_covering_index(small):
    """The database's plan of the matrix: the submissions are only ever searched in migration 0006's covering index
    (the rows themselves, which carry the whole history, are never read), and nothing scans them. On PostgreSQL,
    whose planner prefers a scan on a table this small, sequential scans are turned off for the question: the index
    must be able to answer it."""
    from sqlalchemy import event

    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(small.engine, "before_cursor_execute", capture)
    try:
        small.completeness(P, 2023)
    finally:
        event.remove(small.engine, "before_cursor_execute", capture)
    assert len(statements) == 2  # the cells and the figures
    with small.engine.connect() as connection:
        for statement, parameters in statements:
            if small.engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET enable_seqscan = off")
                plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]
                on_submissions = [step for step in plan if re.search(r" on submission\b", step)]
                assert on_submissions and all("ix_submission_completeness" in step for step in on_submissions), plan
                continue
            plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            on_submissions = [step for step in plan if re.search(r"\b(current|earlier)\b", step)]
            assert on_submissions and all(step.startswith("SEARCH") and
                                          "USING COVERING INDEX ix_submission_completeness" in step
                                          for step in on_submissions), plan
