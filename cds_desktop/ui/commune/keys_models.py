"""The pinned office's encryption keys as a table model (fingerprint, in use or retired), for the
Keys-and-office screen."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.commune.keys import EncryptionKeyView

COLUMNS = ("ui.keys.encryption.fingerprint", "ui.keys.encryption.status")


class EncryptionKeysModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.keys: tuple[EncryptionKeyView, ...] = ()

    def set_keys(self, keys: tuple[EncryptionKeyView, ...]) -> None:
        self.beginResetModel()
        self.keys = keys
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.keys)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        key = self.keys[index.row()]
        if index.column() == 0:
            return key.fingerprint
        return translate("ui.keys.encryption.active" if key.active else "ui.keys.encryption.retired")

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate(COLUMNS[section])
        return None
