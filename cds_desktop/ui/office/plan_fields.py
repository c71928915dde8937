"""The plan editor's field widgets, each bound to one place of a plan document (plain dicts and lists, see
``core/plans/document.py``).

A ``Field`` shows the value at its ``key`` (a path inside the edited node: ``("name", "vi")``,
``("years", 0)``, ``("target", "value")``) and gives back what the person typed, already in the document's
terms: text, a number, a date, a choice's stored string, a list. ``None`` means "leave the field out" (an empty
text, a default value), so the document stays as people write plan files: defaults left out.

A ``FieldSet`` loads a node into its fields and writes every edit back into that node at once (``put``), then
emits ``edited``; the editor validates the whole document after a short pause. It also marks the fields that have
a problem (a red frame and the problem as tooltip) and finds the field a problem's path points to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Sequence

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.core.numbers import QuantityError, format_number, parse_quantity

Key = tuple[str | int, ...]
PROBLEM_STYLE = "border: 2px solid #c62828;"
LINE_SEPARATOR = "|"


# --- reading and writing a node ------------------------------------------------------------------------------
def value_at(node: Any, key: Key) -> Any:
    """The value at ``key`` inside ``node`` (None when any step is missing)."""
    for part in key:
        if isinstance(part, int):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return None
        elif not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def put(node: dict, key: Key, value: Any) -> None:
    """Set the value at ``key`` (mappings made on the way); ``None`` removes it, and mappings left empty go too."""
    if value is None:
        _remove(node, key)
        return
    for part, following in zip(key, key[1:]):
        if isinstance(node, list):
            node = node[part]
            continue
        if not isinstance(node.get(part), (dict, list)):
            node[part] = [] if isinstance(following, int) else {}
        node = node[part]
    node[key[-1]] = value


def _remove(node: dict, key: Key) -> None:
    parents = []
    for part in key[:-1]:
        child = value_at(node, (part,))
        if child is None:
            return
        parents.append((node, part))
        node = child
    if isinstance(node, dict):
        node.pop(key[-1], None)
    for parent, part in reversed(parents):  # a mapping left empty ("note: {}") is left out as a whole
        if isinstance(parent, dict) and parent.get(part) == {}:
            del parent[part]


# --- fields ----------------------------------------------------------------------------------------------------
class Field:
    """One widget bound to ``key``; subclasses say how a value is shown and read, and which signal means "edited"."""

    def __init__(self, key: Key, widget: QWidget, name: str) -> None:
        self.key = key
        self.widget = widget  # focused and marked when a problem points here
        self.widget.setObjectName(name)
        self.marked = widget  # where a problem shows (composite fields: their first input)
        self.label_text = ""  # the label's text, without the access key: names the field in the problem list

    def focus_widget(self, rest: Key) -> QWidget:
        """The widget to focus for a problem ``rest`` below this field's key (a composite field's own part)."""
        return self.marked

    def connect(self, slot: Callable[[], None]) -> None:
        raise NotImplementedError

    def show(self, value: Any) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError


class TextField(Field):
    def __init__(self, key: Key, name: str, placeholder: str = "") -> None:
        super().__init__(key, QLineEdit(), name)
        self.widget.setPlaceholderText(placeholder)

    def connect(self, slot) -> None:
        self.widget.textEdited.connect(lambda _text: slot())

    def show(self, value: Any) -> None:
        self.widget.setText("" if value is None else str(value))
        self.widget.setCursorPosition(0)  # a long text shows its beginning

    def value(self) -> str | None:
        return self.widget.text() or None


class LongTextField(Field):
    def __init__(self, key: Key, name: str, lines: int = 2) -> None:
        super().__init__(key, QPlainTextEdit(), name)
        self.widget.setTabChangesFocus(True)
        self.widget.setFixedHeight(self.widget.fontMetrics().lineSpacing() * lines + 14)

    def connect(self, slot) -> None:
        self.widget.textChanged.connect(slot)

    def show(self, value: Any) -> None:
        self.widget.setPlainText("" if value is None else str(value))

    def value(self) -> str | None:
        return self.widget.toPlainText() or None


class NumberField(Field):
    """A number typed as people here write it (``55,5``); what cannot be read is kept as typed, so that the
    document's check names it."""

    def __init__(self, key: Key, name: str) -> None:
        super().__init__(key, QLineEdit(), name)
        self.widget.setMaximumWidth(140)

    def connect(self, slot) -> None:
        self.widget.textEdited.connect(lambda _text: slot())

    def show(self, value: Any) -> None:
        self.widget.setText(number_text(value))

    def value(self) -> int | float | str | None:
        return document_number(self.widget.text())


