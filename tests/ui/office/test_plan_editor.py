"""The office's plan editor driven through its widgets, over documents of the real built-in plans: typing updates
the document and the problem list (in Vietnamese) as typed, a click on a problem opens its item and field, items
are added, removed (asked first when they hold others) and moved, a whole new plan is written from a copy and
saved only once valid (the saved document is a plan the loader accepts), closing with unsaved changes asks, and
every form is translated and unclipped at 1366×768."""

from __future__ import annotations

import copy

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.plans.document import check_plan_document, plan_document
from cds_desktop.core.plans.loader import builtin_plans
from cds_desktop.core.plans.schedule import PeriodKind
from cds_desktop.core.plans.templates import plan_templates
from cds_desktop.ui.office.plan_editor import PlanEditor
from cds_desktop.ui.office.plan_tree import IDENTITY, SCHEDULE
from cds_desktop.ui.shell.qt_translator import QtLanguage
from tests.ui.keyboard import active, type_text
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_translations import _untranslated, _visible_texts

NINH_THUAN = "ninh-thuan-2024"
FIRST_INDICATOR = ("groups", 0, "indicators", 0)


def builtin_document(plan_id: str = NINH_THUAN) -> dict:
    return plan_document(next(plan for plan in builtin_plans() if plan.id == plan_id))


@pytest.fixture
def open_editor(qtbot):
    """A function opening the editor on a document, shown at 1366×768; ``editor.saved_documents`` lists what its
    save function was given (each checked by the loader's rules, as the office service does)."""
    made = []

    def make(document: dict | None = None, language: str = "vi", saves: bool = True) -> PlanEditor:
        set_language(language)
        qt_language = QtLanguage(QApplication.instance())
        qt_language.apply(language)
        saved: list[dict] = []

        def save(document: dict):
            plan = check_plan_document(document, "test")
            saved.append(document)
            return plan

        editor = PlanEditor(builtin_document() if document is None else document, save if saves else None)
        editor.saved_documents = saved
        qtbot.addWidget(editor)
        editor.resize(1366, 768)
        editor.show()
        made.append(qt_language)
        return editor

    yield make
    for qt_language in made:
        qt_language.apply("en")


def problem_texts(editor: PlanEditor) -> list[str]:
    return [editor.problem_list.item(row).text() for row in range(editor.problem_list.count())]


def test_a_bad_code_is_a_problem_as_it_is_typed_and_goes_when_fixed(qtbot, open_editor):
    editor = open_editor()
    editor.select(FIRST_INDICATOR)
    code = editor.forms["indicator"].fields.field_for(("code",)).widget
    assert code.text() == "III.1a" and editor.save.isEnabled()
    code.selectAll()
    qtbot.keyClicks(code, "III 1a")
    assert editor.document["groups"][0]["indicators"][0]["code"] == "III 1a"  # the document follows at once
    qtbot.waitUntil(lambda: editor.problem_list.count() == 1)  # … and the check after a short pause
    (text,) = problem_texts(editor)
    assert text.startswith("Chỉ tiêu III 1a: ") and "Mã — giá trị 'III 1a' không đúng dạng quy định" in text
    assert code.property("problem") and code.toolTip() == "giá trị 'III 1a' không đúng dạng quy định"
    assert not editor.save.isEnabled() and "còn 1 vấn đề" in editor.status.text()
    code.selectAll()
    qtbot.keyClicks(code, "III.1z")
    qtbot.waitUntil(lambda: editor.problem_list.count() == 0)
    assert not code.property("problem") and editor.save.isEnabled() and editor.status.text() == ""
    assert editor.tree.items[FIRST_INDICATOR].text().startswith("Chỉ tiêu III.1z: ")


def test_clicking_a_problem_opens_its_item_and_puts_the_cursor_in_its_field(qtbot, open_editor):
    document = builtin_document()
    document["groups"][2]["tasks"][1]["lead_agency"]["vi"] = ""
    document["groups"][0]["indicators"][7]["target"] = {"comparator": "range", "low": 60}
    editor = open_editor(document)
    texts = problem_texts(editor)
    assert len(texts) == 2 and any("Cơ quan chủ trì (tiếng Việt)" in text for text in texts)
    assert editor.current == IDENTITY
    row = next(row for row, text in enumerate(texts) if "Mục tiêu chung" in text)
    qtbot.mouseClick(editor.problem_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=editor.problem_list.visualItemRect(editor.problem_list.item(row)).center())
    assert editor.current == ("groups", 0, "indicators", 7)
    box = editor.forms["indicator"].targets[0]
    assert editor.focusWidget() is box.high and box.comparator.property("problem")
    type_text(box.high, "70")
    qtbot.waitUntil(lambda: editor.problem_list.count() == 1)
    assert editor.document["groups"][0]["indicators"][7]["target"] == {"comparator": "range", "low": 60, "high": 70}


