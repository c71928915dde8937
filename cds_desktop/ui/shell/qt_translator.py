"""Vietnamese for Qt's own strings (standard buttons, file dialog, message box details, context menus).

Qt ships no Vietnamese translation, so ``QtCatalogTranslator`` answers Qt's contexts (``QPlatformTheme``,
``QFileDialog`` …) from ``translations/qt_vi.yaml``. The application object owns the translator (it is
parented to the ``QApplication``) so that it is never garbage-collected while installed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator

from cds_desktop.core.parsed_cache import parsed_once
from cds_desktop.core.resources import translations_dir
from cds_desktop.core.text import nfc

QT_CATALOG_FILE = "qt_vi.yaml"


@lru_cache(maxsize=1)
def qt_catalog() -> dict[str, dict[str, str]]:
    """{Qt context: {English source: Vietnamese}} (parsed once, see ``parsed_cache.py``)."""
    source = translations_dir() / QT_CATALOG_FILE
    return parsed_once("qt-messages", source.parent, [source], lambda: _parse_qt_catalog(source))


def _parse_qt_catalog(source: Path) -> dict[str, dict[str, str]]:
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    return {context: {source: nfc(text) for source, text in texts.items()} for context, texts in data.items()}


class QtCatalogTranslator(QTranslator):
    """Answers Qt's own contexts in Vietnamese; returns nothing (Qt's English) for anything else."""

    def translate(self, context: str, source_text: str, disambiguation: Optional[str] = None,
                  n: int = -1) -> str | None:
        # None, not "": PySide passes "" on as a real (empty) translation, which strips "Ctrl+" from shortcuts
        return qt_catalog().get(context, {}).get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


class QtLanguage(QObject):
    """Switches Qt's own strings and number/date locale between Vietnamese and English."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._translator = QtCatalogTranslator(self)

    def apply(self, language: str) -> None:
        self._app.removeTranslator(self._translator)
        if language == "vi":
            self._app.installTranslator(self._translator)
            QLocale.setDefault(QLocale("vi_VN"))  # by name: QLocale's enums take milliseconds to load
        else:
            QLocale.setDefault(QLocale("en_GB"))
