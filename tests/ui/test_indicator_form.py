"""The indicator form: typing Vietnamese numbers through the real editors saves them, shows the result, and
problems appear and disappear live; Tab/Enter go from input to input."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from cds_desktop.ui.commune.models.indicator_model import IndicatorColumn
from cds_desktop.ui.shared.roles import Role
from tests.ui.conftest import PERIOD, PLAN


def _row(window, code):
    model = window.indicators_page.model
    return next(r for r in range(model.rowCount()) if model.row(r).indicator and model.row(r).indicator.code == code)


def _type_into(qtbot, window, code, column, text, key=Qt.Key.Key_Tab):
    table = window.indicators_page.table
    table.setCurrentIndex(QModelIndex())  # leave any open input (it saves)
    table.setFocus()
    table.setCurrentIndex(window.indicators_page.model.index(_row(window, code), column))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), "the cell opens an editor as soon as it is current"
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, key)
    return table


def _problem_codes(window):
    model = window.problems_panel.model
    return {(model.problem(r).item_code, model.problem(r).code) for r in range(model.rowCount())}


def test_vietnamese_numbers_are_saved_and_shown_with_the_percentage(qtbot, window, service):
    _type_into(qtbot, window, "1a", IndicatorColumn.VALUE, "1.234")
    _type_into(qtbot, window, "1a", IndicatorColumn.DENOMINATOR, "1.500")
    entry = service.entries(PLAN, PERIOD).indicators["1a"]
    assert (entry.numerator, entry.denominator) == ("1234", "1500")
    model = window.indicators_page.model
    row = _row(window, "1a")
    assert model.index(row, IndicatorColumn.VALUE).data() == "1.234"
    assert model.index(row, IndicatorColumn.RESULT).data() == "82,3%"
    assert model.index(row, IndicatorColumn.STATUS).data() == "Đạt"
    assert "Đã lưu" in window.saved.text()


def test_problems_appear_and_disappear_while_typing(qtbot, window):
    assert ("1a", "indicator.missing_needs_comment") in _problem_codes(window)
    _type_into(qtbot, window, "1a", IndicatorColumn.VALUE, "900")
    assert ("1a", "value.pair_incomplete") in _problem_codes(window)
    assert ("1a", "indicator.missing_needs_comment") not in _problem_codes(window)
    _type_into(qtbot, window, "1a", IndicatorColumn.DENOMINATOR, "600")
    assert ("1a", "value.numerator_exceeds") in _problem_codes(window)
    cell = window.indicators_page.model.index(_row(window, "1a"), IndicatorColumn.VALUE)
    assert "không được lớn hơn" in cell.data(Qt.ItemDataRole.ToolTipRole)
    _type_into(qtbot, window, "1a", IndicatorColumn.DENOMINATOR, "1.000")
    assert not {c for c in _problem_codes(window) if c[0] == "1a"}


def test_tab_and_enter_move_to_the_next_input_skipping_read_only_cells(qtbot, window):
    table = _type_into(qtbot, window, "1a", IndicatorColumn.VALUE, "10")
    assert table.currentIndex().column() == IndicatorColumn.DENOMINATOR
    qtbot.keyClicks(QApplication.focusWidget(), "20")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert table.currentIndex().column() == IndicatorColumn.RESULT  # the direct-% input
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert table.currentIndex().column() == IndicatorColumn.NOTE  # target and assessment are skipped
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    current = table.currentIndex()
    assert (window.indicators_page.model.row(current.row()).indicator.code, current.column()) == ("1b", IndicatorColumn.VALUE)


def test_clicking_a_problem_jumps_to_its_field(qtbot, window):
    panel = window.problems_panel
    row = next(r for r in range(panel.model.rowCount()) if panel.model.problem(r).item_code == "2b")
    window.pages.setCurrentWidget(window.tasks_page)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.table.visualRect(panel.model.index(row, 2)).center())
    assert window.pages.currentWidget() is window.indicators_page
    current = window.indicators_page.table.currentIndex()
    assert (current.data(Role.ITEM_CODE), current.column()) == ("2b", IndicatorColumn.NOTE)
    assert isinstance(QApplication.focusWidget(), QLineEdit)  # ready to type the explanation


def test_history_dialog_lists_who_changed_what(qtbot, window):
    _type_into(qtbot, window, "2a", IndicatorColumn.VALUE, "3")
    _type_into(qtbot, window, "2a", IndicatorColumn.VALUE, "4")
    dialog = window.show_history("2a")
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.rowCount() == 2
    assert [model.index(0, c).data() for c in (1, 2, 3, 4)] == ["can.bo.xa", "Số liệu", "3", "4"]


def test_a_yes_no_indicator_uses_a_choice(qtbot, window, service):
    table = window.indicators_page.table
    table.setFocus()
    table.setCurrentIndex(window.indicators_page.model.index(_row(window, "2b"), IndicatorColumn.VALUE))
    combo = QApplication.focusWidget()
    combo.setCurrentIndex(combo.findText("Có"))
    qtbot.keyClick(combo, Qt.Key.Key_Tab)
    assert service.entries(PLAN, PERIOD).indicators["2b"].value == "1"


def test_a_value_with_an_error_never_shows_met(qtbot, window):
    """150 of 100 is far above the ≥ 80 % target, and impossible: the badge says the data is wrong, not "Đạt"."""
    from cds_desktop.ui.shared.cells import BADGE_COLOURS

    _type_into(qtbot, window, "1a", IndicatorColumn.VALUE, "150")
    _type_into(qtbot, window, "1a", IndicatorColumn.DENOMINATOR, "100")
    assert ("1a", "value.numerator_exceeds") in _problem_codes(window)
    status = window.indicators_page.model.index(_row(window, "1a"), IndicatorColumn.STATUS)
    assert status.data() == "Số liệu sai" and status.data(Role.BADGE) == "invalid"
    assert BADGE_COLOURS["invalid"] != BADGE_COLOURS["met"]
    _type_into(qtbot, window, "1a", IndicatorColumn.VALUE, "1e400")
    assert status.data() == "Số liệu sai" and ("1a", "value.exponent") in _problem_codes(window)
    _type_into(qtbot, window, "1a", IndicatorColumn.VALUE, "90")
    assert status.data() == "Đạt" and status.data(Role.BADGE) == "met"


def _measured_afresh(table):
    """Each row's height as the table measures it with nothing remembered (never under the header's minimum)."""
    table.itemDelegate().forget_sizes()
    least = table.verticalHeader().minimumSectionSize()
    return [max(least, table.sizeHintForRow(row)) for row in range(table.model().rowCount())]


def _row_heights(table):
    return [table.rowHeight(row) for row in range(table.model().rowCount())]


def test_rows_are_measured_again_when_their_hints_come_and_go(qtbot, window):
    """Row heights are remembered between layout passes (start-up speed), yet a row sized for the hints of its
    empty inputs gets the height of its values once they are typed, and its hints' height back when cleared."""
    table = window.indicators_page.table
    row = _row(window, "1a")
    QApplication.processEvents()
    with_hints = table.rowHeight(row)
    assert _row_heights(table) == _measured_afresh(table)
    _type_into(qtbot, window, "1a", IndicatorColumn.VALUE, "900")
    _type_into(qtbot, window, "1a", IndicatorColumn.DENOMINATOR, "1.000")
    table.setCurrentIndex(QModelIndex())
    QApplication.processEvents()
    with_values = table.rowHeight(row)
    assert with_values < with_hints
    assert _row_heights(table) == _measured_afresh(table)
    window.workspace.set_indicator("1a", "numerator", None)
    window.workspace.set_indicator("1a", "denominator", None)
    QApplication.processEvents()
    assert table.rowHeight(row) == with_hints


def test_a_page_not_yet_chosen_measures_its_rows_only_when_shown(qtbot, window):
    """Measuring every row of a table is the largest part of filling the window in: the tasks page, behind its
    tab, waits until it is chosen, then fits its rows to their contents before it is painted."""
    table = window.tasks_page.table
    QApplication.processEvents()
    default = table.verticalHeader().defaultSectionSize()
    assert table.model().rowCount() > 0
    assert {table.rowHeight(row) for row in range(table.model().rowCount())} == {default}
    window.show_page(1)
    QApplication.processEvents()
    assert _row_heights(table) == _measured_afresh(table)
    assert set(_row_heights(table)) != {default}
