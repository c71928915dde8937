"""Page 4: the commune's identity — province, 5-digit commune code and name — typed, or picked from the
list of communes inside the office's key file (searchable, with or without Vietnamese tone marks)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.setup import CommuneChoice, check_identity
from cds_desktop.ui.setup_wizard.commune_search import folded
from cds_desktop.ui.setup_wizard.page import SetupPage
from cds_desktop.ui.setup_wizard.province_box import ProvinceBox


class IdentityPage(SetupPage):
    def __init__(self, next_id: int = -1) -> None:
        super().__init__("ui.setup.identity.title", "ui.setup.identity.subtitle")
        self._next_id = next_id  # the report's page (-1: Qt's order of the page ids)
        self.choices: tuple[CommuneChoice, ...] = ()
        self.pick_label = self.texts.label("ui.setup.identity.pick", word_wrap=True)
        self.search = QLineEdit()
        self.search.setObjectName("commune_search")
        self.search.setClearButtonEnabled(True)
        self.texts.bind(self.search.setPlaceholderText, "ui.setup.identity.search")
        self.pick_label.setBuddy(self.search)
        self.pick = QListWidget()
        self.pick.setObjectName("commune_pick")
        self.texts.follow(self._fill_pick)

        self.province = ProvinceBox()
        self.province.setObjectName("province")
        self.commune_code = QLineEdit()
        self.commune_code.setObjectName("commune_code")
        self.commune_code.setMaxLength(5)
        self.commune_code.setValidator(QRegularExpressionValidator(r"\d{0,5}", self.commune_code))
        self.texts.bind(self.commune_code.setPlaceholderText, "ui.setup.identity.commune_code_example")
        self.name = QLineEdit()
        self.name.setObjectName("commune_name")
        self.texts.bind(self.name.setPlaceholderText, "ui.setup.identity.name_example")

        form = QFormLayout()
        form.addRow(self.texts.label("ui.setup.identity.province", self.province), self.province)
        form.addRow(self.texts.label("ui.setup.identity.commune_code", self.commune_code), self.commune_code)
        form.addRow(self.texts.label("ui.setup.identity.name", self.name), self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pick_label)
        layout.addWidget(self.search)
        layout.addWidget(self.pick, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.search.textChanged.connect(self._fill_pick)
        self.province.currentIndexChanged.connect(lambda index: index >= 0 and self.clear_error())
        self.pick.currentItemChanged.connect(self._picked)
        self.search.installEventFilter(self)
        self.pick.installEventFilter(self)
        self.set_choices(())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if watched is self.search and key == Qt.Key.Key_Down and self.pick.count():
            self.pick.setFocus()
            self.pick.setCurrentRow(max(0, self.pick.currentRow()))
            return True
        if watched is self.pick and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.pick.currentItem():
            self._picked(self.pick.currentItem())
            self.name.setFocus()
            return True
        return False

    def set_choices(self, choices: tuple[CommuneChoice, ...]) -> None:
        """The communes listed in the office's key file (none: the pick list is hidden)."""
        self.choices = tuple(choices)
        for widget in (self.pick_label, self.search, self.pick):
            widget.setVisible(bool(self.choices))
        self._fill_pick()

    def _fill_pick(self) -> None:
        wanted = folded(self.search.text().strip())
        self.pick.blockSignals(True)
        self.pick.clear()
        for choice in self.choices:
            text = translate("ui.setup.identity.choice", name=choice.name, code=choice.code)
            if wanted in folded(text):
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, choice)
                self.pick.addItem(item)
        self.pick.blockSignals(False)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        choice: CommuneChoice = item.data(Qt.ItemDataRole.UserRole)
        if choice.province_code is not None:
            if self.province.choose(choice.province_code):
                self.clear_error()
            else:  # e.g. a province merged in 2025: the person chooses the province it belongs to now
                self.show_error(translate("ui.setup.identity.province_unknown", code=choice.province_code))
        self.commune_code.setText(choice.code)
        self.name.setText(choice.name)

    def province_code(self) -> str:
        """The code of the province whose name is in the box ("" when the text names none)."""
        return self.province.code()

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        return self._next_id if self._next_id >= 0 else super().nextId()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        if not self.province_code():
            self.show_error(translate("ui.setup.identity.province_missing"))
            return False
        return self.passes(lambda: check_identity(self.province_code(), self.commune_code.text(), self.name.text()))
