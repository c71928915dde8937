"""The fixed parts of the export workbook (SpreadsheetML, ECMA-376 part 1) and the XML text of its cells.

``xlsx.py`` streams the sheets; this module owns what every workbook has the same way: the package's content
types and relationships, the styles (two fonts, one cell format per column kind), the workbook part with its
sheets and auto-filter names, and how a Python value becomes cell text (dates as Excel serial numbers, text
escaped for XML and for SpreadsheetML's own ``_xHHHH_`` escapes).
"""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape, quoteattr

WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TEXT_FORMAT = "@"

# the cell formats of styles.xml, by index (cellXfs): what ``s="…"`` of a cell refers to
STYLE_BOLD, STYLE_WHOLE, STYLE_DECIMAL, STYLE_PERCENT, STYLE_DATE, STYLE_DATETIME, STYLE_TEXT = range(1, 8)

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (as it counts, after 28/02/1900)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# characters XML 1.0 cannot hold, and text that already looks like SpreadsheetML's escape of one
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def column_letters(count: int) -> list[str]:
    """``A``, ``B``, … ``Z``, ``AA``, … for the first ``count`` columns."""
    letters = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def text_xml(value: str) -> str:
    """``value`` as the content of a ``<t>`` element: XML-escaped, control characters as ``_xHHHH_``, spaces at
    either end or line breaks kept (``xml:space``)."""
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
    escaped = escape(value, {"\r": "&#13;"})  # a bare carriage return would be read back as a line feed
    if value != value.strip() or "\n" in value or "\r" in value:
        return f'<t xml:space="preserve">{escaped}</t>'
    return f"<t>{escaped}</t>"


def date_serial(value: dt.date) -> str:
    """A date or date-time as Excel's serial day number (days since 30/12/1899, the time as a fraction)."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EXCEL_EPOCH
        return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)
    return str((value - _EXCEL_EPOCH.date()).days)


def content_types(sheet_count: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                     f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                     for n in range(1, sheet_count + 1))
    office = "application/vnd.openxmlformats-officedocument"
    return (f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{office}.spreadsheetml.sharedStrings+xml"/>'
            f'{sheets}</Types>')


def package_relationships() -> str:
    return (f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def workbook_relationships(sheet_count: int) -> str:
    sheets = "".join(f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                     for n in range(1, sheet_count + 1))
    return (f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">{sheets}'
            f'<Relationship Id="rId{sheet_count + 1}" Type="{_RELS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{sheet_count + 2}" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')


def workbook(sheets: list[tuple[str, str]]) -> str:
    """The workbook part: ``sheets`` as (name, auto-filter range such as ``$A$6:$M$48``)."""
    listed = "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                     for n, (name, _) in enumerate(sheets, start=1))
    filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
                      f"{escape(_quoted_sheet(name))}!{area}</definedName>" for n, (name, area) in enumerate(sheets))
    return (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{listed}</sheets><definedNames>{filters}</definedNames></workbook>")


def _quoted_sheet(name: str) -> str:
    """A sheet's name as a formula names it: in apostrophes, an apostrophe inside doubled."""
    return "'" + name.replace("'", "''") + "'"


def styles() -> str:
    """Fonts (regular, bold) and one cell format per ``STYLE_*`` index; built-in number formats where Excel has
    them (3 ``#,##0``, 4 ``#,##0.00``, 10 ``0.00%``, 49 ``@``), the two date formats as custom ones."""
    formats = [(0, 1), (3, 0), (4, 0), (10, 0), (164, 0), (165, 0), (49, 0)]  # (number format, font) of 1…7
    applied = ' applyNumberFormat="1"', ' applyFont="1"'
    xfs = "".join(f'<xf numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" xfId="0"'
                  f'{applied[0] if number else ""}{applied[1] if font else ""}/>' for number, font in formats)
    return (f'{_XML}<styleSheet xmlns="{_MAIN}">'
            f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
            f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats) + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            f'{xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>")


def shared_strings(texts: list[str], uses: int) -> str:
    items = "".join(f"<si>{text_xml(text)}</si>" for text in texts)
    return f'{_XML}<sst xmlns="{_MAIN}" count="{uses}" uniqueCount="{len(texts)}">{items}</sst>'


def sheet_start(frozen_rows: int, widths: list[float]) -> str:
    """A worksheet up to its data: the first ``frozen_rows`` rows frozen, the columns' widths."""
    columns = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
                      for n, width in enumerate(widths, start=1))
    return (f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{frozen_rows}" topLeftCell="A{frozen_rows + 1}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{frozen_rows + 1}" sqref="A{frozen_rows + 1}"/>'
            f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>')


def sheet_end(filter_range: str) -> str:
    return f'</sheetData><autoFilter ref="{filter_range}"/></worksheet>'
