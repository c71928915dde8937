"""Text from bundles and drafts reaches both PDFs as typed: markup is printed, never interpreted, and what the
font cannot draw is replaced by a visible ``[U+XXXX]`` that the report build reports, never dropped silently."""

from __future__ import annotations

import dataclasses
import re
from enum import Enum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cds_desktop.core.reports.commune_pdf import render_commune_report
from cds_desktop.core.reports.data import CommuneReportData, OfficeReportData
from cds_desktop.core.reports.glyphs import counting_replacements, drawable, drawable_characters
from cds_desktop.core.reports.office_pdf import render_office_report
from cds_desktop.core.reports.samples import sample_commune_report, sample_office_report

MARKUP = [
    '<font color="red" size="40">đỏ</font>',
    "<para>đoạn</para>",
    "<b>đậm</b>",
    "Sở KH&CN",
    "&amp; &lt; &#x41; &nbsp;",
    "<i>chưa đóng <b",
    '<img src="/etc/passwd" width="400"/>',
    "<br/><br/>",
    "<![CDATA[x]]> <!-- y -->",
    '<a href="http://x">liên kết</a>',
    "<seq id='s'/> <onDraw name='x'/>",
]
HOSTILE = " ".join(MARKUP)
OTHER_SCRIPTS = "Máy 😀👍🏽 中文字 عربي ไทย"  # emoji (one with a skin tone), CJK, Arabic, Thai


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _all_text(path: Path, read_pdf) -> str:
    return _squeezed(read_pdf(path).raw_text)


def _every_text_field(data, text: str):
    """``data`` (a frozen dataclass) with every free-text field, nested ones included, set to ``text``."""
    if dataclasses.is_dataclass(data):
        changes = {}
        for field in dataclasses.fields(data):
            value = getattr(data, field.name)
            if field.name in ("language", "code", "commune_code", "archive"):
                continue
            if isinstance(value, str) and not isinstance(value, Enum):
                changes[field.name] = text
            elif isinstance(value, tuple):
                changes[field.name] = tuple(text if isinstance(item, str) else _every_text_field(item, text)
                                            for item in value)
            elif dataclasses.is_dataclass(value):
                changes[field.name] = _every_text_field(value, text)
        return dataclasses.replace(data, **changes)
    return data


def _short_commune_report(text: str) -> CommuneReportData:
    sample = sample_commune_report()
    data = dataclasses.replace(sample, indicators=sample.indicators[:3], tasks=sample.tasks[:3])
    return _every_text_field(data, text)


def _short_office_report(text: str) -> OfficeReportData:
    sample = sample_office_report(3)
    return _every_text_field(dataclasses.replace(sample, indicators=sample.indicators[:2]), text)


@pytest.mark.parametrize("render", ["commune", "office"])
def test_markup_in_every_text_field_is_printed_literally(render, tmp_path: Path, read_pdf) -> None:
    path = tmp_path / "markup.pdf"
    if render == "commune":
        warnings = render_commune_report(_short_commune_report(HOSTILE), path)
    else:
        warnings = render_office_report(_short_office_report(HOSTILE), path)
    assert warnings == ()
    text = _all_text(path, read_pdf)
    for piece in MARKUP:
        assert _squeezed(piece) in text, piece
    assert text.count(_squeezed(MARKUP[0])) >= 10  # names, groups, results, signer, place, recipients …


