"""Page 2: a commune's installation or a receiving office's. The office branch ends here for now."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QRadioButton, QVBoxLayout

from cds_desktop.ui.setup_wizard.page import SetupPage


class Kind(StrEnum):
    COMMUNE = "commune"
    OFFICE = "office"


class KindPage(SetupPage):
    def __init__(self, next_page: int) -> None:
        super().__init__("ui.setup.kind.title", "ui.setup.kind.subtitle")
        self._next_page = next_page
        self.commune = QRadioButton()
        self.commune.setObjectName("kind_commune")
        self.commune.setChecked(True)
        self.office = QRadioButton()
        self.office.setObjectName("kind_office")
        self.texts.bind(self.commune.setText, "ui.setup.kind.commune")
        self.texts.bind(self.office.setText, "ui.setup.kind.office")
        self.office_note = self.texts.label("ui.setup.kind.office_later", word_wrap=True)
        self.office_note.setObjectName("office_note")
        self.office_note.setStyleSheet("background: #fff4d6; border: 1px solid #e0c070; padding: 8px;")
        self.office_note.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.commune)
        layout.addWidget(self.office)
        layout.addSpacing(12)
        layout.addWidget(self.office_note)
        layout.addStretch(1)
        self.office.toggled.connect(self._toggled)

    def kind(self) -> Kind:
        return Kind.OFFICE if self.office.isChecked() else Kind.COMMUNE

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        return -1 if self.kind() is Kind.OFFICE else self._next_page

    def _toggled(self, office: bool) -> None:
        self.office_note.setVisible(office)
        self.setFinalPage(office)  # the wizard re-reads nextId(): Finish instead of Next
