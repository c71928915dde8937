"""Vietnamese for Qt's own strings (standard buttons, file dialog, message box details, context menus).

Qt ships no Vietnamese translation, so ``QtCatalogTranslator`` answers Qt's contexts (``QPlatformTheme``,
``QFileDialog`` …) from ``translations/qt_vi.yaml``. The application object owns the translator (it is
parented to the ``QApplication``) so that it is never garbage-collected while installed.

The file is hostile input, read like the message catalogs (``i18n.read_catalog_file``: ``yaml_strict`` within
``MAX_CATALOG_BYTES``), then its shape is checked. A file that cannot be read or is refused is left out whole, a
context that is not a mapping of English text to Vietnamese text is left out alone; what was left out is logged
and listed by ``qt_catalog_problems``, and Qt says those strings in English. The parsed catalog is cached like the
messages (``parsed_cache.py``), and a cached value of another shape is parsed again.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator

from cds_desktop.core.i18n import CatalogProblem, is_problem_list, read_catalog_file
from cds_desktop.core.parsed_cache import parsed_once
from cds_desktop.core.resources import translations_dir

QT_CATALOG_FILE = "qt_vi.yaml"
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _parsed_qt_catalog() -> dict[str, Any]:
    source = translations_dir() / QT_CATALOG_FILE
    parsed = parsed_once("qt-messages", source.parent, [source], lambda: parse_qt_catalog(source),
                         valid=_is_parsed_qt_catalog)
    for file, problem_id, params in parsed["problems"]:
        log.error("Qt translation %s left out (or part of it): %s %s", file, problem_id, params)
    return parsed


def qt_catalog() -> dict[str, dict[str, str]]:
    """{Qt context: {English source: Vietnamese}} (parsed once, see ``parsed_cache.py``)."""
    return _parsed_qt_catalog()["texts"]


def qt_catalog_problems() -> list[CatalogProblem]:
    """What of the Qt translation file was left out because it is damaged (normally nothing)."""
    return [CatalogProblem(*problem) for problem in _parsed_qt_catalog()["problems"]]


def parse_qt_catalog(source: Path) -> dict[str, Any]:
    """``{"texts": {context: {English: Vietnamese}}, "problems": [[file, problem_id, params], …]}`` from
    ``source`` (the module's docstring says what is left out)."""
    data, problem = read_catalog_file(source)
    if problem is not None:
        return {"texts": {}, "problems": [problem]}
    if not isinstance(data, dict):
        return {"texts": {}, "problems": [[source.name, "data_file.problem.not_qt_catalog", {}]]}
    problems: list[list] = []
    texts: dict[str, dict[str, str]] = {}
    for context, entries in data.items():
        if _is_context(context, entries):
            texts[context] = entries
        else:
            problems.append([source.name, "data_file.problem.qt_context_damaged", {"key": str(context)[:80]}])
    return {"texts": texts, "problems": problems}


def _is_context(context: Any, entries: Any) -> bool:
    """A Qt context's name with its {English: Vietnamese} texts (NFC already: ``yaml_strict`` normalizes)."""
    return (isinstance(context, str) and isinstance(entries, dict)
            and all(isinstance(english, str) and isinstance(vietnamese, str)
                    for english, vietnamese in entries.items()))


def _is_parsed_qt_catalog(value: Any) -> bool:
    """Whether a cached value has the shape ``parse_qt_catalog`` gives (the cache file is hostile input too)."""
    if not isinstance(value, dict) or not isinstance(value.get("texts"), dict):
        return False
    return (is_problem_list(value.get("problems"))
            and all(_is_context(context, entries) for context, entries in value["texts"].items()))


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
