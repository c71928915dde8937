"""The dialogs of the keys-and-communes screen: the office's passphrase, enrolling a commune's key from its
enrolment file (with the fingerprint confirmed), and adding communes from the official list or a CSV file.

Each dialog calls the office service through the workspace and shows a refusal on itself (it stays open); what
changed is published on ``OfficeWorkspace.changed``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.bundle.keys import normalize_fingerprint
from cds_desktop.core.communes_list import communes_of
from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.office.changes import OfficeChanges
from cds_desktop.core.services.office.enrolment import EnrollmentPreview
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.setup_wizard.commune_checklist import CommunePicker
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE
from cds_desktop.ui.setup_wizard.province_box import ProvinceBox
from cds_desktop.ui.setup_wizard.texts import Texts

COMMUNES_CHANGED = OfficeChanges(communes=True)
NOTE_STYLE = "background: #eef5e9; border: 1px solid #9cc28a; padding: 6px;"


def fingerprint_label(text: str = "") -> QLabel:
    """A fingerprint in large, bold fixed-width type that can be selected and copied."""
    label = QLabel(text)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


class PassphraseDialog(QDialog):
    """The passphrase of the office's keys, asked for one action (``explanation`` says which)."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphrase_dialog")
        self.setWindowTitle(title)
        text = QLabel(explanation)
        text.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel(translate("ui.office_communes.passphrase"))
        label.setBuddy(self.passphrase)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.passphrase.textChanged.connect(lambda value: ok.setEnabled(bool(value)))
        form = QFormLayout()
        form.addRow(label, self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)


class EnrolDialog(QDialog):
    """A commune's enrolment file: who it claims to be and its key's fingerprint, large. A first key is enrolled
    only once the fingerprint was compared — typed as the commune reads it on the phone, or confirmed by ticking;
    a rotation, vouched for by the commune's previous key, needs no call and says so."""

    def __init__(self, workspace: OfficeWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrol_dialog")
        self.setWindowTitle(translate("ui.office_communes.enrol.title"))
        self.workspace = workspace
        self.path: Path | None = None
        self.preview: EnrollmentPreview | None = None
        self.choose = QPushButton(translate("ui.office_communes.enrol.choose"))
        self.choose.setObjectName("choose_enrollment")
        self.choose.clicked.connect(self._choose)
        self.file = QLabel(translate("ui.setup.office.none"))
        self.file.setObjectName("enrollment_file")
        self.file.setWordWrap(True)
        self.commune = QLabel()
        self.commune.setObjectName("claimed_commune")
        self.commune.setWordWrap(True)
        large = self.commune.font()
        large.setPointSizeF(large.pointSizeF() * 1.3)
        large.setWeight(QFont.Weight.Bold)
        self.commune.setFont(large)
        self.fingerprint = fingerprint_label()
        self.fingerprint.setObjectName("fingerprint")
        self.how = QLabel()
        self.how.setObjectName("how_to_confirm")
        self.how.setWordWrap(True)
        self.typed = QLineEdit()
        self.typed.setObjectName("typed_fingerprint")
        self.typed.setPlaceholderText(translate("ui.office_communes.enrol.typed_example"))
        self.typed_label = QLabel(translate("ui.office_communes.enrol.typed"))
        self.typed_label.setBuddy(self.typed)
        self.match = QLabel()
        self.match.setObjectName("match")
        self.confirmed = QCheckBox(translate("ui.office_communes.enrol.confirmed"))
        self.confirmed.setObjectName("fingerprint_confirmed")
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.enrol = self.buttons.addButton(translate("ui.office_communes.enrol.do"),
                                            QDialogButtonBox.ButtonRole.AcceptRole)
        self.enrol.setObjectName("enrol")
        self.buttons.accepted.connect(self._enrol)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.typed_label, self.typed)
        form.addRow("", self.match)
        layout = QVBoxLayout(self)
        layout.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.file)
        for widget in (self.commune, self.fingerprint, self.how):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.confirmed)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.typed.textChanged.connect(self._update)
        self.confirmed.toggled.connect(self._update)
        self.setMinimumSize(640, 420)
        self._update()

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, translate("ui.office_communes.enrol.dialog_title"), "",
            f"{translate('ui.setup.office.filter')};;{translate('ui.setup.office.all_files')}")
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> bool:
        """Read the enrolment file at ``path`` (``enrollment_preview``); a refusal is shown and forgets it."""
        self.path, self.preview = None, None
        self.typed.clear()
        self.confirmed.setChecked(False)
        try:
            self.preview = self.workspace.service.enrollment_preview(path)
            self.path = path
            self.error.hide()
        except CdsError as exc:
            self._fail(exc.message())
        self.file.setText(translate("ui.setup.office.file", path=str(path)))
        self._update()
        return self.preview is not None

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _update(self) -> None:
        preview = self.preview
        for widget in (self.commune, self.fingerprint, self.how):
            widget.setVisible(preview is not None)
        first_key = preview is not None and not preview.rotation and not preview.already_enrolled
        for widget in (self.typed_label, self.typed, self.match, self.confirmed):
            widget.setVisible(first_key)
        self.enrol.setEnabled(preview is not None and not preview.already_enrolled
                              and (preview.rotation or self._compared()))
        if preview is None:
            return
        commune = translate("ui.office_communes.enrol.commune", name=preview.claimed_name, code=preview.commune_code)
        if preview.listed_name != preview.claimed_name:
            commune += "\n" + translate("ui.office_communes.enrol.listed_as", name=preview.listed_name)
        self.commune.setText(commune)
        self.fingerprint.setText(preview.fingerprint)
        if preview.already_enrolled:
            self.how.setText(translate("ui.office_communes.enrol.already"))
        elif preview.rotation:
            self.how.setText(translate("ui.office_communes.enrol.rotation", previous=preview.previous_fingerprint))
        else:
            self.how.setText(translate("ui.office_communes.enrol.first_key"))
        typed = normalize_fingerprint(self.typed.text())
        expected = normalize_fingerprint(preview.fingerprint)
        if not typed:
            self.match.clear()
        elif typed == expected:
            self.match.setStyleSheet("color: #2e6b1f;")
            self.match.setText(translate("ui.office_communes.enrol.matches"))
        elif len(typed) >= len(expected) or not expected.startswith(typed):
            self.match.setStyleSheet(ERROR_STYLE)
            self.match.setText(translate("ui.office_communes.enrol.differs"))
        else:
            self.match.setStyleSheet("")
            self.match.setText(translate("ui.office_communes.enrol.so_far"))

    def _compared(self) -> bool:
        typed = normalize_fingerprint(self.typed.text())
        return self.confirmed.isChecked() or (
            bool(typed) and typed == normalize_fingerprint(self.preview.fingerprint))

    def _enrol(self) -> None:
        preview, path = self.preview, self.path
        if preview is None or path is None:
            return
        # what the person compared: ticked as read on the phone, or typed (the service checks it against the key)
        confirmed = None
        if not preview.rotation:
            confirmed = preview.fingerprint if self.confirmed.isChecked() else self.typed.text()
        try:
            code = self.workspace.service.enroll(path, confirmed)
        except CdsError as exc:
            self._fail(exc.message())
            return
        self.workspace.publish(COMMUNES_CHANGED)
        self.workspace.notice.emit(translate("ui.office_communes.enrol.done", name=preview.listed_name, code=code,
                                             fingerprint=preview.fingerprint), False)
        self.accept()


