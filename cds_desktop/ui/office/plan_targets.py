"""The plan editor's target widget: an indicator's target (or one level's own) as one field of its form.

A target is a comparator in words ("Tối thiểu (≥)", "Tối đa (≤)", "Bằng", "Trong khoảng", "Có/Không" for a yes/no
indicator) with its value, or low and high for a range, and the target as the document words it (Vietnamese and
English). "Tạo lời mục tiêu" writes that wording from the comparator and the numbers (``target_wording``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import format_number
from cds_desktop.ui.office.plan_fields import Field, Key, buddy_label, document_number, number_text

NO_TARGET, YES_NO = "", "yes_no"
COMPARATORS = ("ge", "gt", "le", "lt", "eq", "range")


def target_wording(target: dict, kind: str, language: str) -> str:
    """The target in words ("đạt từ 80% trở lên", "từ 55 - 60%", "Có"); empty when it has no usable number."""
    comparator = target.get("comparator")
    if kind == "boolean":
        value = target.get("value")
        return translate("label.yes" if value == 1 else "label.no", language) if value in (0, 1) else ""
    numbers = [target.get(name) for name in (("low", "high") if comparator == "range" else ("value",))]
    if comparator not in COMPARATORS or not all(isinstance(n, (int, float)) for n in numbers):
        return ""
    shown = [format_number(n, language) + ("%" if kind == "ratio" else "") for n in numbers]
    if comparator == "range":
        return translate("ui.plan_editor.wording.range", language, low=shown[0], high=shown[1])
    return translate(f"ui.plan_editor.wording.{comparator}", language, value=shown[0])


class TargetBox(Field):
    """One target, bound to ``key`` (``("target",)`` or ``("level_targets", "commune")``); no comparator chosen
    means no target (the key is left out)."""

    def __init__(self, key: Key, name: str, title_id: str) -> None:
        box = QGroupBox(translate(title_id))
        super().__init__(key, box, name)
        self.label_text = box.title().replace("&", "")
        self.kind = "ratio"
        self.comparator = QComboBox()
        self.comparator.setObjectName(f"{name}_comparator")
        self.number = _number(f"{name}_value")
        self.yes_no = QComboBox()
        self.yes_no.setObjectName(f"{name}_yes_no")
        self.yes_no.addItem(translate("label.yes"), 1)
        self.yes_no.addItem(translate("label.no"), 0)
        self.low, self.high = _number(f"{name}_low"), _number(f"{name}_high")
        self.text_vi, self.text_en = QLineEdit(), QLineEdit()
        self.text_vi.setObjectName(f"{name}_text_vi")
        self.text_en.setObjectName(f"{name}_text_en")
        self.word = QPushButton(translate("ui.plan_editor.target.word"))
        self.word.setObjectName(f"{name}_word")
        self.word.clicked.connect(self._word)
        numbers = QHBoxLayout()
        numbers.setContentsMargins(0, 0, 0, 0)
        self.number_label = buddy_label("ui.plan_editor.target.value", self.number)
        self.yes_no_label = buddy_label("ui.plan_editor.target.yes_no", self.yes_no)
        self.low_label = buddy_label("ui.plan_editor.target.low", self.low)
        self.high_label = buddy_label("ui.plan_editor.target.high", self.high)
        for widget in (self.comparator, self.number_label, self.number, self.yes_no_label, self.yes_no,
                       self.low_label, self.low, self.high_label, self.high):
            numbers.addWidget(widget)
        numbers.addStretch(1)
        numbers.addWidget(self.word)
        self.form = QFormLayout(box)
        self.form.addRow(buddy_label("ui.plan_editor.target.comparator", self.comparator), numbers)
        self.form.addRow(buddy_label("ui.plan_editor.target.text_vi", self.text_vi), self.text_vi)
        self.form.addRow(buddy_label("ui.plan_editor.target.text_en", self.text_en), self.text_en)
        self.marked = self.comparator
        self.set_kind("ratio")

    # --- the indicator's kind decides the comparators -----------------------------------------------------
    def set_kind(self, kind: str) -> None:
        self.kind = kind
        self.comparator.blockSignals(True)
        self.comparator.clear()
        self.comparator.addItem(translate("ui.plan_editor.comparator.none"), NO_TARGET)
        for comparator in ((YES_NO,) if kind == "boolean" else COMPARATORS if kind != "text" else ()):
            self.comparator.addItem(translate(f"ui.plan_editor.comparator.{comparator}"), comparator)
        self.comparator.blockSignals(False)
        self._show_parts()

    def _show_parts(self) -> None:
        chosen = self.comparator.currentData()
        for widget, shown in ((self.number_label, chosen not in (NO_TARGET, YES_NO, "range")),
                              (self.yes_no_label, chosen == YES_NO), (self.low_label, chosen == "range")):
            widget.setVisible(shown)
            widget.buddy().setVisible(shown)
        self.high_label.setVisible(chosen == "range")
        self.high.setVisible(chosen == "range")
        self.word.setVisible(chosen != NO_TARGET)
        for edit in (self.text_vi, self.text_en):  # a wording only for a target
            self.form.setRowVisible(edit, chosen != NO_TARGET)

    # --- Field ------------------------------------------------------------------------------------------
    def connect(self, slot) -> None:
        self.comparator.activated.connect(lambda _index: (self._show_parts(), slot()))
        self.yes_no.activated.connect(lambda _index: slot())
        for edit in (self.number, self.low, self.high, self.text_vi, self.text_en):
            edit.textEdited.connect(lambda _text: slot())
        self._edited = slot

    def show(self, value: Any) -> None:
        target = value if isinstance(value, dict) else {}
        comparator = target.get("comparator", NO_TARGET)
        if self.kind == "boolean" and comparator == "eq":
            comparator = YES_NO
            self.yes_no.setCurrentIndex(max(self.yes_no.findData(target.get("value")), 0))
        self.comparator.setCurrentIndex(max(self.comparator.findData(comparator), 0))
        for edit, name in ((self.number, "value"), (self.low, "low"), (self.high, "high")):
            edit.setText(number_text(target.get(name)))
        text = target.get("text") if isinstance(target.get("text"), dict) else {}
        self.text_vi.setText(text.get("vi", ""))
        self.text_en.setText(text.get("en", ""))
        for edit in (self.text_vi, self.text_en):
            edit.setCursorPosition(0)
        self._show_parts()

    def value(self) -> dict | None:
        chosen = self.comparator.currentData()
        if chosen == NO_TARGET:
            return None
        if chosen == YES_NO:
            target = {"comparator": "eq", "value": self.yes_no.currentData()}
        elif chosen == "range":
            target = {"comparator": "range", "low": document_number(self.low.text()),
                      "high": document_number(self.high.text())}
        else:
            target = {"comparator": chosen, "value": document_number(self.number.text())}
        target = {name: part for name, part in target.items() if part is not None}
        text = {language: edit.text() for language, edit in (("vi", self.text_vi), ("en", self.text_en))
                if edit.text()}
        if text:
            target["text"] = text
        return target

    def focus_widget(self, rest: Key) -> QWidget:
        parts = {"value": self.number, "low": self.low, "high": self.high}
        if rest[:1] == ("text",):
            return self.text_en if rest[1:] == ("en",) else self.text_vi
        widget = parts.get(rest[0]) if rest else None
        if widget is self.number and self.kind == "boolean":
            return self.yes_no
        return widget if widget is not None and widget.isVisible() else self.comparator

    def _word(self) -> None:
        target = self.value() or {}
        self.text_vi.setText(target_wording(target, self.kind, "vi"))
        self.text_en.setText(target_wording(target, self.kind, "en"))
        self._edited()


def _number(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaximumWidth(110)
    return edit
