"""Moving an office from one PC to a shared PostgreSQL server from the desktop (File → Database → Move to a
server…), through ``app.main`` with real event loops and the session's real server: the dialog offers the move
only once its test found an empty database the owner may fill, asks before the irreversible step, restarts into
the move and opens again from the server with what the office had received; the SQLite file stays as it was."""

from __future__ import annotations

import hashlib
from typing import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from support.postgres_server import OWNER, STAFF
from test_app_office import ADMIN_USER, CLERK_USER, _office, in_office_window
from test_app_start import _isolated, run, shown, sign_in  # noqa: F401 - autouse

from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.services.office import server_move
from cds_desktop.core.services.office.service import open_office_service
from cds_desktop.core.services.roles import Role
from cds_desktop.core.storage.server import read_server_settings
from cds_desktop.ui.office.main_window import OfficeWindow
from cds_desktop.ui.office.move_dialog import MoveToServerDialog


def _fill(dialog: MoveToServerDialog, postgres, database: str, user: str = OWNER) -> None:
    form = dialog.form
    form.host.setText(postgres.socket_dir)
    form.port.setValue(postgres.port)
    form.database.setText(database)
    form.user.setText(user)
    form.tls.setCurrentIndex(form.tls.findData("disable"))
    dialog.staff.setText(STAFF)
    form.run_test()


def _confirm(answer: QMessageBox.StandardButton, seen: list) -> Callable[[], bool]:
    def confirm_step() -> bool:
        box = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "move_confirm"), None)
        if box is None:
            return False
        seen.append(box.text())
        box.button(answer).click()
        return True

    return confirm_step


def _when(condition: Callable[[], bool], then: Callable[[], None]) -> Callable[[], bool]:
    def when_step() -> bool:
        if not condition():
            return False
        then()
        return True

    return when_step


def test_an_administrator_moves_the_office_to_a_server_and_it_opens_from_there(tmp_path, postgres, monkeypatch):
    office = _office(tmp_path / "office", (ADMIN_USER, {Role.ADMIN, Role.HEAD}))
    database = postgres.create_database(template="template0")
    hashes = []

    def real_move_watched(data_dir, *args):  # the real move, the SQLite file hashed on either side of it
        hashes.append(hashlib.sha256(office.database.read_bytes()).hexdigest())
        try:
            return real_move(data_dir, *args)
        finally:
            hashes.append(hashlib.sha256(office.database.read_bytes()).hexdigest())

    real_move = server_move.move_office_to_server
    monkeypatch.setattr(server_move, "move_office_to_server", real_move_watched)
    seen, confirmations, dialogs = [], [], []

    def open_move(window: OfficeWindow) -> None:
        database_dialog = window.show_database()
        assert database_dialog.move.isEnabled()  # an administrator may move the office
        database_dialog.move.click()
        mover = shown(MoveToServerDialog)
        dialogs.append(mover)
        assert not mover.start.isEnabled()  # nothing offered before a test found where to move
        _fill(mover, postgres, database)

    steps = [sign_in(ADMIN_USER[1], ADMIN_USER[0]),
             in_office_window(seen, then=open_move),
             _when(lambda: dialogs and dialogs[0].start.isEnabled(),
                   lambda: QTimer.singleShot(0, dialogs[0].start.click)),  # its question runs its own loop
             _confirm(QMessageBox.StandardButton.Yes, confirmations),
             sign_in(ADMIN_USER[1], ADMIN_USER[0]),
             in_office_window(seen)]
    try:
        assert run(["--data-dir", str(office.root)], steps) == 0
        assert database in confirmations[0] and str(office.database) in confirmations[0]
        server = read_server_settings(office.root)
        assert server is not None and server.database == database and server.user == STAFF  # staff PCs' role
        assert seen[1]["root"] == office.root and "Lâm Đồng" in seen[1]["title"]
        assert len(hashes) == 2 and hashes[0] == hashes[1]  # the move left the SQLite file untouched
        moved = open_office_service(office.root)
        try:
            assert moved.engine.dialect.name == "postgresql" and moved.identity().code == "68"
        finally:
            moved.close()
    finally:
        postgres.drop_database(database)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_move_is_refused_plainly_into_a_database_that_holds_data_or_by_a_user_who_does_not_own_it(
        qtbot, tmp_path, postgres, language):
    from support.shared_office import OfficeStorage

    set_language(language)
    office = _office(tmp_path / "office")
    service = open_office_service(office.root)
    workspace = type("Workspace", (), {"service": service})()
    storage = OfficeStorage(postgres)
    try:
        dialog = MoveToServerDialog(workspace)
        qtbot.addWidget(dialog)
        dialog.resize(1366 * 2 // 3, 600)
        dialog.show()
        storage(tmp_path / "other")  # a database that already holds the (empty) office schema
        _fill(dialog, postgres, storage.databases[0])
        holds_data = translate("ui.move.needs_empty", database=storage.databases[0])
        qtbot.waitUntil(lambda: dialog.note.isVisible() and dialog.note.text() == holds_data, timeout=30_000)
        assert not dialog.start.isEnabled()
        empty = postgres.create_database(template="template0")
        storage.databases.append(empty)
        _fill(dialog, postgres, empty, user=STAFF)
        not_owner = translate("ui.move.needs_owner", user=STAFF)
        qtbot.waitUntil(lambda: dialog.note.isVisible() and dialog.note.text() == not_owner, timeout=30_000)
        assert not dialog.start.isEnabled()
        _fill(dialog, postgres, empty)
        ready = translate("ui.move.ready", database=empty)
        qtbot.waitUntil(lambda: dialog.note.isVisible() and dialog.note.text() == ready, timeout=30_000)
        assert dialog.start.isEnabled()
    finally:
        service.close()
        storage.drop_databases()


def test_a_clerk_is_not_offered_the_move(tmp_path):
    office = _office(tmp_path / "office", (ADMIN_USER, {Role.ADMIN}), (CLERK_USER, {Role.CLERK}))
    offered = []

    def look(window: OfficeWindow) -> None:
        dialog = window.show_database()
        offered.append(dialog.move.isEnabled())
        dialog.close()
        window.close()

    assert run(["--data-dir", str(office.root)], [sign_in(CLERK_USER[1], CLERK_USER[0]),
                                                  in_office_window([], then=look)]) == 0
    assert offered == [False]
