"""``cds-desktop``: the one place that knows both sides.

Start-up order: paths → logging → language → open the database (migrating it) → services → Qt UI.
The language is ``--lang`` when given, else the ``language`` setting (Vietnamese by default).
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from typing import Sequence

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, set_language, translate
from cds_desktop.core.paths import APP_NAME, DataDir
from cds_desktop.core.services.commune import open_commune_service


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
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = DataDir.resolve(args.data_dir).ensure()
    _setup_logging(data_dir)
    set_language(args.lang or DEFAULT_LANGUAGE)

    from PySide6.QtWidgets import QApplication, QMessageBox

    from cds_desktop.ui.application import DesktopApp
    from cds_desktop.ui.qt_translator import QtLanguage
    from cds_desktop.ui.workspace import os_login

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    qt_language = QtLanguage(app)  # parented to the app: stays installed while it lives
    qt_language.apply(current_language())
    try:
        service = open_commune_service(data_dir.root)
    except CdsError as exc:
        logging.getLogger(__name__).error("cannot open the data folder: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return 1
    set_language(args.lang or service.setting("language"))
    desktop = DesktopApp(app, qt_language, service, actor=os_login())
    desktop.show()
    try:
        return app.exec()
    finally:
        service.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
