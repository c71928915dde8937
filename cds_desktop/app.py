"""``cds-desktop``: the one place that knows both sides.

Start-up order: arguments → data folder (``--data-dir``, else the remembered one, else the default) → logging →
language → Qt → the set-up wizard on the first run (``setup.needs_setup``) → open the database (migrating it)
→ sign in when the installation has accounts → main window. An installation without accounts (made with
``cds init``) opens straight on the main window with the operating-system login as the actor.

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
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, set_language, translate
from cds_desktop.core.paths import APP_NAME, DataDir
from cds_desktop.core.services.commune import CommuneService, open_commune_service
from cds_desktop.core.services.setup import needs_setup

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from cds_desktop.core.services.demo import DemoCommune
    from cds_desktop.ui.qt_translator import QtLanguage

log = logging.getLogger(__name__)


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
    from cds_desktop.ui.restart import RESTART_EXIT_CODE

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
            if code != RESTART_EXIT_CODE:
                return code
            data_dir = _perform_pending(data_dir)
    finally:
        if demo_root is not None:
            shutil.rmtree(demo_root, ignore_errors=True)


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


def _open_existing(data_dir: DataDir, demo: DemoCommune | None) -> CommuneService | None:
    from PySide6.QtWidgets import QMessageBox

    try:
        if demo is None:
            return open_commune_service(data_dir.root)
        from cds_desktop.core.services.demo import fixed_clock

        return open_commune_service(data_dir.root, fixed_clock(demo.today))
    except CdsError as exc:
        log.error("cannot open the data folder: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return None


def _run(app: "QApplication", qt_language: "QtLanguage", data_dir: DataDir, language: str | None,
         demo: DemoCommune | None) -> int:
    """One run of the UI on ``data_dir``: set up or open, sign in, the main window, the event loop."""
    from cds_desktop.core.services.accounts import Accounts
    from cds_desktop.ui.application import DesktopApp
    from cds_desktop.ui.workspace import os_login

    username = ""
    if demo is None and needs_setup(data_dir):
        service, username = _set_up(data_dir, qt_language)
        if service is None:
            return 0  # cancelled, or a receiving office (its screens come later)
    else:
        service = _open_existing(data_dir, demo)
        if service is None:
            return 1
    desktop = None
    try:
        set_language(language or service.setting("language"))
        desktop = DesktopApp(app, qt_language, service, actor=os_login())
        if demo is not None:
            Accounts(service).sign_in(demo.username, demo.password)
        window = desktop.start(username)
        if window is None:
            return 0
        if demo is not None:
            window.period_bar.choose(demo.plan_id, demo.period_id)
        return app.exec()
    finally:
        if desktop is not None:
            desktop.close()
        service.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
