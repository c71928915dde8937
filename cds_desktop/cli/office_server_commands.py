"""``cds office move-to-server`` and ``cds office server check|connect|upgrade|restore``: a shared office's server
(``services/office/server_move.py``, ``storage/server.py``).

Each takes where the database is: ``--host``, ``--port``, ``--database``, ``--user`` (the database user; the global
``--user`` before the command still names who acts) and ``--tls`` (libpq's sslmode). ``move-to-server`` moves the
office of ``--data-dir`` into an empty database (``--user`` its owner; ``--staff-user ROLE``: granted the tables and
written into ``office-server.json`` for the staff PCs); ``server check`` says what is there; ``server connect
FOLDER`` points a staff PC's data folder at an existing shared office; ``server upgrade`` migrates it as its owner
(and grants ``--staff-user``); ``server restore BACKUP`` restores an office's backup into an empty database.

The password is never an option: PostgreSQL's password file (``PGPASSFILE`` or ``~/.pgpass``) when there is one,
else ``--password-file FILE`` (its first line), else a hidden prompt on a terminal. With ``--json`` each prints a
JSON object.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from cds_desktop.core.i18n import translate
from cds_desktop.core.paths import DataDir
from cds_desktop.core.services.office.server_move import (
    FilledDatabase,
    connect_folder_to_server,
    move_office_to_server,
    restore_backup_to_server,
    upgrade_server,
)
from cds_desktop.core.storage.server import DEFAULT_PORT, TLS_MODES, ServerCheck, ServerSettings, check_server


def register_office(office_cmds: argparse._SubParsersAction, lang: str) -> None:
    """Add ``move-to-server`` and ``server …`` to the ``cds office`` sub-commands."""

    def t(key: str) -> str:
        return translate(f"cli.help.office_server.{key}", lang)

    def add(parser: argparse.ArgumentParser, *positionals: str, staff: bool = False) -> argparse.ArgumentParser:
        for name in positionals:
            parser.add_argument(name, type=Path)
        parser.add_argument("--host", required=True, help=t("host"))
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("port"))
        parser.add_argument("--database", required=True, help=t("database"))
        parser.add_argument("--user", dest="server_user", metavar="USER", required=True, help=t("user"))
        parser.add_argument("--tls", choices=TLS_MODES, default="prefer", help=t("tls"))
        parser.add_argument("--password-file", type=Path, help=t("password_file"))
        if staff:
            parser.add_argument("--staff-user", help=t("staff_user"))
        parser.add_argument("--json", action="store_true")
        return parser

    add(office_cmds.add_parser("move-to-server", help=t("move")), staff=True).set_defaults(handler=move_cmd)
    server = office_cmds.add_parser("server", help=t("server"))
    cmds = server.add_subparsers(dest="office_server_command", required=True, parser_class=type(server))
    add(cmds.add_parser("check", help=t("check"))).set_defaults(handler=check_cmd)
    add(cmds.add_parser("connect", help=t("connect")), "folder").set_defaults(handler=connect_cmd)
    add(cmds.add_parser("upgrade", help=t("upgrade")), staff=True).set_defaults(handler=upgrade_cmd)
    add(cmds.add_parser("restore", help=t("restore")), "backup_folder", staff=True).set_defaults(handler=restore_cmd)


def _settings(ctx) -> ServerSettings:
    a = ctx.args
    return ServerSettings(host=a.host, database=a.database, user=a.server_user, port=a.port, tls=a.tls)


def _has_password_file() -> bool:
    """Whether libpq will find a password file of its own (``PGPASSFILE``, else the user's default one)."""
    if os.environ.get("PGPASSFILE"):
        return True
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", ""), "postgresql", "pgpass.conf").is_file()
    return Path("~/.pgpass").expanduser().is_file()


def server_password(ctx, settings: ServerSettings) -> str | None:
    """The password of ``settings.user``: None when PostgreSQL's password file (or no password at all) decides;
    from ``--password-file`` (first line), else asked on a terminal."""
    from cds_desktop.cli.exchange_commands import passphrase  # the passphrase-file convention of every command

    if ctx.args.password_file is not None:
        return passphrase(ctx, ctx.args.password_file)
    if _has_password_file() or not sys.stdin.isatty():
        return None
    return getpass.getpass(ctx.t("cli.prompt.office_server.password", user=settings.describe())) or None


def _check_data(check: ServerCheck) -> dict:
    return {"server_version": check.version_text, "revision": check.revision, "may_migrate": check.may_migrate}


def _check_lines(ctx, settings: ServerSettings, check: ServerCheck) -> list[str]:
    revision = check.revision or ctx.t("cli.out.office_server.empty")
    return [ctx.t("cli.out.office_server.check", database=settings.describe(), version=check.version_text,
                  revision=revision),
            ctx.t("cli.out.office_server.may_migrate" if check.may_migrate else "cli.out.office_server.staff_only")]


def _filled_data(filled: FilledDatabase) -> dict:
    return {"rows": filled.rows, "keys": filled.files.keys, "evidence": filled.files.evidence,
            "missing_evidence": list(filled.files.missing_evidence)}


def _filled_lines(ctx, filled: FilledDatabase) -> list[str]:
    lines = [ctx.t("cli.out.office_server.filled", rows=sum(filled.rows.values()), tables=len(filled.rows),
                   keys=filled.files.keys, evidence=filled.files.evidence)]
    lines += [ctx.t("cli.out.office_server.missing_evidence", sha256=sha256)
              for sha256 in filled.files.missing_evidence]
    return lines


def check_cmd(ctx) -> int:
    settings = _settings(ctx)
    check = check_server(settings, server_password(ctx, settings))
    ctx.emit(_check_data(check), lambda: _check_lines(ctx, settings, check))
    return 0


def connect_cmd(ctx) -> int:
    settings = _settings(ctx)
    folder = ctx.args.folder.expanduser().resolve()
    check = connect_folder_to_server(folder, settings, server_password(ctx, settings))
    ctx.emit({"folder": str(folder), **_check_data(check)},
             lambda: [*_check_lines(ctx, settings, check),
                      ctx.t("cli.out.office_server.connected", folder=str(folder))])
    return 0


def upgrade_cmd(ctx) -> int:
    settings = _settings(ctx)
    check = upgrade_server(settings, server_password(ctx, settings), ctx.args.staff_user)
    ctx.emit(_check_data(check), lambda: _check_lines(ctx, settings, check))
    return 0


def move_cmd(ctx) -> int:
    settings = _settings(ctx)
    data_dir = DataDir.resolve(ctx.args.data_dir)
    filled = move_office_to_server(data_dir, settings, server_password(ctx, settings), ctx.args.staff_user)
    ctx.emit({"folder": str(data_dir.root), **_filled_data(filled)},
             lambda: [*_filled_lines(ctx, filled),
                      ctx.t("cli.out.office_server.moved", folder=str(data_dir.root), database=settings.describe())])
    return 0


def restore_cmd(ctx) -> int:
    settings = _settings(ctx)
    filled = restore_backup_to_server(ctx.args.backup_folder, settings, server_password(ctx, settings),
                                      ctx.args.staff_user)
    ctx.emit(_filled_data(filled), lambda: [*_filled_lines(ctx, filled),
                                            ctx.t("cli.out.office_server.restored", database=settings.describe())])
    return 0
