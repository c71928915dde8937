"""``cds-desktop``: the one place that knows both sides.

Start-up order: arguments (``app_arguments.py``) → data folder (``--data-dir``, else the remembered one, else the
default) → logging → language → Qt → the kind of data folder (``storage.peek.folder_kind``: a foreign or a damaged
folder is declined with a message) → the set-up wizard on a new folder (``setup.needs_setup``) → open the database
(migrating it) → sign in when the installation has accounts → main window. An installation without accounts (made with
``cds init``) opens straight on the main window with the operating-system login as the actor.

A receiving office's folder (or one the wizard has just set up as an office) opens the office's desktop
(``ui/office/application.py``): the data is opened first, then the sign-in when it has accounts, then the office's
window; files given on the command line go to its inbox (``OfficeWorkspace.request_import``). A commune imports
files given on the command line as its office's receipts, or as plans (``.cdsplan``, after a question naming the
plan) (``DesktopApp.open_files``). The office path imports what it needs; nothing of it is imported on a
commune's start.

Progressive start-up: when a first look at the database (``storage/peek.py``, ``sqlite3`` only) finds a set-up
commune, its first window (the sign-in, else the main window's frame) is shown before anything heavy is imported;
a worker thread then imports the service stack and opens the data while the window stays responsive. Otherwise
(first run, demo, an unreadable file) the data is opened first. Both sides freeze their long-lived objects for the
garbage collector (``ui/shell/import_costs.py``).

The language is ``--lang`` when given, else the ``language`` setting (Vietnamese by default).
``--demo`` (``--demo commune``) builds the demonstration commune (``services/demo.py``) in a temporary folder, signs
in as its demo user and opens its current period; ``--demo office`` builds the demonstration office
(``services/demo_office.py``: about 40 communes, real keys and bundles) with its progress shown at once, and signs
in as its administrator and head. The folder is removed at exit.
When the event loop ends with ``RESTART_EXIT_CODE`` (a restore, a data-folder move, ``ui/shell/restart.py``) the
service is closed, the pending operation performed off the GUI thread with progress, and the app starts again.

No crash path: the crash hook (``ui/shell/crash.py``) is installed for the whole run: a bug writes
``logs/crash-<time>.txt`` and shows it (the app goes on, or exits with ``CRASH_EXIT_CODE`` if it ended ``main``).
"""

from __future__ import annotations

import gc
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple, Sequence

from cds_desktop.app_arguments import parse_args
from cds_desktop.core.errors import CdsError, DataFileError
from cds_desktop.core.i18n import DEFAULT_LANGUAGE, catalog_problems, current_language, set_language, translate
from cds_desktop.core.paths import APP_NAME, DataDir
from cds_desktop.core.progress import Cancelled
from cds_desktop.core.storage.peek import FolderKind, Peek, folder_kind, peek

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QWidget

    from cds_desktop.core.services.commune.service import CommuneService
    from cds_desktop.core.services.demo import DemoCommune
    from cds_desktop.core.services.demo_office import DemoOffice
    from cds_desktop.core.services.office.service import OfficeService
    from cds_desktop.ui.shared.login_dialog import LoginDialog
    from cds_desktop.ui.commune.main_window import MainWindow
    from cds_desktop.ui.commune.workspace import PeriodSnapshot
    from cds_desktop.ui.shell.qt_translator import QtLanguage

log = logging.getLogger(__name__)


def _setup_logging(data_dir: DataDir) -> None:
    """The rotating log file in the data folder (once per process). With a first window shown it is set up by
    the worker that opens the data (``_open_existing``): importing ``logging.handlers`` costs ~10 ms."""
    import logging.handlers

    from cds_desktop.ui.shell.crash import LOG_FILE_NAME

    data_dir.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        data_dir.logs / LOG_FILE_NAME, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


ICON_SIZES = (16, 32, 48, 64, 128, 256)


