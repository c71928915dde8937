"""Restarting the desktop UI to use another data folder, to restore a backup or to move an office to a server.

A screen calls ``request_restart``: the request is stored and the event loop ends with ``RESTART_EXIT_CODE``.
``app.py`` then closes the service (nothing may hold the database while it is replaced), runs
``perform_pending`` off the GUI thread with a progress dialog (``background.run_and_wait``) and opens the UI
again on the folder it returns::

    code = app.exec()
    service.close()
    if code == RESTART_EXIT_CODE:
        data_dir = run_and_wait(lambda progress, cancel: perform_pending(data_dir, progress, cancel), …)
        # CdsError: show it, reopen data_dir (nothing was changed); Cancelled: reopen data_dir
        ...open the service and the window again...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.progress import CancelToken, ProgressCallback
from cds_desktop.core.services.backup import restore
from cds_desktop.core.services.server_setup import ServerSettings

RESTART_EXIT_CODE = 75


@dataclass(frozen=True)
class ServerMove:
    """Move the office to this server (``server_move.move_office_to_server``); the owner's password in memory."""

    settings: ServerSettings
    password: str | None = field(default=None, repr=False)
    staff_role: str | None = None


@dataclass(frozen=True)
class RestartRequest:
    data_dir: Path | None = None  # open this data folder afterwards (None: the same one)
    restore_from: Path | None = None  # first restore this backup folder into it
    move_to: ServerMove | None = None  # first move the office's data to this server


_pending: RestartRequest | None = None


def request_restart(data_dir: Path | None = None, restore_from: Path | None = None,
                    move_to: ServerMove | None = None) -> None:
    """Ask app.py to close everything, carry out the request, and start the UI again."""
    global _pending
    _pending = RestartRequest(Path(data_dir) if data_dir else None, Path(restore_from) if restore_from else None,
                              move_to)
    QCoreApplication.exit(RESTART_EXIT_CODE)


def pending_title() -> str:
    """What the progress dialog says while the pending request is carried out."""
    moving = _pending is not None and _pending.move_to is not None
    return translate("ui.restart.moving" if moving else "ui.restart.working")


def take_restart_request() -> RestartRequest | None:
    """The pending request, once (the next call returns None)."""
    global _pending
    request, _pending = _pending, None
    return request


def perform_pending(data_dir: DataDir, progress: ProgressCallback | None = None,
                    cancel: CancelToken | None = None) -> DataDir:
    """Carry out the pending request with the service closed; returns the data folder to open next.

    A failed restore raises its ``CdsError`` and a cancelled one ``Cancelled``; both leave the data as it was.
    """
    request = take_restart_request()
    if request is None:
        return data_dir
    target = DataDir(request.data_dir) if request.data_dir else data_dir
    if request.restore_from is not None:
        restore(target, request.restore_from, progress, cancel)
    if request.move_to is not None:
        from cds_desktop.core.services.office.server_move import move_office_to_server

        move = request.move_to
        move_office_to_server(target, move.settings, move.password, move.staff_role, progress, cancel)
    return target
