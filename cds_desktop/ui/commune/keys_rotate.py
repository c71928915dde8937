"""Replacing the commune's signing key (or making it, when there is none): the old key's passphrase (so that the
old key vouches for the new one in the enrolment file), the new one typed twice and checked like the wizard's
(``setup.check_passphrase``). The key is made on the background lane (slow key derivation); ``rotated`` then
carries the new fingerprint, and the screen reminds to send the new enrolment file to the office."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import translate
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.setup import check_passphrase
from cds_desktop.ui.commune.action_dialog import ActionDialog
from cds_desktop.ui.commune.approve_dialog import passphrase_field
from cds_desktop.ui.shell.background import BackgroundTasks


class RotateKeyDialog(ActionDialog):
    rotated = Signal(str)  # the new key's fingerprint

    def __init__(self, exchange: CommuneExchange, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__("rotate_key_dialog", translate("ui.keys.rotate.title"), parent)
        self.exchange, self.tasks = exchange, tasks
        self.has_key = exchange.active_key() is not None
        self.old = passphrase_field("old_passphrase")
        self.new = passphrase_field("new_passphrase")
        self.repeat = passphrase_field("repeat_passphrase")
        form = QFormLayout()
        for message_id, field in (("ui.keys.rotate.old", self.old), ("ui.keys.rotate.new", self.new),
                                  ("ui.keys.rotate.repeat", self.repeat)):
            if field is self.old and not self.has_key:
                continue
            label = QLabel(translate(message_id))
            label.setBuddy(field)
            form.addRow(label, field)
        self.lay_out(translate("ui.keys.rotate.explanation"), form, translate("ui.keys.rotate.ok"), "rotate_ok",
                     (600, 300))
        self.buttons.accepted.connect(self.rotate)

    def rotate(self) -> None:
        new, old = self.new.text(), (self.old.text() if self.has_key else None)
        try:
            check_passphrase(new, self.repeat.text())
        except CdsError as exc:
            self.show_error(exc.message())
            return
        exchange = self.exchange

        def work(progress: ProgressCallback, cancel: CancelToken) -> str:
            return exchange.generate_key(new, old)

        self.run_in_background(self.tasks, work, self._done, translate("ui.keys.rotate.working"))

    def _done(self, fingerprint: str) -> None:
        for field in (self.old, self.new, self.repeat):
            field.clear()
        self.accept()
        self.rotated.emit(fingerprint)
