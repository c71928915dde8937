"""The commune window with the keyboard alone, on the real window over a real data folder: a whole period is
filled, submitted, approved and exported with key events only; F8 reaches the problems and Esc/Enter come
back; Ctrl+1/2/3 put the cursor in the page's table; the current cell is clearly framed; every button and
field label has an access key of its own in each window."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from cds_desktop.core.domain import PeriodState, TaskStatus
from cds_desktop.core.plans.model import IndicatorKind
from cds_desktop.ui.commune.approve_dialog import ApproveDialog
from cds_desktop.ui.commune.delegates import FOCUS_COLOUR
from cds_desktop.ui.commune.export_dialog import ExportDialog
from cds_desktop.ui.commune.models.task_model import TaskColumn
from cds_desktop.ui.shared.roles import Role
from tests.core.exchange.conftest import PASS_COMMUNE, PASS_OFFICE, exchange, office  # noqa: F401 - fixtures
from tests.ui.conftest import PERIOD, PLAN
from tests.ui.keyboard import active, shown, type_text

CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier
TYPED = {"numerator": "45", "denominator": "90", "note": "Số liệu đến 30/6", "data_source": "Thống kê xã"}


def _key(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the keyboard's focus is (in the active window), as a person presses it."""
    qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key, modifiers)


def _fill_indicators(qtbot, window, service) -> None:
    """From the first input, every input of the indicator form in turn: typed, then Tab or Enter."""
    table = window.indicators_page.table
    visited = []
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
        _key(qtbot, (Qt.Key.Key_Tab, Qt.Key.Key_Return)[len(visited) % 2])
    assert len(visited) > 15


def test_a_whole_period_is_filled_submitted_approved_and_exported_with_the_keyboard_alone(
        qtbot, window, service, exchange, office, tmp_path):  # noqa: F811
    usb = tmp_path / "usb"
    usb.mkdir()
    active(qtbot, window)
    _key(qtbot, Qt.Key.Key_1, CTRL)  # the indicators, the cursor in the first input
    assert window.indicators_page.table.currentIndex().data(Role.FIELD) == "numerator"
    _fill_indicators(qtbot, window, service)

    _key(qtbot, Qt.Key.Key_2, CTRL)  # the tasks: T1 in progress, half done
    tasks = window.tasks_page.table
    assert tasks.hasFocus() or tasks.isAncestorOf(QApplication.focusWidget())
    assert tasks.currentIndex().column() == TaskColumn.STATUS and tasks.currentIndex().data(Role.ITEM_CODE) == "T1"
    _key(qtbot, Qt.Key.Key_Down)  # not started → in progress
    _key(qtbot, Qt.Key.Key_Tab)
    type_text(QApplication.focusWidget(), "50")
    _key(qtbot, Qt.Key.Key_Return)
    entry = service.entries(PLAN, PERIOD).tasks["T1"]
    assert (entry.status, entry.progress_pct) == (TaskStatus.IN_PROGRESS, 50)

    _key(qtbot, Qt.Key.Key_G, CTRL | SHIFT)  # submit for approval
    question = active(qtbot, shown(QMessageBox, "submit_confirm"))
    assert "Quý 2 năm 2023" in question.text()
    _key(qtbot, Qt.Key.Key_Return)
    assert service.period(PLAN, PERIOD).state is PeriodState.SUBMITTED

    active(qtbot, window)
    _key(qtbot, Qt.Key.Key_K, CTRL | SHIFT)  # approve and sign
    approve = active(qtbot, shown(ApproveDialog))
    assert QApplication.focusWidget() is approve.passphrase
    type_text(approve.passphrase, PASS_COMMUNE)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not approve.isVisible(), timeout=30_000)  # the key is unlocked in the background
    assert service.period(PLAN, PERIOD).state is PeriodState.APPROVED

    export = active(qtbot, shown(ExportDialog))  # right after signing, the passphrase typed once
    _key(qtbot, Qt.Key.Key_T, ALT)  # "&Thư mục hoặc USB:"
    assert QApplication.focusWidget() is export.folder
    _key(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(export.folder, str(usb))
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: export.written is not None, timeout=30_000)
    assert export.focusWidget() is export.close_button
    # a progress dialog shown meanwhile (a slow machine) hands the activation back to the dialog after it hides
    qtbot.waitUntil(lambda: QApplication.focusWidget() is export.close_button, timeout=5_000)
    _key(qtbot, Qt.Key.Key_Return)
    assert not export.isVisible()

    assert service.period(PLAN, PERIOD).state is PeriodState.EXPORTED
    (bundle,) = usb.iterdir()
    (outcome,) = office.import_bundles([bundle], PASS_OFFICE)
    assert (outcome.status, outcome.commune, outcome.period) == ("accepted", "24751", PERIOD)


