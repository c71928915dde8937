"""Commune commands: init, plans, periods, entry, task, evidence, validate, status, history, submit, send-back.

Periods, states and statuses read in words (``core/presentation.py``); ``--json`` gives their codes."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from cds_desktop.cli.terminal import terminal_safe
from cds_desktop.core.domain import IndicatorEntry
from cds_desktop.core.errors import InputError
from cds_desktop.core.formatting import describe_deadline, describe_targets
from cds_desktop.core.i18n import translate
from cds_desktop.core.numbers import canonical, format_number, format_percent, to_canonical
from cds_desktop.core.plans.model import Level, Plan
from cds_desktop.core.presentation import field_name, period_name, state_name, stored_value_text, target_status_name
from cds_desktop.core.services.commune.service import PeriodStatus
from cds_desktop.core.validation import indicator_result

_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")


def cli_number(text: str) -> str:
    """Command-line numbers are canonical (``75.5``); a lone decimal comma (``75,5``) is accepted too. A number
    is stored canonical (``0812`` → ``812``); other text is passed on as typed, for validation to name the problem."""
    text = text.strip()
    return to_canonical(text.replace(",", ".") if _COMMA_DECIMAL.match(text) else text, None) or text


def register(commands: argparse._SubParsersAction, lang: str) -> argparse._SubParsersAction:
    """Add the commune commands; returns the ``init`` sub-commands so other groups can add theirs."""
    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    init = commands.add_parser("init", help=t("init"))
    init_kinds = init.add_subparsers(dest="init_kind", required=True, parser_class=type(init))
    commune = init_kinds.add_parser("commune", help=t("init_commune"))
    commune.add_argument("--province", required=True, help=t("province"))
    commune.add_argument("--commune", required=True, help=t("commune"))
    commune.add_argument("--name", required=True, help=t("name"))
    commune.add_argument("--kind", default="xa", choices=["xa", "phuong", "dac_khu"], help=t("kind"))
    commune.add_argument("--office-code", help=t("office_code"))
    commune.add_argument("--office-name", help=t("office_name"))
    commune.add_argument("--office-level", choices=["province", "district"], help=t("office_level"))
    commune.add_argument("--json", action="store_true")
    commune.set_defaults(handler=init_commune, initialises="commune")

    plans = commands.add_parser("plans", help=t("plans"))
    plan_cmds = plans.add_subparsers(dest="plans_command", required=True, parser_class=type(plans))
    plans_list = plan_cmds.add_parser("list", help=t("plans_list"))
    plans_list.add_argument("--json", action="store_true")
    plans_list.set_defaults(handler=plans_list_cmd)
    plans_show = plan_cmds.add_parser("show", help=t("plans_show"))
    plans_show.add_argument("plan")
    plans_show.add_argument("--json", action="store_true")
    plans_show.set_defaults(handler=plans_show_cmd)
    plans_import = plan_cmds.add_parser("import", help=t("plans_import"))
    plans_import.add_argument("file", type=Path)
    plans_import.add_argument("--json", action="store_true")
    plans_import.set_defaults(handler=plans_import_cmd)

    periods = commands.add_parser("periods", help=t("periods"))
    periods.add_argument("plan")
    periods.add_argument("--json", action="store_true")
    periods.set_defaults(handler=periods_cmd)

    entry = commands.add_parser("entry", help=t("entry"))
    entry_cmds = entry.add_subparsers(dest="entry_command", required=True, parser_class=type(entry))
    entry_set = entry_cmds.add_parser("set", help=t("entry_set"))
    for name in ("plan", "period", "indicator"):
        entry_set.add_argument(name)
    entry_set.add_argument("--numerator", type=cli_number, help=t("numerator"))
    entry_set.add_argument("--denominator", type=cli_number, help=t("denominator"))
    entry_set.add_argument("--value", type=cli_number, help=t("value"))
    entry_set.add_argument("--note", help=t("note"))
    entry_set.add_argument("--source", help=t("source"))
    entry_set.add_argument("--json", action="store_true")
    entry_set.set_defaults(handler=entry_set_cmd)

    task = commands.add_parser("task", help=t("task"))
    task_cmds = task.add_subparsers(dest="task_command", required=True, parser_class=type(task))
    task_set = task_cmds.add_parser("set", help=t("task_set"))
    for name in ("plan", "period", "task"):
        task_set.add_argument(name)
    task_set.add_argument("--status", choices=["not_started", "in_progress", "done"], help=t("status_opt"))
    task_set.add_argument("--progress", help=t("progress"))
    task_set.add_argument("--completed", help=t("completed"))
    task_set.add_argument("--result", help=t("result"))
    task_set.add_argument("--difficulties", help=t("difficulties"))
    task_set.add_argument("--proposals", help=t("proposals"))
    task_set.add_argument("--json", action="store_true")
    task_set.set_defaults(handler=task_set_cmd)

    evidence = commands.add_parser("evidence", help=t("evidence"))
    evidence_cmds = evidence.add_subparsers(dest="evidence_command", required=True, parser_class=type(evidence))
    evidence_add = evidence_cmds.add_parser("add", help=t("evidence_add"))
    for name in ("plan", "period", "item"):
        evidence_add.add_argument(name)
    evidence_add.add_argument("file", type=Path)
    evidence_add.add_argument("--json", action="store_true")
    evidence_add.set_defaults(handler=evidence_add_cmd)
    evidence_list = evidence_cmds.add_parser("list", help=t("evidence_list"))
    evidence_list.add_argument("plan")
    evidence_list.add_argument("period")
    evidence_list.add_argument("--json", action="store_true")
    evidence_list.set_defaults(handler=evidence_list_cmd)

    for name, handler in (("validate", validate_cmd), ("status", status_cmd), ("history", history_cmd),
                          ("submit", submit_cmd), ("send-back", send_back_cmd)):
        command = commands.add_parser(name, help=t(name.replace("-", "_")))
        command.add_argument("plan")
        command.add_argument("period")
        if name == "history":
            command.add_argument("--item", help=t("item"))
        if name == "send-back":
            command.add_argument("--reason", required=True, help=t("reason"))
        command.add_argument("--json", action="store_true")
        command.set_defaults(handler=handler)
    return init_kinds


# --- handlers ---------------------------------------------------------------------------------

def init_commune(ctx) -> int:
    a = ctx.args
    ctx.commune().init_commune(a.province, a.commune, a.name, a.kind, a.office_code, a.office_name, a.office_level)
    unit = ctx.commune().require_unit()
    ctx.emit({"province": unit.province_code, "commune": unit.commune_code, "name": unit.name, "kind": unit.kind.value,
              "office_code": unit.office_code, "office_name": unit.office_name,
              "office_level": unit.office_level.value if unit.office_level else None},
             lambda: [ctx.t("cli.out.commune_saved", name=unit.name, province=unit.province_code, commune=unit.commune_code)])
    return 0


def plans_list_cmd(ctx) -> int:
    """The installed plans; the plan files left out because they are damaged are listed on stderr (exit 1)."""
    plans = ctx.commune().plans()
    problems = ctx.commune().catalog.problems
    if problems:
        print(ctx.t("cli.out.plan_problems"), file=sys.stderr)
        for problem in problems:
            print(f"  {problem.message(ctx.language)}", file=sys.stderr)
    catalog = ctx.commune().catalog
    data = [{"id": p.id, "title": p.plan.title.get(ctx.language), "citation": p.plan.citation_vi,
             "years": list(p.plan.years), "indicators": len(p.commune_indicators()), "tasks": len(p.commune_tasks()),
             "version": p.plan.plan_version, "origin": catalog.origin(p.id),
             "replaced": bool(ctx.commune().received_plan(p.id) and ctx.commune().received_plan(p.id).replaced)}
            for p in plans]

    def line(d: dict) -> str:
        marks = [ctx.t(f"cli.out.plan_origin.{d['origin']}")]
        if d["replaced"]:
            marks.append(ctx.t("cli.out.plan_replaced"))
        citation = "" if d["citation"] in d["title"] else f" — {d['citation']}"
        return f"{d['id']:<20} v{d['version']:<3} {d['title']}{citation} [{', '.join(marks)}]"

    ctx.emit(data, lambda: [line(d) for d in data])
    return 1 if problems else 0


def _with_subtasks(tasks):
    for task in tasks:
        yield task
        yield from _with_subtasks(task.subtasks)


def _plan_dict(plan: Plan, lang: str) -> dict:
    return {
        "id": plan.id,
        "title": plan.plan.title.get(lang),
        "citation": plan.plan.citation_vi,
        "issuing_body": plan.plan.issuing_body.name.get(lang),
        "groups": [
            {
                "code": g.code,
                "title": g.title.get(lang),
                "indicators": [
                    {"code": i.code, "name": i.name.get(lang), "kind": i.kind.value,
                     "target": describe_targets(i, lang), "applies_to_communes": i.applies_to_communes}
                    for i in g.indicators
                ],
                "tasks": [
                    {"code": t.code, "title": t.title.get(lang),
                     "lead_agency": t.lead_agency.get(lang) if t.lead_agency else None,
                     "deadline": describe_deadline(t.deadline, lang),
                     "subtasks": [s.code for s in t.subtasks]}
                    for t in _with_subtasks(g.tasks)
                ],
            }
            for g in plan.groups
        ],
    }


def plans_show_cmd(ctx) -> int:
    plan = ctx.commune().plan(ctx.args.plan)
    data = _plan_dict(plan, ctx.language)

    def lines():
        out = [f"{data['title']}", f"{data['citation']} — {data['issuing_body']}", ""]
        for group in data["groups"]:
            out.append(f"{group['code']}. {group['title']}")
            for i in group["indicators"]:
                mark = "" if i["applies_to_communes"] else f" [{ctx.t('cli.out.not_for_communes')}]"
                out.append(f"   {i['code']:<6} {i['name']} — {i['target']}{mark}")
            for t in group["tasks"]:
                lead = f" — {t['lead_agency']}" if t["lead_agency"] else ""
                out.append(f"   {t['code']:<6} {t['title']}{lead} — {t['deadline']}")
        return out

    ctx.emit(data, lines)
    return 0


def plans_import_cmd(ctx) -> int:
    """A commune imports its office's signed plan file (``.cdsplan``), verified, and is told what changed (a bare
    YAML plan is refused: ``plan.unsigned``); a receiving office, or a folder not set up yet, adds a YAML plan
    (``install_yaml_plan``)."""
    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.services.commune.service import install_yaml_plan
    from cds_desktop.core.services.roles import Permission
    from cds_desktop.core.storage.peek import FolderKind, folder_kind

    service, path = ctx.commune(), Path(ctx.args.file)
    if folder_kind(DataDir.resolve(ctx.args.data_dir).root) is not FolderKind.COMMUNE:
        service.authorize(Permission.MANAGE)
        plan = install_yaml_plan(service.data_dir, path)
        ctx.emit({"id": plan.id, "title": plan.plan.title.get(ctx.language)},
                 lambda: [ctx.t("cli.out.plan_imported", plan=plan.id, title=plan.plan.title.get(ctx.language))])
        return 0
    preview = service.import_plan_file(path, ctx.language)
    received, title = preview.received, preview.plan.plan.title.get(ctx.language)
    changes = [{"change": c.kind.value, "item": c.item, "code": c.code, "old": c.old, "new": c.new}
               for c in preview.changes]
    data = {"id": received.plan.id, "title": title, "version": received.version, "office": preview.office_name,
            "status": received.status, "installed_version": preview.installed_version,
            "change_note": received.change_note, "changes": changes,
            "revalidated_periods": list(preview.revalidated_periods)}

    def lines() -> list[str]:
        out = [ctx.t("cli.out.office_plan_imported", plan=received.plan.id, title=title, version=received.version,
                     office=preview.office_name)]
        if received.change_note:
            out.append(ctx.t("ui.plan_file.change_note", note=received.change_note))
        if preview.installed_version is not None and not preview.status_change:
            out.append(ctx.t("ui.plan_file.changes", installed=preview.installed_version))
            out.extend("  " + ctx.t(f"ui.plan_file.change.{c['item']}.{c['change']}", code=c["code"], old=c["old"],
                                    new=c["new"]) for c in changes)
            if preview.revalidated_periods:
                out.append(ctx.t("ui.plan_file.revalidated", periods=", ".join(
                    period_name(p, ctx.language) for p in preview.revalidated_periods)))
        if received.replaced:
            out.append(ctx.t("cli.out.plan_replaced"))
        return out

    ctx.emit(data, lines)
    return 0


def periods_cmd(ctx) -> int:
    views = ctx.commune().periods(ctx.args.plan)
    data = [{"period": v.period_id, "kind": v.kind, "start": v.start.isoformat(), "end": v.end.isoformat(),
             "due_before": v.due_before.isoformat(), "state": v.state.value, "revision": v.revision,
             "overdue": v.overdue, "office_status": v.office_status} for v in views]

    def lines():
        out = []
        for v in views:
            flag = f"  ⚠ {ctx.t('cli.out.overdue')}" if v.overdue else ""
            out.append(f"{v.period_id:<8} {period_name(v.period_id, ctx.language):<22} "
                       f"{ctx.t('cli.out.due_before', date=f'{v.due_before:%d/%m/%Y}'):<22} "
                       f"{state_name(v.state.value, ctx.language)} (r{v.revision}){flag}")
        return out

    ctx.emit(data, lines)
    return 0


def _print_problems(ctx, problems) -> list[str]:
    return [f"[{translate('severity.' + p.severity.value, ctx.language)}] {p.message(ctx.language)}" for p in problems]


def entry_set_cmd(ctx) -> int:
    a = ctx.args
    fields = {name: getattr(a, attr) for name, attr in (
        ("numerator", "numerator"), ("denominator", "denominator"), ("value", "value"),
        ("note", "note"), ("data_source", "source")) if getattr(a, attr) is not None}
    if not fields:
        raise InputError("cli.nothing_to_set")
    service = ctx.commune()
    changes, problems = service.set_indicator(a.plan, a.period, a.indicator, fields, ctx.actor, reject_invalid=True)
    plan = service.plan(a.plan)
    entry = service.entries(a.plan, a.period).indicators.get(a.indicator, IndicatorEntry(a.indicator))
    outcome = indicator_result(plan.indicator(a.indicator), entry, Level.COMMUNE)
    data = {"changed": list(changes.fields), "result": canonical(outcome.result) if outcome.result is not None else None,
            "target_status": outcome.status.value, "problems": [p.to_dict() for p in problems]}

    def lines():
        out = [ctx.t("cli.out.saved", item=a.indicator, fields=", ".join(changes.fields) or "—")]
        if outcome.result is not None:
            out.append(ctx.t("cli.out.result", result=format_percent(outcome.result, ctx.language)
                             if plan.indicator(a.indicator).kind.value == "ratio" else format_number(outcome.result, ctx.language),
                             status=target_status_name(outcome.status.value, ctx.language)))
        return out + _print_problems(ctx, problems)

    ctx.emit(data, lines)
    return 0


def task_set_cmd(ctx) -> int:
    a = ctx.args
    fields = {name: getattr(a, attr) for name, attr in (
        ("status", "status"), ("progress_pct", "progress"), ("completed_on", "completed"), ("result", "result"),
        ("difficulties", "difficulties"), ("proposals", "proposals")) if getattr(a, attr) is not None}
    if not fields:
        raise InputError("cli.nothing_to_set")
    changes, problems = ctx.commune().set_task(a.plan, a.period, a.task, fields, ctx.actor, reject_invalid=True)
    ctx.emit({"changed": list(changes.fields), "problems": [p.to_dict() for p in problems]},
             lambda: [ctx.t("cli.out.saved", item=a.task, fields=", ".join(changes.fields) or "—")]
             + _print_problems(ctx, problems))
    return 0


def evidence_add_cmd(ctx) -> int:
    a = ctx.args
    service = ctx.commune()
    changes = service.add_evidence(a.plan, a.period, a.item, a.file, ctx.actor)
    added = [e for e in service.evidence(a.plan, a.period) if e.item_code == a.item][-1]
    data = {"id": added.link_id, "item": a.item, "name": added.name, "sha256": added.sha256, "size": added.size,
            "warnings": [translate(w, ctx.language) for w in changes.warnings]}
    ctx.emit(data, lambda: [ctx.t("cli.out.evidence_added", name=terminal_safe(added.name), item=a.item,
                                  sha=added.sha256[:16],
                                  size=format_number(added.size, ctx.language))]
             + [f"⚠ {w}" for w in data["warnings"]])
    return 0


def evidence_list_cmd(ctx) -> int:
    items = ctx.commune().evidence(ctx.args.plan, ctx.args.period)
    data = [{"id": e.link_id, "item": e.item_code, "name": e.name, "sha256": e.sha256, "size": e.size,
             "media_type": e.media_type} for e in items]
    ctx.emit(data, lambda: [f"{e.link_id:>4} {e.item_code:<6} {terminal_safe(e.name)} "
                            f"({format_number(e.size, ctx.language)} B)"
                            for e in items])
    return 0


def validate_cmd(ctx) -> int:
    problems = ctx.commune().validate(ctx.args.plan, ctx.args.period)
    errors = sum(1 for p in problems if p.is_error)
    data = {"errors": errors, "warnings": len(problems) - errors, "problems": [p.to_dict() for p in problems]}
    ctx.emit(data, lambda: _print_problems(ctx, problems)
             + [ctx.t("cli.out.validation_summary", errors=errors, warnings=len(problems) - errors)])
    return 1 if errors else 0


def _status_dict(s: PeriodStatus) -> dict:
    return {"period": s.period.period_id, "state": s.period.state.value, "revision": s.period.revision,
            "due_before": s.period.due_before.isoformat(), "overdue": s.period.overdue,
            "indicators_answered": s.indicators_answered, "indicators_total": s.indicators_total,
            "targets_met": s.targets_met, "targets_evaluated": s.targets_evaluated,
            "tasks_done": s.tasks_done, "tasks_overdue": s.tasks_overdue, "tasks_total": s.tasks_total,
            "errors": s.errors, "warnings": s.warnings}


def status_cmd(ctx) -> int:
    s = ctx.commune().status(ctx.args.plan, ctx.args.period)
    ctx.emit(_status_dict(s), lambda: [
        ctx.t("cli.out.status_state", period=s.period.period_id, state=s.period.state.value,
              revision=s.period.revision, due=f"{s.period.due_before:%d/%m/%Y}"),
        ctx.t("cli.out.status_indicators", answered=s.indicators_answered, total=s.indicators_total,
              met=s.targets_met, evaluated=s.targets_evaluated),
        ctx.t("cli.out.status_tasks", done=s.tasks_done, total=s.tasks_total, overdue=s.tasks_overdue),
        ctx.t("cli.out.validation_summary", errors=s.errors, warnings=s.warnings),
    ])
    return 0


def history_cmd(ctx) -> int:
    """Who changed what, when; the fields and values in words (the period's own rows — its states, the reason
    it was sent back — are marked as the period's)."""
    rows = ctx.commune().history(ctx.args.plan, ctx.args.period, ctx.args.item)
    data = [{"at": r.at.isoformat(), "actor": r.actor, "revision": r.revision, "item": r.item_code,
             "field": r.field, "old": r.old_value, "new": r.new_value} for r in rows]

    def value(r, text):
        return terminal_safe(stored_value_text(r.field, text, ctx.language)) or "∅"

    ctx.emit(data, lambda: [f"{r.at.astimezone():%d/%m/%Y %H:%M} {terminal_safe(r.actor):<12} r{r.revision} "
                            f"{ctx.t('cli.out.period_item') if r.item_code == '*' else r.item_code:<6} "
                            f"{field_name(r.field, ctx.language)}: {value(r, r.old_value)} → {value(r, r.new_value)}"
                            for r in rows])
    return 0


def _state_change(action):
    """A command moving the period on: ``action(ctx)`` acts, then the period's new state is shown."""
    def handler(ctx) -> int:
        action(ctx)
        view = ctx.commune().period(ctx.args.plan, ctx.args.period)
        ctx.emit({"period": view.period_id, "state": view.state.value, "revision": view.revision},
                 lambda: [ctx.t("cli.out.state_now", period=view.period_id, state=view.state.value)])
        return 0

    return handler


submit_cmd = _state_change(lambda ctx: ctx.commune().submit(ctx.args.plan, ctx.args.period, ctx.actor))
send_back_cmd = _state_change(lambda ctx: ctx.commune().send_back(ctx.args.plan, ctx.args.period, ctx.actor,
                                                                  ctx.args.reason))
