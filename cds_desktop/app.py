"""``cds-desktop``: the one place that knows both sides.

Start-up order: arguments → data folder (``--data-dir``, else the remembered one, else the default) → logging →
language → Qt → the set-up wizard on the first run (``setup.needs_setup``) → open the database (migrating it)
→ sign in when the installation has accounts → main window. An installation without accounts (made with
``cds init``) opens straight on the main window with the operating-system login as the actor.

Progressive start-up: when a first look at the database (``storage/peek.py``, ``sqlite3`` only) finds a
set-up commune without accounts, the main window's frame is shown before anything heavy is imported; the
service stack is imported and the data opened in a worker thread while the frame stays responsive, then the
window is filled in. Otherwise (first run, accounts, demo, an unreadable file) the data is opened first.

The language is ``--lang`` when given, else the ``language`` setting (Vietnamese by default).
``--demo`` builds the demonstration commune (``services/demo.py``) in a temporary folder, signs in as its
demo user and opens its current period; the folder is removed at exit.
When the event loop ends with ``RESTART_EXIT_CODE`` (after a restore or a data-folder move, ``ui/restart.py``)
the service is closed, the pending operation performed and the app starts again on the data folder.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence, TypeVar

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, set_language, translate
from cds_desktop.core.paths import APP_NAME, DataDir
from cds_desktop.core.storage.peek import Peek, peek

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from cds_desktop.core.services.commune import CommuneService
    from cds_desktop.core.services.demo import DemoCommune
    from cds_desktop.ui.main_window import MainWindow
    from cds_desktop.ui.qt_translator import QtLanguage

log = logging.getLogger(__name__)
T = TypeVar("T")


def _setup_logging(data_dir: DataDir) -> None:
    data_dir.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        data_dir.logs / "cds-desktop.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cds-desktop")
    parser.add_argument("--data-dir")
    parser.add_argument("--lang", choices=list(LANGUAGES), help="interface language for this run (default: the setting)")
    parser.add_argument("--demo", action="store_true",
                        help="open a demonstration commune in a temporary folder (removed at exit)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    set_language(args.lang or DEFAULT_LANGUAGE)

    from PySide6.QtWidgets import QApplication

    from cds_desktop.ui.qt_translator import QtLanguage

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    qt_language = QtLanguage(app)  # parented to the app: stays installed while it lives
    qt_language.apply(current_language())
    demo_root = Path(tempfile.mkdtemp(prefix="cds-demo-")) if args.demo else None
    try:
        demo = _build_demo(demo_root) if demo_root is not None else None
        data_dir = (demo.data_dir if demo else DataDir.resolve(args.data_dir)).ensure()
        _setup_logging(data_dir)
        while True:
            qt_language.apply(current_language())
            code = _run(app, qt_language, data_dir, args.lang, demo)
            if not _restart_requested(code):
                return code
            data_dir = _perform_pending(data_dir)
    finally:
        if demo_root is not None:
            shutil.rmtree(demo_root, ignore_errors=True)


def _restart_requested(code: int) -> bool:
    from cds_desktop.ui.restart import RESTART_EXIT_CODE  # imports the backup service: only once it is loaded

    return code == RESTART_EXIT_CODE


def _perform_pending(data_dir: DataDir) -> DataDir:
    """The restore or folder move asked for before the restart; on refusal, say why and reopen the same data."""
    from PySide6.QtWidgets import QMessageBox

    from cds_desktop.ui.restart import perform_pending

    try:
        return perform_pending(data_dir).ensure()
    except CdsError as exc:
        log.error("restart request refused: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return data_dir


def _build_demo(root: Path) -> DemoCommune:
    """``build_demo`` off the GUI thread (it takes a few seconds), with a busy indicator."""
    from PySide6.QtCore import QEventLoop

    from cds_desktop.core.services.demo import build_demo
    from cds_desktop.ui.background import BackgroundTasks

    tasks, loop, outcome = BackgroundTasks(), QEventLoop(), []

    def settle(result: object) -> None:
        outcome.append(result)
        loop.quit()

    task = tasks.run(lambda progress, cancel: build_demo(root), settle, settle, translate("ui.demo.building"))
    task.dialog.setCancelButton(None)  # the demo cannot stop half-way
    loop.exec()
    tasks.deleteLater()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _set_up(data_dir: DataDir, qt_language: "QtLanguage") -> tuple[CommuneService | None, str]:
    """The first-run wizard: the new commune's service and its first administrator (None: not set up)."""
    from PySide6.QtWidgets import QDialog

    from cds_desktop.ui.setup_wizard.wizard import SetupWizard

    wizard = SetupWizard(data_dir, qt_language)
    accepted = wizard.exec() == QDialog.DialogCode.Accepted
    service, username = (wizard.service if accepted else None), wizard.first_username()
    wizard.deleteLater()
    return service, username


