"""Choosing a shared PostgreSQL server in the desktop, against the real server of the ``postgres`` fixture: the set-up
wizard creates an office in an empty database and a second PC joins it, the connection test explains failures in
plain words, the password is asked at start (and never written anywhere), the office's Database dialog; every new
screen translated, unclipped and reachable by access keys in Vietnamese and English."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QWizard

from cds_desktop.core.errors import StorageError
from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.provinces import provinces
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.office.service import OfficeService, open_office_service
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.peek import SERVER_FILE, FolderKind, folder_kind
from cds_desktop.core.storage.server import (
    ServerSettings,
    grant_staff_access,
    open_server_database,
    read_server_settings,
)
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.ui.office.database_dialog import DatabaseDialog
from cds_desktop.ui.office.workspace import OfficeWorkspace
from cds_desktop.ui.setup_wizard.wizard import Page, SetupWizard
from cds_desktop.ui.shared import server_password
from cds_desktop.ui.shared.server_form import ServerForm
from cds_desktop.ui.shared.server_password import ServerPasswordDialog, open_with_password
from cds_desktop.ui.shell.qt_translator import QtLanguage
from support.postgres_server import OWNER, STAFF, STAFF_PASSWORD
from support.server_choice import (  # noqa: F401 - fixtures
    ADMIN_PASSWORD,
    PASSPHRASE,
    empty_database,
    files_hold,
    folder_on_server,
    no_password_file,
    server_office,
    socket_settings,
    tcp_settings,
)
from support.set_up import FINISH, OFFICE_NAME, make_wizard, press, to_office_database, type_user  # noqa: F401
from tests.ui.layout_checks import assert_no_clipped_text
from tests.ui.test_keyboard import access_key_problems
from tests.ui.test_translations import _untranslated, _visible_texts

SHOTS = Path("/tmp/server-gui")


def _test_connection(qtbot, form: ServerForm) -> None:
    with qtbot.waitSignal(form.tested, timeout=30000):
        form.test.click()
    qtbot.waitUntil(lambda: form.test.isEnabled())
    QApplication.processEvents()  # the layouts settle as they do before a person looks


def _shot(widget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _key_problems(window, cancel: str = "") -> list[str]:
    """``access_key_problems`` but for a spin box's own line edit (the spin box has its label) and Qt's Cancel
    button of a wizard (Esc), which has no access key in either language."""
    return [problem for problem in access_key_problems(window)
            if "qt_spinbox_lineedit" not in problem and problem != f"button {cancel!r} has no access key"]


def _fill_office(qtbot, wizard: SetupWizard) -> None:
    """The office's pages after the database page: Lâm Đồng's office, all its communes, one admin-head, the keys."""
    assert wizard.currentId() == Page.OFFICE_IDENTITY
    wizard.office_identity_page.province.choose("68")
    wizard.office_identity_page.name.setText(OFFICE_NAME)
    press(wizard)
    press(wizard)  # all the province's communes, as offered
    type_user(qtbot, wizard.office_accounts_page.form, "quan.tri", "Tran Van Quan", (Role.ADMIN, Role.HEAD),
              ADMIN_PASSWORD)
    press(wizard)
    wizard.office_key_page.passphrase.first.setText(PASSPHRASE)
    wizard.office_key_page.passphrase.repeat.setText(PASSPHRASE)
    press(wizard)
    assert wizard.currentId() == Page.OFFICE_SUMMARY


def _second_wizard(qtbot, folder: Path, clock) -> SetupWizard:
    """Another PC's wizard, in Vietnamese; its Qt translator is removed with ``_close``."""
    qt_language = QtLanguage(QApplication.instance())
    qt_language.apply("vi")
    wizard = SetupWizard(DataDir(folder), qt_language, clock=clock)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _close(wizard: SetupWizard) -> None:
    wizard.tasks.wait()
    if wizard.service is not None:
        wizard.service.close()
    wizard.qt_language.apply("en")


