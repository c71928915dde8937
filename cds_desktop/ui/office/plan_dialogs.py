"""The small dialogs of the office's Plans page: the id of a new plan (``PlanIdDialog``, proposing
``<office code>-<year>``), publishing a draft (``PublishDialog``: which plan and version, the change note — required
from version 2 on — and the root passphrase) and marking a plan replaced (``ReplacedDialog``: by which of the
office's other plans, optional, and the passphrase). Each only asks; the page confirms and does the work."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.bundle.plan_files import MAX_CHANGE_NOTE
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.office.plans import PLAN_ID_PATTERN
from cds_desktop.ui.office.plan_fields import buddy_label

def proposed_plan_id(office_code: str, year: int, taken: set[str]) -> str:
    """``<office code, lower case>-<year>``, numbered (``-2``, ``-3`` …) while taken."""
    stem = f"{office_code.strip().lower()}-{year}"
    proposal, number = stem, 2
    while proposal in taken:
        proposal, number = f"{stem}-{number}", number + 1
    return proposal


class _AskDialog(QDialog):
    """A titled dialog: an explanation, a form, OK / Cancel (OK enabled by ``_update``), an error line."""

    def __init__(self, name: str, title: str, explanation: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        text = QLabel(explanation)
        text.setObjectName("explanation")
        text.setWordWrap(True)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a11d16;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)

    def _passphrase(self) -> QLineEdit:
        passphrase = QLineEdit()
        passphrase.setObjectName("passphrase")
        passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        passphrase.textChanged.connect(lambda _text: self._update())
        self.form.addRow(buddy_label("ui.plans_page.passphrase", passphrase), passphrase)
        return passphrase


class PlanIdDialog(_AskDialog):
    """The id of a new plan: lower-case letters, digits and dashes, not one the office already has."""

    def __init__(self, title: str, proposal: str, taken: set[str], parent: QWidget | None = None) -> None:
        super().__init__("plan_id_dialog", title, translate("ui.plans_page.new_id.explanation"), parent)
        self.taken = taken
        self.plan_id = QLineEdit(proposal)
        self.plan_id.setObjectName("new_plan_id")
        self.plan_id.textChanged.connect(lambda _text: self._update())
        self.form.addRow(buddy_label("ui.plans_page.new_id.label", self.plan_id), self.plan_id)
        self._update()

    def _update(self) -> None:
        plan_id = self.plan_id.text().strip()
        problem = ""
        if plan_id in self.taken:
            problem = translate("ui.plans_page.new_id.taken")
        elif not PLAN_ID_PATTERN.match(plan_id):
            problem = translate("ui.plans_page.new_id.bad")
        self.error.setText(problem)
        self.ok.setEnabled(not problem)


class PublishDialog(_AskDialog):
    """What is published (plan, version), the change note (required from version 2) and the root passphrase."""

    def __init__(self, plan_id: str, title: str, version: int, parent: QWidget | None = None) -> None:
        super().__init__("publish_dialog", translate("ui.plans_page.publish.title"),
                         translate("ui.plans_page.publish.explanation", plan=plan_id, title=title, version=version),
                         parent)
        self.version = version
        self.note = QPlainTextEdit()
        self.note.setObjectName("change_note")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 3 + 14)
        if version >= 2:  # a first version has nothing to compare with
            self.note.setPlaceholderText(translate("ui.plans_page.publish.note_hint"))
        self.note.textChanged.connect(self._update)
        self.form.addRow(buddy_label("ui.plans_page.publish.note" if version >= 2
                                     else "ui.plans_page.publish.note_optional", self.note), self.note)
        self.passphrase = self._passphrase()
        self.ok.setText(translate("ui.plans_page.publish.ok"))
        self._update()

    def change_note(self) -> str | None:
        return self.note.toPlainText().strip() or None

    def _update(self) -> None:
        note = self.change_note()
        problem = ""
        if self.version >= 2 and note is None:
            problem = translate("ui.plans_page.publish.note_needed", version=self.version)
        elif note is not None and len(note) > MAX_CHANGE_NOTE:
            problem = translate("ui.plans_page.publish.note_long", limit=MAX_CHANGE_NOTE)
        self.error.setText(problem)
        self.ok.setEnabled(not problem and bool(self.passphrase.text()))


class ReplacedDialog(_AskDialog):
    """Which plan replaces ``plan_id`` (one of ``others``, (id, title) pairs, or none named) and the passphrase."""

    def __init__(self, plan_id: str, title: str, others: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__("replaced_dialog", translate("ui.plans_page.replaced.title"),
                         translate("ui.plans_page.replaced.explanation", plan=plan_id, title=title), parent)
        self.replaced_by = QComboBox()
        self.replaced_by.setObjectName("replaced_by")
        self.replaced_by.addItem(translate("ui.plans_page.replaced.none"), None)
        for other_id, other_title in others:
            self.replaced_by.addItem(f"{other_title} ({other_id})", other_id)
        self.form.addRow(buddy_label("ui.plans_page.replaced.by", self.replaced_by), self.replaced_by)
        self.passphrase = self._passphrase()
        self.ok.setText(translate("ui.plans_page.replaced.ok"))
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.passphrase.text()))