def _open_existing(data_dir: DataDir, demo: DemoCommune | None, frame: MainWindow | None) -> CommuneService | None:
    """The commune's service; with a frame shown, opened in a worker thread while the frame stays responsive
    (which also imports the modules that fill the window in)."""
    from PySide6.QtWidgets import QMessageBox

    def open_service() -> CommuneService:
        from cds_desktop.core.services.commune import open_commune_service

        if demo is None:
            return open_commune_service(data_dir.root)
        from cds_desktop.core.services.demo import fixed_clock

        return open_commune_service(data_dir.root, fixed_clock(demo.today))

    def open_service_and_import_the_window() -> CommuneService:
        import cds_desktop.ui.application  # noqa: F401
        from cds_desktop.ui.main_window import window_contents

        window_contents()
        return open_service()

    try:
        return _off_the_gui_thread(open_service_and_import_the_window) if frame is not None else open_service()
    except CdsError as exc:
        log.error("cannot open the data folder: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return None


def _off_the_gui_thread(work: Callable[[], T]) -> T:
    """``work()`` in a worker thread, the event loop running meanwhile; its result, or its exception raised."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    outcome: list = []
    loop = QEventLoop()
    thread = threading.Thread(target=lambda: outcome.append(_attempt(work)), name="open-data", daemon=True)
    poll = QTimer(interval=10)
    poll.timeout.connect(lambda: loop.quit() if not thread.is_alive() else None)
    thread.start()
    poll.start()
    code = loop.exec()
    poll.stop()
    if thread.is_alive():  # the app was told to exit meanwhile: the main event loop ends at once, too
        QTimer.singleShot(0, lambda: QCoreApplication.exit(code))
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _attempt(work: Callable[[], T]) -> T | BaseException:
    try:
        return work()
    except BaseException as exc:  # noqa: BLE001 - raised again on the GUI thread
        return exc


def _show_frame(look: Peek | None, language: str | None, qt_language: "QtLanguage") -> MainWindow | None:
    """The main window's frame, shown at once, for a set-up commune nobody has to sign in to."""
    if look is None or look.unit_name is None or look.has_accounts:
        return None
    from cds_desktop.ui.main_window import MainWindow, restore_geometry, window_title

    set_language(language or look.language or DEFAULT_LANGUAGE)
    qt_language.apply(current_language())
    frame = MainWindow(title=window_title(look.unit_name, look.commune_code or ""))
    restore_geometry(frame)
    frame.show()
    return frame


def _run(app: "QApplication", qt_language: "QtLanguage", data_dir: DataDir, language: str | None,
         demo: DemoCommune | None) -> int:
    """One run of the UI on ``data_dir``: set up or open, sign in, the main window, the event loop."""
    frame = _show_frame(peek(data_dir.database), language, qt_language) if demo is None else None
    try:
        return _open_and_run(app, qt_language, data_dir, language, demo, frame)
    finally:
        if frame is not None:
            frame.deleteLater()


def _open_and_run(app: "QApplication", qt_language: "QtLanguage", data_dir: DataDir, language: str | None,
                  demo: DemoCommune | None, frame: MainWindow | None) -> int:
    username = ""
    if frame is None and demo is None and _needs_setup(data_dir):
        service, username = _set_up(data_dir, qt_language)
        if service is None:
            return 0  # cancelled, or a receiving office (its screens come later)
    else:
        service = _open_existing(data_dir, demo, frame)
        if service is None:
            return 1
    from cds_desktop.core.services.accounts import Accounts
    from cds_desktop.ui.application import DesktopApp
    from cds_desktop.ui.workspace import os_login

    desktop = None
    try:
        if frame is not None and not frame.isVisible():
            return 0  # closed while the data was being opened
        set_language(language or service.setting("language"))
        desktop = DesktopApp(app, qt_language, service, actor=os_login())
        if demo is not None:
            Accounts(service).sign_in(demo.username, demo.password)
        window = desktop.start(username, frame)
        if window is None:
            return 0
        if demo is not None:
            window.period_bar.choose(demo.plan_id, demo.period_id)
            # the newcomer needs the passphrase to try approving and exporting: kept in sight in the title
            window.setWindowTitle(translate("ui.demo.title", title=window.windowTitle(), password=demo.password))
        return app.exec()
    finally:
        if desktop is not None:
            desktop.close()
        service.close()


def _needs_setup(data_dir: DataDir) -> bool:
    """``setup.needs_setup``, imported only when asked (the set-up module imports the whole stack)."""
    from cds_desktop.core.services.setup import needs_setup

    return needs_setup(data_dir)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