def _app_icon() -> "QIcon":
    """The windows' icon: the PNGs rendered from ``resources/icons/cds-desktop.svg`` (``packaging/render_icons.py``),
    each read only when a window shows that size."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icons = Path(__file__).parent / "resources" / "icons"
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icons / f"cds-desktop-{size}.png"), QSize(size, size))
    return icon


CRASH_EXIT_CODE = 70  # EX_SOFTWARE: a bug ended the app (after its report was shown)


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # a frozen build starts the office demo's worker processes through here
        import multiprocessing

        multiprocessing.freeze_support()
    args = parse_args(argv)
    set_language(args.lang or DEFAULT_LANGUAGE)

    from PySide6.QtWidgets import QApplication

    from cds_desktop.ui.shell.crash import CrashHook
    from cds_desktop.ui.shell.import_costs import release_frozen, skip_pydantic_plugin_scan, skip_pyside_source_scan
    from cds_desktop.ui.shell.qt_translator import QtLanguage

    skip_pyside_source_scan()
    skip_pydantic_plugin_scan()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName("cds-desktop")  # the desktop entry, so that Wayland and X11 docks match the windows to it
    app.setWindowIcon(_app_icon())
    crash = CrashHook(parent=app)  # reports go to the data folder's logs once it is known
    crash.install()
    qt_language = QtLanguage(app)  # parented to the app: stays installed while it lives
    qt_language.apply(current_language())
    demo_root = Path(tempfile.mkdtemp(prefix="cds-demo-")) if args.demo else None
    files = [Path(file).resolve() for file in args.files]
    try:
        demo = _build_demo(args.demo, demo_root) if demo_root is not None else None
        chosen = (_usable(demo.data_dir), folder_kind(demo.data_dir.root)) if demo else _chosen_data_dir(args.data_dir)
        if isinstance(chosen, int):
            return chosen  # not a folder this app opens (it said so)
        data_dir, kind = chosen
        while True:
            crash.logs = data_dir.logs
            qt_language.apply(current_language())
            code = _run(app, qt_language, data_dir, kind, args.lang, demo, files)
            files = []  # opened once
            if not _restart_requested(code):
                return code
            release_frozen()  # the ended run's window and service are collected before a restore touches the data
            gc.collect()
            data_dir = _perform_pending(data_dir)
            kind = folder_kind(data_dir.root)
    except CdsError as exc:  # e.g. a data folder that cannot be created, a demo that cannot be built
        from PySide6.QtWidgets import QMessageBox

        log.error("cannot start: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug outside the event loop: the person sees its report first
        crash.handle(exc)
        crash.wait_for_dialogs()
        return CRASH_EXIT_CODE
    finally:
        release_frozen()
        crash.uninstall()
        crash.deleteLater()
        if demo_root is not None:
            shutil.rmtree(demo_root, ignore_errors=True)


def _chosen_data_dir(override: str | None) -> tuple[DataDir, FolderKind] | int:
    """The data folder to open and its kind when ``storage.peek.folder_kind`` says commune, office or new; else say
    what it is and return the exit code 1 (never a set-up over anyone's data). A damaged remembered-folder file or
    message catalog is reported, and the app goes on (the default folder; the other catalogs)."""
    from PySide6.QtWidgets import QMessageBox

    from cds_desktop.core.paths import default_data_dir

    title = translate("ui.app_title")
    for file, problem_id, params in catalog_problems():  # its messages are missing: said once, the app goes on
        log.error("message catalog %s left out: %s", file, problem_id)
        damaged = DataFileError("catalog.damaged", **{**params, "file": file, "problem_id": problem_id})
        QMessageBox.warning(None, title, damaged.message())
    try:
        data_dir = DataDir.resolve(override)
    except CdsError as exc:
        data_dir = DataDir(default_data_dir())
        log.error("remembered data folder refused: %s", exc.code)
        QMessageBox.warning(None, title, translate("ui.startup.remembered_damaged", problem=exc.message(),
                                                   folder=str(data_dir.root)))
    kind = folder_kind(data_dir.root)
    if kind in (FolderKind.NEW, FolderKind.COMMUNE, FolderKind.OFFICE):
        return _usable(data_dir), kind
    log.error("data folder %s refused: %s", data_dir.root, kind.value)
    QMessageBox.critical(None, title, translate(f"error.folder.{kind.value}", folder=str(data_dir.root)))
    return 1


def _usable(data_dir: DataDir) -> DataDir:
    """The data folder with its subfolders made; a folder that cannot be made is a ``StorageError``."""
    from cds_desktop.core.fileio import storage_error

    try:
        return data_dir.ensure()
    except OSError as exc:
        raise storage_error(exc, data_dir.root) from exc


def _restart_requested(code: int) -> bool:
    from cds_desktop.ui.shell.restart import RESTART_EXIT_CODE  # imports the backup service: only once it is loaded

    return code == RESTART_EXIT_CODE


def _perform_pending(data_dir: DataDir) -> DataDir:
    """The restore or move asked before the restart, off the GUI thread with progress (Cancel stops it before
    anything is replaced or switched); on refusal, say why and reopen the same data."""
    from PySide6.QtWidgets import QMessageBox

    from cds_desktop.ui.shell.background import run_and_wait
    from cds_desktop.ui.shell.restart import pending_title, perform_pending

    try:
        return run_and_wait(lambda progress, cancel: perform_pending(data_dir, progress, cancel),
                            pending_title()).ensure()
    except Cancelled:
        log.info("restore cancelled")
        return data_dir
    except CdsError as exc:
        log.error("restart request refused: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return data_dir


def _build_demo(kind: str, root: Path) -> DemoCommune | DemoOffice:
    """The demonstration ``kind`` built off the GUI thread (seconds; no Cancel: a demo cannot stop half-way), its
    progress shown at once: the worker imports the service stack the demo needs too."""
    from cds_desktop.ui.shell.background import run_and_wait

    def build(progress, cancel):
        if kind == "office":
            from cds_desktop.core.services.demo_office import build_demo_office

            return build_demo_office(root, progress)
        from cds_desktop.core.services.demo import build_demo

        return build_demo(root)

    title = translate("ui.demo.building_office" if kind == "office" else "ui.demo.building")
    return run_and_wait(build, title, cancellable=False, show_after_ms=0)


def _set_up(data_dir: DataDir, qt_language: "QtLanguage") -> tuple[CommuneService | OfficeService | None, str]:
    """The first-run wizard: the new installation's service and its first administrator (None: not set up)."""
    from PySide6.QtWidgets import QDialog

    from cds_desktop.ui.setup_wizard.wizard import SetupWizard

    wizard = SetupWizard(data_dir, qt_language)
    accepted = wizard.exec() == QDialog.DialogCode.Accepted
    service, username = (wizard.service if accepted else None), wizard.first_username()
    wizard.deleteLater()
    return service, username


class Opened(NamedTuple):
    """The commune's service, and the open period as the worker read it ahead (None when nothing was read)."""

    service: CommuneService
    ahead: PeriodSnapshot | None = None


def _open_existing(data_dir: DataDir, demo: DemoCommune | None, shown: QWidget | None) -> Opened | None:
    """The commune's service; with a first window shown, opened in a worker thread while that window stays
    responsive (which also sets up logging, imports the modules that fill the main window in and reads ahead
    what it shows first, ``workspace.read_ahead``: the window then shows that very snapshot)."""

    def open_service() -> CommuneService:
        from cds_desktop.core.services.commune.service import open_commune_service

        if demo is None:
            return open_commune_service(data_dir.root)
        from cds_desktop.core.services.demo import fixed_clock

        return open_commune_service(data_dir.root, fixed_clock(demo.today))

    def open_service_and_prepare_the_window() -> Opened:
        from cds_desktop.ui.shell.import_costs import collection_paused

        with collection_paused():  # ~140,000 long-lived objects: never scanned again (``import_costs``)
            _setup_logging(data_dir)
            import cds_desktop.ui.shell.application  # noqa: F401
            from cds_desktop.ui.commune.main_window import window_contents
            from cds_desktop.ui.commune.workspace import read_ahead

            window_contents()
            service = open_service()
            return Opened(service, read_ahead(service))

    try:
        if shown is not None:  # the worker waits until the window is painted: it would compete for the GIL
            from cds_desktop.ui.shell.off_thread import wait_off_the_gui_thread

            return wait_off_the_gui_thread(open_service_and_prepare_the_window, _on_screen(shown), SHOWN_WAIT_MS)
        return Opened(open_service())
    except CdsError as exc:
        from PySide6.QtWidgets import QMessageBox

        log.error("cannot open the data folder: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return None


SHOWN_WAIT_MS = 300  # start the work anyway when the window is not exposed by then (started minimised …)


def _on_screen(window: QWidget) -> Callable[[], bool]:
    def exposed() -> bool:
        handle = window.windowHandle()
        return handle is not None and handle.isExposed()

    return exposed


class FirstWindow(NamedTuple):
    """What is shown before the data is open: the main window's frame, or the sign-in dialog (or neither)."""

    frame: MainWindow | None = None
    login: LoginDialog | None = None


def _show_first_window(look: Peek | None, language: str | None, qt_language: "QtLanguage") -> FirstWindow:
    """For a set-up commune, shown at once: the sign-in dialog when it has accounts, else the main window's
    frame (neither for a first run, the demo or a database the first look cannot read)."""
    if look is None or look.unit_name is None:
        return FirstWindow()
    set_language(language or look.language or DEFAULT_LANGUAGE)
    qt_language.apply(current_language())
    if look.has_accounts:
        from cds_desktop.ui.shared.login_dialog import LoginDialog

        first = FirstWindow(login=LoginDialog(look.unit_name, look.last_username or ""))
    else:
        from cds_desktop.ui.commune.main_window import MainWindow, window_title
        from cds_desktop.ui.shell.window_layout import remembered_layout

        frame = MainWindow(title=window_title(look.unit_name, look.commune_code or ""), layout=remembered_layout())
        first = FirstWindow(frame=frame)
    (first.frame or first.login).show()
    return first


def _run(app: "QApplication", qt_language: "QtLanguage", data_dir: DataDir, kind: FolderKind, language: str | None,
         demo: DemoCommune | DemoOffice | None, files: list[Path]) -> int:
    """One run of the UI on ``data_dir``: set up or open, sign in, the main window, the event loop."""
    if kind is FolderKind.OFFICE:
        return _run_office(app, qt_language, data_dir, language, demo, files)
    first = _show_first_window(peek(data_dir.database), language, qt_language) if demo is None else FirstWindow()
    try:
        return _open_and_run(app, qt_language, data_dir, language, demo, first, files)
    finally:
        for window in first:
            if window is not None:
                window.deleteLater()


def _open_and_run(app: "QApplication", qt_language: "QtLanguage", data_dir: DataDir, language: str | None,
                  demo: DemoCommune | None, first: FirstWindow, files: list[Path]) -> int:
    username, ahead = "", None
    shown = first.frame or first.login
    if shown is None:
        _setup_logging(data_dir)
    if shown is None and demo is None and _needs_setup(data_dir):
        service, username = _set_up(data_dir, qt_language)
        if service is None:
            return 0  # cancelled
        from cds_desktop.core.services.roles import InstallationKind

        if service.kind is InstallationKind.OFFICE:  # the wizard set up a receiving office
            return _run_office(app, qt_language, data_dir, language, None, files, service, username)
    else:
        opened = _open_existing(data_dir, demo, shown)
        if opened is None:
            return 1
        service, ahead = opened
    from cds_desktop.core.services.accounts import Accounts
    from cds_desktop.ui.shell.application import DesktopApp
    from cds_desktop.ui.shell.session import os_login

    desktop = None
    try:
        if first.frame is not None and not first.frame.isVisible():
            return 0  # closed while the data was being opened
        set_language(language or service.setting("language"))
        desktop = DesktopApp(app, qt_language, service, actor=os_login())
        if ahead is not None:
            desktop.workspace.adopt(ahead)
        if demo is not None:
            Accounts(service).sign_in(demo.username, demo.password)
        window = desktop.start(username, first.frame, first.login)
        if window is None:
            return 0
        _report_plan_problems(service, window)
        if demo is not None:
            window.period_bar.choose(demo.plan_id, demo.period_id)
            # the newcomer needs the passphrase to try approving and exporting: kept in sight in the title
            window.setWindowTitle(translate("ui.demo.title", title=window.windowTitle(), password=demo.password))
        if files:
            desktop.open_files(files)
        return app.exec()
    finally:
        if desktop is not None:
            desktop.close()
        service.close()


def _run_office(app: "QApplication", qt_language: "QtLanguage", data_dir: DataDir, language: str | None,
                demo: DemoOffice | None, files: list[Path], service: OfficeService | None = None,
                username: str = "") -> int:
    """One run of the office's desktop: open the data (unless the wizard just did), sign in, the window, the
    event loop; ``files`` go to the inbox."""
    from cds_desktop.core.services.accounts import Accounts
    from cds_desktop.ui.office.application import OfficeApp
    from cds_desktop.ui.shell.import_costs import collection_paused, freeze_what_lives
    from cds_desktop.ui.shell.session import os_login

    if service is None:  # else the wizard ran, after logging was set up
        _setup_logging(data_dir)
        with collection_paused():  # the service stack's long-lived objects: never scanned again (``import_costs``)
            service = _open_office(data_dir, demo)
        if isinstance(service, int):
            return service
    desktop = None
    try:
        set_language(language or service.setting("language"))
        qt_language.apply(current_language())
        desktop = OfficeApp(app, qt_language, service, actor=os_login())
        if demo is not None:
            Accounts(service).sign_in(demo.username, demo.password)
        window = desktop.start(username)
        if window is None:
            return 0
        freeze_what_lives()
        _report_plan_problems(service, window)
        if demo is not None:
            desktop.workspace.choose_plan(demo.plan_id)
            window.setWindowTitle(translate("ui.demo.office_title", title=window.windowTitle(),
                                            users=", ".join(demo.usernames), password=demo.password))
        if files:
            desktop.workspace.request_import(files)
        return app.exec()
    finally:
        if desktop is not None:
            desktop.close()
        service.close()


def _open_office(data_dir: DataDir, demo: DemoOffice | None) -> OfficeService | int:
    """The office's service (the demo's on its fixed day); a folder that cannot be opened is said (exit code 1). A
    shared office's server that wants a password PostgreSQL's password file does not give is asked for it (in
    memory only, ``ui/shared/server_password.py``); Cancel there quits cleanly (exit code 0)."""
    from cds_desktop.core.services.office.service import open_office_service

    try:
        if demo is None:
            from cds_desktop.core.storage.server import read_server_settings
            from cds_desktop.ui.shared.server_password import open_with_password
            from cds_desktop.ui.shell.background import run_and_wait

            server = read_server_settings(data_dir.root)
            if server is None:
                return open_office_service(data_dir.root)
            opened = open_with_password(lambda password: run_and_wait(  # the server may take seconds to answer
                lambda progress, cancel: open_office_service(data_dir.root, password=password),
                translate("ui.server.opening", where=server.describe()), cancellable=False), server)
            return 0 if opened is None else opened
        from cds_desktop.core.services.demo import fixed_clock

        return open_office_service(data_dir.root, fixed_clock(demo.today))
    except CdsError as exc:
        from PySide6.QtWidgets import QMessageBox

        log.error("cannot open the office's data folder: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return 1


def _report_plan_problems(service: CommuneService | OfficeService, window: QWidget) -> None:
    """The plan files left out because they are damaged (``PlanCatalog.problems``): logged and shown once."""
    problems = service.catalog.problems
    if problems:
        from PySide6.QtWidgets import QMessageBox

        for problem in problems:
            log.warning("plan file left out: %s %s", problem.code, problem.params.get("file"))
        text = "\n".join(f"• {problem.message()}" for problem in problems)
        QMessageBox.warning(window, translate("ui.app_title"), translate("ui.startup.plan_problems", problems=text))


def _needs_setup(data_dir: DataDir) -> bool:
    """``setup.needs_setup``, imported only when asked (the set-up module imports the whole stack)."""
    from cds_desktop.core.services.setup import needs_setup

    return needs_setup(data_dir)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
