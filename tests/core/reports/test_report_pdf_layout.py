"""Layout rules both reports share, checked on the rendered samples: embedded Liberation Serif, A4 portrait,
text inside the decree's margins, page numbers from page 2 at the top centre."""

from __future__ import annotations

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
