"""The app icon: the committed PNGs are what ``packaging/render_icons.py`` renders from the SVG today, at the
sizes the desktop entry, the .deb's hicolor folders and the window icon (``app._app_icon``) use."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from cds_desktop import app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def render_icons():
    spec = importlib.util.spec_from_file_location("render_icons", REPO / "packaging" / "render_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_pngs_are_the_svg_rendered(qapp, render_icons):
    assert render_icons.SIZES == app.ICON_SIZES
    for size in render_icons.SIZES:
        committed = QImage(str(render_icons.ICONS / f"cds-desktop-{size}.png"))
        assert (committed.width(), committed.height()) == (size, size)
        rendered = render_icons.render(size).convertToFormat(committed.format())
        assert rendered == committed, f"{size} px differs: run packaging/render_icons.py and commit the PNGs"


def test_the_small_icon_is_not_the_large_one_shrunk(qapp, render_icons):
    """At 16 px the letters are left out: the page keeps its white, the blue square and the green check show."""
    small = render_icons.render(16)
    colours = {small.pixelColor(x, y).name() for x in range(16) for y in range(16)}
    assert "#ffffff" in colours and "#1d4f91" in colours and "#17633a" in colours


def test_the_window_icon_has_every_size(qapp):
    icon = app._app_icon()
    assert sorted(size.width() for size in icon.availableSizes()) == list(app.ICON_SIZES)
    assert not icon.pixmap(16).isNull() and not icon.pixmap(256).isNull()