def test_an_empty_server_database_becomes_the_office_and_a_second_pc_joins_it(
        qtbot, make_wizard, postgres, empty_database, tmp_path, clock):
    wizard = make_wizard()
    to_office_database(wizard)
    page = wizard.office_database_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert page.local.isChecked() and not page.details.isVisible() and next_button.isEnabled()
    page.server.click()
    assert page.details.isVisible() and not next_button.isEnabled()  # not before a test says where it goes
    assert page.plan.text() == translate("ui.office_setup.database.test_first")
    form = page.form
    form.set_settings(socket_settings(postgres, empty_database))
    _test_connection(qtbot, form)
    assert form.found is not None and form.found.empty
    assert form.result.text().startswith("Kết nối được: máy chủ PostgreSQL 15.")
    assert "còn trống" in form.result.text()
    assert page.plan.text() == translate("ui.office_setup.database.create") and next_button.isEnabled()
    form.port.setValue(form.port.value() + 1)  # an edit forgets the result
    assert form.found is None and not next_button.isEnabled()
    form.port.setValue(postgres.port)
    _test_connection(qtbot, form)
    press(wizard)

    _fill_office(qtbot, wizard)
    assert wizard.office_summary_page.values["database"].text() == translate(
        "ui.office_setup.summary.database_server", where=form.settings().describe(),
        tls=translate("ui.server.tls.disable"))
    press(wizard, FINISH)
    qtbot.waitUntil(lambda: wizard.result() == QWizard.DialogCode.Accepted, timeout=120000)
    office, first = wizard.service, wizard.data_dir.root
    assert isinstance(office, OfficeService) and office.engine.dialect.name == "postgresql"
    assert folder_kind(first) is FolderKind.OFFICE
    assert (first / SERVER_FILE).is_file() and not (first / "cds.sqlite").exists()
    assert read_server_settings(first) == socket_settings(postgres, empty_database)
    assert office.require_identity().name == OFFICE_NAME
    assert Accounts(office).sign_in("quan.tri", ADMIN_PASSWORD).roles == {Role.ADMIN, Role.HEAD}
    owner = open_server_database(socket_settings(postgres, empty_database))
    try:
        grant_staff_access(owner, STAFF)  # IT staff, once: the other PCs connect as staff
    finally:
        owner.dispose()

    # a second PC joins the office through TCP, as the staff role, with its password typed
    second = _second_wizard(qtbot, tmp_path / "second-pc", clock)
    try:
        to_office_database(second)
        join = second.office_database_page
        join.server.click()
        join.form.set_settings(tcp_settings(postgres, empty_database))
        assert join.form.tls.currentText() == translate("ui.server.tls.disable")
        join.form.password.setText(STAFF_PASSWORD)
        _test_connection(qtbot, join.form)
        assert "Sở Khoa học và Công nghệ tỉnh Lâm Đồng" in join.form.result.text()
        assert join.plan.text() == translate("ui.office_setup.database.join", name=OFFICE_NAME, code="68")
        assert second.button(QWizard.WizardButton.FinishButton).isVisible()
        assert not second.button(QWizard.WizardButton.NextButton).isVisible()
        _shot(second, "wizard-join-vi")
        press(second, FINISH)
        qtbot.waitUntil(lambda: second.result() == QWizard.DialogCode.Accepted, timeout=60000)
        joined = second.service
        assert isinstance(joined, OfficeService) and second.first_username() == ""
        assert joined.require_identity().name == OFFICE_NAME
        assert Accounts(joined).sign_in("quan.tri", ADMIN_PASSWORD).roles == {Role.ADMIN, Role.HEAD}
        folder = second.data_dir.root
        assert (folder / SERVER_FILE).is_file() and not (folder / "cds.sqlite").exists()
        assert read_server_settings(folder).user == STAFF
        assert files_hold(folder, STAFF_PASSWORD) == [] and files_hold(tmp_path, STAFF_PASSWORD) == []
    finally:
        _close(second)


def test_a_staff_user_cannot_create_the_office_and_is_told_why(qtbot, make_wizard, postgres, empty_database):
    wizard = make_wizard("en")
    wizard.switch_language("en")
    to_office_database(wizard)
    page = wizard.office_database_page
    page.server.click()
    page.form.set_settings(socket_settings(postgres, empty_database, STAFF))
    _test_connection(qtbot, page.form)
    assert page.form.found.empty and page.form.found.needs_owner
    assert page.plan.text() == translate("ui.office_setup.database.owner_needed_empty", "en", user=STAFF,
                                         database=empty_database)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_connection_test_says_what_went_wrong_in_plain_words(qtbot, postgres, language):
    from cds_desktop.core.i18n import set_language

    set_language(language)
    form = ServerForm()
    qtbot.addWidget(form)
    form.show()
    with postgres.database() as database:
        form.set_settings(tcp_settings(postgres, database))
        form.password.setText("not-the-password")
        _test_connection(qtbot, form)
        server = f"127.0.0.1:{postgres.port}"
        assert form.found is None
        assert form.result.text() == translate("error.server.wrong_password", language, server=server,
                                               database=database, user=STAFF)
        form.password.clear()
        _test_connection(qtbot, form)  # nothing typed and no password file
        assert form.result.text() == translate("error.server.password_needed", language, server=server,
                                               database=database, user=STAFF)
        form.password.setText(STAFF_PASSWORD)
        _test_connection(qtbot, form)
        assert form.found is not None and form.found.empty  # a copy of the migrated template: no office
    form.set_settings(socket_settings(postgres, "no_such_office"))
    _test_connection(qtbot, form)
    assert form.result.text() == translate("error.server.database_missing", language, server=(
        f"{postgres.socket_dir}:{postgres.port}"), database="no_such_office", user=OWNER)
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    form.set_settings(ServerSettings("127.0.0.1", "so_khcn", STAFF, port=closed, tls="disable"))
    _test_connection(qtbot, form)
    assert form.result.text() == translate("error.server.unreachable", language, server=f"127.0.0.1:{closed}",
                                           database="so_khcn", user=STAFF)
    form.database.setText("bad name!")
    form.test.click()  # refused at once, before connecting: the box named as its label says
    label = translate("ui.server.database", language).replace("&", "").rstrip(":")
    assert form.result.text() == translate("ui.server.bad_field", language, field=label, value="bad name!")
    form.resize(700, form.sizeHint().height())
    assert_no_clipped_text(form)
    _shot(form, f"server-form-missing-{language}")


