"""Message catalogs for every user-visible string the core produces (errors, problems, labels).

Catalogs are YAML files in ``translations/messages/``; each key maps to ``{vi: ..., en: ...}`` templates
with ``{name}`` placeholders; English nouns that follow a number take ``{count:plural problem|problems}`` (the first
word when the number is 1, else the second; Vietnamese nouns do not change). Vietnamese is the default language.
Each area owns its own file (``core.yaml``, ``bundle.yaml``, ``reports.yaml``, ``ui.yaml`` …); keys must be
unique across files.

The catalog is loaded lazily, once, on first use — from the parsed cache (``parsed_cache.py``) while the
files are unchanged, so that a start needs neither PyYAML nor parsing; ``set_language`` changes the
process-wide default. The files are read as hostile input (``yaml_strict``): a damaged file or entry is left
out and listed by ``catalog_problems`` (the CLI refuses to run with a damaged catalog, the desktop logs it).
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

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


MAX_CATALOG_BYTES = 1 << 20  # 1 MiB per catalog file; the largest is ~30 KB


class CatalogProblem(NamedTuple):
    """A catalog file, or one entry of it, left out: ``problem_id`` is a ``data_file.problem.*`` message."""

    file: str
    problem_id: str
    params: dict[str, Any]


@lru_cache(maxsize=1)
def _catalogs() -> dict[str, Any]:
    folder = translations_dir() / "messages"
    sources = sorted(folder.glob("*.yaml"))
    return parsed_once("messages", folder, sources, lambda: parse_catalogs(sources), valid=_is_parsed_catalog)


def catalog() -> dict[str, dict[str, str]]:
    """All message templates, keyed by message id (what ``catalog_problems`` lists is left out)."""
    return _catalogs()["messages"]


def catalog_problems() -> list[CatalogProblem]:
    """The catalog files and entries that were left out because they are damaged (normally none)."""
    return [CatalogProblem(*problem) for problem in _catalogs()["problems"]]


def parse_catalogs(sources: list[Path]) -> dict[str, Any]:
    """``{"messages": {id: {vi, en}}, "problems": [[file, problem_id, params], …]}`` from the catalog files.

    Each file is hostile input (``yaml_strict``): a file that cannot be read or is not a mapping is left out
    whole; an entry without both languages as text, or whose id another file already defined, is left out alone.
    """
    messages: dict[str, dict[str, str]] = {}
    problems: list[list] = []
    for path in sources:
        data, problem = read_catalog_file(path)
        if problem is not None:
            problems.append(problem)
            continue
        if not isinstance(data, dict):
            problems.append([path.name, "data_file.problem.not_catalog", {}])
            continue
        for key, entry in data.items():
            if key in messages:
                problems.append([path.name, "data_file.problem.message_twice", {"key": str(key)}])
            elif not (isinstance(key, str) and isinstance(entry, dict)
                      and all(isinstance(entry.get(language), str) for language in LANGUAGES)):
                problems.append([path.name, "data_file.problem.message_incomplete", {"key": str(key)}])
            else:
                messages[key] = {language: entry[language] for language in LANGUAGES}
    return {"messages": messages, "problems": problems}


def read_catalog_file(path: Path) -> tuple[Any, list | None]:
    """``(data, None)`` from a catalog file read as hostile input (``yaml_strict``, at most ``MAX_CATALOG_BYTES``),
    or ``(None, [file, problem_id, params])`` saying why it is left out. Also reads Qt's translation file."""
    from cds_desktop.core.yaml_strict import YamlRefused, load_strict, os_problem_id, read_data_file

    try:
        return load_strict(read_data_file(path, MAX_CATALOG_BYTES)), None
    except OSError as exc:
        return None, [path.name, os_problem_id(exc), {}]
    except YamlRefused as refusal:
        return None, [path.name, refusal.problem_id, {"line": refusal.line, **refusal.params}]


def is_problem_list(value: Any) -> bool:
    """Whether a cached list of problems has the shape ``[[file, problem_id, params], …]``."""
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 3 and isinstance(p[1], str) and isinstance(p[2], dict) for p in value)


def _is_parsed_catalog(value: Any) -> bool:
    """Whether a cached value has the shape ``parse_catalogs`` gives (the cache file is hostile input too)."""
    if not isinstance(value, dict) or not isinstance(value.get("messages"), dict):
        return False
    return (is_problem_list(value.get("problems"))
            and all(isinstance(entry, dict) and all(isinstance(entry.get(language), str) for language in LANGUAGES)
                    for entry in value["messages"].values()))


_PLURAL = "plural "


class _MessageFormatter(string.Formatter):
    """``str.format`` with one more format spec: ``{count:plural item|items}`` — ``item`` when ``count`` is 1,
    else ``items``."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith(_PLURAL):
            one, _, other = format_spec[len(_PLURAL):].partition("|")
            return one if str(value).strip() == "1" else other
        return super().format_field(value, format_spec)


_FORMATTER = _MessageFormatter()


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def translate(message_id: str, language: str | None = None, /, **params: Any) -> str:
    """The message ``message_id`` in ``language`` with ``params`` filled in.

    ``message_id`` and ``language`` are positional, so that a message may have parameters of those names.
    An unknown id is a programming error and raises ``KeyError`` so that tests catch it — unless a damaged
    catalog file was left out (``catalog_problems``): then the id and its params stand in for the message.
    """
    language = language or _current_language
    entry = catalog().get(message_id)
    if entry is None:
        if not catalog_problems():
            raise KeyError(message_id)
        return message_id + "".join(f" {name}={value}" for name, value in params.items())
    return _FORMATTER.vformat(entry[language], (), _Lenient(params))
