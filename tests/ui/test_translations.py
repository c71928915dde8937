"""Every visible string of every screen comes from a message catalog (or is data), in Vietnamese and English;
Qt's own buttons and the file dialog speak Vietnamese too."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

from cds_desktop.core.i18n import catalog, translate
from cds_desktop.ui.shell.qt_translator import qt_catalog
from tests.ui.conftest import PERIOD, PLAN

_PLACEHOLDER = re.compile(r"\\\{[a-z_]+\\\}")
_PARTS = re.compile(r"\n| — |\. ")


def _patterns(language: str) -> list[re.Pattern[str]]:
    templates = [entry[language] for entry in catalog().values()]
    for texts in qt_catalog().values():
        templates += texts.values() if language == "vi" else texts.keys()
    return [re.compile(_PLACEHOLDER.sub(".+?", re.escape(t.replace("&", ""))), re.DOTALL) for t in templates]


def _plan_texts(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_plan_texts(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_plan_texts(v) for v in value)) if value else set()
    return set()


def _visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every label, button, title, tooltip, placeholder, combo item, tab, menu and header."""
    found: list[tuple[str, str]] = []

    def add(where: str, text) -> None:
        if isinstance(text, str) and text:
            found.append((where, text.replace("&", "")))

    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        name = f"{type(widget).__name__}#{widget.objectName()}"
        add(f"{name}.toolTip", widget.toolTip())
        if isinstance(widget, QLabel):
            add(name, widget.text())
        elif isinstance(widget, QAbstractButton):
            add(name, widget.text())
        elif isinstance(widget, QGroupBox):
            add(name, widget.title())
        elif isinstance(widget, QLineEdit):
            add(f"{name}.placeholder", widget.placeholderText())
        elif isinstance(widget, QComboBox) and widget.objectName() != "lookInCombo":
            for row in range(widget.count()):
                add(f"{name}[{row}]", widget.itemText(row))
        elif isinstance(widget, QTabWidget):
            for tab in range(widget.count()):
                add(f"{name}.tab", widget.tabText(tab))
        elif isinstance(widget, QDockWidget):
            add(name, widget.windowTitle())
        elif isinstance(widget, QMenu):
            add(name, widget.title())
            for action in widget.actions():
                add(f"{name}.action", action.text())
        elif isinstance(widget, (QTableView, QTreeView)) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                add(f"{name}.header", model.headerData(column, Qt.Orientation.Horizontal))
    if root.isWindow():
        add("windowTitle", root.windowTitle())
    return found


def _untranslated(texts, language: str, data: set[str]) -> list[tuple[str, str]]:
    patterns = _patterns(language)

    def known(text: str) -> bool:
        text = text.strip()
        return (not re.search(r"[^\W\d_]", text) or text in data
                or any(p.fullmatch(text) for p in patterns))

    return [(where, text) for where, text in texts
            if not known(text) and not all(known(part) for part in _PARTS.split(text))]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_visible_string_of_every_screen_is_translated(qtbot, open_window, service, tmp_path, language):
    window = open_window(language)
    data = _plan_texts(service.plan(PLAN).model_dump(mode="json")) | {"Xã Nhân Cơ", "can.bo.xa", str(tmp_path)}
    texts = []
    for page in range(window.pages.count()):
        window.pages.setCurrentIndex(page)
        texts += _visible_texts(window)
    history = window.show_history("1a")
    settings = window.show_settings()
    files = QFileDialog(window, translate("ui.evidence.choose_title"))
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.setDirectory(str(tmp_path))
    files.show()
    for dialog in (history, settings, files):
        qtbot.addWidget(dialog)
        texts += _visible_texts(dialog)
    assert len(texts) > 80
    assert _untranslated(texts, language, data) == []


def test_the_check_catches_a_hard_coded_string(qtbot, open_window):
    window = open_window("vi")
    window.notice.setText("Saved")
    assert ("QLabel#notice", "Saved") in _untranslated(_visible_texts(window), "vi", set())


def test_qt_standard_buttons_speak_vietnamese(qtbot, open_window):
    window = open_window("vi")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Yes)
    qtbot.addWidget(box)
    texts = sorted(button.text().replace("&", "") for button in box.buttons())
    assert texts == sorted(["Đồng ý", "Hủy", "Lưu", "Có"])
    assert window.period_bar.period_box.currentText().startswith("Quý 2 năm 2023")
    assert PERIOD == "2023Q2"


def test_shortcuts_keep_their_modifiers_in_vietnamese(qtbot, open_window):
    """Qt strings without a Vietnamese entry stay untranslated (not emptied): "Ctrl+Shift+G" keeps its modifiers."""
    from PySide6.QtGui import QKeySequence

    open_window("vi")
    text = QKeySequence("Ctrl+Shift+G").toString(QKeySequence.SequenceFormat.NativeText)
    assert text == "Ctrl+Shift+G"
