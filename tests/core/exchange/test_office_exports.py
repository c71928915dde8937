"""The office's exports of a plan period, read back: the workbook with openpyxl (values, types, number formats,
frozen panes, filters), the CSV with the csv module (BOM, formula injection), the DHIS2 JSON field by field,
and the ADX with xml.etree — from the office of ``results_support`` (real bundles, really imported)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from xml.etree import ElementTree

import openpyxl
import pytest

from cds_desktop.core.errors import InputError, PermissionDeniedError
from cds_desktop.core.exports.csv_file import neutralised
from cds_desktop.core.exports.dhis2 import adx_period
from cds_desktop.core.progress import CancelToken, Cancelled
from cds_desktop.core.services.accounts import Accounts, NewUser
from cds_desktop.core.services.office.results_exports import View
from cds_desktop.core.services.roles import Role

from .results_support import NOTE_BLANK, P, Q4, open_results_office

ADX = "{urn:ihe:qrph:adx:2015}"
HEADER_ROW = 6  # four heading lines, a blank row, then the headers


@pytest.fixture
def office(tmp_path, mini_plan, clock, office_storage):
    """A copy of the results office (``results_support``), on SQLite and on PostgreSQL."""
    service = open_results_office(tmp_path / "office", mini_plan, clock, office_storage)
    yield service
    service.close()


def _rows(sheet):
    """The data rows as {header: cell}."""
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def test_the_workbook_has_a_sheet_per_view_with_typed_numbers(office, tmp_path):
    out = office.export_xlsx(P, Q4, tmp_path / "ket-qua.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Tình hình gửi báo cáo", "Kết quả chỉ tiêu", "Tổng hợp toàn cơ quan", "Nhiệm vụ",
                               "Vấn đề phát hiện", "Số liệu cần kiểm tra"]
    results = book["Kết quả chỉ tiêu"]
    assert [[cell.value for cell in row] for row in results.iter_rows(max_row=4, max_col=2)] == [
        ["Kế hoạch", "Kế hoạch chuyển đổi số thử nghiệm"], ["Kỳ báo cáo", "Quý 4 năm 2023"],
        ["Cơ quan", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"], ["Thời điểm xuất", "10/01/2024 09:00"]]
    assert results.freeze_panes == "A7"
    assert results.auto_filter.ref == "A6:M48"  # header + 6 communes × 7 indicators
    assert results["A6"].font.bold
    rows = {(r["Mã xã"].value, r["Mã chỉ tiêu"].value): r for r in _rows(results)}
    assert len(rows) == 42
    cell = rows["24752", "1a"]
    assert (cell["Tử số"].value, cell["Mẫu số"].value) == (150, 200)
    assert cell["Tử số"].data_type == "n" and cell["Tử số"].number_format == "#,##0"
    assert cell["Tỷ lệ"].value == pytest.approx(0.75) and cell["Tỷ lệ"].number_format == "0.00%"
    assert (cell["Đánh giá"].value, cell["Mục tiêu cấp xã"].value, cell["Quyết định của cơ quan"].value) == (
        "Chưa đạt", "≥ 80%", "Bị trả lại để sửa")
    code = rows["24751", "1a"]["Mã xã"]
    assert code.data_type == "s" and code.number_format == "@"
    assert rows["24751", "2a"]["Giá trị"].value == 3 and rows["24751", "2a"]["Tỷ lệ"].value is None
    blank = rows["24753", "1c"]
    assert (blank["Đánh giá"].value, blank["Ghi chú của xã"].value, blank["Tử số"].value) == (
        "Không có số liệu", NOTE_BLANK, None)
    assert rows["24754", "1a"]["Đánh giá"].value == "Chưa nhận báo cáo"
    assert rows["24751", "2c"]["Đánh giá"].value == "Không đánh giá"  # a text answer: judged "not applicable"
    typed = rows["24752", "2c"]["Nội dung trả lời"]  # the commune typed "=Mô hình B": text, never a formula
    assert (typed.value, typed.data_type) == ("=Mô hình B", "s")
    widths = {letter: results.column_dimensions[letter].width for letter in "ABD"}
    assert widths["D"] > widths["A"] >= len("Mã xã")  # the indicator's name is the widest text

    summary = {r["Mã chỉ tiêu"].value: r for r in _rows(book["Tổng hợp toàn cơ quan"])}
    one_a = summary["1a"]
    assert (one_a["Tổng tử số"].value, one_a["Tổng mẫu số"].value) == (410, 600)
    assert one_a["Tỷ lệ"].value == pytest.approx(0.6833) and one_a["Tỷ lệ"].number_format == "0.00%"
    assert (one_a["Số xã đạt"].value, one_a["Tỷ lệ xã đạt"].value) == (3, pytest.approx(0.5))

    completeness = {r["Mã xã"].value: r for r in _rows(book["Tình hình gửi báo cáo"])}
    first = completeness["24751"]["Nhận lần đầu"]
    assert first.value == dt.datetime(2024, 1, 5, 9, 0) and first.number_format == "dd/mm/yyyy hh:mm"
    assert completeness["24754"]["Tình trạng"].value == "Chưa gửi"
    tasks = {(r["Mã xã"].value, r["Mã nhiệm vụ"].value): r for r in _rows(book["Nhiệm vụ"])}
    assert tasks["24751", "T1"]["Ngày hoàn thành"].value == dt.datetime(2023, 11, 20)
    assert tasks["24751", "T1"]["Ngày hoàn thành"].number_format == "dd/mm/yyyy"
    assert tasks["24752", "T1"]["Quá hạn"].value == "Có" and tasks["24752", "T1"]["Phần trăm hoàn thành"].value == 30
    outliers = _rows(book["Số liệu cần kiểm tra"])
    assert {(r["Mã xã"].value, r["Mã chỉ tiêu"].value) for r in outliers} == {
        ("24756", "1a"), ("24752", "1a"), ("24756", "1b")}
    change = next(r for r in outliers if r["Mã xã"].value == "24752")["Mức thay đổi"]
    assert change.value == pytest.approx(1.0) and change.number_format == "0.00%"  # +100 %


def test_the_workbook_in_english(office, tmp_path):
    book = openpyxl.load_workbook(office.export_xlsx(P, Q4, tmp_path / "results.xlsx", language="en"))
    assert book.sheetnames[1] == "Results"
    sheet = book["Results"]
    assert sheet["B2"].value == "Q4 2023"
    assert [cell.value for cell in sheet[HEADER_ROW]][:6] == [
        "Commune code", "Commune", "Indicator code", "Indicator", "Numerator", "Denominator"]


def test_csv_has_a_bom_a_row_per_commune_and_item_and_no_formula(office, tmp_path):
    out = office.export_csv(P, Q4, tmp_path / "ket-qua.csv")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["Mã xã", "Tên xã", "Mã chỉ tiêu", "Chỉ tiêu"]
    assert len(rows) == 1 + 6 * 7
    by_key = {(row[0], row[2]): row for row in rows[1:]}
    assert by_key["24752", "1a"][4:7] == ["150", "200", "75"]
    assert by_key["24752", "2c"][8] == "'=Mô hình B"  # the commune typed "=Mô hình B": not a formula any more
    assert by_key["24751", "2c"][8] == "Mô hình A"
    tasks = list(csv.reader(office.export_csv(P, Q4, tmp_path / "tasks.csv", View.TASKS, "en")
                            .read_text(encoding="utf-8-sig").splitlines()))
    assert tasks[0][:3] == ["Commune code", "Commune", "Task code"] and len(tasks) == 1 + 6 * 3


@pytest.mark.parametrize("text, safe", [("=1+2", "'=1+2"), ("+84", "'+84"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"),
                                        ("\tx", "'\tx"), ("\rx", "'\rx"), ("Xã = 1", "Xã = 1"), ("", "")])
def test_formula_looking_text_is_neutralised(text, safe):
    assert neutralised(text) == safe


def test_dhis2_data_value_set_field_by_field(office, tmp_path):
    out, complete = office.export_dhis2(P, Q4, tmp_path / "dhis2.json")
    assert complete == tmp_path / "dhis2.complete.json"
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document) == {"dataSet", "period", "idScheme", "dataValues"}
    assert (document["dataSet"], document["period"], document["idScheme"]) == (P, "2023Q4", "CODE")
    values = document["dataValues"]
    for value in values:
        assert set(value) <= {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value", "comment"}
        assert value["categoryOptionCombo"] == "HllvX50cXC0" and value["period"] == "2023Q4"
        assert isinstance(value["value"], str)
    by_key = {(v["orgUnit"], v["dataElement"]): v for v in values}
    assert by_key["24751", "1a"]["value"] == "90"
    assert (by_key["24751", "1a_NUM"]["value"], by_key["24751", "1a_DEN"]["value"]) == ("90", "100")
    assert by_key["24755", "1b"]["value"] == "57" and ("24755", "1b_NUM") not in by_key  # a rate alone
    assert by_key["24751", "2c"]["value"] == "Mô hình A"
    assert {org for org, _ in by_key} == {"24751", "24753", "24755", "24756"}  # 24752 returned, 24754 silent
    assert ("24756", "1b") not in by_key and ("24756", "1b_NUM") not in by_key  # 120 of 100: an error
    assert ("24753", "1c") not in by_key  # blank
    registrations = json.loads(complete.read_text(encoding="utf-8"))["completeDataSetRegistrations"]
    assert registrations[0] == {"dataSet": P, "period": "2023Q4", "organisationUnit": "24751",
                                "completeDate": "2024-01-05", "completed": True}
    assert [r["organisationUnit"] for r in registrations] == ["24751", "24753", "24755", "24756"]


def test_dhis2_mapping_file_replaces_codes(office, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"dataSet": "pBOMPrpg1QX", "idScheme": "UID",
                                   "orgUnits": {"24751": "DiszpKrYNg8"}, "dataElements": {"1a": "f7n9E0hX8qk"}}),
                       encoding="utf-8")
    out, complete = office.export_dhis2(P, Q4, tmp_path / "dhis2.json", mapping)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["dataSet"], document["idScheme"]) == ("pBOMPrpg1QX", "UID")
    keys = {(v["orgUnit"], v["dataElement"]) for v in document["dataValues"]}
    assert ("DiszpKrYNg8", "f7n9E0hX8qk") in keys and ("DiszpKrYNg8", "1a_NUM") in keys
    assert ("24753", "f7n9E0hX8qk") in keys  # an unmapped commune keeps its code
    mapping.write_text(json.dumps({"orgUnits": {"24751": 5}}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        office.export_dhis2(P, Q4, tmp_path / "again.json", mapping)
    assert caught.value.code == "dhis2.mapping_invalid" and not (tmp_path / "again.json").exists()
    mapping.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        office.export_adx(P, Q4, tmp_path / "again.xml", mapping)
    assert caught.value.code == "dhis2.mapping_unreadable"


def test_adx_namespace_periods_and_numeric_values(office, tmp_path):
    root = ElementTree.parse(office.export_adx(P, Q4, tmp_path / "adx.xml")).getroot()
    assert root.tag == f"{ADX}adx" and root.get("exported") == "2024-01-10T09:00:00+07:00"
    groups = root.findall(f"{ADX}group")
    assert [g.get("orgUnit") for g in groups] == ["24751", "24753", "24755", "24756"]
    assert {g.get("period") for g in groups} == {"2023-10-01/P3M"} and groups[0].get("dataSet") == P
    values = [v for g in groups for v in g.findall(f"{ADX}dataValue")]
    for value in values:
        float(value.get("value"))  # numeric only: the text answers are left out
    assert not any(v.get("dataElement") == "2c" for v in values)
    first = {v.get("dataElement"): v.get("value") for v in groups[0]}
    assert (first["1a"], first["1a_NUM"], first["1a_DEN"], first["2b"]) == ("90", "90", "100", "1")
    assert (adx_period("2023"), adx_period("2023S2"), adx_period("2024Q1")) == (
        "2023-01-01/P1Y", "2023-07-01/P6M", "2024-01-01/P3M")


def test_only_those_who_may_export_do(office, tmp_path):
    accounts = Accounts(office)
    accounts.create(NewUser("quantri", "Quản trị", frozenset({Role.ADMIN}), "mật khẩu dài 2025"))
    accounts.sign_in("quantri", "mật khẩu dài 2025")
    for export in (office.export_xlsx, office.export_csv, office.export_dhis2, office.export_adx):
        with pytest.raises(PermissionDeniedError):
            export(P, Q4, tmp_path / "x.out")
    assert not list(tmp_path.glob("x*"))
    assert office.period_results(P, Q4).communes  # reading needs no permission


def test_a_cancelled_workbook_leaves_nothing(office, tmp_path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        office.export_xlsx(P, Q4, tmp_path / "cancelled.xlsx", cancel=token)
    assert list(tmp_path.glob("*cancelled*")) == []


def test_a_workbook_cancelled_after_its_first_sheet_leaves_no_file_and_no_temporary(office, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"  # where the writer keeps its row files while it works
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    token, seen = CancelToken(), []

    def progress(done, total):
        seen.append((done, total))
        token.cancel()

    with pytest.raises(Cancelled):
        office.export_xlsx(P, Q4, tmp_path / "out" / "cancelled.xlsx", progress=progress, cancel=token)
    assert seen == [(1, 7)]  # six sheets and the file: stopped after the first sheet
    assert list((tmp_path / "out").iterdir()) == [] and list(scratch.iterdir()) == []
    done = []
    office.export_xlsx(P, Q4, tmp_path / "out" / "whole.xlsx", progress=lambda d, t: done.append((d, t)))
    assert done == [(n, 7) for n in range(1, 8)] and list(scratch.iterdir()) == []
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["whole.xlsx"]
