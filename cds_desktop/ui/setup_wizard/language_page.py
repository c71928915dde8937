"""Page 1: the interface language (Vietnamese by default); choosing one switches the wizard at once."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout

from cds_desktop.core.i18n import LANGUAGES, current_language
from cds_desktop.ui.setup_wizard.page import SetupPage


class LanguagePage(SetupPage):
    language_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__("ui.setup.language.title", "ui.setup.language.subtitle")
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for language in LANGUAGES:
            button = QRadioButton()
            button.setObjectName(f"language_{language}")
            button.setProperty("language", language)
            button.setChecked(language == current_language())
            self.texts.bind(button.setText, f"ui.settings.language.{language}")
            self.group.addButton(button)
            layout.addWidget(button)
        layout.addStretch(1)
        self.group.buttonToggled.connect(self._toggled)

    def language(self) -> str:
        return self.group.checkedButton().property("language")

    def _toggled(self, button: QRadioButton, checked: bool) -> None:
        if checked:
            self.language_chosen.emit(button.property("language"))