def test_adding_removing_and_moving_items(qtbot, open_editor):
    editor = open_editor()
    groups = editor.document["groups"]
    before = [group["code"] for group in groups]
    editor.select(("groups", 1))
    editor.add_indicator.click()
    assert editor.current == ("groups", 1, "indicators", 2)
    assert groups[1]["indicators"][2] == {"code": "IV.1", "kind": "ratio", "unit": "households",
                                          "source": {"document": "1670/KH-UBND", "section": "IV.1"}}
    editor.check()
    assert {p.owner for p in editor.problems} == {("groups", 1, "indicators", 2)}  # it needs a name and labels
    editor.add_task.click()
    assert editor.current == ("groups", 1, "tasks", 0) and groups[1]["tasks"][0]["code"] == "IV.2"
    editor.add_subtask.click()
    assert editor.current == ("groups", 1, "tasks", 0, "subtasks", 0)
    editor.move_up.click()  # the only sub-task: nowhere to go
    assert editor.current == ("groups", 1, "tasks", 0, "subtasks", 0)
    editor.select(("groups", 1, "indicators", 2))
    editor.move_up.click()
    assert [i["code"] for i in groups[1]["indicators"]] == ["IV.2a", "IV.1", "IV.2b"]
    assert editor.current == ("groups", 1, "indicators", 1)
    active(qtbot, editor)
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_Delete)  # no sub-items: removed without a question
    assert [i["code"] for i in groups[1]["indicators"]] == ["IV.2a", "IV.2b"] and editor.question is None
    editor.select(("groups", 1, "tasks", 0))
    editor.remove.click()  # it holds a sub-task: asked first
    assert editor.question.isVisible() and "Nhiệm vụ IV.2" in editor.question.text()
    editor.question.button(QMessageBox.StandardButton.Cancel).click()
    assert len(groups[1]["tasks"]) == 1
    editor.remove.click()
    editor.question.findChild(QPushButton, "confirm").click()
    assert "tasks" not in groups[1] or groups[1]["tasks"] == []
    editor.select(("groups", 2))
    editor.move_up.click()
    assert [g["code"] for g in groups] == [before[0], before[2], before[1]]
    editor.add_group.click()
    assert editor.current == ("groups", 2) and groups[2] == {"code": "1"}
    editor.check()
    assert {p.owner for p in editor.problems} == {("groups", 2)}  # its heading, then an item, are asked for


def test_a_new_plan_written_from_a_copy_is_saved_once_valid(qtbot, open_editor):
    document = builtin_document()
    document["plan"]["id"] = "ubnd-lam-dong-2026"
    editor = open_editor(document)
    identity = editor.forms["identity"]
    title = identity.fields.field_for(("title", "vi")).widget
    title.clear()
    type_text(title, "Kế hoạch chuyển đổi số năm 2026")
    first_year, last_year = (identity.fields.field_for(("years", n)).widget for n in (0, 1))
    last_year.setValue(2026)
    first_year.setValue(2026)
    editor.select(SCHEDULE)
    schedule = editor.forms["schedule"]
    schedule.fields.field_for(("last_year",)).widget.setValue(2026)
    schedule.fields.field_for(("first_year",)).widget.setValue(2026)
    quarter = schedule.periods["quarter"]
    quarter.widget.setChecked(True)
    quarter.numbers["day"].setValue(5)
    type_text(quarter.text_vi, "trước ngày 05 của tháng cuối quý")
    type_text(quarter.text_en, "before the 5th of the quarter's last month")
    editor.select(("groups", 0))
    editor.add_indicator.click()
    form = editor.forms["indicator"]
    type_text(form.fields.field_for(("name", "vi")).widget, "Tỷ lệ hộ gia đình có cáp quang")
    type_text(form.fields.field_for(("name", "en")).widget, "Households with fibre")
    editor.check()
    assert not editor.save.isEnabled()
    for name, words in (("numerator_label", ("Số hộ có cáp quang", "Households with fibre")),
                        ("denominator_label", ("Tổng số hộ", "All households"))):
        for language, text in zip(("vi", "en"), words):
            type_text(form.fields.field_for((name, language)).widget, text)
    target = form.targets[0]
    target.comparator.setCurrentIndex(target.comparator.findData("ge"))
    target.comparator.activated.emit(target.comparator.currentIndex())
    type_text(target.number, "75,5")
    target.word.click()
    assert target.text_vi.text() == "đạt từ 75,5% trở lên" and target.text_en.text() == "75.5% or more"
    qtbot.waitUntil(lambda: editor.save.isEnabled(), timeout=3000)
    editor.save.click()
    (saved,) = editor.saved_documents
    plan = check_plan_document(saved, "test")
    assert plan.id == "ubnd-lam-dong-2026" and plan.plan.title.vi == "Kế hoạch chuyển đổi số năm 2026"
    assert plan.plan.years == (2026, 2026) and plan.schedule.rule_for(PeriodKind.QUARTER).deadline.day == 5
    new = plan.indicator("III.1")
    assert new.name.vi == "Tỷ lệ hộ gia đình có cáp quang" and str(new.target.value) == "75.5"
    assert new.target.text.vi == "đạt từ 75,5% trở lên" and not editor.dirty
    assert editor.status.text() == translate("ui.plan_editor.saved")


