"""Renders the app icon ``cds_desktop/resources/icons/cds-desktop.svg`` to the PNG sizes the window and the
desktop menus use (``cds-desktop-<size>.png``), with Qt's own SVG renderer.

Run once after changing the SVG, then commit the PNGs: ``uv run python packaging/render_icons.py``.
At ``SMALL_MAX`` pixels and below the page's letters and text lines would only blur, so those sizes are drawn
from the icon's other elements (the blue square, the page and the green check).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "cds_desktop" / "resources" / "icons"
SVG = ICONS / "cds-desktop.svg"
SIZES = (16, 32, 48, 64, 128, 256)
SMALL_MAX = 24
SMALL_ELEMENTS = ("background", "page", "corner", "check-disc", "check")


def render(size: int) -> "QImage":
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if size > SMALL_MAX:
        renderer.render(painter, QRectF(0, 0, size, size))
    else:
        scale = size / renderer.viewBoxF().width()
        for element in SMALL_ELEMENTS:
            bounds = renderer.boundsOnElement(element)
            renderer.render(painter, element, QRectF(bounds.x() * scale, bounds.y() * scale,
                                                     bounds.width() * scale, bounds.height() * scale))
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QtSvg needs one
    for size in SIZES:
        target = ICONS / f"cds-desktop-{size}.png"
        if not render(size).save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        print(target.relative_to(ICONS.parents[2]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
