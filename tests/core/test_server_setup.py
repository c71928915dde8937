"""Setting an office up in a shared PostgreSQL database, headless, against the real server of the ``postgres``
fixture: one PC at a time, only in an empty database, emptied again after a failure half-way; no joining an empty
database. (Through the wizard: ``tests/ui/test_server_choice.py``.)"""

from __future__ import annotations

import pytest
from support.server_choice import (  # noqa: F401 - fixtures
    empty_database,
    no_password_file,
    office_setup,
    server_office,
    socket_settings,
)
from support.set_up import OFFICE_NAME

from cds_desktop.core.errors import StateError
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.office.service import OfficeService
from cds_desktop.core.services.server_setup import SETUP_LOCK, inspect_server_office
from cds_desktop.core.services.setup import join_server_office, set_up_office
from cds_desktop.core.storage.peek import SERVER_FILE, FolderKind, folder_kind


def test_a_set_up_that_fails_half_way_leaves_the_database_empty_and_runs_again(
        postgres, empty_database, tmp_path, monkeypatch):
    settings, folder = socket_settings(postgres, empty_database), DataDir(tmp_path / "office")

    def cable_pulled(*args, **kwargs):
        raise OSError("the network cable was pulled")

    monkeypatch.setattr(OfficeService, "add_official_communes", cable_pulled)  # after the identity is written
    with pytest.raises(OSError):
        set_up_office(folder, office_setup(), server=settings)
    assert inspect_server_office(settings).empty and folder_kind(folder.root) is FolderKind.NEW
    monkeypatch.undo()
    office = set_up_office(folder, office_setup(), server=settings)
    try:
        assert office.require_identity().name == OFFICE_NAME and [c.code for c in office.communes()] == ["24751"]
    finally:
        office.close()


def test_two_pcs_do_not_set_up_one_database_at_once(postgres, empty_database, tmp_path):
    with postgres.connect(empty_database) as other_pc:
        other_pc.execute("SELECT pg_advisory_lock(%s)", (SETUP_LOCK,))
        settings = socket_settings(postgres, empty_database)
        with pytest.raises(StateError) as refused:
            set_up_office(DataDir(tmp_path / "office"), office_setup(), server=settings)
    assert refused.value.code == "setup.server_busy"


def test_the_set_up_neither_creates_over_an_office_nor_joins_an_empty_database(
        postgres, server_office, empty_database, tmp_path):
    _office, settings = server_office
    with pytest.raises(StateError) as refused:
        set_up_office(DataDir(tmp_path / "again"), office_setup(), server=settings)
    assert refused.value.code == "setup.server_has_office" and OFFICE_NAME in refused.value.message()
    with pytest.raises(StateError) as refused:
        join_server_office(DataDir(tmp_path / "nothing-to-join"), socket_settings(postgres, empty_database))
    assert refused.value.code == "setup.server_no_office"
    for folder in ("again", "nothing-to-join"):
        assert folder_kind(tmp_path / folder) is FolderKind.NEW and not (tmp_path / folder / SERVER_FILE).exists()
