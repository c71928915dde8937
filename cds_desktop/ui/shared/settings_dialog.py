"""Settings: language, evidence size warning, whether the plan picker shows the built-in example plans, the
report's details, and the Data section (data folder, backup, restore; see ``backup_dialogs.py``) — of a commune,
or of a receiving office, whose service offers only the language (a field shows only for a setting the service
has). The report's fields are ``report_fields.py``'s (the number's suffix with a live example, never the raw
template); every label has an access key.

Saving writes only what changed, through the service, and publishes the changes on the workspace; a refusal is
shown in the dialog, which stays open. A language change rebuilds the window in the new language (see
``ui/shell/session.py``). While backup work runs the dialog stays open (its progress dialog has Cancel).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.settings import SETTINGS
from cds_desktop.ui.setup_wizard.page import ERROR_STYLE
from cds_desktop.ui.shared.backup_dialogs import DataSection
from cds_desktop.ui.shared.report_fields import REPORT_SETTINGS, ReportFields, plain_label

def line_up_labels(*boxes: QWidget) -> None:
    """Make the label columns of the boxes' form layouts equally wide, so that their fields line up."""
    labels = []
    for box in boxes:
        form = box.layout()
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                labels.append(item.widget())
    width = max(label.sizeHint().width() for label in labels)
    for label in labels:
        label.setMinimumWidth(width)


class SettingsDialog(QDialog):
    def __init__(self, workspace, parent: QWidget | None = None) -> None:
        """``workspace``: the commune's ``Workspace`` or the office's ``OfficeWorkspace``."""
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(translate("ui.settings.title"))
        offered = workspace.service.settings()
        self.keys = tuple(offered)
        values = {key: spec.default for key, spec in SETTINGS.items()} | offered  # fields not offered stay unshown

        self.language = QComboBox()
        self.language.setObjectName("language")
        self.language.addItem(translate("ui.settings.language.vi"), "vi")
        self.language.addItem(translate("ui.settings.language.en"), "en")
        self.language.setCurrentIndex(max(0, self.language.findData(values["language"])))
        self.evidence_warn = QSpinBox()
        self.evidence_warn.setObjectName("evidence_warn_mb")
        limits = SETTINGS["evidence_warn_mb"]
        self.evidence_warn.setRange(limits.minimum, limits.maximum)
        self.evidence_warn.setValue(int(values["evidence_warn_mb"]))

        self.show_examples = QCheckBox(translate("ui.settings.show_example_plans"))
        self.show_examples.setObjectName("show_example_plans")
        self.show_examples.setChecked(bool(values["show_example_plans"]))

        self.report = ReportFields(values)

        general = QGroupBox(translate("ui.settings.general"))
        general_form = QFormLayout(general)
        general_form.addRow(plain_label("ui.settings.language_label", self.language), self.language)
        if "evidence_warn_mb" in offered:
            general_form.addRow(plain_label("ui.settings.evidence_warn_label", self.evidence_warn), self.evidence_warn)
        if "show_example_plans" in offered:
            general_form.addRow("", self.show_examples)
        boxes: list[QWidget] = [general]
        if all(key in offered for key in REPORT_SETTINGS):
            report = QGroupBox(translate("ui.settings.report"))
            self.report.add_to(QFormLayout(report))
            boxes.append(report)

        self.error = QLabel()
        self.error.setObjectName("settings_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for box in boxes:
            layout.addWidget(box)
        self.data = DataSection(workspace, self)
        layout.addWidget(self.data)
        line_up_labels(*boxes, self.data)
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(760, 600 if len(boxes) > 1 else 360)
        self._initial = self.values()

    def values(self) -> dict[str, Any]:
        """The values on screen of the settings the service has."""
        every = {
            "language": self.language.currentData(),
            "evidence_warn_mb": self.evidence_warn.value(),
            "show_example_plans": self.show_examples.isChecked(),
            **self.report.values(),
        }
        return {key: every[key] for key in self.keys}

    def done(self, result: int) -> None:
        if not self.data.busy:  # backup work in flight is cancelled from its progress dialog, not by closing
            super().done(result)

    def save(self) -> None:
        service, workspace = self.workspace.service, self.workspace
        changed = {key: value for key, value in self.values().items() if value != self._initial[key]}
        for key, value in changed.items():
            try:
                changes = service.set_setting(key, value)
            except CdsError as exc:  # said here; the dialog stays open, what was saved before stays saved
                self.error.setText(exc.message())
                self.error.show()
                return
            self._initial[key] = value
            workspace.publish(changes)
        self.accept()
