"""``cds-desktop``: the one place that knows both sides.

Start-up order: paths → logging → language → open the database (migrating it) → services → Qt UI.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from typing import Sequence

from cds_desktop.core.errors import CdsError
from cds_desktop.core.i18n import set_language, translate
from cds_desktop.core.paths import DataDir
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
    parser.add_argument("--lang", choices=["vi", "en"], default="vi")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = DataDir.resolve(args.data_dir).ensure()
    _setup_logging(data_dir)
    set_language(args.lang)

    from PySide6.QtWidgets import QApplication, QMessageBox

    from cds_desktop.ui.plans_window import PlansWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        service = open_commune_service(data_dir.root)
    except CdsError as exc:
        logging.getLogger(__name__).error("cannot open the data folder: %s", exc.code)
        QMessageBox.critical(None, translate("ui.app_title"), exc.message())
        return 1
    window = PlansWindow(service)
    window.resize(1000, 640)
    window.show()
    try:
        return app.exec()
    finally:
        service.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
