"""Layout rules both reports share, checked on the rendered samples: embedded Liberation Serif, A4 portrait,
text inside the decree's margins, page numbers from page 2 at the top centre."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from cds_desktop.core.reports.commune_pdf import render_commune_report
from cds_desktop.core.reports.office_pdf import render_office_report
from cds_desktop.core.reports.samples import sample_commune_report, sample_office_report

MM = 72 / 25.4
A4 = (595.28, 841.89)
TOP_MARGIN, BOTTOM_MARGIN, LEFT_MARGIN, RIGHT_MARGIN = 20 * MM, 20 * MM, 30 * MM, 15 * MM


@pytest.fixture(scope="module", params=["commune", "office"])
def pdf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, read_pdf):
    """Each sample report, rendered once for the module."""
    path: Path = tmp_path_factory.mktemp("layout") / f"{request.param}.pdf"
    if request.param == "commune":
        render_commune_report(sample_commune_report(), path)
    else:
        render_office_report(sample_office_report(200), path)
    return read_pdf(path)


def test_fonts_are_embedded_liberation_serif(pdf) -> None:
    embedded = pdf.fonts()
    assert embedded, "no fonts found"
    assert all(embedded.values()), f"fonts without FontFile2: {embedded}"
    faces = {name.split("+")[-1] for name in embedded}
    assert faces == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}
    assert all("+" in name for name in embedded), "fonts are embedded as subsets"


def test_pages_are_a4_portrait(pdf) -> None:
    pages = pdf.pages
    assert len(pages) > 1
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.01)


def test_text_stays_inside_the_decree_margins(pdf) -> None:
    right_edge = A4[0] - RIGHT_MARGIN
    for number in range(1, len(pdf.pages) + 1):
        for fragment in pdf.fragments(number - 1):
            assert fragment.x >= LEFT_MARGIN - 0.01, (number, fragment)
            assert fragment.x + fragment.width <= right_edge + 0.5, (number, fragment)
            assert fragment.y >= BOTTOM_MARGIN, (number, fragment)


def test_page_numbers_from_page_two_top_centre(pdf) -> None:
    text_top = A4[1] - TOP_MARGIN
    centre = LEFT_MARGIN + (A4[0] - LEFT_MARGIN - RIGHT_MARGIN) / 2
    for number in range(1, len(pdf.pages) + 1):
        in_top_margin = [fragment for fragment in pdf.fragments(number - 1) if fragment.y > text_top]
        if number == 1:
            assert in_top_margin == []
            continue
        assert [fragment.text for fragment in in_top_margin] == [str(number)]
        assert in_top_margin[0].x + in_top_margin[0].width / 2 == pytest.approx(centre, abs=0.5)


def test_no_page_ends_with_a_heading_or_group_title(pdf) -> None:
    commune, office = sample_commune_report(), sample_office_report(200)
    titles = {row.group for row in (*commune.indicators, *commune.tasks, *office.indicators)}
    headings = re.compile(r"^[IV]+\. [^a-zà-ỹ]+$")  # "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"
    for number in range(1, len(pdf.pages)):  # the last page ends with the signature
        lowest = min(pdf.fragments(number - 1), key=lambda fragment: fragment.y)
        assert lowest.text not in titles and not headings.match(lowest.text), (number, lowest.text)


def test_every_page_but_the_last_is_at_least_half_full(pdf) -> None:
    for number in range(1, len(pdf.pages)):
        lowest = min(fragment.y for fragment in pdf.fragments(number - 1))
        assert lowest < A4[1] / 2, (number, lowest)


# --- long and hostile text: rows that do not fit what is left of a page, very long closing blocks ------------

LONG_TOKEN = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001234&x=" + "y" * 60
MARKUP = ('<font color="red" size="40">Đỏ</font> <b>đậm & <i>nghiêng <img src="x.png"/> &amp; '
          "[U+1F600] [U+4E2D][U+6587] [U+0639][U+0631][U+0628][U+064A]")


@pytest.fixture(scope="module", params=[(1, 0), (4, 10)], ids=["one-tall-indicator", "four-tall-indicators"])
def tall_rows_pdf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, read_pdf):
    """The sample commune report with its first indicators and tasks made tall by long, hostile text, and a
    longer subject: placements where a second table header appeared mid-page above a row cut in two, and where
    the task table's first group title was cut between two pages."""
    tall_indicators, subject_words = request.param
    sample = sample_commune_report()
    document = dataclasses.replace(sample.document, subject="Kết quả " + MARKUP + " rất dài" * subject_words)
    indicators = tuple(dataclasses.replace(row, name=f"{row.name} {MARKUP}") if number < tall_indicators else row
                       for number, row in enumerate(sample.indicators))
    tasks = tuple(dataclasses.replace(row, title=f"{row.title} {MARKUP}", lead_agency="Phòng " + LONG_TOKEN[:40],
                                      result=f"{LONG_TOKEN} {MARKUP}") if number < 3 else row
                  for number, row in enumerate(sample.tasks))
    path: Path = tmp_path_factory.mktemp("tall") / "tall.pdf"
    render_commune_report(dataclasses.replace(sample, document=document, indicators=indicators, tasks=tasks), path)
    return sample, read_pdf(path)


def test_a_table_header_is_drawn_only_where_its_table_starts_a_page(tall_rows_pdf) -> None:
    """A row that does not fit what is left of a page moves to the next one; it is not cut in two below a
    second copy of the header in the middle of the page."""
    _, pdf = tall_rows_pdf
    for number in range(len(pdf.pages)):
        headers = [f for f in pdf.fragments(number) if f.text in ("Chỉ tiêu", "Nhiệm vụ") and f.font.endswith("Bold")]
        assert len(headers) == len({f.text for f in headers}), (number + 1, [(f.text, round(f.y)) for f in headers])


def test_group_titles_and_headings_stay_whole_and_with_their_table(tall_rows_pdf) -> None:
    sample, pdf = tall_rows_pdf
    pages = [pdf.page_text(number) for number in range(len(pdf.pages))]
    for title in {row.group for row in sample.tasks}:
        assert any(title in page for page in pages), title  # never cut between two pages
    headings = re.compile(r"^[IV]+\. [^a-zà-ỹ]+$")
    for number in range(len(pdf.pages) - 1):
        lowest = min(pdf.fragments(number), key=lambda fragment: fragment.y)
        assert not headings.match(lowest.text), (number + 1, lowest.text)


@pytest.mark.parametrize("change", ["recipients", "signer"])
def test_a_closing_block_longer_than_a_page_continues_on_the_next(change, tmp_path: Path, read_pdf) -> None:
    sample = sample_commune_report()
    document = sample.document
    if change == "recipients":
        document = dataclasses.replace(document, recipients=tuple(f"Đơn vị nhận số {n} của huyện" for n in range(90)))
    else:
        document = dataclasses.replace(document, signature=dataclasses.replace(document.signature,
                                                                               signer_name="Nguyễn Văn " * 400))
    path = tmp_path / "closing.pdf"
    render_commune_report(dataclasses.replace(sample, document=document), path)  # was ReportError("report.layout")
    text = read_pdf(path).text
    assert ("Đơn vị nhận số 89 của huyện" if change == "recipients" else "Nguyễn Văn Nguyễn Văn") in text
