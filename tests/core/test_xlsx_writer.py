"""The workbook writer on its own (``core/exports/xlsx.py``): every part is well-formed XML of the package it
names, and what openpyxl reads back is what was written — awkward text included (control characters, text that
looks like SpreadsheetML's own escapes, spaces at the ends, line breaks, a formula-like answer), dates and
date-times as Excel serials, a sheet name with an apostrophe, an empty table."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cds_desktop.core.exports.tables import Column, ColumnKind, Heading, Table
from cds_desktop.core.exports.xlsx import write_xlsx

HEADING = Heading((("Kế hoạch", "Kế hoạch thử"), ("Kỳ báo cáo", "Quý 4 năm 2023")))
HEADER_ROW = len(HEADING.lines) + 2
K = ColumnKind
COLUMNS = (Column("Mã", K.CODE), Column("Tên", K.TEXT), Column("Số", K.INTEGER), Column("Thập phân", K.DECIMAL),
           Column("Tỷ lệ", K.PERCENT), Column("Ngày", K.DATE), Column("Lúc", K.DATETIME))
AWKWARD = ["a\x01b", "_x0041_", "  lề  ", "hai\ndòng", "=1+2", "<&>\"'", "tab\there", "ký tự \ufffd"]


def _book(path):
    return openpyxl.load_workbook(path)


def _texts_as_excel_shows(path) -> list[str]:
    """The shared strings as Excel reads them: ``_xHHHH_`` is the character HHHH (how SpreadsheetML writes the
    characters XML cannot hold; openpyxl only drops ``x005F_``, so it cannot be the judge here)."""
    with zipfile.ZipFile(path) as book:
        table = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    return [re.sub(r"_x([0-9A-Fa-f]{4})_", lambda found: chr(int(found.group(1), 16)), item.findtext(f"{main}t"))
            for item in table.iter(f"{main}si")]


def test_every_part_is_well_formed_and_listed(tmp_path):
    out = write_xlsx(tmp_path / "a.xlsx", HEADING, [Table("Một", COLUMNS, [("001", "x", 1, None, None, None, None)]),
                                                   Table("Xã 'B' mới", COLUMNS, [])])
    with zipfile.ZipFile(out) as book:
        names = book.namelist()
        assert names[0] == "[Content_Types].xml"
        for name in names:
            ElementTree.fromstring(book.read(name))  # raises on malformed XML
        types = book.read("[Content_Types].xml").decode()
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    assert all(f"/{name}" in types for name in names if name.startswith("xl/") and not name.endswith(".rels"))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    filters = [(name.get("localSheetId"), name.text) for name in workbook.iter(f"{main}definedName")]
    assert filters == [("0", f"'Một'!$A${HEADER_ROW}:$G${HEADER_ROW + 1}"),  # what Excel's filter button refers to
                       ("1", f"'Xã ''B'' mới'!$A${HEADER_ROW}:$G${HEADER_ROW + 1}")]


def test_values_kinds_and_formats_read_back(tmp_path):
    rows = [("00001", "Xã A", 1234567, Decimal("12.5"), Decimal("68.33"), dt.date(2023, 11, 20),
             dt.datetime(2024, 1, 5, 9, 30)),
            ("00002", "Xã B", Decimal("7"), Decimal("3"), 100, None, None)]
    book = _book(write_xlsx(tmp_path / "b.xlsx", HEADING, [Table("Kết quả", COLUMNS, rows)]))
    sheet = book["Kết quả"]
    assert [[c.value for c in row] for row in sheet.iter_rows(max_row=2, max_col=2)] == [list(line)
                                                                                         for line in HEADING.lines]
    assert sheet.cell(HEADER_ROW, 1).font.bold and sheet.cell(1, 1).font.bold and not sheet.cell(1, 2).font.bold
    assert [c.value for c in sheet[HEADER_ROW]] == [column.header for column in COLUMNS]
    first = [c for c in sheet[HEADER_ROW + 1]]
    assert (first[0].value, first[0].data_type, first[0].number_format) == ("00001", "s", "@")
    assert (first[2].value, first[2].number_format) == (1234567, "#,##0")
    assert (first[3].value, first[3].number_format) == (12.5, "#,##0.00")
    assert first[4].value == pytest.approx(0.6833) and first[4].number_format == "0.00%"
    assert first[5].value == dt.datetime(2023, 11, 20) and first[5].number_format == "dd/mm/yyyy"
    assert first[6].value == dt.datetime(2024, 1, 5, 9, 30) and first[6].number_format == "dd/mm/yyyy hh:mm"
    second = [c.value for c in sheet[HEADER_ROW + 2]]
    assert second[2:5] == [7, 3, 1] and second[5:] == [None, None]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:G{HEADER_ROW + 2}"


def test_awkward_text_and_sheet_names_survive(tmp_path):
    rows = [(str(n), text, None, None, None, None, None) for n, text in enumerate(AWKWARD)]
    out = write_xlsx(tmp_path / "c.xlsx", HEADING, [Table("Xã 'B' mới", COLUMNS, rows), Table("Trống", COLUMNS, [])])
    book = _book(out)
    assert book.sheetnames == ["Xã 'B' mới", "Trống"]
    assert set(AWKWARD) <= set(_texts_as_excel_shows(out))
    assert [row[1].value for row in book["Xã 'B' mới"].iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 3)] == [
        "a_x0001_b", "_x0041_", "  lề  "]  # openpyxl's reading: the control character escaped, the rest as typed
    assert book["Xã 'B' mới"].cell(HEADER_ROW + 5, 2).data_type == "s"  # "=1+2" is text, never a formula
    empty = book["Trống"]
    assert empty.max_row == HEADER_ROW and empty.auto_filter.ref == f"A{HEADER_ROW}:G{HEADER_ROW + 1}"


def test_widths_follow_the_widest_value_within_bounds(tmp_path):
    rows = [("1", "ngắn", None, None, None, None, None), ("2", "x" * 200, None, None, None, None, None)]
    sheet = _book(write_xlsx(tmp_path / "d.xlsx", HEADING, [Table("Rộng", COLUMNS, rows)]))["Rộng"]
    assert sheet.column_dimensions["B"].width == 60  # MAX_WIDTH
    assert sheet.column_dimensions["A"].width == len("Kỳ báo cáo") + 2  # its heading labels are not cut


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30), min_size=1,
                max_size=8))
def test_any_text_reads_back_unchanged(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("any") / "e.xlsx"
    rows = [(str(n), text, None, None, None, None, None) for n, text in enumerate(texts)]
    write_xlsx(path, HEADING, [Table("T", COLUMNS, rows)])
    assert set(texts) <= set(_texts_as_excel_shows(path))


@pytest.mark.parametrize("name", ["'Xã B", "Xã B'", "a/b", "a[1]", ""])
def test_a_sheet_name_excel_refuses_writes_nothing(tmp_path, name):
    with pytest.raises(ValueError):
        write_xlsx(tmp_path / "f.xlsx", HEADING, [Table("Một", COLUMNS, []), Table(name, COLUMNS, [])])
    assert list(tmp_path.iterdir()) == []
