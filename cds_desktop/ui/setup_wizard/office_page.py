"""Page 3: the receiving office's key file, with its fingerprint to confirm by phone (or skipped for now).

Nothing is written here: ``preview_office_keys`` verifies the file and tells which office it belongs to;
the key file is pinned with the confirmed fingerprint when the set-up runs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.setup import OfficeKeysPreview, preview_office_keys
from cds_desktop.ui.commune.keys_fingerprint import fingerprint_label
from cds_desktop.ui.setup_wizard.page import SetupPage


class OfficeKeysPage(SetupPage):
    def __init__(self) -> None:
        super().__init__("ui.setup.office.title", "ui.setup.office.subtitle")
        self.path: Path | None = None
        self.preview: OfficeKeysPreview | None = None
        self.choose = QPushButton()
        self.choose.setObjectName("choose_keys")
        self.texts.bind(self.choose.setText, "ui.setup.office.choose")  # its access key opens the file dialog
        self.choose.setAutoDefault(False)  # Enter is the wizard's Next, never "choose the file" again
        self.choose.clicked.connect(self._choose)
        self.file = QLabel()
        self.file.setObjectName("keys_file")
        self.file.setWordWrap(True)
        self.office = QLabel()
        self.office.setObjectName("office")
        self.office.setWordWrap(True)
        self.fingerprint_intro = self.texts.label("ui.setup.office.fingerprint", word_wrap=True)
        self.fingerprint = fingerprint_label()
        self.confirmed = QCheckBox()
        self.confirmed.setObjectName("fingerprint_confirmed")
        self.texts.bind(self.confirmed.setText, "ui.setup.office.confirmed")
        self.skip = QCheckBox()
        self.skip.setObjectName("skip_keys")
        self.texts.bind(self.skip.setText, "ui.setup.office.skip")
        self.texts.follow(self._show)

        self.details = QFrame()
        self.details.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(self.details)
        for widget in (self.office, self.fingerprint_intro, self.fingerprint, self.confirmed):
            inner.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(self.choose)
        row.addWidget(self.file, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.details)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.skip)
        self.confirmed.toggled.connect(self.completeChanged)
        self.skip.toggled.connect(self._skip_toggled)
        self._show()

    def load(self, path: Path) -> bool:
        """Read the key file at ``path``; a refusal is shown on the page and forgets any earlier file."""
        self.path, self.preview = None, None
        self.confirmed.setChecked(False)
        loaded = self.passes(lambda: self._load(Path(path)))
        self._show()
        self.completeChanged.emit()
        return loaded

    def _load(self, path: Path) -> None:
        self.preview = preview_office_keys(path)
        self.path = path

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, translate("ui.setup.office.dialog_title"), "",
            f"{translate('ui.setup.office.filter')};;{translate('ui.setup.office.all_files')}")
        if name:
            self.load(Path(name))

    def _show(self) -> None:
        preview = self.preview
        self.file.setText(translate("ui.setup.office.file", path=str(self.path)) if self.path
                          else translate("ui.setup.office.none"))
        self.details.setVisible(preview is not None)
        if preview is None:
            return
        office = translate("ui.setup.office.office", name=preview.office_name, code=preview.office_code)
        if preview.communes:
            office += "\n" + translate("ui.setup.office.communes", count=len(preview.communes))
        self.office.setText(office)
        self.fingerprint.setText(preview.fingerprint)

    def _skip_toggled(self, skipped: bool) -> None:
        self.choose.setEnabled(not skipped)
        self.details.setEnabled(not skipped)
        self.completeChanged.emit()

    def skipped(self) -> bool:
        return self.skip.isChecked()

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.skipped() or (self.preview is not None and self.confirmed.isChecked())