def test_changing_kinds_drops_what_the_new_kind_does_not_take(qtbot, open_editor):
    editor = open_editor()
    editor.select(("groups", 0, "indicators", 7))
    form = editor.forms["indicator"]
    node = editor.document["groups"][0]["indicators"][7]
    assert node["kind"] == "ratio" and "numerator_label" in node
    kind = form.kind.widget
    kind.setCurrentIndex(kind.findData("boolean"))
    kind.activated.emit(kind.currentIndex())
    assert "numerator_label" not in node and "unit" not in node
    assert node["target"] == {"comparator": "eq", "value": 1}  # "at least 60%" means nothing for yes/no: "yes"
    assert not form.unit.widget.isVisibleTo(form)
    editor.check()
    assert editor.problems == []
    task_path = ("groups", 2, "tasks", 1)
    editor.select(task_path)
    task = editor.forms["task"]
    deadline = task.deadline_kind.widget
    deadline.setCurrentIndex(deadline.findData("month"))
    deadline.activated.emit(deadline.currentIndex())
    assert task.deadline_month.widget.isVisibleTo(task) and not task.deadline_date.widget.isVisibleTo(task)
    editor.check()
    assert [p.rest for p in editor.problems] == [("deadline", "month")]
    task.deadline_month.present.setChecked(True)
    editor.check()
    assert editor.problems == [] and len(editor.document["groups"][2]["tasks"][1]["deadline"]["month"]) == 7


def test_closing_with_unsaved_changes_asks(qtbot, open_editor):
    editor = open_editor()
    editor.reject()
    assert not editor.isVisible()  # nothing changed: closes at once
    editor = open_editor()
    type_text(editor.forms["identity"].fields.field_for(("note", "vi")).widget, "Ghi chú")
    editor.close()
    question = editor.question
    assert question.isVisible() and editor.isVisible()
    assert question.button(QMessageBox.StandardButton.Save) is None  # a note needs its English too: not savable
    assert "1 vấn đề" in question.informativeText()
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert editor.isVisible() and editor.dirty
    type_text(editor.forms["identity"].fields.field_for(("note", "en")).widget, "A note")
    editor.reject()
    assert editor.question.button(QMessageBox.StandardButton.Save) is not None
    editor.question.button(QMessageBox.StandardButton.Save).click()
    assert not editor.isVisible() and editor.saved_documents[-1]["plan"]["note"] == {"vi": "Ghi chú", "en": "A note"}
    editor = open_editor()
    number = editor.forms["identity"].fields.field_for(("document_number",)).widget
    number.selectAll()
    type_text(number, "99/KH-UBND")
    editor.reject()
    editor.question.button(QMessageBox.StandardButton.Discard).click()
    assert not editor.isVisible() and len(editor.saved_documents) == 0


def test_a_published_plan_keeps_its_id_and_a_read_only_editor_cannot_save(qtbot, open_editor):
    document = builtin_document()
    editor = PlanEditor(document, None, id_locked=True)
    qtbot.addWidget(editor)
    assert editor.forms["identity"].plan_id.widget.isReadOnly() and not editor.save.isEnabled()
    assert editor.document == document and editor.document is not document  # edits never reach the caller's copy


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_form_is_translated_and_unclipped(qtbot, open_editor, language):
    document = builtin_document()
    document["groups"][0]["indicators"][0]["code"] = "bad code"
    editor = open_editor(document, language)
    texts = []
    for path in (IDENTITY, ("groups", 0), FIRST_INDICATOR, ("groups", 2, "tasks", 1), SCHEDULE):
        editor.select(path)
        qtbot.wait(10)
        assert_no_clipped_text(editor.stack.currentWidget().widget())
        texts += [(where, text) for where, text in _visible_texts(editor) if not where.startswith("QLineEdit")]
    data = {text for where, text in texts if "plan_tree" in where}
    assert _untranslated(texts, language, data) == []


@pytest.mark.parametrize("plan", [*builtin_plans(), *(template.plan for template in plan_templates())],
                         ids=lambda plan: plan.id)
def test_every_field_of_every_shipped_plan_reads_back_what_it_shows(qtbot, open_editor, plan):
    """Each field shows its value and gives it back unchanged: touching every field of every node of a built-in plan
    or template (as an edit that changes nothing) leaves the document as it was, and valid."""
    document = plan_document(plan)
    editor = open_editor(copy.deepcopy(document))
    for path in list(editor.tree.paths):
        editor.select(path)
        form = editor.form(path)
        for field in form.fields.fields:
            form.fields.write_back(field)
    assert editor.document == document
    assert editor.check() == []
