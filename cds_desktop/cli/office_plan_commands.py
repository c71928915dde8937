"""``cds office plans …``: the plans the office writes and sends to its communes (``services/office/plans.py``).

``list`` the office's plans and the built-in ones; ``copy SOURCE NEW_ID`` a new draft copied from any plan;
``new-version PLAN`` the next version of one of the office's plans as a draft; ``import-draft FILE.yaml`` a plan
document (the YAML format of docs/plan-format.md) as the draft of its plan (replacing the draft there was: edit a
draft by ``export-draft``, changing the file, ``import-draft``); ``export-draft PLAN FILE.yaml`` a draft as YAML;
``publish PLAN --note TEXT`` sign the draft with the root key (passphrase as every office command: a prompt or
``--passphrase-file``); ``replace PLAN [--by OTHER]`` issue it again as replaced; ``export PLAN FOLDER
[--version N]`` write its ``.cdsplan`` file; ``accept`` / ``refuse PLAN`` the reports on a built-in plan. With
``--json`` each prints a JSON object. A plan's title (it may come from a YAML file) is printed through
``terminal.terminal_safe``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cds_desktop.cli.terminal import terminal_safe
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.document import plan_document, plan_yaml
from cds_desktop.core.plans.loader import read_plan_file


def register_office(office_cmds: argparse._SubParsersAction, lang: str, add) -> None:
    """Add ``plans`` and its sub-commands to the ``cds office`` sub-commands (``add`` adds positionals,
    ``--passphrase-file`` and ``--json`` as the other office commands do)."""

    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    plans = office_cmds.add_parser("plans", help=t("office_plans"))
    cmds = plans.add_subparsers(dest="office_plans_command", required=True, parser_class=type(plans))
    add(cmds.add_parser("list", help=t("office_plans_list"))).set_defaults(handler=list_cmd)
    add(cmds.add_parser("copy", help=t("office_plans_copy")), "source", "new_id").set_defaults(handler=copy_cmd)
    add(cmds.add_parser("new-version", help=t("office_plans_new_version")), "plan").set_defaults(
        handler=new_version_cmd)
    add(cmds.add_parser("import-draft", help=t("office_plans_import_draft")), "file").set_defaults(
        handler=import_draft_cmd)
    add(cmds.add_parser("export-draft", help=t("office_plans_export_draft")), "plan", "file").set_defaults(
        handler=export_draft_cmd)
    publish = add(cmds.add_parser("publish", help=t("office_plans_publish")), "plan", passphrase=True)
    publish.add_argument("--note", help=t("office_plans_note"))
    publish.set_defaults(handler=publish_cmd)
    replace = add(cmds.add_parser("replace", help=t("office_plans_replace")), "plan", passphrase=True)
    replace.add_argument("--by", help=t("office_plans_by"))
    replace.set_defaults(handler=replace_cmd)
    export = add(cmds.add_parser("export", help=t("office_plans_export")), "plan", "folder")
    export.add_argument("--version", type=int, help=t("office_plans_version"))
    export.set_defaults(handler=export_cmd)
    add(cmds.add_parser("accept", help=t("office_plans_accept")), "plan").set_defaults(handler=accept_cmd)
    add(cmds.add_parser("refuse", help=t("office_plans_refuse")), "plan").set_defaults(handler=refuse_cmd)


def _version_text(ctx, version: int | None) -> str:
    return ctx.t("cli.out.office_plans.version", version=version) if version is not None else "—"


def list_cmd(ctx) -> int:
    rows = ctx.office().office_plans()
    title = "title_en" if ctx.language == "en" else "title_vi"

    def lines() -> list[str]:
        return [ctx.t("cli.out.office_plans.row", plan=row.plan_id, title=terminal_safe(getattr(row, title)),
                      status=ctx.t(f"office_plans.status.{row.status}"),
                      published=_version_text(ctx, row.published_version),
                      draft=_version_text(ctx, row.draft_version),
                      accepted=ctx.t("office_plans.accepted" if row.accepted else "office_plans.refused"))
                for row in rows] or [ctx.t("cli.out.office_plans.none")]

    ctx.emit([row.__dict__ for row in rows], lines)
    return 0


def _draft_started(ctx, document: dict) -> int:
    identity = document["plan"]
    ctx.emit({"plan": identity["id"], "draft_version": identity["plan_version"]},
             lambda: [ctx.t("cli.out.office_plans.draft_started", plan=identity["id"],
                            version=identity["plan_version"])])
    return 0


def copy_cmd(ctx) -> int:
    return _draft_started(ctx, ctx.office().start_plan_draft(ctx.args.source, ctx.args.new_id))


def new_version_cmd(ctx) -> int:
    return _draft_started(ctx, ctx.office().start_plan_draft(ctx.args.plan))


def import_draft_cmd(ctx) -> int:
    plan, _text = read_plan_file(Path(ctx.args.file))
    office = ctx.office()
    office.save_plan_draft(plan_document(plan))
    return _draft_started(ctx, office.plan_draft(plan.id))


def export_draft_cmd(ctx) -> int:
    document = ctx.office().plan_draft(ctx.args.plan)
    write_atomic(Path(ctx.args.file), plan_yaml(document).encode("utf-8"))
    ctx.emit({"plan": ctx.args.plan, "file": str(ctx.args.file)},
             lambda: [ctx.t("cli.out.office_plans.draft_written", plan=ctx.args.plan, file=str(ctx.args.file))])
    return 0


def _issued(ctx, row, message_id: str) -> int:
    ctx.emit({"plan": row.plan_id, "plan_version": row.plan_version, "status": row.status,
              "replaced_by": row.replaced_by, "issued_at": row.issued_at.isoformat(), "file_name": row.file_name},
             lambda: [ctx.t(message_id, plan=row.plan_id, version=row.plan_version, by=row.replaced_by or "")])
    return 0


def publish_cmd(ctx) -> int:
    from cds_desktop.cli.exchange_commands import passphrase

    office = ctx.office()
    secret = passphrase(ctx, ctx.args.passphrase_file)
    return _issued(ctx, office.publish_plan(ctx.args.plan, ctx.args.note, secret, ctx.actor),
                   "cli.out.office_plans.published")


def replace_cmd(ctx) -> int:
    from cds_desktop.cli.exchange_commands import passphrase

    office = ctx.office()
    secret = passphrase(ctx, ctx.args.passphrase_file)
    row = office.mark_plan_replaced(ctx.args.plan, ctx.args.by, secret, ctx.actor)
    return _issued(ctx, row, "cli.out.office_plans.replaced_by" if row.replaced_by else "cli.out.office_plans.replaced")


def export_cmd(ctx) -> int:
    path = ctx.office().export_plan_file(ctx.args.plan, Path(ctx.args.folder), ctx.args.version)
    ctx.emit({"file": str(path)}, lambda: [ctx.t("cli.out.office_plans.file_written", file=str(path))])
    return 0


def _accepted(ctx, accepted: bool) -> int:
    ctx.office().set_builtin_plan_accepted(ctx.args.plan, accepted)
    message_id = "cli.out.office_plans.builtin_accepted" if accepted else "cli.out.office_plans.builtin_refused"
    ctx.emit({"plan": ctx.args.plan, "accepted": accepted}, lambda: [ctx.t(message_id, plan=ctx.args.plan)])
    return 0


def accept_cmd(ctx) -> int:
    return _accepted(ctx, True)


def refuse_cmd(ctx) -> int:
    return _accepted(ctx, False)
