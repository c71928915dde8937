"""The office's plan editor: a dialog over one plan document (plain data, ``core/plans/document.py``).

Left, the plan as a tree (identity; groups with their indicators, tasks and sub-tasks; schedule) with buttons
to add, remove (asked first when the item holds others) and move items. Right, the form of the node chosen
(``plan_forms.py``, ``plan_schedule_form.py``). Every edit goes into the document at once; ~300 ms after the last
one the whole document is checked with the plan loader's own rules (``plan_document_problems``): the problems
are listed below in the person's language, each naming its item and field; a click on one opens that item and
puts the cursor in the field, and fields with a problem are framed in red.

The core refuses invalid drafts, so "Lưu bản nháp" is enabled only while there is no problem (a line says why
when it is not). Saving calls ``save(document)`` (the office's ``save_plan_draft``); its errors show in the
dialog. Closing with unsaved changes asks: save, discard or go back.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.plans.document import plan_document_problems
from cds_desktop.ui.office import plan_tree
from cds_desktop.ui.office.plan_fields import Field, Key, value_at
from cds_desktop.ui.office.plan_forms import GroupForm, IdentityForm, IndicatorForm, NodeForm, TaskForm
from cds_desktop.ui.office.plan_schedule_form import ScheduleForm
from cds_desktop.ui.shared.widgets import named_button
from cds_desktop.ui.office.plan_tree import IDENTITY, PlanTree, node_kind, node_label, node_path, owner_of

CHECK_DELAY_MS = 300
PROBLEM_LIMIT = 50
ERROR_STYLE = "color: #a11d16;"


class Problem:
    """One problem of the document: the node it belongs to, the rest of its path there, and what is wrong."""

    def __init__(self, owner: Key, rest: Key, message: str) -> None:
        self.owner, self.rest, self.message = owner, rest, message


class PlanEditor(QDialog):
    saved = Signal(object)  # the Plan the core saved

    def __init__(self, document: dict, save: Callable[[dict], Any] | None, parent: QWidget | None = None, *,
                 id_locked: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("plan_editor")
        self.document = copy.deepcopy(document)
        self.save_draft = save
        self.dirty = False
        self.problems: list[Problem] = []
        self.current: Key | None = None
        self.question: QMessageBox | None = None  # the confirmation open now (tests look)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(CHECK_DELAY_MS)
        self.timer.timeout.connect(self.check)
        self.forms: dict[str, NodeForm] = {"identity": IdentityForm(), "group": GroupForm(),
                                           "indicator": IndicatorForm(), "task": TaskForm(),
                                           "schedule": ScheduleForm()}
        self.forms["identity"].id_locked = id_locked
        self.tree = PlanTree(self)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._tree_side())
        splitter.addWidget(self._form_side())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 900])
        layout.addWidget(splitter, 1)
        layout.addWidget(self._problems_box())
        layout.addLayout(self._bottom_row())
        self.resize(1320, 720)
        self.tree.build(self.document)
        self.view.expandAll()
        self.select(IDENTITY)
        self.check()
        self._title()

    # --- building ----------------------------------------------------------------------------------------
    def _tree_side(self) -> QWidget:
        side = QWidget()
        self.view = QTreeView()
        self.view.setObjectName("plan_tree")
        self.view.setModel(self.tree)
        self.view.setHeaderHidden(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.selectionModel().currentChanged.connect(lambda current, _old: self._chosen(current))
        tree_label = QLabel(translate("ui.plan_editor.tree.label"))
        tree_label.setBuddy(self.view)
        self.add_group = named_button("add_group", "ui.plan_editor.add_group", self._add_group)
        self.add_indicator = named_button("add_indicator", "ui.plan_editor.add_indicator",
                                          lambda: self._add_item("indicators"))
        self.add_task = named_button("add_task", "ui.plan_editor.add_task", lambda: self._add_item("tasks"))
        self.add_subtask = named_button("add_subtask", "ui.plan_editor.add_subtask", self._add_subtask)
        self.remove = named_button("remove_item", "ui.plan_editor.remove", self.remove_current)
        self.move_up = named_button("move_up", "ui.plan_editor.move_up", lambda: self._move(-1))
        self.move_down = named_button("move_down", "ui.plan_editor.move_down", lambda: self._move(1))
        for keys, slot in (("Delete", self.remove_current), ("Ctrl+Up", lambda: self._move(-1)),
                           ("Ctrl+Down", lambda: self._move(1))):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        buttons = QGridLayout()
        for number, button in enumerate((self.add_group, self.add_indicator, self.add_task, self.add_subtask,
                                         self.remove, self.move_up, self.move_down)):
            buttons.addWidget(button, number // 2, number % 2)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tree_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        return side

    def _form_side(self) -> QWidget:
        self.stack = QStackedWidget()
        self.scrolls: dict[str, QScrollArea] = {}
        for kind, form in self.forms.items():
            scroll = QScrollArea()
            scroll.setObjectName(f"{kind}_scroll")
            scroll.setWidgetResizable(True)
            scroll.setWidget(form)
            self.stack.addWidget(scroll)
            self.scrolls[kind] = scroll
            form.fields.edited.connect(self._edited)
        return self.stack

    def _problems_box(self) -> QWidget:
        box = QWidget()
        self.problem_title = QLabel()
        self.problem_title.setObjectName("problem_title")
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problems")
        self.problem_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.problem_list.itemActivated.connect(self._problem_chosen)
        self.problem_list.itemClicked.connect(self._problem_chosen)
        self.problem_title.setBuddy(self.problem_list)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problem_title)
        layout.addWidget(self.problem_list)
        return box

    def _bottom_row(self) -> QHBoxLayout:
        self.status = QLabel()
        self.status.setObjectName("save_status")
        self.status.setWordWrap(True)
        self.save = named_button("save_draft", "ui.plan_editor.save", self.save_now)
        self.save.setShortcut(QKeySequence("Ctrl+S"))
        self.close_button = named_button("close_editor", "ui.plan_editor.close", self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save)
        row.addWidget(self.close_button)
        return row

    def _title(self) -> None:
        title = (value_at(self.document, ("plan", "title", current_language()))
                 or value_at(self.document, ("plan", "id")) or "")
        self.setWindowTitle(translate("ui.plan_editor.window_title", plan=title))

    # --- choosing a node -------------------------------------------------------------------------------------
    def form(self, path: Key | None = None) -> NodeForm:
        return self.forms[node_kind(path or self.current)]

    def select(self, path: Key) -> None:
        index = self.tree.index_of(path)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def _chosen(self, index) -> None:
        path = self.tree.path_of(index)
        if path is None or value_at(self.document, path) is None:
            return
        self.current = path
        kind = node_kind(path)
        self.forms[kind].load(value_at(self.document, path))
        self.stack.setCurrentWidget(self.scrolls[kind])
        self._mark()
        self._enable()

    def _enable(self) -> None:
        kind = node_kind(self.current) if self.current else "identity"
        in_group = kind in ("group", "indicator", "task")
        self.add_indicator.setEnabled(in_group)
        self.add_task.setEnabled(in_group)
        self.add_subtask.setEnabled(kind == "task")
        for button in (self.remove, self.move_up, self.move_down):
            button.setEnabled(in_group)

    # --- editing ------------------------------------------------------------------------------------------
    def _edited(self, _key: Key) -> None:
        self.dirty = True
        self.tree.relabel(self.document, self.current)
        if self.current == IDENTITY:
            self._title()
        self.timer.start()

    def _restructured(self, select: Key) -> None:
        self.dirty = True
        self.tree.build(self.document)
        self.view.expandAll()
        self.current = None
        self.select(select)
        self.timer.start()

    def _add_group(self) -> None:
        self._restructured(plan_tree.add_group(self.document, self.current[:2] if self.current else None))

    def _add_item(self, kind: str) -> None:
        self._restructured(plan_tree.add_item(self.document, self.current[1], kind))

    def _add_subtask(self) -> None:
        self._restructured(plan_tree.add_subtask(self.document, self.current))

    def _move(self, step: int) -> None:
        if self.current and node_kind(self.current) in ("group", "indicator", "task"):
            moved = plan_tree.move(self.document, self.current, step)
            if moved is not None:
                self._restructured(moved)

    def remove_current(self) -> None:
        """Remove the item chosen; one that holds others (a group's items, a task's sub-tasks) is asked first."""
        path = self.current
        if path is None or node_kind(path) not in ("group", "indicator", "task"):
            return
        if not plan_tree.has_children(self.document, path):
            self._restructured(plan_tree.remove(self.document, path))
            return
        box = QMessageBox(QMessageBox.Icon.Question, translate("ui.plan_editor.remove_title"),
                          translate("ui.plan_editor.remove_question", item=node_label(self.document, path)),
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmation")
        confirm = box.addButton(translate("ui.plan_editor.remove_confirm"), QMessageBox.ButtonRole.AcceptRole)
        confirm.setObjectName("confirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(
            lambda button: self._restructured(plan_tree.remove(self.document, path)) if button is confirm else None)
        self.question = box
        box.open()

    # --- checking -----------------------------------------------------------------------------------------
    def check(self) -> list[Problem]:
        """Check the whole document now; list its problems and mark the fields of the form shown."""
        self.timer.stop()
        found = plan_document_problems(self.document, translate("ui.plan_editor.source"), PROBLEM_LIMIT)
        self.problems = []
        self.problem_list.clear()
        for error in found:
            owner, rest = owner_of(self.document, node_path(str(error.params.get("path", ""))))
            problem_id = error.params.get("problem_id")
            message = translate(problem_id, **error.params) if problem_id else error.message()
            problem = Problem(owner, rest, message)
            self.problems.append(problem)
            field = self.form(owner).field_for(rest) if rest else None
            where = node_label(self.document, owner) if value_at(self.document, owner) is not None else ""
            text = " — ".join(part for part in (where, field.label_text if field else "", message) if part)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, len(self.problems) - 1)
            self.problem_list.addItem(item)
        count = len(self.problems)
        self.problem_title.setText(translate("ui.plan_editor.problems", count=count) if count
                                   else translate("ui.plan_editor.no_problems"))
        self.save.setEnabled(self.save_draft is not None and not count)
        self.status.setStyleSheet(ERROR_STYLE if count else "")
        self.status.setText(translate("ui.plan_editor.cannot_save", count=count) if count else "")
        self._mark()
        return self.problems

    def _mark(self) -> None:
        if self.current is None:
            return
        form = self.form()
        marks: dict[Field, str] = {}
        for problem in self.problems:
            if problem.owner == self.current and problem.rest:
                field = form.field_for(problem.rest)
                if field is not None:
                    marks.setdefault(field, problem.message)
        form.fields.mark(marks)

    def _problem_chosen(self, item: QListWidgetItem) -> None:
        problem = self.problems[item.data(Qt.ItemDataRole.UserRole)]
        self.select(problem.owner)
        field = self.form(problem.owner).field_for(problem.rest) if problem.rest else None
        if field is not None:
            widget = field.focus_widget(problem.rest[len(field.key):])
            self.scrolls[node_kind(problem.owner)].ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- saving and closing -----------------------------------------------------------------------------------
    def save_now(self) -> bool:
        """Save the draft if it has no problem; whether it was saved."""
        if self.check() or self.save_draft is None:
            return False
        try:
            plan = self.save_draft(copy.deepcopy(self.document))
        except CdsError as exc:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(exc.message())
            return False
        self.dirty = False
        self.status.setStyleSheet("")
        self.status.setText(translate("ui.plan_editor.saved"))
        self.saved.emit(plan)
        return True

    def reject(self) -> None:
        """Close; with unsaved changes, ask first (save, discard, or keep editing)."""
        if not self.dirty:
            super().reject()
            return
        self.check()
        buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        if self.save.isEnabled():
            buttons |= QMessageBox.StandardButton.Save
        box = QMessageBox(QMessageBox.Icon.Question, translate("ui.plan_editor.unsaved_title"),
                          translate("ui.plan_editor.unsaved_question"), buttons, self)
        box.setObjectName("unsaved_question")
        if not self.save.isEnabled():
            box.setInformativeText(translate("ui.plan_editor.unsaved_invalid", count=len(self.problems)))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(self._answered)
        self.question = box
        box.open()

    def _answered(self, answer: int) -> None:
        if answer == QMessageBox.StandardButton.Discard.value:
            self.dirty = False
            super().reject()
        elif answer == QMessageBox.StandardButton.Save.value and self.save_now():
            super().reject()
