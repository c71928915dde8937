"""``cds plans export-excel | export-yaml | check-excel | templates | export-template``: plans as the workbook a
clerk fills in (``core/plans/excel_template.py``) and as YAML (``core/plans/document.py``), and the shipped plan
templates (``core/plans/templates.py``).

``check-excel`` lists every bad cell (exit 1) or says the workbook is valid with the plan's summary; with ``--json``
each problem is an object (sheet, row, column, header, message in both languages).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cds_desktop.core.errors import InputError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.document import plan_yaml
from cds_desktop.core.plans.excel_layout import PlanWorkbookError
from cds_desktop.core.plans.excel_template import read_plan_workbook, write_plan_workbook
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.plans.templates import plan_template, plan_templates

TEMPLATE_SUFFIXES = (".xlsx", ".yaml", ".yml")


def register(commands: argparse._SubParsersAction, lang: str) -> None:
    """Add these commands to ``cds plans`` (made by ``commune_commands``)."""
    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    plans = commands.choices["plans"]
    plan_cmds = next(action for action in plans._actions  # argparse has no public accessor for its sub-parsers
                     if isinstance(action, argparse._SubParsersAction))
    for name, handler in (("export-excel", export_excel_cmd), ("export-yaml", export_yaml_cmd)):
        command = plan_cmds.add_parser(name, help=t(f"plans_{name.replace('-', '_')}"))
        command.add_argument("plan")
        command.add_argument("file", type=Path)
        command.add_argument("--json", action="store_true")
        command.set_defaults(handler=handler)
    check = plan_cmds.add_parser("check-excel", help=t("plans_check_excel"))
    check.add_argument("file", type=Path)
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=check_excel_cmd)
    listing = plan_cmds.add_parser("templates", help=t("plans_templates"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=templates_cmd)
    export = plan_cmds.add_parser("export-template", help=t("plans_export_template"))
    export.add_argument("template")
    export.add_argument("file", type=Path)
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=export_template_cmd)


def _written(ctx, plan: Plan, file: Path) -> int:
    ctx.emit({"plan": plan.id, "version": plan.plan.plan_version, "file": str(file)},
             lambda: [ctx.t("cli.out.plan_file_written", plan=plan.id, version=plan.plan.plan_version,
                            file=str(file))])
    return 0


def export_excel_cmd(ctx) -> int:
    plan = ctx.installation().catalog.get(ctx.args.plan)
    write_plan_workbook(plan, ctx.args.file)
    return _written(ctx, plan, ctx.args.file)


def export_yaml_cmd(ctx) -> int:
    plan = ctx.installation().catalog.get(ctx.args.plan)
    write_atomic(ctx.args.file, plan_yaml(plan).encode("utf-8"))
    return _written(ctx, plan, ctx.args.file)


def check_excel_cmd(ctx) -> int:
    try:
        plan = Plan.model_validate(read_plan_workbook(ctx.args.file))
    except PlanWorkbookError as refused:
        lines = refused.message(ctx.language).splitlines()
        ctx.emit({"valid": False, **refused.to_dict()}, lambda: lines)
        return 1
    summary = {"valid": True, "plan": plan.id, "version": plan.plan.plan_version,
               "title": plan.plan.title.get(ctx.language), "groups": len(plan.groups),
               "indicators": sum(1 for _ in plan.indicators()), "tasks": sum(1 for _ in plan.all_tasks()),
               "periods": len(plan.schedule.periods)}
    ctx.emit(summary, lambda: [ctx.t("cli.out.plan_workbook_valid", file=ctx.args.file.name, **summary)])
    return 0


def templates_cmd(ctx) -> int:
    data = [{"id": template.id, "title": template.title.get(ctx.language), "plan": template.plan.id}
            for template in plan_templates()]
    ctx.emit(data, lambda: [f"{item['id']:<20} {item['title']}" for item in data])
    return 0


def export_template_cmd(ctx) -> int:
    file: Path = ctx.args.file
    if file.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise InputError("plan.template_suffix", file=file.name, suffixes=", ".join(TEMPLATE_SUFFIXES))
    template = plan_template(ctx.args.template)
    if file.suffix.lower() == ".xlsx":
        write_plan_workbook(template.plan, file)
    else:
        write_atomic(file, plan_yaml(template.plan).encode("utf-8"))
    return _written(ctx, template.plan, file)
