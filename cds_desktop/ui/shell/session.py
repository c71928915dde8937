"""What a commune's and a receiving office's desktop share: signing in and out, the account actions of the File menu,
the window's remembered geometry and the language switch.

``SessionApp`` is not a ``QApplication`` subclass and not a service locator: it builds the pieces (the workspace,
``Accounts``, ``BackgroundTasks``, the window), keeps the Qt translator referenced, remembers the window geometry
(``window_layout.py``), rebuilds the window when the language setting changes and puts the account actions
(users, change password, sign out) into the File menu. An installation with accounts asks who is there
(``LoginDialog``) before showing any data; signing out closes the window and asks again.

Each kind says what differs — the commune's ``DesktopApp`` (``application.py``) and the office's ``OfficeApp``
(``ui/office/application.py``): its workspace, its window (built empty, then ``open(workspace, tasks)``) and the
settings group its geometry is kept under, the name the sign-in dialog shows, and what of the view survives a
sign-out or a language switch (a commune's plan period, the office's page).
"""

from __future__ import annotations

import getpass
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow

from cds_desktop.core.i18n import current_language, set_language, translate
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.roles import Permission
from cds_desktop.ui.shared.login_dialog import LoginDialog
from cds_desktop.ui.shared.users_dialog import PasswordDialog, UsersDialog
from cds_desktop.ui.shell.background import BackgroundTasks
from cds_desktop.ui.shell.qt_translator import QtLanguage
from cds_desktop.ui.shell.window_layout import COMMUNE_WINDOW, WindowLayout, layout_of, remembered_layout, save_layout


