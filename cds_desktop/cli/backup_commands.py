"""Backup and data-folder commands: ``backup create|check|restore`` and ``data-folder show|move|use``, on a
commune's or a receiving office's data folder (``CliContext.installation``: the service of the folder's kind)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import format_number
from cds_desktop.core.paths import DataDir, remembered_data_dir
from cds_desktop.core.services.backup import BackupInfo, backup, inspect_backup, move_data_dir, restore, switch_data_dir
from cds_desktop.core.services.roles import Permission


def register(commands: argparse._SubParsersAction, language: str) -> None:
    def t(key: str) -> str:
        return translate(f"cli.help.{key}", language)

    group = commands.add_parser("backup", help=t("backup"))
    backup_cmds = group.add_subparsers(dest="backup_command", required=True, parser_class=type(group))
    for name, argument, handler in (("create", "destination", backup_create_cmd), ("check", "folder", backup_check_cmd),
                                    ("restore", "folder", backup_restore_cmd)):
        command = backup_cmds.add_parser(name, help=t(f"backup_{name}"))
        command.add_argument(argument, type=Path, help=t(f"backup_{argument}"))
        command.add_argument("--json", action="store_true")
        command.set_defaults(handler=handler)

    folder = commands.add_parser("data-folder", help=t("data_folder"))
    folder_cmds = folder.add_subparsers(dest="data_folder_command", required=True, parser_class=type(folder))
    show = folder_cmds.add_parser("show", help=t("data_folder_show"))
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=data_folder_show_cmd)
    for name, handler in (("move", data_folder_move_cmd), ("use", data_folder_use_cmd)):
        command = folder_cmds.add_parser(name, help=t(f"data_folder_{name}"))
        command.add_argument("folder", type=Path)
        command.add_argument("--json", action="store_true")
        command.set_defaults(handler=handler)


def _megabytes(size: int, language: str) -> str:
    return format_number(Decimal(size) / (1024 * 1024), language, places=1)


def _describe(ctx, info: BackupInfo) -> list[str]:
    owner = info.installation
    return [
        ctx.t("cli.out.backup_folder", folder=str(info.folder)),
        ctx.t("cli.out.backup_contents", name=owner.name, code=owner.code,
              created=f"{info.created_at:%d/%m/%Y %H:%M}", files=len(info.files), evidence=info.evidence_count,
              size=_megabytes(info.size, ctx.language)),
        *([ctx.t("cli.out.backup_missing_evidence", count=len(info.missing_evidence))] if info.missing_evidence else []),
    ]


def backup_create_cmd(ctx) -> int:
    info = backup(ctx.installation(), ctx.args.destination)
    ctx.emit(info.to_dict(), lambda: [ctx.t("cli.out.backup_done"), *_describe(ctx, info)])
    return 0


def backup_check_cmd(ctx) -> int:
    info = inspect_backup(ctx.args.folder)
    ctx.emit(info.to_dict(), lambda: [ctx.t("cli.out.backup_checked"), *_describe(ctx, info)])
    return 0


def backup_restore_cmd(ctx) -> int:
    service = ctx.installation()
    service.authorize(Permission.MANAGE)
    data_dir = service.data_dir
    service.close()  # a restore replaces the database: nothing may hold it open
    info = restore(data_dir, ctx.args.folder)
    ctx.emit({**info.to_dict(), "data_dir": str(data_dir.root), "kept_in": str(data_dir.backups)},
             lambda: [ctx.t("cli.out.backup_restored", folder=str(data_dir.root), kept=str(data_dir.backups)),
                      *_describe(ctx, info)])
    return 0


def data_folder_show_cmd(ctx) -> int:
    root = DataDir.resolve(ctx.args.data_dir).root
    remembered = remembered_data_dir()
    ctx.emit({"data_dir": str(root), "remembered": str(remembered) if remembered else None},
             lambda: [ctx.t("cli.out.data_folder", folder=str(root))])
    return 0


def data_folder_move_cmd(ctx) -> int:
    service = ctx.installation()
    old = service.data_dir.root
    moved = move_data_dir(service, ctx.args.folder)
    ctx.emit({"data_dir": str(moved.root), "old_data_dir": str(old)},
             lambda: [ctx.t("cli.out.data_folder_moved", folder=str(moved.root), old=str(old))])
    return 0


def data_folder_use_cmd(ctx) -> int:
    chosen = switch_data_dir(ctx.installation(), ctx.args.folder)
    ctx.emit({"data_dir": str(chosen.root)}, lambda: [ctx.t("cli.out.data_folder_switched", folder=str(chosen.root))])
    return 0
