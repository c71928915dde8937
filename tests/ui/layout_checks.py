"""Reusable layout checks: no visible label, button, check box or group box title is cut off.

    from tests.ui.layout_checks import assert_no_clipped_text
    assert_no_clipped_text(dialog)

A text is clipped when its widget is narrower than the text needs: for a label without word wrap, its
widest line; for a word-wrapped label, its longest word, and the wrapped text's height must fit too; for a
button or check box, its size hint (text, icon, indicator and padding); for a group box, its title.
Mnemonic ampersands do not count; rich text is measured as the plain text it shows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # Qt.mightBeRichText lives in QtGui
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget

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
        else:
            continue
        if problem:
            found.append(f"{type(widget).__name__} {widget.objectName() or '-'} {text[:60]!r}: {problem}")
    return found


def assert_no_clipped_text(root: QWidget) -> None:
    clipped = clipped_texts(root)
    assert not clipped, "text cut off:\n" + "\n".join(clipped)