def test_the_password_is_asked_at_start_again_when_wrong_once_a_process_and_cancel_quits(qtbot, postgres, tmp_path,
                                                                                         monkeypatch):
    from cds_desktop.app import _open_office

    folder = tmp_path / "staff-pc"
    settings = folder_on_server(postgres, folder, tcp_settings)
    asked = []

    def ask(where: ServerSettings, refusal: str) -> str | None:
        asked.append((where, refusal))
        return ("wrong", STAFF_PASSWORD)[len(asked) - 1]

    monkeypatch.setattr(server_password, "ask_password", ask)
    office = _open_office(DataDir(folder), None)
    try:
        assert isinstance(office, OfficeService)
        assert office.engine.url.password is None  # the password is in no URL
    finally:
        office.close()
    assert asked[0] == (settings, "")  # no password: just asked
    assert asked[1] == (settings, StorageError("server.wrong_password", server=f"127.0.0.1:{postgres.port}",
                                               database=settings.database, user=STAFF).message())
    assert files_hold(tmp_path, STAFF_PASSWORD) == []

    monkeypatch.setattr(server_password, "ask_password", lambda where, refusal: pytest.fail("asked again"))
    again = _open_office(DataDir(folder), None)  # the window restarted in this process (a language switch)
    assert isinstance(again, OfficeService)  # opened with the password that worked, not asked twice
    again.close()
    assert files_hold(tmp_path, STAFF_PASSWORD) == []

    monkeypatch.setattr(server_password, "_OPENED_WITH", {})  # a new process
    monkeypatch.setattr(server_password, "ask_password", lambda where, refusal: None)
    assert _open_office(DataDir(folder), None) == 0  # Cancel: the app quits cleanly
    postgres.drop_database(settings.database)


def test_a_password_not_asked_for_when_the_server_wants_none(postgres, tmp_path):
    folder = tmp_path / "trusted"
    settings = folder_on_server(postgres, folder, lambda server, name: socket_settings(server, name, STAFF))
    office = open_with_password(lambda password: open_office_service(folder, password=password), settings,
                                ask=lambda *args: pytest.fail("asked"))
    office.close()
    postgres.drop_database(settings.database)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_password_dialog_names_the_server_and_says_the_refusal(qtbot, language):
    from cds_desktop.core.i18n import set_language

    set_language(language)
    settings = ServerSettings("192.168.1.10", "so_khcn", "van_thu", tls="require")
    refusal = StorageError("server.wrong_password", server="192.168.1.10:5432", database="so_khcn",
                           user="van_thu").message()
    dialog = ServerPasswordDialog(settings, refusal)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = " ".join(text for _where, text in _visible_texts(dialog))
    assert "van_thu" in texts and "192.168.1.10" in texts and "so_khcn" in texts and refusal in texts
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert access_key_problems(dialog) == []
    assert_no_clipped_text(dialog)
    assert _untranslated(_visible_texts(dialog), language, {"van_thu", "192.168.1.10", "so_khcn", refusal}) == []
    _shot(dialog, f"password-dialog-{language}")

    def type_and_connect() -> None:
        shown = QApplication.activeModalWidget()
        shown.password.setText("mat-khau")
        shown.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(50, type_and_connect)
    assert server_password.ask_password(settings, "") == "mat-khau"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_database_page_is_translated_unclipped_and_keyboard_reachable(qtbot, make_wizard, postgres, language):
    wizard = make_wizard(language)
    wizard.switch_language(language)
    to_office_database(wizard)
    page = wizard.office_database_page
    database = postgres.create_database()
    data = {postgres.socket_dir, str(postgres.port), database, OWNER, str(wizard.data_dir.root)}
    data |= {p.name for p in provinces()}  # the other pages' province lists

    def look(name: str) -> None:
        QApplication.processEvents()
        assert_no_clipped_text(wizard)
        assert _key_problems(wizard, wizard.button(QWizard.WizardButton.CancelButton).text()) == []
        assert _untranslated(_visible_texts(wizard), language, data) == []
        _shot(wizard, f"wizard-{name}-{language}")

    look("database-local")
    page.server.click()
    page.form.set_settings(socket_settings(postgres, database))
    look("database-server")
    _test_connection(qtbot, page.form)
    look("database-found")
    postgres.drop_database(database)


