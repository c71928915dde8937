"""Page 2: a commune's installation or a receiving office's; the wizard goes on with that branch's pages."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QRadioButton, QVBoxLayout

from cds_desktop.ui.setup_wizard.page import SetupPage


class Kind(StrEnum):
    COMMUNE = "commune"
    OFFICE = "office"


class KindPage(SetupPage):
    def __init__(self, commune_next: int, office_next: int) -> None:
        super().__init__("ui.setup.kind.title", "ui.setup.kind.subtitle")
        self._next = {Kind.COMMUNE: commune_next, Kind.OFFICE: office_next}
        self.commune = QRadioButton()
        self.commune.setObjectName("kind_commune")
        self.commune.setChecked(True)
        self.office = QRadioButton()
        self.office.setObjectName("kind_office")
        self.texts.bind(self.commune.setText, "ui.setup.kind.commune")
        self.texts.bind(self.office.setText, "ui.setup.kind.office")
        layout = QVBoxLayout(self)
        layout.addWidget(self.commune)
        layout.addWidget(self.office)
        layout.addStretch(1)

    def kind(self) -> Kind:
        return Kind.OFFICE if self.office.isChecked() else Kind.COMMUNE

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        return self._next[self.kind()]
