"""The furniture every official document shares (Decree 30/2020/NĐ-CP, Appendix I), and writing the PDF.

Page 1 opens with the two-column header (issuing body, its rule and "Số: …" on the left; the national title,
the motto with its rule and the italic place/date line on the right), then "BÁO CÁO" and the subject with a
short rule. A letter (công văn, ``letter=True``) has no title: its subject is the "V/v …" line under the number.
The body is the caller's. The document closes with "Nơi nhận:" on the left and the signature block
on the right. Page numbers start on page 2, centred in the top margin.

The national title and motto are printed in Vietnamese whatever the report's language: they are part of the
state's form, not of the report's text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from cds_desktop.core.errors import ReportError
from cds_desktop.core.fileio import atomic_writer
from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback, check_cancelled
from cds_desktop.core.reports.blocks import PageAwareTable
from cds_desktop.core.reports.data import DocumentInfo
from cds_desktop.core.reports.fonts import BOLD, REGULAR
from cds_desktop.core.reports.glyphs import encodable
from cds_desktop.core.reports.formatting import place_date_line
from cds_desktop.core.reports.styles import (
    BODY_SIZE,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    paragraph,
    styles,
)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_HEADER_LEFT_SHARE = 0.42  # the issuer column; the national-title column takes the rest
_ISSUER_RULE_SHARE = 0.4  # the rule under the issuer: 1/3 to 1/2 of its name's width
_RECIPIENTS_SHARE = 0.45  # the "Nơi nhận" column; the signature block takes the rest
_RULE_WIDTH = 0.6
_SIGNATURE_SPACE = 28 * mm  # room for the signature and the seal


class HorizontalRule(Flowable):
    """A thin horizontal line of a fixed length, centred in the width it is given."""

    def __init__(self, length: float, space_above: float = 4, space_below: float = 4) -> None:
        super().__init__()
        self.length = length
        self.space_above = space_above
        self.space_below = space_below
        self._available_width = length

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._available_width = available_width
        return available_width, self.space_above + self.space_below

    def draw(self) -> None:
        start = (self._available_width - self.length) / 2
        self.canv.setLineWidth(_RULE_WIDTH)
        self.canv.line(start, self.space_below, start + self.length, self.space_below)


def _table(rows: list[list[object]], widths: Sequence[float], top_padding: Sequence[float]) -> PageAwareTable:
    """A borderless layout table: cells top-aligned, no side padding, ``top_padding`` per row; a row taller than
    a page (a very long list of recipients) continues on the next page instead of failing."""
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, BODY_SIZE),  # tables otherwise select Helvetica, unembedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    commands += [("TOPPADDING", (0, row), (-1, row), padding) for row, padding in enumerate(top_padding)]
    return PageAwareTable(rows, colWidths=list(widths), splitInRow=1, style=TableStyle(commands))


def header_block(document: DocumentInfo, language: str, letter: bool = False) -> PageAwareTable:
    """The two-column header: issuer and number on the left, national title, motto and date on the right; a
    letter's subject ("V/v …") under its number."""
    style = styles()
    left_width = FRAME_WIDTH * _HEADER_LEFT_SHARE
    issuer = document.issuer
    left: list[Flowable] = [paragraph(issuer.parent, style.issuer_parent)] if issuer.parent else []
    left += [paragraph(line, style.issuer) for line in issuer.name_lines]
    widest_line = max(stringWidth(line, BOLD, style.issuer.fontSize) for line in issuer.name_lines)
    left.append(HorizontalRule(min(widest_line, left_width) * _ISSUER_RULE_SHARE))
    right = [
        paragraph(NATIONAL_TITLE, style.national_title),
        paragraph(MOTTO, style.motto),
        HorizontalRule(stringWidth(MOTTO, BOLD, style.motto.fontSize)),
    ]
    number = paragraph(translate("report.number", language, number=document.number), style.number)
    date_line = paragraph(place_date_line(document.place, document.date, language), style.date_line)
    rows: list[list[object]] = [[left, right], [number, date_line]]
    if letter:
        rows.append([paragraph(translate("report.letter_subject", language, subject=document.subject),
                               style.number), ""])
    return _table(rows, widths=(left_width, FRAME_WIDTH - left_width), top_padding=(0, 4, 2)[: len(rows)])