def test_characters_the_font_cannot_draw_are_replaced_visibly_and_counted(tmp_path: Path, read_pdf) -> None:
    sample = sample_commune_report()
    task = dataclasses.replace(sample.tasks[0], result=OTHER_SCRIPTS)
    issuer = dataclasses.replace(sample.document.issuer, name_lines=("ỦY BAN NHÂN DÂN", "XÃ 中文 😀"))
    data = dataclasses.replace(sample, tasks=(task, *sample.tasks[1:]),
                               document=dataclasses.replace(sample.document, issuer=issuer))
    path = tmp_path / "scripts.pdf"
    (warning,) = render_commune_report(data, path)
    text = _all_text(path, read_pdf)  # a narrow column wraps the stand-ins anywhere
    assert _squeezed("Máy [U+1F600][U+1F44D][U+1F3FD] [U+4E2D][U+6587][U+5B57] [U+0639][U+0631][U+0628][U+064A]"
                     "[U+0E44][U+0E17][U+0E22]") in text
    assert _squeezed("XÃ [U+4E2D][U+6587] [U+1F600]") in text
    assert warning.code == "report.warning.undrawable" and warning.params["count"] == 3 + 3 + 4 + 3 + 3
    assert warning.message("vi").startswith("Có 16 ký tự mà phông chữ của báo cáo không thể hiện được")
    assert "U+1F600, U+1F44D, U+1F3FD, U+4E2D, U+6587, …" in warning.message("en")


def test_an_office_report_counts_what_it_replaced_in_a_commune_name(tmp_path: Path, read_pdf) -> None:
    sample = sample_office_report(3)
    first, *others = sample.current.submissions
    current = dataclasses.replace(sample.current, submissions=(
        dataclasses.replace(first, commune_name="Xã عربي", status=first.status.MISSING), *others))
    (warning,) = render_office_report(dataclasses.replace(sample, current=current), tmp_path / "office.pdf")
    assert warning.params["count"] == 4
    assert "Xã [U+0639][U+0631][U+0628][U+064A]" in read_pdf(tmp_path / "office.pdf").text


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("Xã Nhân Cơ — “Đắk Nông” ≥ 80% • №", "Xã Nhân Cơ — “Đắk Nông” ≥ 80% • №"),  # Vietnamese and punctuation stay
        ("Ελληνικά Русский עברית", "Ελληνικά Русский עברית"),  # scripts the font has
        ("a\tb\r\nc\rd", "a b\nc\nd"),
        ("❤️", "[U+2764]"),  # the emoji presentation selector goes with the replaced heart
        ("\x00\x07\x1b\x7f\x85", "[U+0000][U+0007][U+001B][U+007F][U+0085]"),
        ("\ud800", "[U+D800]"),  # a lone surrogate from a JSON escape
    ],
)
def test_drawable(text: str, drawn: str) -> None:
    assert drawable(text) == drawn
    assert all(ord(character) in drawable_characters() or character in "\n[]+" for character in drawable(text))


def test_replacements_are_counted_only_inside_the_block() -> None:
    drawable("😀")
    with counting_replacements() as replaced:
        drawable("a 😀 b 中")
    drawable("😀")
    assert replaced == ["😀", "中"]


@pytest.mark.parametrize(
    "text",
    ["a\ud800b\udfff", "\x00\x1b[31m\x7f", "\u202e\u2066đảo chiều", "(\\) ( \\\\ %PDF-1.4 endobj", "x" * 5000,
     "Dòng 1\r\nDòng 2\rDòng 3\n\n\tDòng 4", ""],
    ids=["surrogates", "controls", "bidi-overrides", "pdf-syntax", "very-long", "line-breaks", "empty"],
)
@pytest.mark.parametrize("render", ["commune", "office"])
def test_any_text_in_every_field_gives_a_pdf(render, text, tmp_path: Path, read_pdf) -> None:
    path = tmp_path / "any.pdf"
    if render == "commune":
        render_commune_report(_short_commune_report(text), path)
    else:
        render_office_report(_short_office_report(text), path)
    assert read_pdf(path).pages


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60))
def test_arbitrary_text_is_drawn_or_replaced_never_an_exception(text, tmp_path: Path) -> None:
    warnings = render_commune_report(_short_commune_report(text), tmp_path / "h.pdf")
    replaced = [character for character in drawable(text) if ord(character) not in drawable_characters()]
    assert replaced == [character for character in replaced if character in "\n"]  # only line breaks are left
    assert bool(warnings) == any(ord(c) not in drawable_characters() and c not in "\t\r\n"
                                 and not 0xFE00 <= ord(c) <= 0xFE0F and not 0xE0100 <= ord(c) <= 0xE01EF for c in text)
