"""The details of a new user account: username, full name, roles and the password typed twice.

Shared by the wizard's first-accounts page and the administrator's "Add a user" dialog. The form only
collects; the services check (``setup.check_new_user``, ``Accounts.create``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from cds_desktop.core.services.accounts import NewUser
from cds_desktop.core.services.roles import ROLES_OF, InstallationKind, Role, role_description, role_label
from cds_desktop.ui.setup_wizard.secret_fields import SecretFields
from cds_desktop.ui.setup_wizard.texts import Texts


def roles_text(roles: frozenset[Role]) -> str:
    """The roles' names, in the order of ``Role`` (officer, leader, admin, clerk, head)."""
    return ", ".join(role_label(role) for role in Role if role in roles)


class RoleBoxes(QWidget):
    """One check box per role an installation of ``kind`` has."""

    def __init__(self, texts: Texts, kind: InstallationKind = InstallationKind.COMMUNE,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Role, QCheckBox] = {}
        for role in ROLES_OF[kind]:
            box = QCheckBox()
            box.setObjectName(f"role_{role.value}")
            texts.bind(box.setText, lambda role=role: role_label(role))
            texts.bind(box.setToolTip, lambda role=role: role_description(role, kind))
            layout.addWidget(box)
            self.boxes[role] = box
        layout.addStretch(1)

    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, box in self.boxes.items() if box.isChecked())

    def set_roles(self, roles: frozenset[Role]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


class UserForm(QWidget):
    def __init__(self, texts: Texts, kind: InstallationKind = InstallationKind.COMMUNE,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        texts.bind(self.username.setPlaceholderText, "ui.user.username_example")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.roles = RoleBoxes(texts, kind)
        self.password = SecretFields(texts, "ui.user.password", "ui.user.password_repeat", "password")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(texts.label("ui.user.username", self.username), self.username)
        form.addRow(texts.label("ui.user.display_name", self.display_name), self.display_name)
        form.addRow(texts.label("ui.user.roles"), self.roles)
        self.password.add_to(form)

    def new_user(self) -> NewUser:
        return NewUser(self.username.text().strip(), self.display_name.text().strip(), self.roles.roles(),
                       self.password.text())

    def blank(self) -> bool:
        return (not self.username.text().strip() and not self.display_name.text().strip()
                and not self.roles.roles() and self.password.blank())

    def clear(self) -> None:
        self.username.clear()
        self.display_name.clear()
        self.roles.set_roles(frozenset())
        self.password.clear()
