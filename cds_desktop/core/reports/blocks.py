"""Body building blocks shared by the commune and the office report: headings, prose, lists and ruled tables."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Iterable, Sequence, TypeVar

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from cds_desktop.core.i18n import translate
from cds_desktop.core.reports.data import DocumentInfo
from cds_desktop.core.reports.fonts import REGULAR
from cds_desktop.core.reports.styles import FRAME_HEIGHT, FRAME_WIDTH, TABLE_SIZE, paragraph, styles

Row = TypeVar("Row")

_CELL_PADDING = 3
_GRID = colors.black
_GROUP_BACKGROUND = colors.Color(0.93, 0.93, 0.93)
_HEADER_BACKGROUND = colors.Color(0.88, 0.88, 0.88)
_ROOM_AFTER_HEADING = 35 * mm
END_MARK = "./."  # closes the body of a Vietnamese official document


@dataclass(frozen=True)
class Column:
    """A table column: its header (message ``report.column.<key>``), share of the text width, centred or not."""

    key: str
    share: float
    centered: bool = False


def heading(message_id: str, language: str, followed_by: Flowable | None = None) -> list[Flowable]:
    """A section heading from the catalog, e.g. "I. TÓM TẮT KẾT QUẢ", moved to the next page when fewer than
    a few lines would follow it on this one — or, before a table, when the table's header and first row
    would not (they would move on alone, leaving the heading at the foot of the page)."""
    style = styles().heading
    title = paragraph(translate(message_id, language), style)
    room = _ROOM_AFTER_HEADING
    if isinstance(followed_by, PageAwareTable):
        spacing = style.spaceBefore + style.spaceAfter
        needed = title.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] + spacing + followed_by.opening_height()
        if needed < FRAME_HEIGHT:  # a first row taller than a page is split across pages wherever it starts
            room = max(room, needed)
    return [CondPageBreak(room), title]


def body_text(text: str) -> Paragraph:
    return paragraph(text, styles().body)


def opening(document: DocumentInfo, message_id: str, language: str, **params: object) -> Paragraph:
    """The opening sentence: "Thực hiện <basis>, <issuer> báo cáo …" (without the basis clause when none)."""
    basis = translate("report.opening_basis", language, basis=document.basis) if document.basis else ""
    return body_text(translate(message_id, language, basis=basis, issuer=document.issuer.name, **params))


def bullet_lines(lines: Iterable[str]) -> list[Paragraph]:
    """Short statements, one per paragraph, each starting with a dash."""
    return [body_text(f"- {line}") for line in lines]


def narrative(text: str, language: str, closes_document: bool = False) -> list[Paragraph]:
    """Free text typed by a person, one paragraph per line; "Không có." when blank.

    ``closes_document`` appends the "./." that ends a Vietnamese official document's body.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [translate("report.none", language)]
    if closes_document:
        lines[-1] = lines[-1].rstrip(".") + END_MARK
    return [body_text(line) for line in lines]


def grouped(rows: Iterable[tuple[str, Row]]) -> list[tuple[str, list[Row]]]:
    """(group, row) pairs → each run of consecutive rows of one group, in order (plans list items by group)."""
    return [(group, [row for _, row in members]) for group, members in groupby(rows, key=lambda pair: pair[0])]


def _height(cells: Sequence[Paragraph], widths: Sequence[float]) -> float:
    """The height a row of paragraphs takes at the given column widths (padding excluded)."""
    return max(cell.wrap(width - 2 * _CELL_PADDING, FRAME_HEIGHT)[1] for cell, width in zip(cells, widths))


class PageAwareTable(Table):
    """A table that splits inside a row only when that row cannot fit on a page of its own.

    reportlab's ``splitInRow`` otherwise also splits a row that merely does not fit in what is left of the
    page: the rest of the table is laid out there again, so a second header (or half a group title) appears
    in the middle of the page above a row cut in two. Such a row now starts the next page instead.
    ``opening_rows`` is how many rows (header, group title, first row) must start on the same page.
    """

    opening_rows = 2

    def opening_height(self) -> float:
        """The height of the header, the first group title and the first row."""
        self.wrap(FRAME_WIDTH, FRAME_HEIGHT)
        return sum(self._rowHeights[: self.opening_rows])

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 (reportlab's names)
        self._calc(availWidth, availHeight)
        self.splitInRow = 0
        parts = super().split(availWidth, availHeight)
        if parts:
            return parts
        heights = self._rowHeights
        used, first_left_out = 0.0, len(heights)
        for index, height in enumerate(heights):
            if used + height > availHeight:
                first_left_out = index
                break
            used += height
        header = sum(heights[: self.repeatRows])
        if first_left_out < len(heights) and header + heights[first_left_out] > FRAME_HEIGHT:
            self.splitInRow = 1
            return super().split(availWidth, availHeight)
        return []


def data_table(
    columns: Sequence[Column], groups: Sequence[tuple[str, Sequence[Sequence[str]]]], language: str
) -> PageAwareTable:
    """A ruled table with a repeated header row; each group with a title gets a full-width title row, kept on
    the page of the group's first row (unless that row is so tall that it must split).

    Cells wrap their text; a row taller than a page splits between pages instead of failing.
    """
    style = styles()
    headers = [translate(f"report.column.{column.key}", language) for column in columns]
    table_rows: list[list[object]] = [[paragraph(header, style.cell_header) for header in headers]]
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, TABLE_SIZE),  # tables otherwise select Helvetica, unembedded
        ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BACKGROUND),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    widths = [FRAME_WIDTH * column.share for column in columns]
    opening_rows = 3 if groups and groups[0][0] else 2
    for title, rows in groups:
        cells = [
            [
                paragraph(value, style.cell_centered if column.centered else style.cell)
                for value, column in zip(values, columns, strict=True)
            ]
            for values in rows
        ]
        if title:
            index = len(table_rows)
            table_rows.append([paragraph(title, style.cell_group)] + [""] * (len(columns) - 1))
            commands += [("SPAN", (0, index), (-1, index)), ("BACKGROUND", (0, index), (-1, index), _GROUP_BACKGROUND)]
            if cells and _height(cells[0], widths) < FRAME_HEIGHT / 3:
                commands.append(("NOSPLIT", (0, index), (-1, index + 1)))  # the title stays with the first row
        table_rows += cells
    table = PageAwareTable(table_rows, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(commands))
    table.opening_rows = opening_rows
    return table


def caption(text: str) -> Paragraph:
    return paragraph(text, styles().caption)
