"""Layout quality at 1366×768 in Vietnamese and English: no text is cut off in the main window (every tab),
the settings dialog or the history dialog, also at a device pixel ratio of 2; and a whole period of
indicators can be filled with the keyboard alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.ui.shared.roles import Role
from tests.ui.conftest import PERIOD, PLAN
from tests.ui.keyboard import type_text
from tests.ui.layout_checks import assert_no_clipped_text

EXPECTED_PIXEL_RATIO = float(os.environ.get("CDS_TEST_PIXEL_RATIO", "1"))


def _settled(widget):
    QApplication.processEvents()
    assert widget.grab().devicePixelRatio() == EXPECTED_PIXEL_RATIO
    return widget


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_text_is_cut_off_in_the_main_window_and_its_dialogs(qtbot, open_window, language):
    window = open_window(language)
    for tab in range(window.pages.count()):
        window.pages.setCurrentIndex(tab)
        assert_no_clipped_text(_settled(window))
    settings = window.show_settings()
    qtbot.addWidget(settings)
    assert_no_clipped_text(_settled(settings))
    settings.close()
    history = window.show_history("1a")
    qtbot.addWidget(history)
    assert_no_clipped_text(_settled(history))


@pytest.mark.skipif(EXPECTED_PIXEL_RATIO != 1, reason="this is the run that starts the high-DPI one")
def test_no_text_is_cut_off_at_a_pixel_ratio_of_2():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2", "CDS_TEST_PIXEL_RATIO": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::"
         "test_no_text_is_cut_off_in_the_main_window_and_its_dialogs"],
        cwd=Path(__file__).parents[2], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout


def test_the_check_finds_cut_off_labels_buttons_and_group_titles(qtbot):
    from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

    from tests.ui.layout_checks import clipped_texts

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    fits, cut = QLabel("Lưu"), QLabel("Kế hoạch hoạt động của Ban Chỉ đạo chuyển đổi số")
    wrapped = QLabel("Tỷ lệ hộ gia đình có đường Internet cáp quang băng rộng " * 3)
    wrapped.setWordWrap(True)
    wrapped.setFixedHeight(wrapped.fontMetrics().height())
    button, group = QPushButton("&Gửi duyệt kỳ báo cáo"), QGroupBox("Thông tin trên báo cáo chính thức")
    for widget in (fits, cut, wrapped, button, group):
        widget.setMaximumWidth(120)
        layout.addWidget(widget)
    button.setFixedWidth(40)
    root.show()
    QApplication.processEvents()
    found = clipped_texts(root)
    assert [line.split()[0] for line in found] == ["QLabel", "QLabel", "QPushButton", "QGroupBox"]
    assert "Kế hoạch" in found[0] and "height" in found[1]


TYPED = {"numerator": "45", "denominator": "90", "note": "Số liệu đến 30/6", "data_source": "Thống kê xã"}


def test_a_whole_period_is_filled_with_the_keyboard_alone(qtbot, window, service):
    table = window.indicators_page.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)  # the first cell (a heading)
    qtbot.keyClick(table, Qt.Key.Key_Tab)  # the first input
    visited, keys = [], (Qt.Key.Key_Tab, Qt.Key.Key_Return)
    while (table.currentIndex().row(), table.currentIndex().column()) not in visited:
        current = table.currentIndex()
        visited.append((current.row(), current.column()))
        editor, field = QApplication.focusWidget(), current.data(Role.FIELD)
        kind = service.plan(PLAN).indicator(current.data(Role.ITEM_CODE)).kind
        if isinstance(editor, QComboBox):
            qtbot.keyClick(editor, Qt.Key.Key_Down)  # unanswered → yes
        elif not (kind is IndicatorKind.RATIO and field == "value"):  # a ratio's direct-% input stays empty
            assert isinstance(editor, QLineEdit)
            type_text(editor, TYPED.get(field, "7" if kind is IndicatorKind.COUNT else "Mô hình chợ 4.0"))
        qtbot.keyClick(QApplication.focusWidget(), keys[len(visited) % 2])
    entries = service.entries(PLAN, PERIOD).indicators
    for indicator in service.plan(PLAN).commune_indicators():
        entry = entries[indicator.code]
        assert (entry.note, entry.data_source) == (TYPED["note"], TYPED["data_source"]), indicator.code
        expected = {IndicatorKind.RATIO: ("45", "90", None), IndicatorKind.COUNT: (None, None, "7"),
                    IndicatorKind.BOOLEAN: (None, None, "1"), IndicatorKind.TEXT: (None, None, "Mô hình chợ 4.0")}
        assert (entry.numerator, entry.denominator, entry.value) == expected[indicator.kind], indicator.code
    assert not [p for p in service.validate(PLAN, PERIOD) if p.code.startswith(("value.", "indicator.missing"))]
