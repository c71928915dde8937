"""Reading rendered report PDFs back with pypdf (text, text positions, fonts), offered to tests as ``read_pdf``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from pypdf import PageObject, PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from cds_desktop.core.reports.fonts import register_fonts

MM = 72 / 25.4


@dataclass(frozen=True)
class Fragment:
    """A piece of text as drawn: start point (points from the bottom-left corner), font, size and width."""

    x: float
    y: float
    font: str  # reportlab's name: "LiberationSerif-Bold" (the subset prefix "AAAAAA+" removed)
    size: float
    text: str

    @property
    def width(self) -> float:
        return stringWidth(self.text, self.font, self.size)


def one_line(text: str) -> str:
    """Text with line breaks and runs of spaces collapsed, so wrapped sentences can be searched."""
    return re.sub(r"\s+", " ", text).strip()


def _fragments(page: PageObject) -> list[Fragment]:
    found: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1] if font else ""
            found.append(Fragment(x, y, name, size, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


class PdfView:
    """A rendered PDF as the tests look at it."""

    def __init__(self, path: Path) -> None:
        register_fonts()  # for Fragment.width
        self.reader = PdfReader(str(path))
        self.pages = self.reader.pages

    def page_text(self, index: int) -> str:
        """The text of page ``index`` (0-based), on one line."""
        return one_line(self.pages[index].extract_text())

    @property
    def raw_text(self) -> str:
        return "\n".join(page.extract_text() for page in self.pages)

    @property
    def text(self) -> str:
        """All text on one line: wrapped sentences and table rows read as one string."""
        return one_line(self.raw_text)

    def fragments(self, index: int) -> list[Fragment]:
        """Every piece of text on page ``index`` with where and how it is drawn."""
        return _fragments(self.pages[index])

    def drawn(self, index: int) -> dict[str, Fragment]:
        """The fragments of page ``index`` by their text."""
        return {fragment.text: fragment for fragment in self.fragments(index)}

    def fonts(self) -> dict[str, bool]:
        """Base font name → whether its program is embedded as TrueType (FontFile2), over all pages."""
        result: dict[str, bool] = {}
        for page in self.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font.get("/FontDescriptor")
                result[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
        return result


@pytest.fixture(scope="session")
def read_pdf() -> Callable[[Path], PdfView]:
    return PdfView
