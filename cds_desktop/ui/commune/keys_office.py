"""Importing the receiving office's key file after set-up (the wizard's "I'll import it later"), and its new key
files: ``import_office_file`` checks the file first (``check_office_keys``, nothing written) and then

- a first file, or one signed by another root: ``ConfirmOfficeDialog`` shows the office and its root fingerprint
  in large type and says why it must be compared by phone (first time / another root); the import button is
  enabled only once "I confirmed the fingerprint by phone" is ticked (the wizard's wording);
- a newer list of the same root (the office rotated its encryption keys): a question saying so, nothing to compare;
- the very list already pinned: said so.

A refusal (damaged, expired, older list, no right to change keys) is a message naming the file. Once the file is
imported (or found to be the list already pinned), the office's plan files beside it are imported too
(``plan_import.import_plans_beside``) and said in the same message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.keys import OfficeKeysChange, OfficeKeysCheck, check_office_keys
from cds_desktop.ui.commune.plan_import import import_plans_beside
from cds_desktop.ui.commune.confirm import ask
from cds_desktop.ui.commune.keys_fingerprint import fingerprint_label

Imported = Callable[[str], None]  # the message saying what was imported


class ConfirmOfficeDialog(QDialog):
    """The office's root fingerprint, to compare by phone before it is pinned."""

    def __init__(self, check: OfficeKeysCheck, pinned_fingerprint: str | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm_office_dialog")
        self.setWindowTitle(translate("ui.keys.confirm.title"))
        why = (translate("ui.keys.confirm.new_root", pinned=pinned_fingerprint)
               if check.change is OfficeKeysChange.NEW_ROOT else translate("ui.keys.confirm.first"))
        self.why = QLabel(why)
        self.why.setObjectName("confirm_why")
        self.why.setWordWrap(True)
        office = QLabel(translate("ui.setup.office.office", name=check.office.name, code=check.office.code))
        office.setWordWrap(True)
        intro = QLabel(translate("ui.setup.office.fingerprint"))
        intro.setWordWrap(True)
        self.fingerprint = fingerprint_label("confirm_fingerprint")
        self.fingerprint.setText(check.office.fingerprint)
        self.confirmed = QCheckBox(translate("ui.setup.office.confirmed"))
        self.confirmed.setObjectName("fingerprint_confirmed")
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(translate("ui.keys.confirm.import"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("confirm_import")
        self.import_button.setEnabled(False)
        buttons.addButton(translate("ui.button.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.confirmed.toggled.connect(self.import_button.setEnabled)
        layout = QVBoxLayout(self)
        for widget in (self.why, office, intro, self.fingerprint, self.confirmed):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(620, 320)


def import_office_file(parent: QWidget, exchange: CommuneExchange, path: Path,
                       imported: Imported) -> QDialog | QMessageBox:
    """Check the key file at ``path`` and ask what its kind of change needs (already open); ``imported`` is told
    once it is pinned."""
    path = Path(path)
    try:
        check = check_office_keys(exchange, path)
    except CdsError as exc:
        return _refused(parent, path, exc)

    def do_import(confirmed: str | None = None) -> None:
        try:
            org_keys = exchange.import_office_keys(path, confirmed)
        except CdsError as exc:
            _refused(parent, path, exc)
            return
        said = translate("ui.keys.imported", office=org_keys.body.office.name, version=org_keys.body.list_version)
        imported(" ".join(filter(None, (said, import_plans_beside(exchange.service, path)))))

    if check.needs_confirmation:
        pinned = exchange.pinned_office()
        dialog = ConfirmOfficeDialog(check, pinned.root.fingerprint if pinned else None, parent)
        dialog.accepted.connect(lambda: do_import(check.office.fingerprint))
        dialog.open()
        return dialog
    if check.change is OfficeKeysChange.SAME:  # the plans beside it may still be new
        plans = import_plans_beside(exchange.service, path)
        if plans:
            imported(plans)
        said = " ".join(filter(None, (translate("ui.keys.same"), plans)))
        return _message(parent, "office_keys_same", QMessageBox.Icon.Information, said)
    return ask(parent, "office_keys_rotation", translate("ui.keys.rotation.title"),
               translate("ui.keys.rotation.text", office=check.office.name, version=check.office.list_version,
                         count=check.new_encryption_keys),
               translate("ui.keys.confirm.import"), do_import)


def _refused(parent: QWidget, path: Path, exc: CdsError) -> QMessageBox:
    return _message(parent, "office_keys_refused", QMessageBox.Icon.Warning,
                    translate("ui.keys.refused", file=path.name, problem=exc.message()))


def _message(parent: QWidget, object_name: str, icon: QMessageBox.Icon, text: str) -> QMessageBox:
    box = QMessageBox(icon, translate("ui.keys.title"), text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(object_name)
    box.open()
    return box