def number_text(value: Any) -> str:
    """A document number as people here read it (``55,5``); anything else as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, current_language())
    return "" if value is None else str(value)


def document_number(text: str) -> int | float | str | None:
    """Typed text as a document number (whole numbers as integers); text that is no number is kept as it is."""
    if not text.strip():
        return None
    try:
        canonical = parse_quantity(text.strip(), current_language())
    except QuantityError:
        return text
    number = Decimal(canonical)
    return int(number) if number == number.to_integral_value() else float(number)


class IntField(Field):
    def __init__(self, key: Key, name: str, low: int, high: int) -> None:
        super().__init__(key, QSpinBox(), name)
        self.widget.setRange(low, high)

    def connect(self, slot) -> None:
        self.widget.valueChanged.connect(lambda _value: slot())

    def show(self, value: Any) -> None:
        self.widget.setValue(value if isinstance(value, int) else self.widget.minimum())

    def value(self) -> int:
        return self.widget.value()


class ChoiceField(Field):
    """A choice among ``choices`` ((message id, stored value), …); ``default``'s value is left out of the document."""

    def __init__(self, key: Key, name: str, choices: Sequence[tuple[str, Any]], default: Any = None) -> None:
        super().__init__(key, QComboBox(), name)
        self.default = default
        for message_id, stored in choices:
            self.widget.addItem(translate(message_id), stored)

    def connect(self, slot) -> None:
        self.widget.activated.connect(lambda _index: slot())

    def show(self, value: Any) -> None:
        index = self.widget.findData(self.default if value is None else value)
        self.widget.setCurrentIndex(max(index, 0))

    def value(self) -> Any:
        stored = self.widget.currentData()
        return None if stored == self.default else stored


class CheckField(Field):
    def __init__(self, key: Key, name: str, text_id: str, default: bool) -> None:
        super().__init__(key, QCheckBox(translate(text_id)), name)
        self.default = default

    def connect(self, slot) -> None:
        self.widget.toggled.connect(lambda _checked: slot())

    def show(self, value: Any) -> None:
        self.widget.setChecked(self.default if value is None else bool(value))

    def value(self) -> bool | None:
        return None if self.widget.isChecked() == self.default else self.widget.isChecked()


class DateField(Field):
    """An optional date: a tick says there is one, the date edit (dd/MM/yyyy) says which."""

    def __init__(self, key: Key, name: str, text_id: str, month_only: bool = False) -> None:
        self.date = QDateEdit()
        self.date.setObjectName(f"{name}_date")
        self.date.setCalendarPopup(not month_only)
        self.date.setDisplayFormat("MM/yyyy" if month_only else "dd/MM/yyyy")
        self.date.setDate(QDate.currentDate())
        self.present = QCheckBox(translate(text_id))
        self.month_only = month_only
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.present)
        layout.addWidget(self.date)
        layout.addStretch(1)
        super().__init__(key, row, name)
        self.marked = self.present
        self.present.toggled.connect(self.date.setEnabled)

    def connect(self, slot) -> None:
        self.present.toggled.connect(lambda _checked: slot())
        self.date.dateChanged.connect(lambda _date: slot())

    def show(self, value: Any) -> None:
        day = _as_date(value)
        self.present.setChecked(day is not None)
        self.date.setEnabled(day is not None)
        if day is not None:
            self.date.setDate(QDate(day.year, day.month, day.day))

    def value(self) -> dt.date | str | None:
        if not self.present.isChecked():
            return None
        day = self.date.date().toPython()
        return f"{day:%Y-%m}" if self.month_only else day


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value if len(value) > 7 else f"{value}-01")
        except ValueError:
            return None
    return None


