"""The official report's details as a person fills them in: the document number's suffix (with a live example of
the "Số:" line), the signer's name and capacity, the place name and the recipients.

Shared by the Settings dialog (``settings_dialog.py``) and the set-up wizard's report page
(``ui/setup_wizard/report_page.py``). The stored setting ``report_number_pattern`` is a template (``{number}/BC-UBND``)
that nobody should have to read: the field shows and edits what follows the number (``BC-UBND``), and the example
under it reads as the report will ("Số: 12/BC-UBND"). Labels carry access keys. ``label`` makes each label (the
wizard passes its own, whose texts follow a language switch).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from cds_desktop.core.i18n import translate

NUMBER_SLOT = "{number}"
EXAMPLE_NUMBER = "12"
DEFAULT_SUFFIX = "BC-UBND"
SIGNER_TITLES = ("chairman", "deputy")
REPORT_SETTINGS = ("report_number_pattern", "report_signer_name", "report_signer_title", "report_place",
                   "report_recipients")
MakeLabel = Callable[[str, QWidget], QLabel]  # (message id, buddy) → the label


def suffix_of(pattern: str) -> str:
    """What follows the number in a stored pattern (``{number}/BC-UBND`` → ``BC-UBND``)."""
    before, _slot, after = pattern.partition(NUMBER_SLOT)
    return (after if _slot else before).lstrip("/").strip()


def pattern_of(suffix: str) -> str:
    """The stored pattern for a suffix typed by a person (``BC-UBND`` → ``{number}/BC-UBND``; nothing typed: the
    usual ``BC-UBND``; braces are no part of a document number)."""
    suffix = suffix.replace("{", "").replace("}", "").strip().lstrip("/").strip()
    return f"{NUMBER_SLOT}/{suffix or DEFAULT_SUFFIX}"


def plain_label(message_id: str, buddy: QWidget) -> QLabel:
    label = QLabel(translate(message_id))
    label.setBuddy(buddy)
    return label


class ReportFields:
    """The report's fields, filled with ``values`` (the settings as the service gives them)."""

    def __init__(self, values: dict[str, str], label: MakeLabel = plain_label) -> None:
        self.number_suffix = QLineEdit(suffix_of(values["report_number_pattern"]))
        self.number_suffix.setObjectName("report_number_suffix")
        self.number_example = QLabel()
        self.number_example.setObjectName("report_number_example")
        self.signer_name = QLineEdit(values["report_signer_name"])
        self.signer_name.setObjectName("report_signer_name")
        self.signer_title = QComboBox()
        self.signer_title.setObjectName("report_signer_title")
        for title in SIGNER_TITLES:
            self.signer_title.addItem(translate(f"ui.settings.signer.{title}"), title)
        self.signer_title.setCurrentIndex(max(0, self.signer_title.findData(values["report_signer_title"])))
        self.place = QLineEdit(values["report_place"])
        self.place.setObjectName("report_place")
        self.recipients = QPlainTextEdit(values["report_recipients"])
        self.recipients.setObjectName("report_recipients")
        self.recipients.setTabChangesFocus(True)
        self.recipients.setFixedHeight(self.recipients.fontMetrics().lineSpacing() * 4 + 12)
        self.labels = [label(message_id, field) for message_id, field in (
            ("ui.report_fields.number", self.number_suffix), ("ui.report_fields.signer_name", self.signer_name),
            ("ui.report_fields.signer_title", self.signer_title), ("ui.report_fields.place", self.place),
            ("ui.report_fields.recipients", self.recipients))]
        self.number_suffix.textChanged.connect(self.show_example)
        self.retranslate()

    def add_to(self, form: QFormLayout) -> None:
        fields = (self.number_suffix, self.signer_name, self.signer_title, self.place, self.recipients)
        for index, (label, field) in enumerate(zip(self.labels, fields)):
            form.addRow(label, field)
            if index == 0:
                form.addRow(QLabel(), self.number_example)

    def retranslate(self) -> None:
        """The texts that are not labels (the example, the capacities, the hints) in the current language."""
        for index, title in enumerate(SIGNER_TITLES):
            self.signer_title.setItemText(index, translate(f"ui.settings.signer.{title}"))
        self.number_suffix.setPlaceholderText(translate("ui.report_fields.number_hint", suffix=DEFAULT_SUFFIX))
        self.place.setPlaceholderText(translate("ui.settings.place_example"))
        self.recipients.setPlaceholderText(translate("ui.report_fields.recipients_hint"))
        self.show_example()

    def show_example(self) -> None:
        number = pattern_of(self.number_suffix.text()).replace(NUMBER_SLOT, EXAMPLE_NUMBER)
        self.number_example.setText(translate("ui.report_fields.number_example",
                                              line=translate("report.number", number=number)))

    def values(self) -> dict[str, str]:
        return {
            "report_number_pattern": pattern_of(self.number_suffix.text()),
            "report_signer_name": self.signer_name.text().strip(),
            "report_signer_title": self.signer_title.currentData(),
            "report_place": self.place.text().strip(),
            "report_recipients": self.recipients.toPlainText().strip(),
        }
