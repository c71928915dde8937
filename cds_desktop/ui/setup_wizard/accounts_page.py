"""Page 5: the first user accounts — at least one administrator and one leader (a commune's) or head (an
office's), possibly the same person. The roles offered are those of the installation's ``kind``.

A small list of the accounts added so far and the form to add one (``UserForm``). Details still in the form
when moving on are added first, so nothing typed is silently dropped.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from cds_desktop.core.i18n import translate
from cds_desktop.core.services.accounts import NewUser
from cds_desktop.core.services.roles import InstallationKind, Role
from cds_desktop.core.services.setup import check_accounts, check_new_user
from cds_desktop.ui.setup_wizard.page import SetupPage
from cds_desktop.ui.setup_wizard.user_form import UserForm, roles_text

COLUMNS = ("ui.user.column.username", "ui.user.column.display_name", "ui.user.column.roles")
_SUBTITLES = {InstallationKind.COMMUNE: "ui.setup.accounts.subtitle",
              InstallationKind.OFFICE: "ui.office_setup.accounts.subtitle"}


class AccountsPage(SetupPage):
    def __init__(self, kind: InstallationKind = InstallationKind.COMMUNE) -> None:
        super().__init__("ui.setup.accounts.title", _SUBTITLES[kind])
        self.kind = kind
        self.users: list[NewUser] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("accounts")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(self.table.fontMetrics().height() * 8)
        self.texts.follow(self._fill_table)
        self.remove = QPushButton()
        self.remove.setObjectName("remove_account")
        self.texts.bind(self.remove.setText, "ui.setup.accounts.remove")
        self.remove.clicked.connect(self._remove_selected)
        self.form = UserForm(self.texts, kind)
        self.add = QPushButton()
        self.add.setObjectName("add_account")
        self.texts.bind(self.add.setText, "ui.setup.accounts.add")
        self.add.clicked.connect(self.add_from_form)
        self.added = QLabel()
        self.added.setObjectName("added")
        top = QHBoxLayout()
        top.addWidget(self.added, 1)
        top.addWidget(self.remove)
        new_account = QGroupBox()
        self.texts.bind(new_account.setTitle, "ui.setup.accounts.new")
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add)
        inner = QVBoxLayout(new_account)
        inner.addWidget(self.form)
        inner.addLayout(add_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(top)
        layout.addWidget(new_account)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._fill_table()

    def add_from_form(self) -> bool:
        """Add the form's user to the list; a refusal is shown on the page."""
        self.added.clear()
        if not self.form.password.matches():
            self.show_error(translate("ui.user.password_mismatch"))
            return False
        new = self.form.new_user()
        if not self.passes(lambda: check_new_user(new, tuple(self.users), self.kind)):
            return False
        self.users.append(new)
        self.form.clear()
        self._fill_table()
        self.added.setText(translate("ui.setup.accounts.added", user=new.username))
        self.form.username.setFocus()
        return True

    def _remove_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.users):
            del self.users[row]
            self._fill_table()

    def _fill_table(self) -> None:
        self.table.setHorizontalHeaderLabels([translate(column) for column in COLUMNS])
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            for column, text in enumerate((user.username, user.display_name, roles_text(user.roles))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.remove.setEnabled(bool(self.users))

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        if not self.form.blank() and not self.add_from_form():
            return False
        return self.passes(self._check_roles)

    def _check_roles(self) -> None:
        check_accounts(self.users, self.kind)

    def first_admin(self) -> str:
        return next((user.username for user in self.users if Role.ADMIN in user.roles), "")