class AddCommunesDialog(QDialog):
    """Add communes to the office's list: tick them in a province's official 2025 list, or load a CSV file."""

    def __init__(self, workspace: OfficeWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add_communes_dialog")
        self.setWindowTitle(translate("ui.office_communes.add.title"))
        self.workspace = workspace
        self.listed: set[str] = set()
        self.texts = Texts()
        self.province = ProvinceBox()
        self.province.setObjectName("add_province")
        self.picker = CommunePicker(self.texts)
        source = QLabel(translate("ui.office_communes.add.source"))
        source.setWordWrap(True)
        self.from_file = QPushButton(translate("ui.office_communes.add.from_file"))
        self.from_file.setObjectName("add_from_csv")
        self.from_file.clicked.connect(self._choose_file)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add = self.buttons.addButton(translate("ui.office_communes.add.do"),
                                          QDialogButtonBox.ButtonRole.AcceptRole)
        self.add.setObjectName("add_ticked")
        self.buttons.accepted.connect(self._add_ticked)
        self.buttons.rejected.connect(self.reject)
        province_row = QFormLayout()
        province_label = QLabel(translate("ui.office_setup.communes.province"))
        province_label.setBuddy(self.province)
        province_row.addRow(province_label, self.province)
        layout = QVBoxLayout(self)
        layout.addWidget(source)
        layout.addLayout(province_row)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.from_file, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.province.province_changed.connect(self._fill)
        identity = workspace.service.identity()
        self.province.choose(identity.province_code if identity and identity.province_code else "")
        self.resize(720, 600)

    def _fill(self, province_code: str) -> None:
        self.listed = {row.code for row in self.workspace.service.communes()}
        self.picker.model.set_communes(communes_of(province_code) if province_code else [], self.listed)
        self.picker.search.clear()

    def _add_ticked(self) -> None:
        """Add the communes ticked that are not on the list yet (those already on it are ticked from the start)."""
        codes = [code for code in self.picker.model.ticked_codes() if code not in self.listed]
        self._run(lambda: self.workspace.service.add_official_communes(self.province.code(), codes))

    def _choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, translate("ui.office_setup.communes.file_dialog"), "",
            f"{translate('ui.office_setup.communes.file_filter')};;{translate('ui.setup.office.all_files')}")
        if name:
            self._run(lambda: self.workspace.service.import_communes(Path(name)))

    def _run(self, call) -> None:
        try:
            count = call()
        except CdsError as exc:
            self.error.setText(exc.message())
            self.error.show()
            return
        self.workspace.publish(COMMUNES_CHANGED)
        self.workspace.notice.emit(translate("ui.office_communes.add.done", count=count), False)
        self.accept()
