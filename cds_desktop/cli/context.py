"""The command-line skeleton: global options, sign-in, translated argument errors, output, error handling.

argparse's own words ("usage:", "invalid choice", "the following arguments are required" …) pass through the
``_``/``ngettext`` functions of the ``argparse`` module; while ``main`` builds and runs the parser
(``argparse_speaking``) those answer from the ``cli.argparse.*`` catalog entries, whose English is argparse's
exact message id. Help texts are plain text (``HelpFormatter``): a ``%`` in a translation is printed as is.

``--user`` names who acts. When the installation has accounts, the CLI signs in as that user before the
first command touches the commune's store, with the password from ``CDS_PASSWORD`` (scripts) or a hidden
prompt; without accounts (single-operator mode) ``--user`` is only recorded in the history.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import cds_desktop
from cds_desktop.core.errors import CdsError, DataFileError, InputError
from cds_desktop.core.i18n import catalog, catalog_problems, set_language, translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.presentation import worded_params
from cds_desktop.core.services.accounts import Accounts
from cds_desktop.core.services.commune.service import CommuneService, open_commune_service
from cds_desktop.core.services.office.service import OfficeService, open_office_service
from cds_desktop.core.storage.peek import FolderKind, folder_kind


PASSWORD_ENV = "CDS_PASSWORD"
USABLE_FOLDERS = (FolderKind.NEW, FolderKind.COMMUNE, FolderKind.OFFICE)  # an office also keeps plans and backups


class UsageError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


ARGPARSE_MESSAGES = "cli.argparse."


@contextmanager
def argparse_speaking(language: str) -> Iterator[None]:
    """argparse's messages in ``language`` while the block runs (its module-level gettext functions swapped)."""
    words = {entry["en"]: entry[language] for key, entry in catalog().items() if key.startswith(ARGPARSE_MESSAGES)}
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        return words.get(message, message)

    def ngettext(singular: str, plural: str, count: int) -> str:
        return gettext(singular if count == 1 else plural)

    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class HelpFormatter(argparse.HelpFormatter):
    """Help texts are plain translated text: a ``%`` in them is a percent sign, not a ``%(name)s`` directive."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return action.help.replace("%", "%%") if action.help else action.help


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are raised (and then shown translated) instead of printed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)  # sub-parsers too: they are made with this class
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


@dataclass
class CliContext:
    args: argparse.Namespace
    out: Any = field(default_factory=lambda: sys.stdout)
    _commune: CommuneService | None = None
    _office: OfficeService | None = None
    sign_in_password: str | None = None  # the password the user signed in with (to change their own)

    @property
    def language(self) -> str:
        return self.args.lang

    @property
    def actor(self) -> str:
        return self.args.user

    def t(self, message_id: str, **params: Any) -> str:
        """A message in the chosen language; a period id or state among ``params`` reads in words, as in errors."""
        return translate(message_id, self.language, **worded_params(params, self.language))

    def _checked_folder(self) -> None:
        """Refuse, before anything is written there, a folder that is not a CDS one or is damaged, and for
        ``cds init …`` (``initialises``: the kind it makes) a folder of the other kind or with data."""
        from cds_desktop.core.services.setup import require_folder_kind, require_folder_to_initialise

        data_dir = DataDir.resolve(self.args.data_dir)
        initialises = getattr(self.args, "initialises", None)
        if initialises is not None:
            require_folder_to_initialise(data_dir, FolderKind(initialises))
        else:
            require_folder_kind(data_dir, *USABLE_FOLDERS)

    def commune(self) -> CommuneService:
        if self._commune is None:
            self._checked_folder()
            self._commune = open_commune_service(self.args.data_dir)
            self._sign_in(self._commune)
        return self._commune

    def installation(self) -> CommuneService | OfficeService:
        """The service of the data folder's kind: the office's for an office's folder, else the commune's (users
        and backups belong to either)."""
        if folder_kind(DataDir.resolve(self.args.data_dir).root) is FolderKind.OFFICE:
            return self.office()
        return self.commune()

    def _sign_in(self, service: CommuneService | OfficeService) -> None:
        accounts = Accounts(service)
        if not accounts.exist():
            return
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise InputError("users.password_needed", username=self.actor, variable=PASSWORD_ENV)
            password = getpass.getpass(self.t("users.prompt.password", username=self.actor))
        accounts.sign_in(self.actor, password)
        self.sign_in_password = password

    def office(self) -> OfficeService:
        if self._office is None:
            self._checked_folder()
            self._office = open_office_service(self.args.data_dir)
            self._sign_in(self._office)
        return self._office

    def emit(self, data: Any, lines: Callable[[], Sequence[str]] | None = None) -> None:
        """Print ``data`` as JSON with ``--json``, else the human-readable ``lines``."""
        if getattr(self.args, "json", False):
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str), file=self.out)
        elif lines is not None:
            for line in lines():
                print(line, file=self.out)

    def close(self) -> None:
        for service in (self._commune, self._office):
            if service is not None:
                service.close()


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some service accounts)
        return "unknown"


def build_parser(language: str) -> Parser:
    from cds_desktop.cli import account_commands, backup_commands, commune_commands, exchange_commands, report_commands
    from cds_desktop.cli import plan_template_commands

    parser = Parser(prog="cds", description=translate("cli.description", language))
    parser.add_argument("--data-dir", help=translate("cli.opt.data_dir", language))
    parser.add_argument("--lang", choices=["vi", "en"], default=os.environ.get("CDS_LANG", "vi"),
                        help=translate("cli.opt.lang", language))
    parser.add_argument("--user", default=_default_user(), help=translate("users.opt.user", language))
    parser.add_argument("--version", action="version", version=f"cds {cds_desktop.__version__}",
                        help=translate("cli.opt.version", language))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    init_kinds = commune_commands.register(commands, language)
    plan_template_commands.register(commands, language)
    exchange_commands.register(commands, language, init_kinds)
    report_commands.register(commands, language)
    backup_commands.register(commands, language)
    account_commands.register(commands, language)
    name_positionals(parser, language)
    return parser


POSITIONAL_NAMES = "cli.argname."


def name_positionals(parser: argparse.ArgumentParser, language: str) -> None:
    """Every positional argument's name in ``language`` (``cli.argname.<dest>``; a sub-command's, whatever its level,
    ``cli.argname.command``), for the usage lines and for argparse's errors, which name an argument by it
    ("thiếu tham số bắt buộc: KỲ, CHỈ_TIÊU") — never the Python name of its value."""
    for action in parser._actions:  # argparse keeps its arguments here; there is no public accessor
        if action.option_strings:
            continue
        is_command = isinstance(action, argparse._SubParsersAction)
        action.metavar = translate(POSITIONAL_NAMES + ("command" if is_command else action.dest), language)
        if is_command:
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser
                name_positionals(sub, language)


def _language_from_argv(argv: Sequence[str] | None = None) -> str:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv:
        index = argv.index("--lang")
        if index + 1 < len(argv) and argv[index + 1] in ("vi", "en"):
            return argv[index + 1]
    return os.environ.get("CDS_LANG", "vi") if os.environ.get("CDS_LANG") in ("vi", "en") else "vi"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    language = _language_from_argv(argv)
    set_language(language)
    damaged = catalog_problems()
    if damaged:  # messages would be missing: refuse to run rather than print message ids
        file, problem_id, params = damaged[0]
        error = DataFileError("catalog.damaged", **{**params, "file": file, "problem_id": problem_id})
        print(translate("cli.error_prefix", language) + error.message(language), file=sys.stderr)
        return error.exit_code
    try:
        with argparse_speaking(language):
            args = build_parser(language).parse_args(argv)
    except UsageError as exc:
        print(translate("cli.usage_error", language, detail=exc.detail), file=sys.stderr)
        return 2
    set_language(args.lang)
    context = CliContext(args)
    try:
        return int(args.handler(context) or 0)
    except CdsError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"error": exc.to_dict()}, ensure_ascii=False, indent=2), file=sys.stdout)
        print(translate("cli.error_prefix", args.lang) + exc.message(args.lang), file=sys.stderr)
        return exc.exit_code
    finally:
        context.close()
