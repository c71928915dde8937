"""``cds-desktop``'s command line: ``[--data-dir FOLDER] [--lang vi|en] [--demo [commune|office]] [FILE …]``.

Read with ``getopt``: ``argparse``'s first parser loads ``locale`` for ``gettext`` (~3 ms at every start), and
nothing here is imported or read that a normal start does not need. The help and the errors are in the language
of ``--lang`` when given, else Vietnamese, from the ``app.args.*`` catalog entries; ``getopt``'s own messages
("option --x not recognized" …) are translated through its gettext hook (``app.getopt.*``, whose English is
getopt's exact message id), as ``cds`` does for argparse.

``--demo`` alone is the demonstration commune, ``--demo office`` (or ``--demo=office``) the demonstration
receiving office. ``FILE``s are opened once the data is: an office imports them (bundles, or folders of them),
a commune imports them as its office's receipts, or as plans (``.cdsplan``, after a question naming the plan).
"""

from __future__ import annotations

import getopt
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple, Sequence

from cds_desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog, translate

DEMO_KINDS = ("commune", "office")
_GETOPT_MESSAGES = "app.getopt."


class Arguments(NamedTuple):
    data_dir: str | None
    lang: str | None
    demo: str | None  # None, or one of DEMO_KINDS
    files: tuple[str, ...] = ()


def usage(language: str) -> str:
    choices = "{" + ",".join(LANGUAGES) + "}"
    return translate("app.args.usage", language, choices=choices, kinds="|".join(DEMO_KINDS))


def parse_args(argv: Sequence[str] | None) -> Arguments:
    """The command line; ``--help`` prints the usage and exits; a wrong one prints it and exits with 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    language = _language_asked(argv)
    try:
        argv, demo = _take_demo_kind(argv, language)
        with _getopt_speaking(language):
            options, rest = getopt.gnu_getopt(argv, "h", ["data-dir=", "lang=", "demo", "help"])
        given = dict(options)
        if given.get("--lang", LANGUAGES[0]) not in LANGUAGES:
            raise getopt.GetoptError(translate("app.args.bad_lang", language, choices=", ".join(LANGUAGES),
                                               value=given["--lang"]))
        for path in rest:
            if not Path(path).exists():
                raise getopt.GetoptError(translate("app.args.no_such_file", language, path=path))
    except getopt.GetoptError as exc:
        error = translate("app.args.error", language, problem=str(exc))
        print(f"{usage(language)}\ncds-desktop: {error}", file=sys.stderr)  # no console (pythonw): prints nothing
        raise SystemExit(2) from None
    if "-h" in given or "--help" in given:
        print(usage(language))
        raise SystemExit(0)
    demo = (demo or "commune") if "--demo" in given else None
    return Arguments(given.get("--data-dir"), given.get("--lang"), demo, tuple(rest))


def _language_asked(argv: list[str]) -> str:
    """The ``--lang`` of the command line when it names a language (for the help and the errors)."""
    for index, token in enumerate(argv):
        value = token.partition("=")[2] if token.startswith("--lang=") else (
            argv[index + 1] if token == "--lang" and index + 1 < len(argv) else None)
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


def _take_demo_kind(argv: list[str], language: str) -> tuple[list[str], str | None]:
    """``argv`` with ``--demo KIND`` and ``--demo=KIND`` turned into ``--demo``, and the kind named."""
    kept, kind, tokens = [], None, iter(enumerate(argv))
    for index, token in tokens:
        if token == "--":
            kept += argv[index:]
            break
        if token.startswith("--demo="):
            kind = token.partition("=")[2]
            if kind not in DEMO_KINDS:
                raise getopt.GetoptError(translate("app.args.bad_demo", language, kinds=", ".join(DEMO_KINDS),
                                                   value=kind))
            kept.append("--demo")
        elif token == "--demo" and index + 1 < len(argv) and argv[index + 1] in DEMO_KINDS:
            kind = argv[index + 1]
            kept.append(token)
            next(tokens)
        else:
            kept.append(token)
    return kept, kind


@contextmanager
def _getopt_speaking(language: str) -> Iterator[None]:
    """getopt's messages in ``language`` while the block runs (its module's gettext function swapped; the
    catalog is searched only when getopt has something to say)."""

    def gettext(message: str) -> str:
        for key, entry in catalog().items():
            if key.startswith(_GETOPT_MESSAGES) and entry["en"] == message:
                return entry[language]
        return message

    saved = getopt._  # type: ignore[attr-defined]
    getopt._ = gettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        getopt._ = saved  # type: ignore[attr-defined]
