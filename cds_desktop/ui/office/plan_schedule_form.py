"""The plan editor's schedule form: the years with reporting periods, and for each kind of period (quarter,
half-year, year) whether communes report by it and the rule of its deadline (``core/plans/schedule.py``
``DeadlineRule``: a day of a month counted from the period's end, a fixed day of the year, or days after the
period ends). Milestones are kept as they are (they are shown, not edited here).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QSpinBox, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.ui.office.plan_fields import Field, FieldSet, IntField, Key, buddy_label
from cds_desktop.ui.office.plan_forms import NodeForm

PERIOD_KINDS = ("quarter", "half", "year")
RULES = ("in_period_month", "fixed", "after_end")
RULE_FIELDS = {"in_period_month": ("day", "month_from_end"), "fixed": ("day", "month"), "after_end": ("days",)}
MONTHS = {"quarter": 3, "half": 6, "year": 12}


class PeriodBox(Field):
    """Whether communes report by ``kind`` and the deadline rule; bound to the whole ``periods`` list, in which it
    changes only its own kind's entry."""

    def __init__(self, kind: str, fields: FieldSet) -> None:
        box = QGroupBox(translate(f"ui.plan_editor.schedule.period.{kind}"))
        box.setCheckable(True)
        super().__init__(("periods",), box, f"period_{kind}")
        self.label_text = box.title().replace("&", "")
        self.kind, self.fieldset = kind, fields
        self.rule = QComboBox()
        self.rule.setObjectName(f"{kind}_rule")
        for rule in RULES:
            if rule != "fixed" or kind == "year":
                self.rule.addItem(translate(f"ui.plan_editor.schedule.rule.{rule}"), rule)
        self.numbers = {"day": _spin(f"{kind}_day", 1, 31), "month": _spin(f"{kind}_month", 1, 12),
                        "month_from_end": _spin(f"{kind}_month_from_end", 0, MONTHS[kind] - 1),
                        "days": _spin(f"{kind}_days", 0, 366)}
        self.text_vi, self.text_en = QLineEdit(), QLineEdit()
        self.text_vi.setObjectName(f"{kind}_text_vi")
        self.text_en.setObjectName(f"{kind}_text_en")
        self.stated = QCheckBox(translate("ui.plan_editor.schedule.not_stated"))
        self.stated.setObjectName(f"{kind}_not_stated")
        self.form = QFormLayout(box)
        self.form.addRow(buddy_label("ui.plan_editor.schedule.rule", self.rule), self.rule)
        for name, spin in self.numbers.items():
            self.form.addRow(buddy_label(f"ui.plan_editor.schedule.{name}", spin), spin)
        self.form.addRow(buddy_label("ui.plan_editor.schedule.text_vi", self.text_vi), self.text_vi)
        self.form.addRow(buddy_label("ui.plan_editor.schedule.text_en", self.text_en), self.text_en)
        self.form.addRow("", self.stated)
        self.marked = self.rule

    def connect(self, slot) -> None:
        self.widget.toggled.connect(lambda _on: slot())
        self.rule.activated.connect(lambda _index: (self._show_numbers(), slot()))
        for spin in self.numbers.values():
            spin.valueChanged.connect(lambda _value: slot())
        for edit in (self.text_vi, self.text_en):
            edit.textEdited.connect(lambda _text: slot())
        self.stated.toggled.connect(lambda _on: slot())

    def own(self, periods: Any) -> dict | None:
        return next((p for p in periods or [] if isinstance(p, dict) and p.get("kind") == self.kind), None)

    def show(self, value: Any) -> None:
        entry = self.own(value)
        self.widget.setChecked(entry is not None)
        deadline = (entry or {}).get("deadline") or {}
        self.rule.setCurrentIndex(max(self.rule.findData(deadline.get("rule", "in_period_month")), 0))
        for name, spin in self.numbers.items():
            number = deadline.get(name)
            spin.setValue(number if isinstance(number, int) else spin.minimum() if name != "day" else 10)
        text = deadline.get("text") if isinstance(deadline.get("text"), dict) else {}
        self.text_vi.setText(text.get("vi", ""))
        self.text_en.setText(text.get("en", ""))
        for edit in (self.text_vi, self.text_en):
            edit.setCursorPosition(0)
        self.stated.setChecked(deadline.get("stated") is False)
        self._show_numbers()

    def _show_numbers(self) -> None:
        needed = RULE_FIELDS[self.rule.currentData()]
        for name, spin in self.numbers.items():
            self.form.setRowVisible(spin, name in needed)

    def value(self) -> list[dict] | None:
        current = value_list(self.fieldset.node)
        own = self.own(current)
        periods = [p for p in current if p is not own]
        if self.widget.isChecked():
            rule = self.rule.currentData()
            deadline: dict[str, Any] = {"rule": rule}
            deadline.update({name: self.numbers[name].value() for name in RULE_FIELDS[rule]})
            text = {language: edit.text() for language, edit in (("vi", self.text_vi), ("en", self.text_en))
                    if edit.text()}
            if text:
                deadline["text"] = text
            if self.stated.isChecked():
                deadline["stated"] = False
            periods.insert(current.index(own) if own is not None else len(periods),
                           {"kind": self.kind, "deadline": deadline})
        return periods or None

    def focus_widget(self, rest: Key) -> QWidget:
        name = rest[-1] if rest else None
        if name in self.numbers:
            return self.numbers[name]
        if name in ("vi", "en"):
            return self.text_en if name == "en" else self.text_vi
        return self.rule


def value_list(node: dict | None) -> list:
    periods = (node or {}).get("periods")
    return list(periods) if isinstance(periods, list) else []


class ScheduleForm(NodeForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("schedule_form", "ui.plan_editor.schedule.title", parent)
        row = self.fields.row
        row(self.form, "ui.plan_editor.schedule.first_year", IntField(("first_year",), "schedule_first_year",
                                                                      2000, 2100))
        row(self.form, "ui.plan_editor.schedule.last_year", IntField(("last_year",), "schedule_last_year", 2000, 2100))
        self.periods = {}
        for kind in PERIOD_KINDS:
            self.periods[kind] = self.fields.add(PeriodBox(kind, self.fields))
            self.layout_.addWidget(self.periods[kind].widget)
        self.milestones = QLabel()
        self.milestones.setObjectName("milestones")
        self.milestones.setWordWrap(True)
        self.layout_.addWidget(self.milestones)
        self.finish()

    def load(self, node: dict) -> None:
        super().load(node)
        count = len(node.get("milestones") or [])
        self.milestones.setText(translate("ui.plan_editor.schedule.milestones", count=count) if count else "")

    def field_for(self, key: Key) -> Field | None:
        """A problem of ``periods[i]`` belongs to the box of that entry's kind."""
        if key[:1] == ("periods",) and len(key) > 1 and isinstance(key[1], int):
            periods = value_list(self.fields.node)
            if key[1] < len(periods) and isinstance(periods[key[1]], dict):
                box = self.periods.get(periods[key[1]].get("kind"))
                if box is not None:
                    return box
        return self.fields.field_for(key)


def _spin(name: str, low: int, high: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    return spin