def os_login() -> str:
    """The actor recorded of an installation without accounts: the operating-system login."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "user"


class SessionApp(QObject):
    layout_group = COMMUNE_WINDOW  # where the window's geometry is remembered (``window_layout.py``)

    def __init__(self, app: QApplication, qt_language: QtLanguage, service: Any, actor: str,
                 remember_geometry: bool = True) -> None:
        super().__init__(app)
        self.app = app
        self.qt_language = qt_language
        self.qt_language.apply(current_language())
        self.workspace = self.make_workspace(service, actor)
        self.accounts = Accounts(service)
        self.tasks = BackgroundTasks(self)
        self.remember_geometry = remember_geometry
        self.window: QMainWindow | None = None
        self.last_username = ""  # offered again after signing out
        self.workspace.changed.connect(self._changed)
        app.aboutToQuit.connect(self._quitting)

    # --- what each kind says -------------------------------------------------------------------
    def make_workspace(self, service: Any, actor: str) -> QObject:
        """The kind's workspace (the UI's one door to its service), parented to this object."""
        raise NotImplementedError

    def make_window(self, layout: WindowLayout | None) -> QMainWindow:
        """The kind's main window, empty (``open(workspace, tasks)`` fills it in)."""
        raise NotImplementedError

    def unit_name(self) -> str | None:
        """The commune's or the office's name, shown by the sign-in dialog."""
        raise NotImplementedError

    def view_state(self) -> Any:
        """What the person was looking at, kept across a sign-out or a language switch."""
        return None

    def restore_view(self, state: Any) -> None:
        """Show ``state`` (from ``view_state``) in the new window."""

    # --- signing in and out ----------------------------------------------------------------
    def start(self, username: str = "", frame: QMainWindow | None = None,
              login: LoginDialog | None = None) -> QMainWindow | None:
        """Sign in when the installation has accounts (None when the person cancels), then show the window
        (``frame``: the one shown while the data was being opened; ``login``: the sign-in dialog shown then)."""
        if not self.sign_in(username, login):
            return None
        return self.show(frame)

    def sign_in(self, username: str = "", dialog: LoginDialog | None = None) -> bool:
        """Ask for the password unless nobody needs to sign in (no accounts) or somebody already is.

        ``dialog``: the sign-in dialog shown at start-up while the data was being opened; the person may
        already have asked to sign in (done now), or cancelled."""
        shown_early = dialog is not None  # then app.py owns it
        if self.workspace.service.principal is not None or not self.accounts.exist():
            if dialog is not None:
                dialog.close()
            return True
        if dialog is None:
            dialog = LoginDialog(self.unit_name(), username or self.accounts.last_username())
        quits = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)  # the main window may be closed while the dialog is up
        try:
            dialog.attach(self.accounts.sign_in)
            if dialog.principal is None:
                if shown_early and not dialog.isVisible():
                    return False  # cancelled while the data was being opened
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return False
            self.last_username = dialog.principal.username
            return True
        finally:
            self.app.setQuitOnLastWindowClosed(quits)
            if not shown_early:
                dialog.deleteLater()

    def sign_out(self) -> None:
        """Close the window and ask who is there; the next person finds the same view."""
        old, state = self.window, self.view_state()
        principal = self.workspace.service.principal
        username = principal.username if principal else self.last_username
        self.accounts.sign_out()
        if old is not None:
            self._save_geometry(old)
            self.window = None
            old.hide()
            old.deleteLater()
        if not self.sign_in(username):
            self.app.exit(0)  # nobody there: the app ends
            return
        self.show()
        self.restore_view(state)

    def show_users(self) -> UsersDialog:
        dialog = UsersDialog(self.accounts, self.window)
        dialog.finished.connect(self._after_users)
        dialog.open()
        return dialog

    def _after_users(self) -> None:
        if self.workspace.service.principal is None:  # the administrator disabled their own account
            self.sign_out()

    def change_password(self) -> PasswordDialog:
        principal = self.workspace.service.principal
        dialog = PasswordDialog(self.accounts, principal.username if principal else "", own=True, parent=self.window)
        dialog.accepted.connect(lambda: self.workspace.notice.emit(translate("ui.password.changed"), False))
        dialog.open()
        return dialog

    # --- the window ------------------------------------------------------------------------
    def show(self, frame: QMainWindow | None = None) -> QMainWindow:
        """Show the main window; ``frame``: the window shown (empty) while the data was being opened, to fill in."""
        if frame is None:
            self.window = self._new_window(remembered_layout(self.layout_group) if self.remember_geometry else None)
        else:
            self.window = self._fill(frame)
        self.window.show()
        return self.window

    def _new_window(self, layout: WindowLayout | None) -> QMainWindow:
        return self._fill(self.make_window(layout))

    def _fill(self, window: QMainWindow) -> QMainWindow:
        window.open(self.workspace, self.tasks)
        install_account_actions(window, self)
        return window

    def _changed(self, changes: Any) -> None:
        if changes.settings and self.workspace.service.setting("language") != current_language():
            QTimer.singleShot(0, self._switch_language)

    def _switch_language(self) -> None:
        """Rebuild the window in the newly chosen language, on the same view."""
        language = self.workspace.service.setting("language")
        set_language(language)
        self.qt_language.apply(language)
        old, state = self.window, self.view_state()
        self.window = self._new_window(layout_of(old) if old else None)
        self.restore_view(state)
        self.window.show()
        if old is not None:
            old.hide()
            old.deleteLater()

    # --- geometry --------------------------------------------------------------------------
    def _save_geometry(self, window: QMainWindow) -> None:
        if self.remember_geometry:
            save_layout(window, self.layout_group)

    def _quitting(self) -> None:
        self.tasks.wait()
        if self.window is not None:
            self._save_geometry(self.window)

    def close(self) -> None:
        """After the event loop: let go of the window and of the application (before a restart)."""
        self.tasks.wait()
        self.app.aboutToQuit.disconnect(self._quitting)
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None
        self.deleteLater()


def install_account_actions(window: QMainWindow, session: SessionApp) -> None:
    """Users… (administrators), Change password… and Sign out, above the last item (Quit) of the first menu,
    and who is signed in at the right of the status bar.

    Only for a signed-in person: an installation without accounts has nobody to sign out.
    """
    principal = session.workspace.service.principal
    if principal is None:
        return
    who = QLabel(translate("ui.account.signed_in", who=translate("ui.user.who", name=principal.display_name,
                                                                 username=principal.username)))
    who.setObjectName("signed_in")
    window.statusBar().addPermanentWidget(who)
    menu = window.menuBar().actions()[0].menu()
    entries: list[tuple[str, object, str]] = []
    if principal.can(Permission.MANAGE):
        entries.append(("ui.menu.users", session.show_users, "users_action"))
    entries += [("ui.menu.change_password", session.change_password, "change_password_action"),
                ("ui.menu.sign_out", session.sign_out, "sign_out_action")]
    last = menu.actions()[-1]
    for message_id, slot, name in entries:
        action = QAction(translate(message_id), window)
        action.setObjectName(name)
        action.triggered.connect(lambda checked=False, slot=slot: slot())
        menu.insertAction(last, action)
    menu.insertSeparator(last)