def _database_dialog(qtbot, office: OfficeService, **options) -> DatabaseDialog:
    workspace = OfficeWorkspace(office, "tester")
    dialog = DatabaseDialog(workspace, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_database_dialog_of_a_shared_office_tests_and_corrects_where_the_server_is(
        qtbot, postgres, server_office, tmp_path, language):
    from cds_desktop.core.i18n import set_language

    set_language(language)
    office, settings = server_office
    dialog = _database_dialog(qtbot, office)
    assert dialog.where.text() == translate("ui.database.server", language, where=settings.describe(),
                                            tls=translate("ui.server.tls.disable", language))
    form = dialog.form
    assert form.settings() == settings and not dialog.save.isEnabled()
    _test_connection(qtbot, form)
    assert OFFICE_NAME in form.result.text() and not dialog.save.isEnabled()  # nothing changed to save
    data = {OFFICE_NAME, settings.describe(), postgres.socket_dir, str(postgres.port), settings.database, OWNER}
    assert _untranslated(_visible_texts(dialog), language, data | {form.result.text(), dialog.where.text()}) == []
    assert _key_problems(dialog) == []
    assert_no_clipped_text(dialog)
    _shot(dialog, f"database-dialog-server-{language}")

    # the server is reached another way (its address changed): tested, then saved — never the password
    form.host.setText("127.0.0.1")
    form.user.setText(STAFF)
    form.password.setText(STAFF_PASSWORD)
    form.host.textEdited.emit("127.0.0.1")
    assert not dialog.save.isEnabled()
    _test_connection(qtbot, form)
    assert dialog.save.isEnabled()
    dialog.save.click()
    assert read_server_settings(office.data_dir.root) == tcp_settings(postgres, settings.database)
    assert dialog.note.text() == translate("ui.database.saved", language) and not dialog.save.isEnabled()
    assert files_hold(tmp_path, STAFF_PASSWORD) == []

    with postgres.database() as other:  # a database without this office: not saved
        form.database.setText(other)
        form.database.textEdited.emit(other)
        _test_connection(qtbot, form)
        assert not dialog.save.isEnabled()
        assert dialog.note.text() == translate("ui.database.other_office", language)


def test_the_database_dialog_of_an_office_on_this_pc_offers_the_move(qtbot, tmp_path, clock):
    office = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([]), clock)
    try:
        dialog = _database_dialog(qtbot, office)
        assert dialog.where.text() == translate("ui.database.local", path=str(office.data_dir.database))
        assert dialog.form is None and not dialog.move.isEnabled()  # nobody can do it yet
        assert access_key_problems(dialog) == []
        _shot(dialog, "database-dialog-local-vi")
        wired = _database_dialog(qtbot, office, move_available=True)
        assert wired.move.isEnabled()
        with qtbot.waitSignal(wired.move_to_server_requested, timeout=1000):
            wired.move.click()
        assert_no_clipped_text(wired)
    finally:
        office.close()


def test_the_office_window_opens_the_database_dialog_from_its_file_menu(qtbot, tmp_path, clock):
    from cds_desktop.ui.office.main_window import OfficeWindow

    office = OfficeService(DataDir(tmp_path / "office"), PlanCatalog([]), clock)
    try:
        window = OfficeWindow()
        qtbot.addWidget(window)
        window.workspace = OfficeWorkspace(office, "tester")
        action = window.findChild(type(window.file_menu.actions()[0]), "database_action")
        assert action in window.file_menu.actions() and action.text() == translate("ui.menu.database")
        action.trigger()
        dialog = window.findChild(DatabaseDialog)
        assert dialog is not None and dialog.isVisible()
    finally:
        office.close()


def test_a_database_of_a_newer_app_is_refused_plainly(qtbot, make_wizard, postgres):
    from cds_desktop.core.errors import SchemaTooNewError

    with postgres.database() as database:
        with postgres.connect(database) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        wizard = make_wizard()
        to_office_database(wizard)
        page = wizard.office_database_page
        page.server.click()
        settings = socket_settings(postgres, database)
        page.form.set_settings(settings)
        _test_connection(qtbot, page.form)
        assert page.form.found is None
        assert page.form.result.text() == SchemaTooNewError(
            "storage.schema_too_new", path=settings.describe(), revision="9999_from_the_future").message()
        assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
