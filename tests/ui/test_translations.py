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


# --- messages with parameters --------------------------------------------------------------------

_CODE_SAMPLES = {  # parameters whose values are codes people must not read, with such a code
    "period": "2023Q4", "signed_period": "2023Q3", "state": "submitted", "status": "not_met", "decision": "returned",
}
_RAW_PERIOD = re.compile(r"\b[0-9]{4}(?:Q[1-4]|S[12])\b")
_ENGLISH_CODES = re.compile(r"\b(?:draft|submitted|approved|exported|accepted|returned|not_met|no_data|not_started|"
                            r"in_progress)\b")
_UNFILLED = re.compile(r"[{}]")
# The id grammar a command takes is the point of this message: it names the ids to type ("2023Q1 (quý)").
_SHOWS_ID_SYNTAX = {"error.period.bad_id"}


def _placeholders(template: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _sample(name: str) -> object:
    if name in _CODE_SAMPLES:
        return _CODE_SAMPLES[name]
    if name.endswith("period"):
        return "2023Q2"
    return 3 if name in ("count", "revision", "limit", "length", "line") else f"mẫu {name}"


def _rendered(key: str, language: str) -> str:
    """The message as the app renders it: through the error or the validation problem it belongs to."""
    from cds_desktop.core.errors import CdsError
    from cds_desktop.core.validation import Problem, Severity

    params = {name: _sample(name) for name in _placeholders(catalog()[key]["vi"]) | _placeholders(catalog()[key]["en"])}
    if key.startswith("error."):
        return CdsError(key.removeprefix("error."), **params).message(language)
    params.pop("item", None)
    return Problem(key.removeprefix("problem."), Severity.ERROR, "1a", "value", params).message(language)


def _raw_codes(text: str) -> list[str]:
    return _RAW_PERIOD.findall(text) + _ENGLISH_CODES.findall(text) + _UNFILLED.findall(text)


def test_every_error_and_problem_message_words_its_periods_and_states():
    """Rendered in Vietnamese with sample parameters, no message shows a raw period id (2023Q4), an English state
    or status code, or an unfilled placeholder; in English no placeholder is left unfilled either."""
    keys = [key for key in catalog() if key.startswith(("error.", "problem.")) and key not in _SHOWS_ID_SYNTAX]
    assert len(keys) > 250
    found = {key: _raw_codes(_rendered(key, "vi")) for key in keys}
    assert {key: codes for key, codes in found.items() if codes} == {}
    assert [key for key in keys if _UNFILLED.search(_rendered(key, "en"))] == []
    locked = _rendered("error.period.locked", "vi")
    assert "Quý 4 năm 2023" in locked and "«Đã gửi duyệt»" in locked


def test_the_message_check_catches_a_raw_code():
    assert _raw_codes('Kỳ 2023Q4 đang ở trạng thái "submitted" {state}') == ["2023Q4", "submitted", "{", "}"]


def test_command_line_errors_speak_vietnamese_in_words(tmp_path, capsys):
    """Failing ``cds`` commands in Vietnamese: each says why in Vietnamese, periods and states in words, argparse's
    own words translated — no raw period id, English code, unfilled placeholder or traceback on stderr."""
    import shutil

    from cds_desktop.cli import main
    from tests.conftest import FIXTURES

    def cds(*args: str) -> tuple[int, str]:
        code = main(["--data-dir", str(tmp_path / "data"), "--lang", "vi", "--user", "lan", *args])
        return code, capsys.readouterr().err

    shutil.copy(FIXTURES / "plans" / "mini.yaml", tmp_path / "mini.yaml")
    assert cds("plans", "import", str(tmp_path / "mini.yaml"))[0] == 0
    assert cds("init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ")[0] == 0
    failing = [
        (("entry", "set", PLAN, "2030Q1", "1a", "--value", "5"), "Quý 1 năm 2030"),
        (("submit", PLAN, PERIOD), "Báo cáo Quý 2 năm 2023 còn"),
        (("send-back", PLAN, PERIOD, "--reason", "Thiếu số liệu"), "«Nháp»"),
        (("send-back", PLAN, PERIOD), "thiếu tham số bắt buộc: --reason"),
        (("send-back", PLAN, PERIOD, "--reason", "  "), "lý do trả lại"),
        (("reopen", PLAN, PERIOD), "«Nháp»"),
        (("report", PLAN, "2024Q2", "--out", str(tmp_path / "r.pdf")), "Quý 2 năm 2024 của kế hoạch"),
        (("task", "set", PLAN, PERIOD, "T1", "--status", "finished"), "lựa chọn không hợp lệ"),
        (("entry", "set", PLAN), "thiếu tham số bắt buộc: KỲ, CHỈ_TIÊU"),  # positionals named in Vietnamese
        (("keys", "nope"), "tham số LỆNH: lựa chọn không hợp lệ"),
    ]
    for args, expected in failing:
        code, err = cds(*args)
        assert code in (1, 2) and expected in err, (args, err)
        assert "Traceback" not in err and not re.search(r"\b(?:the|invalid|required|argument|usage)\b", err), err
        if "--status" not in args:  # a refused choice lists the values to type: they are the command's syntax
            assert _raw_codes(err) == [], (args, err)