def test_f8_reaches_the_problems_and_enter_or_esc_come_back(qtbot, window):
    active(qtbot, window)
    table = window.indicators_page.table
    window.problems_dock.hide()  # closed: F8 opens it (it used to close it when open)
    _key(qtbot, Qt.Key.Key_1, CTRL)
    start = table.currentIndex()
    for _ in range(2):
        _key(qtbot, Qt.Key.Key_F8)
        problems = window.problems_panel.table
        assert window.problems_dock.isVisible() and QApplication.focusWidget() is problems
        assert problems.currentIndex().row() == 0
    _key(qtbot, Qt.Key.Key_Escape)  # back where the cursor was
    assert table.isAncestorOf(QApplication.focusWidget()) or table.hasFocus()
    assert table.currentIndex() == start

    _key(qtbot, Qt.Key.Key_F8)
    _key(qtbot, Qt.Key.Key_Down)
    chosen = problems.currentIndex()
    item, field = chosen.data(Role.ITEM_CODE), chosen.data(Role.FIELD)
    _key(qtbot, Qt.Key.Key_Return)  # to the problem's cell
    current = table.currentIndex()
    assert (current.data(Role.ITEM_CODE), current.data(Role.FIELD)) == (item, field)
    assert table.isAncestorOf(QApplication.focusWidget()) or table.hasFocus()


def test_ctrl_and_a_number_shows_a_page_with_the_cursor_in_its_table(qtbot, window, service, tmp_path):
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4")
    window.workspace.publish(service.add_evidence(PLAN, PERIOD, "1a", evidence, "lan"))
    active(qtbot, window)
    for key, page in ((Qt.Key.Key_2, window.tasks_page), (Qt.Key.Key_3, window.evidence_page),
                      (Qt.Key.Key_1, window.indicators_page)):
        window.period_bar.period_box.setFocus()
        _key(qtbot, key, CTRL)
        assert window.pages.currentWidget() is page
        focus = QApplication.focusWidget()
        assert focus is page.table or page.table.isAncestorOf(focus), (page, focus)
        assert page.table.currentIndex().isValid()


def _frame_colour_share(image, rect) -> float:
    """How much of ``rect``'s outline, one pixel inside it, is in the focus colour."""
    points = [(x, y) for x in range(rect.left() + 1, rect.right()) for y in (rect.top() + 1, rect.bottom() - 1)]
    points += [(x, y) for y in range(rect.top() + 1, rect.bottom()) for x in (rect.left() + 1, rect.right() - 1)]
    ratio = image.devicePixelRatio()
    hits = sum(QColor(image.pixel(int(x * ratio), int(y * ratio))).name() == FOCUS_COLOUR.name() for x, y in points)
    return hits / len(points)


def test_the_current_cell_is_clearly_framed(qtbot, window):
    active(qtbot, window)
    table = window.indicators_page.table
    _key(qtbot, Qt.Key.Key_1, CTRL)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)  # the input is open: its own frame shows where typing goes
    assert _frame_colour_share(editor.grab().toImage(), editor.rect()) > 0.9
    _key(qtbot, Qt.Key.Key_Escape)  # the cell without its editor: the table draws the frame
    assert table.hasFocus()
    rect = table.visualRect(table.currentIndex())
    assert _frame_colour_share(table.viewport().grab().toImage(), rect) > 0.9
    _key(qtbot, Qt.Key.Key_Left)  # a read-only cell (the indicator's name) is framed the same way
    assert table.hasFocus() and not table.currentIndex().flags() & Qt.ItemFlag.ItemIsEditable
    rect = table.visualRect(table.currentIndex())
    assert _frame_colour_share(table.viewport().grab().toImage(), rect) > 0.9


