"""Reusable layout checks: no visible label, button, check box or group box title is cut off.

    from tests.ui.layout_checks import assert_no_clipped_text
    assert_no_clipped_text(dialog)

A text is clipped when its widget is narrower than the text needs: for a label without word wrap, its
widest line; for a word-wrapped label, its longest word, and the wrapped text's height must fit too; for a
button or check box, its size hint (text, icon, indicator and padding); for a group box, its title.
Mnemonic ampersands do not count; rich text is measured as the plain text it shows.

Item views count too: a column header whose title is wider than its section (a file dialog's "Ngày sửa đổi"),
and the texts an item delegate paints itself — the hints and badges of the entry tables, which a delegate
lists with ``painted_texts(option, index)`` as (text, rectangle, flags, font) — in every visible cell.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import Qt as GuiQt  # Qt.mightBeRichText lives in QtGui
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)

SLACK = 1  # px: rounding between font metrics and layout


def _shown_text(text: str, rich: bool) -> str:
    if rich:
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_problem(label: QLabel) -> str | None:
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text()))
    text = _shown_text(label.text(), rich)
    if not text.strip():
        return None
    metrics = QFontMetrics(label.font())
    margins = label.contentsMargins()
    available = label.width() - margins.left() - margins.right() - 2 * max(label.margin(), 0) - max(label.indent(), 0)
    if label.wordWrap():
        widest = max(metrics.horizontalAdvance(word) for word in text.split())
        if widest > available + SLACK:
            return f"a word needs {widest}px, the label is {available}px wide"
        needed = label.heightForWidth(label.width())
        if needed > label.height() + SLACK:
            return f"the wrapped text needs {needed}px of height, the label has {label.height()}px"
        return None
    widest = max(metrics.horizontalAdvance(line) for line in text.splitlines())
    if widest > available + SLACK:
        return f"needs {widest}px, the label is {available}px wide"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    if not _shown_text(button.text(), rich=False).strip():
        return None
    needed = button.sizeHint().width()
    if needed > button.width() + SLACK:
        return f"needs {needed}px, the button is {button.width()}px wide"
    return None


def _group_problem(group: QGroupBox) -> str | None:
    title = _shown_text(group.title(), rich=False)
    if not title.strip():
        return None
    needed = QFontMetrics(group.font()).horizontalAdvance(title) + 2 * group.fontMetrics().averageCharWidth()
    if needed > group.width() + SLACK:
        return f"the title needs {needed}px, the group is {group.width()}px wide"
    return None


def _header_problems(header: QHeaderView) -> list[str]:
    """Sections whose title is wider than the section (the style's margins on both sides counted)."""
    model = header.model()
    if model is None:
        return []
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    metrics = QFontMetrics(header.font())
    found = []
    for section in range(header.count()):
        if header.isSectionHidden(section) or header.sectionSize(section) <= 0:
            continue
        if header.sectionViewportPosition(section) >= header.viewport().width():
            continue  # scrolled out of sight
        title = model.headerData(section, header.orientation())
        if not isinstance(title, str) or not title.strip():
            continue
        needed = max(metrics.horizontalAdvance(line) for line in title.splitlines()) + 2 * margin
        if needed > header.sectionSize(section) + SLACK:
            found.append(f"column {title!r} needs {needed}px, it is {header.sectionSize(section)}px wide")
    return found


def _painted_problems(view: QAbstractItemView) -> list[str]:
    """Hints and badges an item delegate paints (``painted_texts``) that do not fit their rectangle."""
    delegate, model = view.itemDelegate(), view.model()
    if model is None or not hasattr(delegate, "painted_texts"):
        return []
    found, visible = [], view.viewport().rect()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            rect = view.visualRect(index)
            if not rect.isValid() or not rect.intersects(visible):
                continue
            option = QStyleOptionViewItem()
            option.rect, option.font, option.fontMetrics, option.widget = rect, view.font(), view.fontMetrics(), view
            for text, area, flags, font in delegate.painted_texts(option, index):
                needed = QFontMetrics(font).boundingRect(QRect(area.x(), area.y(), max(area.width(), 1), 100_000),
                                                         flags, text)
                if needed.width() > area.width() + SLACK or needed.height() > area.height() + SLACK:
                    found.append(f"cell ({row}, {column}) {text[:40]!r} needs {needed.width()}×{needed.height()}px, "
                                 f"it has {area.width()}×{area.height()}px")
    return found


def clipped_texts(root: QWidget) -> list[str]:
    """One line per visible widget under ``root`` (itself included) whose text does not fit."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel):
            problem, text = _label_problem(widget), widget.text()
        elif isinstance(widget, QAbstractButton):
            problem, text = _button_problem(widget), widget.text()
        elif isinstance(widget, QGroupBox):
            problem, text = _group_problem(widget), widget.title()
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            found += [f"QHeaderView {widget.parent().objectName() or '-'}: {p}" for p in _header_problems(widget)]
            continue
        elif isinstance(widget, QAbstractItemView):
            found += [f"{type(widget).__name__} {widget.objectName() or '-'} {p}" for p in _painted_problems(widget)]
            continue
        else:
            continue
        if problem:
            found.append(f"{type(widget).__name__} {widget.objectName() or '-'} {text[:60]!r}: {problem}")
    return found


def assert_no_clipped_text(root: QWidget) -> None:
    clipped = clipped_texts(root)
    assert not clipped, "text cut off:\n" + "\n".join(clipped)