class LevelsField(Field):
    """Which levels (province, district, commune), in that order; ``default`` is left out."""

    LEVELS = ("province", "district", "commune")

    def __init__(self, key: Key, name: str, default: list[str]) -> None:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for level in self.LEVELS:
            box = QCheckBox(translate(f"ui.plan_editor.level.{level}"))
            box.setObjectName(f"{name}_{level}")
            layout.addWidget(box)
            self.boxes[level] = box
        layout.addStretch(1)
        super().__init__(key, row, name)
        self.marked = self.boxes[self.LEVELS[0]]
        self.default = default

    def connect(self, slot) -> None:
        for box in self.boxes.values():
            box.toggled.connect(lambda _checked: slot())

    def show(self, value: Any) -> None:
        chosen = self.default if value is None else value
        for level, box in self.boxes.items():
            box.setChecked(level in chosen)

    def value(self) -> list[str] | None:
        chosen = [level for level, box in self.boxes.items() if box.isChecked()]
        return None if chosen == self.default else chosen


class TextListField(Field):
    """A list of bilingual texts, one a line: ``tiếng Việt | English``."""

    def __init__(self, key: Key, name: str) -> None:
        super().__init__(key, QPlainTextEdit(), name)
        self.widget.setTabChangesFocus(True)
        self.widget.setFixedHeight(self.widget.fontMetrics().lineSpacing() * 3 + 14)
        self.widget.setPlaceholderText(translate("ui.plan_editor.lines_hint"))

    def connect(self, slot) -> None:
        self.widget.textChanged.connect(slot)

    def show(self, value: Any) -> None:
        lines = []
        for text in value or []:
            if isinstance(text, dict):
                lines.append(f"{text.get('vi', '')} {LINE_SEPARATOR} {text.get('en', '')}".strip())
        self.widget.setPlainText("\n".join(lines))

    def value(self) -> list[dict] | None:
        texts = []
        for line in self.widget.toPlainText().splitlines():
            if line.strip():
                vi, _, en = line.partition(LINE_SEPARATOR)
                texts.append({key: part.strip() for key, part in (("vi", vi), ("en", en)) if part.strip()})
        return texts or None


def buddy_label(label_id: str, widget: QWidget) -> QLabel:
    """A label whose access key focuses ``widget``."""
    label = QLabel(translate(label_id))
    label.setBuddy(widget)
    return label


# --- a set of fields over one node -------------------------------------------------------------------------------
class FieldSet(QObject):
    """The fields of one form over one node of the document."""

    edited = Signal(tuple)  # the key edited

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fields: list[Field] = []
        self.node: dict | None = None
        self._loading = False

    def add(self, field: Field) -> Field:
        self.fields.append(field)
        field.connect(lambda: self.write_back(field))
        return field

    def row(self, form: QFormLayout, label_id: str, field: Field) -> Field:
        """``field`` added, in ``form`` with its label (whose access key focuses it)."""
        label = QLabel(translate(label_id))
        label.setBuddy(field.marked)
        field.label_text = label.text().replace("&", "")
        form.addRow(label, field.widget)
        return self.add(field)

    def load(self, node: dict) -> None:
        self.node = node
        self._loading = True
        try:
            for field in self.fields:
                field.show(value_at(node, field.key))
        finally:
            self._loading = False

    def write_back(self, field: Field) -> None:
        """Write what ``field`` shows into the node (what every edit does) and announce it."""
        if self._loading or self.node is None:
            return
        put(self.node, field.key, field.value())
        self.edited.emit(field.key)

    def field_for(self, key: Key) -> Field | None:
        """The field ``key`` (a problem's path inside the node) points to: the same key, the field under it, or the
        field above it."""
        for field in self.fields:
            if field.key == key:
                return field
        for field in self.fields:
            if field.key[:len(key)] == key and key:
                return field
        best = None
        for field in self.fields:
            if key[:len(field.key)] == field.key and (best is None or len(field.key) > len(best.key)):
                best = field
        return best

    def mark(self, problems: dict[Field, str]) -> None:
        """A red frame and the problem as tooltip on each field in ``problems``; the others unmarked."""
        for field in self.fields:
            message = problems.get(field)
            field.marked.setProperty("problem", message is not None)
            field.marked.setStyleSheet(PROBLEM_STYLE if message else "")
            field.marked.setToolTip(message or "")