# --- access keys ---------------------------------------------------------------------------------

_INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&\s])", text)
    return match.group(1).casefold() if match else None


def _in_view_or_combo(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractItemView, QComboBox)):
            return True
        parent = parent.parentWidget()
    return False


def access_key_problems(window: QWidget, always: list[QAbstractButton] = ()) -> list[str]:
    """What keeps a window from being used with Alt+letter: a visible button without an access key, an input
    without a label whose access key reaches it, or two access keys alike (menus, buttons, labels; ``always``:
    buttons counted whether shown or not, like the workflow's, which come and go with the period's state)."""
    problems, keys = [], {}
    visible = [w for w in window.findChildren(QWidget) if w.isVisibleTo(window) and w.window() is window]
    labels = [w for w in visible if isinstance(w, QLabel) and w.buddy() is not None]
    buttons = [w for w in visible if isinstance(w, QAbstractButton) and w.text().strip() and w not in always]
    menu_bar = window.menuBar() if hasattr(window, "menuBar") else None
    named = [(a.text(), f"menu {a.text()!r}") for a in (menu_bar.actions() if menu_bar else ())]
    named += [(w.text(), f"label {w.text()!r}") for w in labels]
    named += [(w.text(), f"button {w.text()!r}") for w in [*buttons, *always]]
    for text, what in named:
        key = _mnemonic(text)
        if key is None:
            problems.append(f"{what} has no access key")
        elif key in keys:
            problems.append(f"{what} and {keys[key]} share Alt+{key}")
        else:
            keys[key] = what
    labelled = {label.buddy() for label in labels}
    for widget in visible:
        if isinstance(widget, _INPUTS) and widget.isEnabled() and not _in_view_or_combo(widget) \
                and widget not in labelled:
            problems.append(f"{type(widget).__name__} {widget.objectName()} has no label with an access key")
    return problems


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_button_and_label_has_an_access_key_of_its_own_in_each_window(
        qtbot, open_window, service, exchange, language):  # noqa: F811
    from tests.ui.test_workflow import fill

    window = open_window(language)
    strip = list(window.workflow.buttons.values())
    for page in range(window.pages.count()):
        window.pages.setCurrentIndex(page)
        assert access_key_problems(window, strip) == [], window.pages.tabText(page)
    fill(window)
    evidence = service.data_dir.root / "anh.jpg"
    evidence.write_bytes(b"jpeg")
    window.workspace.publish(service.add_evidence(PLAN, PERIOD, "1a", evidence, "lan"))
    window.show_evidence("1a")
    window.evidence_page.table.selectRow(0)
    dialogs = [window.workflow.submit(), window.evidence_page.remove_selected()]
    service.submit(PLAN, PERIOD, "lan")
    window.workspace.publish(service.approve(PLAN, PERIOD, "lan"))
    dialogs += [window.workflow.send_back(), window.workflow.approve(), window.show_history("*"),
                window.show_history("1a")]
    export = window.workflow.export(PASS_COMMUNE)
    dialogs.append(export)
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert access_key_problems(dialog) == [], dialog.objectName()
    export.pages.setCurrentIndex(1)  # the result page
    assert access_key_problems(export) == []


def test_the_access_key_check_finds_what_is_missing(qtbot):
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    first, second, bare = QPushButton("&Gửi"), QPushButton("&Ghi"), QPushButton("Hủy")
    field, label = QLineEdit(), QLabel("&Lý do:")
    for widget in (first, second, bare, label, field, QLineEdit()):
        layout.addWidget(widget)
    label.setBuddy(field)
    root.show()
    found = access_key_problems(root)
    assert len(found) == 3
    assert "share Alt+g" in found[0] and "'Hủy' has no access key" in found[1] and "no label" in found[2]
