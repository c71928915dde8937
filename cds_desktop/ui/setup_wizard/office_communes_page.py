"""Office page 2: the communes the office receives reports from — ticked in a province's official 2025 list (all
of them at first for a province office, none for a district office), or read from a CSV file for districts and
special cases (the ``cds office import-communes`` format: code, name, province).

The list's source is named under it. Nothing is written here: the file is read to say how many communes it
lists (``read_commune_list``), and the choice is checked by ``setup.check_office_communes`` when going on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.communes_list import communes_of, official_list
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.office.communes import official_choice, read_commune_list
from cds_desktop.ui.setup_wizard.commune_checklist import CommunePicker
from cds_desktop.ui.setup_wizard.page import SetupPage
from cds_desktop.ui.setup_wizard.province_box import ProvinceBox

SOURCE_STYLE = "color: #555;"


class OfficeCommunesPage(SetupPage):
    def __init__(self) -> None:
        super().__init__("ui.office_setup.communes.title", "ui.office_setup.communes.subtitle")
        self.csv_path: Path | None = None
        self.csv_count = 0
        self._prepared_for: tuple[str, str] | None = None  # (office level, province) the list was filled for
        self.from_list = QRadioButton()
        self.from_list.setObjectName("from_list")
        self.from_list.setChecked(True)
        self.texts.bind(self.from_list.setText, "ui.office_setup.communes.from_list")
        self.from_file = QRadioButton()
        self.from_file.setObjectName("from_file")
        self.texts.bind(self.from_file.setText, "ui.office_setup.communes.from_file")
        self.sources = QButtonGroup(self)
        self.sources.addButton(self.from_list)
        self.sources.addButton(self.from_file)

        self.province = ProvinceBox()
        self.province.setObjectName("communes_province")
        self.picker = CommunePicker(self.texts)
        self.source = QLabel()
        self.source.setObjectName("list_source")
        self.source.setWordWrap(True)
        self.source.setStyleSheet(SOURCE_STYLE)
        self.texts.bind(self.source.setText, lambda: translate("ui.office_setup.communes.source",
                                                              source=official_list().source))
        list_part = QWidget()
        province_row = QFormLayout()
        province_row.setContentsMargins(0, 0, 0, 0)
        province_row.addRow(self.texts.label("ui.office_setup.communes.province", self.province), self.province)
        inner = QVBoxLayout(list_part)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(province_row)
        inner.addWidget(self.picker, 1)
        inner.addWidget(self.source)

        self.choose = QPushButton()
        self.choose.setObjectName("choose_csv")
        self.texts.bind(self.choose.setText, "ui.office_setup.communes.choose_file")
        self.choose.clicked.connect(self._choose)
        self.file = QLabel()
        self.file.setObjectName("csv_file")
        self.file.setWordWrap(True)
        self.texts.follow(self._show_file)
        format_note = self.texts.label("ui.office_setup.communes.file_format", word_wrap=True)
        file_part = QWidget()
        file_row = QHBoxLayout()
        file_row.addWidget(self.choose)
        file_row.addWidget(self.file, 1)
        file_layout = QVBoxLayout(file_part)
        file_layout.setContentsMargins(0, 0, 0, 0)
        file_layout.addLayout(file_row)
        file_layout.addWidget(format_note)
        file_layout.addStretch(1)

        self.parts = QStackedWidget()
        self.parts.addWidget(list_part)
        self.parts.addWidget(file_part)
        sources = QHBoxLayout()
        sources.addWidget(self.from_list)
        sources.addWidget(self.from_file)
        sources.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(sources)
        layout.addWidget(self.parts, 1)
        layout.addWidget(self.error)
        self.sources.buttonToggled.connect(lambda _button, _on: self._source_changed())
        self.province.province_changed.connect(lambda _code: self._fill(self._level))
        self.picker.model.ticked_changed.connect(self.clear_error)
        self._level = "province"
        self._show_file()

    def prepare(self, level: str, province_code: str) -> None:
        """Entering the page: the office's province's communes, all ticked for a province office, none for a
        district office — unless the list was already filled for the same office (ticks made are kept)."""
        self._level = level
        if self._prepared_for != (level, province_code):
            self._prepared_for = (level, province_code)
            self.province.blockSignals(True)
            self.province.choose(province_code)
            self.province.blockSignals(False)
            self._fill(level)

    def _fill(self, level: str) -> None:
        code = self.province.code()
        communes = communes_of(code) if code else []
        ticked = [c.code for c in communes] if level == "province" else []
        self.picker.model.set_communes(communes, ticked)
        self.picker.search.clear()

    def _source_changed(self) -> None:
        self.parts.setCurrentIndex(1 if self.from_file.isChecked() else 0)
        self.clear_error()

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, translate("ui.office_setup.communes.file_dialog"), "",
            f"{translate('ui.office_setup.communes.file_filter')};;{translate('ui.setup.office.all_files')}")
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> bool:
        """Read the CSV file at ``path``; a refusal is shown on the page and forgets any earlier file."""
        self.csv_path, self.csv_count = None, 0
        loaded = self.passes(lambda: self._read(Path(path)))
        self._show_file()
        return loaded

    def _read(self, path: Path) -> None:
        self.csv_count = len(read_commune_list(path))
        self.csv_path = path

    def _show_file(self) -> None:
        self.file.setText(translate("ui.office_setup.communes.file", path=str(self.csv_path), count=self.csv_count)
                          if self.csv_path else translate("ui.setup.office.none"))

    # --- what was chosen -------------------------------------------------------------------
    def uses_file(self) -> bool:
        return self.from_file.isChecked()

    def communes_province(self) -> str:
        return "" if self.uses_file() else self.province.code()

    def commune_codes(self) -> tuple[str, ...]:
        return () if self.uses_file() else self.picker.model.ticked_codes()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        if self.uses_file():
            if self.csv_path is None:
                self.show_error(translate("ui.office_setup.communes.file_missing"))
                return False
            return self.load(self.csv_path)  # read again: it may have changed since
        if not self.province.code():
            self.show_error(translate("ui.setup.identity.province_missing"))
            return False
        return self.passes(lambda: official_choice(self.province.code(), self.commune_codes()))
