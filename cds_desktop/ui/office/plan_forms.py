"""The plan editor's forms, one per kind of node of the plan's tree: the plan's identity, a group, an indicator,
a task (or sub-task). The schedule's form is ``plan_schedule_form.py``.

Each form is a ``NodeForm``: labelled fields (``plan_fields.py``) over one node of the document, loaded with
``load(node)``; every edit is written into the node at once and announced by ``fields.edited``. Fields follow
the plan format (``docs/plan-format.md``): every field of the model, in its order, with Vietnamese words for the
choices.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.model import CountedUnit, DeadlineKind, IndicatorKind
from cds_desktop.ui.office.plan_fields import (
    CheckField,
    ChoiceField,
    DateField,
    Field,
    FieldSet,
    IntField,
    Key,
    LevelsField,
    LongTextField,
    TextField,
    TextListField,
)
from cds_desktop.ui.office.plan_targets import TargetBox

LEVELS = LevelsField.LEVELS
LEVEL_CHOICES = [(f"ui.plan_editor.level.{level}", level) for level in LEVELS]


class NodeForm(QWidget):
    """A titled form of fields over one node."""

    def __init__(self, name: str, title_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.fields = FieldSet(self)
        self.title = QLabel(translate(title_id))
        self.title.setObjectName("form_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.title)
        self.layout_.addLayout(self.form)

    def finish(self) -> None:
        self.layout_.addStretch(1)

    def load(self, node: dict) -> None:
        self.fields.load(node)

    def field_for(self, key: Key) -> Field | None:
        """The field a problem at ``key`` (inside this form's node) is about."""
        return self.fields.field_for(key)

    def text_pair(self, key: tuple, name: str, label_stem: str, long: bool = False) -> None:
        """Two rows: the Vietnamese and the English text of ``key``."""
        for language in ("vi", "en"):
            field = (LongTextField((*key, language), f"{name}_{language}") if long
                     else TextField((*key, language), f"{name}_{language}"))
            self.fields.row(self.form, f"{label_stem}_{language}", field)


class IdentityForm(NodeForm):
    """The plan's identity (``plan:``): the id is read-only once the plan was published."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("identity_form", "ui.plan_editor.identity.title", parent)
        row = self.fields.row
        self.plan_id = row(self.form, "ui.plan_editor.identity.id", TextField(("id",), "plan_id"))
        self.text_pair(("title",), "plan_title", "ui.plan_editor.identity.title")
        self.text_pair(("issuing_body", "name"), "issuer", "ui.plan_editor.identity.issuer")
        row(self.form, "ui.plan_editor.identity.level", ChoiceField(("issuing_body", "level"), "issuer_level",
                                                                    LEVEL_CHOICES))
        row(self.form, "ui.plan_editor.identity.number", TextField(("document_number",), "document_number",
                                                                   translate("ui.plan_editor.identity.number_hint")))
        row(self.form, "ui.plan_editor.identity.date",
            DateField(("document_date",), "document_date", "ui.plan_editor.identity.has_date"))
        row(self.form, "ui.plan_editor.identity.date_basis", ChoiceField(
            ("document_date_basis",), "date_basis",
            [("ui.plan_editor.identity.basis_issued", "issued"), ("ui.plan_editor.identity.basis_published",
                                                                  "published")], default="issued"))
        self.text_pair(("document_kind",), "document_kind", "ui.plan_editor.identity.kind")
        self.version = QLabel()
        self.version.setObjectName("plan_version")
        version_label = QLabel(translate("ui.plan_editor.identity.version"))
        self.form.addRow(version_label, self.version)
        row(self.form, "ui.plan_editor.identity.first_year", IntField(("years", 0), "first_year", 2000, 2100))
        row(self.form, "ui.plan_editor.identity.last_year", IntField(("years", 1), "last_year", 2000, 2100))
        row(self.form, "ui.plan_editor.identity.based_on", TextListField(("based_on",), "based_on"))
        self.text_pair(("note",), "plan_note", "ui.plan_editor.identity.note", long=True)
        self.finish()
        self.id_locked = False

    def load(self, node: dict) -> None:
        super().load(node)
        self.version.setText(str(node.get("plan_version", "")))
        self.plan_id.widget.setReadOnly(self.id_locked)
        self.plan_id.widget.setToolTip(translate("ui.plan_editor.identity.id_locked") if self.id_locked else "")


class GroupForm(NodeForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("group_form", "ui.plan_editor.group.title", parent)
        self.fields.row(self.form, "ui.plan_editor.code", TextField(("code",), "group_code"))
        self.text_pair(("title",), "group_title", "ui.plan_editor.group.heading")
        hint = QLabel(translate("ui.plan_editor.group.hint"))
        hint.setWordWrap(True)
        self.layout_.addWidget(hint)
        self.finish()


class IndicatorForm(NodeForm):
    """An indicator: its kind decides which fields show (labels for ratios, a unit for ratios and counts, no
    target for text) and changing it drops the fields the new kind does not take."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("indicator_form", "ui.plan_editor.indicator.title", parent)
        row = self.fields.row
        row(self.form, "ui.plan_editor.code", TextField(("code",), "indicator_code"))
        self.text_pair(("name",), "indicator_name", "ui.plan_editor.indicator.name")
        self.kind = row(self.form, "ui.plan_editor.indicator.kind", ChoiceField(
            ("kind",), "indicator_kind", [(f"ui.plan_editor.kind.{kind.value}", kind.value) for kind in IndicatorKind]))
        self.unit = row(self.form, "ui.plan_editor.indicator.unit", ChoiceField(
            ("unit",), "indicator_unit",
            [("ui.plan_editor.indicator.no_unit", None)] + [(f"ui.unit.{unit.value}", unit.value)
                                                             for unit in CountedUnit]))
        self.ratio_rows = []
        for name in ("numerator_label", "denominator_label"):
            for language in ("vi", "en"):
                field = row(self.form, f"ui.plan_editor.indicator.{name}_{language}",
                            TextField((name, language), f"{name}_{language}"))
                self.ratio_rows.append(field.widget)
        self.targets = [self.fields.add(TargetBox(("target",), "target", "ui.plan_editor.indicator.target"))]
        self.layout_.addWidget(self.targets[0].widget)
        levels = QGroupBox(translate("ui.plan_editor.indicator.level_targets"))
        levels_layout = QVBoxLayout(levels)
        for level in LEVELS:
            box = self.fields.add(TargetBox(("level_targets", level), f"target_{level}",
                                            f"ui.plan_editor.indicator.level_target.{level}"))
            levels_layout.addWidget(box.widget)
            self.targets.append(box)
        self.layout_.addWidget(levels)
        rest = QFormLayout()
        self.layout_.addLayout(rest)
        row(rest, "ui.plan_editor.indicator.communes",
            CheckField(("applies_to_communes",), "applies_to_communes", "ui.plan_editor.indicator.communes_yes", True))
        for language in ("vi", "en"):
            row(rest, f"ui.plan_editor.indicator.note_{language}", LongTextField(("note", language),
                                                                                  f"indicator_note_{language}"))
        row(rest, "ui.plan_editor.source.document", TextField(("source", "document"), "indicator_source_document"))
        row(rest, "ui.plan_editor.source.section", TextField(("source", "section"), "indicator_source_section"))
        self.finish()
        self.shown_kind = "ratio"  # the kind the form was loaded with: only a change of it drops fields
        self.fields.edited.connect(self._edited)

    def load(self, node: dict) -> None:
        kind = node.get("kind", "ratio")
        self.shown_kind = kind
        for box in self.targets:
            box.set_kind(kind)
        super().load(node)
        self._show_for(kind)

    def _show_for(self, kind: str) -> None:
        for widget in self.ratio_rows:
            self.form.setRowVisible(widget, kind == "ratio")
        self.form.setRowVisible(self.unit.widget, kind in ("ratio", "count"))

    def _edited(self, key: tuple) -> None:
        if key != ("kind",):
            return
        node = self.fields.node
        kind = node.get("kind")
        if kind == self.shown_kind:
            return
        if kind != "ratio":
            node.pop("numerator_label", None)
            node.pop("denominator_label", None)
        if kind in ("boolean", "text"):
            node.pop("unit", None)
        if kind == "text":
            node.pop("target", None)
            node.pop("level_targets", None)
        if kind == "boolean":  # a number target means nothing for yes/no: a target becomes "yes"
            target = node.get("target")
            if isinstance(target, dict) and not (target.get("comparator") == "eq" and target.get("value") in (0, 1)):
                node["target"] = {"comparator": "eq", "value": 1}
            node.pop("level_targets", None)
        self.load(node)


class TaskForm(NodeForm):
    """A task or sub-task: lead agency, partners, deadline (its kind decides whether a date or a month is asked),
    the levels that report on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("task_form", "ui.plan_editor.task.title", parent)
        row = self.fields.row
        row(self.form, "ui.plan_editor.code", TextField(("code",), "task_code"))
        self.text_pair(("title",), "task_title", "ui.plan_editor.task.heading")
        self.text_pair(("description",), "task_description", "ui.plan_editor.task.description", long=True)
        self.text_pair(("lead_agency",), "lead_agency", "ui.plan_editor.task.lead")
        row(self.form, "ui.plan_editor.task.partners", TextListField(("partners",), "partners"))
        self.deadline_kind = row(self.form, "ui.plan_editor.task.deadline", ChoiceField(
            ("deadline", "kind"), "deadline_kind",
            [(f"ui.plan_editor.deadline.{kind.value}", kind.value) for kind in DeadlineKind], default="none"))
        self.deadline_date = row(self.form, "ui.plan_editor.task.deadline_date",
                                 DateField(("deadline", "date"), "deadline_date", "ui.plan_editor.task.has_date"))
        self.deadline_month = row(self.form, "ui.plan_editor.task.deadline_month",
                                  DateField(("deadline", "month"), "deadline_month", "ui.plan_editor.task.has_month",
                                            month_only=True))
        self.text_pair(("deadline", "text"), "deadline_text", "ui.plan_editor.task.deadline_text")
        row(self.form, "ui.plan_editor.task.levels", LevelsField(("levels",), "task_levels", ["commune"]))
        row(self.form, "ui.plan_editor.task.evidence",
            CheckField(("evidence_expected",), "evidence_expected", "ui.plan_editor.task.evidence_yes", False))
        row(self.form, "ui.plan_editor.source.document", TextField(("source", "document"), "task_source_document"))
        row(self.form, "ui.plan_editor.source.section", TextField(("source", "section"), "task_source_section"))
        self.finish()
        self.fields.edited.connect(self._edited)

    def load(self, node: dict) -> None:
        super().load(node)
        kind = (node.get("deadline") or {}).get("kind", "none")
        self.form.setRowVisible(self.deadline_date.widget, kind == "date")
        self.form.setRowVisible(self.deadline_month.widget, kind == "month")

    def _edited(self, key: tuple) -> None:
        if key[:1] != ("deadline",):
            return
        node = self.fields.node
        deadline = node.get("deadline")
        if isinstance(deadline, dict):
            deadline.setdefault("kind", "none")  # a worded deadline without a kind: "none" until one is chosen
            for name in ("date", "month"):
                if deadline["kind"] != name:
                    deadline.pop(name, None)
            if deadline == {"kind": "none"}:  # the default is left out
                del node["deadline"]
        if key == ("deadline", "kind"):
            self.load(node)
