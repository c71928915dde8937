"""Render every screen of the commune desktop to PNG at 1366×768, in Vietnamese and English.

    QT_QPA_PLATFORM=offscreen uv run python scripts/screenshots.py [--out out/screenshots]

Uses the demo commune (``cds_desktop.core.services.demo``) on the built-in Đăk R'lấp 2023 plan, signed in with
the demo account and the clock fixed on the demo's day, so that the pictures do not change from day to day.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from cds_desktop.core.i18n import LANGUAGES, set_language  # noqa: E402
from cds_desktop.core.services.accounts import Accounts  # noqa: E402
from cds_desktop.core.services.commune import open_commune_service  # noqa: E402
from cds_desktop.core.services.demo import DemoCommune, build_demo, fixed_clock  # noqa: E402
from cds_desktop.ui.application import DesktopApp  # noqa: E402
from cds_desktop.ui.qt_translator import QtLanguage  # noqa: E402

SIZE = (1366, 768)


def _save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def render(app: QApplication, qt_language: QtLanguage, demo: DemoCommune, language: str, out: Path) -> None:
    set_language(language)
    service = open_commune_service(demo.data_dir.root, fixed_clock(demo.today))
    try:
        Accounts(service).sign_in(demo.username, demo.password)
        qt_language.apply(language)
        desktop = DesktopApp(app, qt_language, service, demo.username, remember_geometry=False)
        window = desktop.show()
        window.resize(*SIZE)
        window.period_bar.choose(demo.plan_id, demo.period_id)
        _save(window, out / f"{language}-01-indicators.png")

        window.go_to(window.problems_panel.model.problem(0).item_code, window.problems_panel.model.problem(0).field)
        window.problems_panel.table.selectRow(0)
        _save(window, out / f"{language}-02-problems-jump.png")

        window.pages.setCurrentWidget(window.tasks_page)
        _save(window, out / f"{language}-03-tasks.png")

        first_code = service.plan(demo.plan_id).commune_indicators()[0].code
        window.show_evidence(first_code)
        _save(window, out / f"{language}-04-evidence.png")

        history = window.show_history(first_code)
        _save(history, out / f"{language}-05-history.png")
        history.close()

        settings = window.show_settings()
        _save(settings, out / f"{language}-06-settings.png")
        settings.close()
        window.close()
        window.deleteLater()
        desktop.deleteLater()
        QApplication.processEvents()
    finally:
        service.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_language = QtLanguage(app)
    with tempfile.TemporaryDirectory(prefix="cds-screens-") as folder:
        demo = build_demo(Path(folder))
        for language in LANGUAGES:
            render(app, qt_language, demo, language, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