def title_block(document: DocumentInfo, language: str) -> list[Flowable]:
    """"BÁO CÁO", the subject line under it and a short rule."""
    style = styles()
    subject_width = min(stringWidth(document.subject, BOLD, style.subject.fontSize), FRAME_WIDTH)
    return [
        paragraph(translate("report.title", language), style.title),
        paragraph(document.subject, style.subject),
        HorizontalRule(subject_width / 3, space_below=10),
    ]


def closing_block(document: DocumentInfo, language: str) -> PageAwareTable:
    """"Nơi nhận:" with its list (ending "- Lưu: VT.") on the left, the signature block on the right."""
    style = styles()
    recipients: list[Flowable] = [paragraph(translate("report.recipients", language), style.recipients_title)]
    recipients += [paragraph(f"- {name};", style.recipient) for name in document.recipients]
    archive = translate("report.archive", language, units=", ".join(document.archive))
    recipients.append(paragraph(archive, style.recipient))
    signature: list[Flowable] = [paragraph(line, style.signature) for line in document.signature.capacity_lines]
    signature += [Spacer(1, _SIGNATURE_SPACE), paragraph(document.signature.signer_name, style.signer_name)]
    left_width = FRAME_WIDTH * _RECIPIENTS_SHARE
    return _table([[recipients, signature]], widths=(left_width, FRAME_WIDTH - left_width), top_padding=(12,))


def _draw_page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """Page numbers from page 2 on, centred over the text in the top margin."""
    if doc.page < 2:
        return
    canvas.saveState()
    canvas.setFont(REGULAR, BODY_SIZE)
    canvas.drawCentredString(MARGIN_LEFT + FRAME_WIDTH / 2, PAGE_HEIGHT - MARGIN_TOP / 2 - BODY_SIZE / 3, str(doc.page))
    canvas.restoreState()


def _page_template() -> PageTemplate:
    """One A4 page: a text frame exactly inside the decree's margins (no extra padding), numbered from page 2."""
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    return PageTemplate("official", frames=[frame], onPage=_draw_page_number)


def _layout_monitor(progress: ProgressCallback | None, cancel: CancelToken | None) -> Callable[[str, int], None]:
    """Turn reportlab's (event, value) layout calls into ``progress(done, total)`` (units: flowables laid out)
    and cancellation checks."""
    total = 1

    def on_event(event: str, value: int) -> None:
        nonlocal total
        check_cancelled(cancel)
        if event == "SIZE_EST":
            total = max(value, 1)
        elif event == "PROGRESS" and progress is not None:
            progress(min(value, total), total)

    return on_event


def write_official_pdf(
    out_path: Path | str,
    document: DocumentInfo,
    language: str,
    body: list[Flowable],
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    letter: bool = False,
) -> None:
    """Lay out header, title, ``body`` and closing on A4 with the decree's margins; write ``out_path`` atomically.
    A ``letter`` (công văn) has its subject under its number and no title.

    Raises ``ReportError("report.layout")`` when the content cannot be laid out, ``StorageError`` when the
    file cannot be written, ``Cancelled`` (leaving no file behind) when ``cancel`` is set during layout.
    """
    title = [] if letter else title_block(document, language)
    story = [header_block(document, language, letter), *title, *body]
    story.append(closing_block(document, language))
    with atomic_writer(Path(out_path)) as stream:
        template = BaseDocTemplate(
            stream,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageTemplates=[_page_template()],
            initialFontName=REGULAR,  # not reportlab's default Helvetica, which is not embedded
            initialFontSize=BODY_SIZE,
            title=encodable(document.subject if letter
                            else f"{translate('report.title', language)} {document.subject}"),
            author=encodable(document.issuer.name),
            subject=encodable(document.subject),
            creator="CDS Desktop",
            lang=language,
        )
        template.setProgressCallBack(_layout_monitor(progress, cancel))
        try:
            template.build(story)
        except LayoutError as exc:
            raise ReportError("report.layout", path=str(out_path), problem=str(exc)) from exc
    if progress:
        progress(len(story), len(story))
