"""Message catalogs for every user-visible string the core produces (errors, problems, labels).

Catalogs are YAML files in ``translations/messages/``; each key maps to ``{vi: ..., en: ...}`` templates
with ``{name}`` placeholders. Vietnamese is the default language. Each area owns its own file
(``core.yaml``, ``bundle.yaml``, ``reports.yaml``, ``ui.yaml`` …); keys must be unique across files.

The catalog is loaded lazily, once, on first use — from the parsed cache (``parsed_cache.py``) while the
files are unchanged, so that a start needs neither PyYAML nor parsing; ``set_language`` changes the
process-wide default.
"""

from __future__ import annotations

import string
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from cds_desktop.core.parsed_cache import parsed_once
from cds_desktop.core.resources import translations_dir

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_current_language = DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Make ``language`` ("vi" or "en") the default for messages."""
    global _current_language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _current_language = language


def current_language() -> str:
    return _current_language


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All message templates, keyed by message id. Raises on a duplicate key or a missing language."""
    folder = translations_dir() / "messages"
    sources = sorted(folder.glob("*.yaml"))
    return parsed_once("messages", folder, sources, lambda: parse_catalogs(sources))


def parse_catalogs(sources: list[Path]) -> dict[str, dict[str, str]]:
    """The catalog files merged and checked (see ``catalog``)."""
    from cds_desktop.core.yaml_strict import load_strict

    merged: dict[str, dict[str, str]] = {}
    for path in sources:
        data = load_strict(path.read_text(encoding="utf-8")) or {}
        for key, entry in data.items():
            if key in merged:
                raise RuntimeError(f"message id {key!r} defined twice (second time in {path.name})")
            if not isinstance(entry, dict) or any(lang not in entry for lang in LANGUAGES):
                raise RuntimeError(f"message id {key!r} in {path.name} lacks a language")
            merged[key] = {lang: unicodedata.normalize("NFC", str(entry[lang])) for lang in LANGUAGES}
    return merged


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def translate(message_id: str, language: str | None = None, **params: Any) -> str:
    """The message ``message_id`` in ``language`` with ``params`` filled in.

    An unknown id is a programming error and raises ``KeyError`` so that tests catch it.
    """
    entry = catalog()[message_id]
    template = entry[language or _current_language]
    return string.Formatter().vformat(template, (), _Lenient(params))
