"""Office page 1: the receiving office's identity — level (a province's office or a district's), its province (one
of the 34), its code and its name.

A province office's code is its province's code: filled in from the province and not typed. A district office
types its 3-digit code. The services check (``check_office_identity``); nothing is written here.
"""

from __future__ import annotations

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QButtonGroup, QFormLayout, QHBoxLayout, QLineEdit, QRadioButton, QVBoxLayout

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.office.keys import check_office_identity
from cds_desktop.ui.setup_wizard.page import SetupPage
from cds_desktop.ui.setup_wizard.province_box import ProvinceBox


class OfficeIdentityPage(SetupPage):
    def __init__(self) -> None:
        super().__init__("ui.office_setup.identity.title", "ui.office_setup.identity.subtitle")
        self.province_level = QRadioButton()
        self.province_level.setObjectName("level_province")
        self.province_level.setChecked(True)
        self.texts.bind(self.province_level.setText, "ui.office_setup.identity.level_province")
        self.district_level = QRadioButton()
        self.district_level.setObjectName("level_district")
        self.texts.bind(self.district_level.setText, "ui.office_setup.identity.level_district")
        self.levels = QButtonGroup(self)
        for button in (self.province_level, self.district_level):
            self.levels.addButton(button)
        self.province = ProvinceBox()
        self.province.setObjectName("office_province")
        self.code = QLineEdit()
        self.code.setObjectName("office_code")
        self.code.setMaxLength(3)
        self.code.setValidator(QRegularExpressionValidator(r"\d{0,3}", self.code))
        self.name = QLineEdit()
        self.name.setObjectName("office_name")
        self.texts.bind(self.name.setPlaceholderText, "ui.office_setup.identity.name_example")
        self.code_hint = self.texts.label(self._code_hint, word_wrap=True)
        self.code_hint.setObjectName("code_hint")

        levels = QHBoxLayout()
        levels.addWidget(self.province_level)
        levels.addWidget(self.district_level)
        levels.addStretch(1)
        form = QFormLayout()
        form.addRow(self.texts.label("ui.office_setup.identity.level"), levels)
        form.addRow(self.texts.label("ui.office_setup.identity.province", self.province), self.province)
        form.addRow(self.texts.label("ui.office_setup.identity.code", self.code), self.code)
        form.addRow("", self.code_hint)
        form.addRow(self.texts.label("ui.office_setup.identity.name", self.name), self.name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.levels.buttonToggled.connect(lambda _button, _on: self._level_changed())
        self.province.province_changed.connect(lambda _code: self._province_changed())
        self._level_changed()

    def level(self) -> str:
        return "district" if self.district_level.isChecked() else "province"

    def province_code(self) -> str:
        return self.province.code()

    def office_code(self) -> str:
        return self.code.text().strip()

    def office_name(self) -> str:
        return self.name.text().strip()

    def _code_hint(self) -> str:
        return translate(f"ui.office_setup.identity.code_hint_{self.level()}")

    def _level_changed(self) -> None:
        province_office = self.level() == "province"
        self.code.setReadOnly(province_office)  # a province office's code is its province's
        if province_office:
            self.code.setText(self.province_code())
        elif self.code.text() == self.province_code():
            self.code.clear()
        self.code_hint.setText(self._code_hint())
        self.clear_error()

    def _province_changed(self) -> None:
        if self.level() == "province":
            self.code.setText(self.province_code())
        if self.province_code():
            self.clear_error()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        if not self.province_code():
            self.show_error(translate("ui.setup.identity.province_missing"))
            return False
        return self.passes(lambda: check_office_identity(self.office_code(), self.office_name(), self.level(),
                                                         self.province_code()))
