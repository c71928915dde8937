"""Exchange commands: keys, approval, export, import, receipts, diff — commune and office side.

Passphrases come from a prompt, or from ``--passphrase-file`` for automation, never from the command line.
Fingerprints are confirmed interactively, or given with ``--fingerprint`` in scripts (refused on mismatch).
Everything printed that came from a file or a bundle (names, reasons, reported values, file names) goes through
``terminal.terminal_safe``.

``cds office accept|return COMMUNE PLAN PERIOD --out FOLDER [--revision N]`` decide on a revision (the current
one by default), writing the signed receipt into the folder under its name; ``cds office accept-all PLAN PERIOD
--out FOLDER`` accepts every current submission of the period with no problem and no decision yet, and lists what
it skipped and why (exit code 0 either way). ``cds office receipt`` is the older form (the current revision,
the receipt at a file named by ``--out``); ``cds office receipts`` and ``receipt-copy`` list the receipts issued
and write one again (``office_receipt_commands``).

``cds office export-keys FILE --with-plans`` also writes every office plan's newest signed file beside the key file
(``cds office plans …``: ``office_plan_commands``).

``cds import`` prints one line per file — its outcome (new report, new revision, already imported, refused) and,
for a file not imported, the reason and what to do — then the summary whose counts add up; with ``--json`` a list
with one object per file (docs/bundle-format.md §17). Exit code 0 when every file was imported or already there,
1 when any was refused, 2 for bad arguments. ``cds office imports`` prints the import log (``--json``: one object
per attempt, newest first).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from cds_desktop.cli import office_export_commands, office_plan_commands, office_receipt_commands
from cds_desktop.cli import office_server_commands, report_commands
from cds_desktop.cli.log_file import log_to_data_folder
from cds_desktop.cli.terminal import terminal_safe
from cds_desktop.core.bundle.keys import normalize_fingerprint
from cds_desktop.core.errors import InputError
from cds_desktop.core.formatting import state_label
from cds_desktop.core.i18n import translate
from cds_desktop.core.plans.schedule import Period
from cds_desktop.core.reports.formatting import period_label
from cds_desktop.core.services.commune.exchange import CommuneExchange
from cds_desktop.core.services.commune.inputs import parse_date
from cds_desktop.core.services.commune.keys import check_office_keys
from cds_desktop.core.services.office.import_log import (
    OutcomeKind,
    advice_text,
    kind_label,
    logged_error,
    outcome_counts,
    summary_text,
)
from cds_desktop.core.services.office.plans import plan_file_name
from cds_desktop.core.services.office.receipts import IssuedReceipt, check_reason, skip_reason_text
from cds_desktop.core.services.office.service import OfficeService


def register(commands: argparse._SubParsersAction, lang: str, init_kinds: argparse._SubParsersAction) -> None:
    def t(key: str) -> str:
        return translate(f"cli.help.{key}", lang)

    def add(parser, *names, passphrase=False, old=False, fingerprint=False):
        for name in names:
            parser.add_argument(name)
        if passphrase:
            parser.add_argument("--passphrase-file", type=Path, help=t("passphrase_file"))
        if old:
            parser.add_argument("--old-passphrase-file", type=Path, help=t("old_passphrase_file"))
        if fingerprint:
            parser.add_argument("--fingerprint", help=t("fingerprint"))
        parser.add_argument("--json", action="store_true")
        return parser

    init_office = init_kinds.add_parser("office", help=t("init_office"))
    init_office.add_argument("--code", required=True, help=t("office_code"))
    init_office.add_argument("--name", required=True, help=t("office_name"))
    init_office.add_argument("--level", required=True, choices=["province", "district"], help=t("office_level"))
    init_office.add_argument("--province", help=t("office_province"))
    add(init_office, passphrase=True).set_defaults(handler=init_office_cmd, initialises="office")

    office = commands.add_parser("office", help=t("office"))
    office_cmds = office.add_subparsers(dest="office_command", required=True, parser_class=type(office))
    report_commands.register_office(office_cmds, lang)
    office_export_commands.register_office(office_cmds, lang)
    office_plan_commands.register_office(office_cmds, lang, add)
    office_server_commands.register_office(office_cmds, lang)
    office_receipt_commands.register_office(office_cmds, lang, add)
    add(office_cmds.add_parser("import-communes", help=t("import_communes")), "file").set_defaults(
        handler=import_communes_cmd)
    communes = add(office_cmds.add_parser("communes", help=t("office_communes")))
    communes.add_argument("--province", required=True, help=t("communes_province"))
    which = communes.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help=t("communes_all"))
    which.add_argument("--code", nargs="+", help=t("communes_code"))
    communes.set_defaults(handler=office_communes_cmd)
    export_keys = add(office_cmds.add_parser("export-keys", help=t("export_keys")), "file", passphrase=True)
    export_keys.add_argument("--with-plans", action="store_true", help=t("export_keys_with_plans"))
    export_keys.set_defaults(handler=export_keys_cmd)
    add(office_cmds.add_parser("enroll", help=t("enroll")), "file", fingerprint=True).set_defaults(handler=enroll_cmd)
    add(office_cmds.add_parser("revoke", help=t("revoke")), "commune").set_defaults(handler=revoke_cmd)
    add(office_cmds.add_parser("rotate-key", help=t("rotate_key")), passphrase=True).set_defaults(
        handler=rotate_key_cmd)
    add(office_cmds.add_parser("retire-key", help=t("retire_key")), "key_id").set_defaults(handler=retire_key_cmd)
    receipt = add(office_cmds.add_parser("receipt", help=t("office_receipt")), "commune", "plan", "period",
                  passphrase=True)
    decision = receipt.add_mutually_exclusive_group(required=True)
    decision.add_argument("--accept", action="store_true", help=t("accept"))
    decision.add_argument("--return", dest="return_reason", help=t("return_reason"))
    receipt.add_argument("--out", required=True, type=Path, help=t("receipt_out"))
    receipt.set_defaults(handler=office_receipt_cmd)
    register_decisions(office_cmds, add, t)
    add(office_cmds.add_parser("submissions", help=t("submissions")), "plan", "period").set_defaults(
        handler=submissions_cmd)
    imports = add(office_cmds.add_parser("imports", help=t("imports")))
    imports.add_argument("--since", help=t("imports_since"))
    imports.add_argument("--until", help=t("imports_until"))
    imports.add_argument("--outcome", choices=[kind.value for kind in OutcomeKind], help=t("imports_outcome"))
    imports.add_argument("--commune", help=t("imports_commune"))
    imports.set_defaults(handler=imports_cmd)

    keys = commands.add_parser("keys", help=t("keys"))
    key_cmds = keys.add_subparsers(dest="keys_command", required=True, parser_class=type(keys))
    add(key_cmds.add_parser("generate", help=t("keys_generate")), passphrase=True, old=True).set_defaults(
        handler=keys_generate_cmd)
    add(key_cmds.add_parser("import-office", help=t("import_office")), "file", fingerprint=True).set_defaults(
        handler=import_office_cmd)
    add(key_cmds.add_parser("export-enrollment", help=t("export_enrollment")), "file").set_defaults(
        handler=export_enrollment_cmd)

    add(commands.add_parser("approve", help=t("approve")), "plan", "period", passphrase=True).set_defaults(
        handler=approve_cmd)
    export = add(commands.add_parser("export", help=t("export")), "plan", "period", passphrase=True)
    export.add_argument("--out", required=True, type=Path, help=t("export_out"))
    export.set_defaults(handler=export_cmd)
    add(commands.add_parser("reopen", help=t("reopen")), "plan", "period").set_defaults(handler=reopen_cmd)
    import_ = add(commands.add_parser("import", help=t("import")), passphrase=True)
    import_.add_argument("files", nargs="+", type=Path)
    import_.set_defaults(handler=import_cmd)
    add(commands.add_parser("diff", help=t("diff")), "commune", "plan", "period", "rev_a", "rev_b").set_defaults(
        handler=diff_cmd)
    receipt_cmds = commands.add_parser("receipt", help=t("receipt")).add_subparsers(
        dest="receipt_command", required=True, parser_class=type(keys))
    add(receipt_cmds.add_parser("import", help=t("receipt_import")), "file").set_defaults(handler=receipt_import_cmd)


# --- prompts ------------------------------------------------------------------------------------

def passphrase(ctx, file: Path | None, prompt_id: str = "cli.prompt.passphrase", confirm: bool = False) -> str:
    """The passphrase from ``file`` (its first line) or a hidden prompt; never from the command line."""
    if file is not None:
        try:
            lines = file.read_text(encoding="utf-8-sig").splitlines()
            return lines[0] if lines else ""
        except OSError as exc:
            raise InputError("keys.unreadable_file", path=str(file), problem=exc.strerror or str(exc)) from None
        except UnicodeDecodeError:
            raise InputError("keys.passphrase_file_not_utf8", path=str(file)) from None
    if not sys.stdin.isatty():
        raise InputError("cli.passphrase_needed")
    value = getpass.getpass(ctx.t(prompt_id))
    if confirm and getpass.getpass(ctx.t("cli.prompt.passphrase_again")) != value:
        raise InputError("cli.passphrase_mismatch")
    return value


def confirm_fingerprint(ctx, shown: str, given: str | None) -> str:
    """``given`` when it matches ``shown``; otherwise ask the person to compare it with what they heard."""
    if given is not None:
        if normalize_fingerprint(given) != normalize_fingerprint(shown):
            raise InputError("keys.fingerprint_mismatch", expected=shown)
        return shown
    print(ctx.t("cli.out.fingerprint_check", fingerprint=shown), file=ctx.out)
    if not sys.stdin.isatty() or input(ctx.t("cli.prompt.confirm_fingerprint")).strip().lower() not in (
            "y", "yes", "c", "có", "co"):
        raise InputError("cli.fingerprint_not_confirmed")
    return shown


# --- office -------------------------------------------------------------------------------------

def _office(ctx) -> OfficeService:
    return ctx.office()


def init_office_cmd(ctx) -> int:
    a = ctx.args
    secret = passphrase(ctx, a.passphrase_file, "cli.prompt.new_passphrase", confirm=True)
    fingerprint = _office(ctx).init_office(a.code, a.name, a.level, secret, a.province)
    ctx.emit({"code": a.code, "root_fingerprint": fingerprint},
             lambda: [ctx.t("cli.out.office_created", name=a.name, fingerprint=fingerprint)])
    return 0


def import_communes_cmd(ctx) -> int:
    count = _office(ctx).import_communes(Path(ctx.args.file))
    ctx.emit({"communes": count}, lambda: [ctx.t("cli.out.communes_imported", count=count)])
    return 0


def office_communes_cmd(ctx) -> int:
    """Add communes of a province from the official 2025 list that ships with the app: all, or by code."""
    a = ctx.args
    count = _office(ctx).add_official_communes(a.province, None if a.all else a.code)
    ctx.emit({"province": a.province, "communes": count},
             lambda: [ctx.t("cli.out.official_communes_added", count=count, province=a.province)])
    return 0


def export_keys_cmd(ctx) -> int:
    secret = passphrase(ctx, ctx.args.passphrase_file)
    version = _office(ctx).export_keys(Path(ctx.args.file), secret, include_plans=ctx.args.with_plans)
    fingerprint = _office(ctx).root_fingerprint()
    plans = [row for row in _office(ctx).office_plans() if ctx.args.with_plans and row.published_version]
    names = [plan_file_name(row.plan_id, row.published_version) for row in plans]
    ctx.emit({"file": ctx.args.file, "list_version": version, "root_fingerprint": fingerprint, "plan_files": names},
             lambda: [ctx.t("cli.out.keys_exported", file=ctx.args.file, version=version, fingerprint=fingerprint),
                      *(ctx.t("cli.out.office_plans.file_written", file=name) for name in names)])
    return 0


def enroll_cmd(ctx) -> int:
    office = _office(ctx)
    _, name, fingerprint, rotation = office.enrollment_claims(Path(ctx.args.file))
    confirmed = None if rotation else confirm_fingerprint(ctx, fingerprint, ctx.args.fingerprint)
    code = office.enroll(Path(ctx.args.file), confirmed)
    ctx.emit({"commune": code, "name": name, "fingerprint": fingerprint},
             lambda: [ctx.t("cli.out.enrolled", commune=code, name=terminal_safe(name), fingerprint=fingerprint)])
    return 0


def revoke_cmd(ctx) -> int:
    count = _office(ctx).revoke(ctx.args.commune)
    ctx.emit({"commune": ctx.args.commune, "revoked": count},
             lambda: [ctx.t("cli.out.revoked", commune=ctx.args.commune, count=count)])
    return 0


def rotate_key_cmd(ctx) -> int:
    fingerprint = _office(ctx).rotate_encryption_key(passphrase(ctx, ctx.args.passphrase_file))
    ctx.emit({"fingerprint": fingerprint}, lambda: [ctx.t("cli.out.key_rotated", fingerprint=fingerprint)])
    return 0


def retire_key_cmd(ctx) -> int:
    _office(ctx).retire_encryption_key(ctx.args.key_id)
    ctx.emit({"retired": ctx.args.key_id}, lambda: [ctx.t("cli.out.key_retired", key=ctx.args.key_id)])
    return 0


def office_receipt_cmd(ctx) -> int:
    a = ctx.args
    path = _office(ctx).receipt(a.commune, a.plan, a.period, a.out, passphrase(ctx, a.passphrase_file), ctx.actor,
                                returned_reason=a.return_reason)
    decision = "returned" if a.return_reason else "accepted"
    ctx.emit({"file": str(path), "decision": decision},
             lambda: [ctx.t("cli.out.receipt_written", file=str(path), decision=state_label(decision, ctx.language))])
    return 0


def register_decisions(office_cmds: argparse._SubParsersAction, add, t) -> None:
    """``cds office accept``, ``return`` and ``accept-all``."""
    accept = add(office_cmds.add_parser("accept", help=t("office_accept")), "commune", "plan", "period",
                 passphrase=True)
    returned = add(office_cmds.add_parser("return", help=t("office_return")), "commune", "plan", "period",
                   passphrase=True)
    returned.add_argument("--reason", required=True, help=t("office_return_reason"))
    for parser, handler in ((accept, office_accept_cmd), (returned, office_return_cmd)):
        parser.add_argument("--revision", type=int, help=t("office_decision_revision"))
        parser.add_argument("--out", required=True, type=Path, help=t("office_receipt_folder"))
        parser.set_defaults(handler=handler)
    accept_all = add(office_cmds.add_parser("accept-all", help=t("office_accept_all")), "plan", "period",
                     passphrase=True)
    accept_all.add_argument("--out", required=True, type=Path, help=t("office_receipt_folder"))
    accept_all.set_defaults(handler=office_accept_all_cmd)


def _decided(ctx, issued: IssuedReceipt) -> int:
    ctx.emit({"file": str(issued.path), "decision": issued.decision, "commune": issued.commune_code,
              "plan": issued.plan_id, "period": issued.period_id, "revision": issued.revision},
             lambda: [ctx.t("cli.out.decision_written", file=str(issued.path), revision=issued.revision,
                            decision=state_label(issued.decision, ctx.language))])
    return 0


def _revision(office: OfficeService, a) -> int:
    return a.revision if a.revision is not None else office.submission(a.commune, a.plan, a.period).revision


def office_accept_cmd(ctx) -> int:
    a, office = ctx.args, _office(ctx)
    return _decided(ctx, office.accept(a.commune, a.plan, a.period, _revision(office, a), a.out,
                                       passphrase(ctx, a.passphrase_file), ctx.actor))


def office_return_cmd(ctx) -> int:
    a, office = ctx.args, _office(ctx)
    check_reason(a.reason)  # before the passphrase is asked
    return _decided(ctx, office.return_for_correction(a.commune, a.plan, a.period, _revision(office, a), a.reason,
                                                      a.out, passphrase(ctx, a.passphrase_file), ctx.actor))


def office_accept_all_cmd(ctx) -> int:
    a = ctx.args
    result = _office(ctx).accept_all_clean(a.plan, a.period, a.out, passphrase(ctx, a.passphrase_file), ctx.actor)
    data = {"accepted": [{"commune": r.commune_code, "revision": r.revision, "file": str(r.path)}
                         for r in result.accepted],
            "skipped": [{"commune": s.commune_code, "name": s.commune_name, "revision": s.revision,
                         "reason": s.reason, "problems": s.problems,
                         "error": s.error.to_dict() if s.error else None} for s in result.skipped]}

    def lines() -> list[str]:
        out = [terminal_safe(ctx.t("cli.out.accepted_line", commune=r.commune_code, revision=r.revision,
                                   file=r.path.name)) for r in result.accepted]
        out += [terminal_safe(ctx.t("cli.out.skipped_line", commune=s.commune_code, name=s.commune_name,
                                    revision=s.revision, reason=skip_reason_text(s, ctx.language)))
                for s in result.skipped]
        return out + [ctx.t("cli.out.accept_all_summary", accepted=len(result.accepted),
                            skipped=len(result.skipped))]

    ctx.emit(data, lines)
    return 0


def submissions_cmd(ctx) -> int:
    rows = _office(ctx).submissions(ctx.args.plan, ctx.args.period)
    data = [{"commune": s.commune_code, "revision": s.revision, "current": s.is_current,
             "received_at": s.received_at.isoformat(), "file": s.file_name} for s in rows]
    ctx.emit(data, lambda: [f"{d['commune']} r{d['revision']} {'*' if d['current'] else ' '} "
                            f"{terminal_safe(d['file'])}" for d in data])
    return 0


def _period_words(period_id: str | None, language: str) -> str:
    """"Quý I năm 2023" for ``2023Q1``; an id that is not a period is shown as it is."""
    if period_id is None:
        return ""
    try:
        return period_label(Period.parse(period_id), language)
    except ValueError:
        return period_id


def _series_words(ctx, commune: str | None, name: str | None, period: str | None, revision: int | None) -> str:
    if commune is None:
        return ctx.t("cli.out.import_no_header")
    return ctx.t("cli.out.import_series", commune=f"{name} ({commune})" if name else commune,
                 period=_period_words(period, ctx.language), revision=revision)


def import_cmd(ctx) -> int:
    office = _office(ctx)
    log_to_data_folder(office.data_dir)  # a bug's traceback goes to the log, never to the terminal
    outcomes = office.import_bundles(ctx.args.files, passphrase(ctx, ctx.args.passphrase_file), actor=ctx.actor)
    data = [{"file": str(o.file), "kind": o.kind.value, "status": o.status, "commune": o.commune, "plan": o.plan,
             "period": o.period, "revision": o.revision, "problems": o.problems, "fingerprint": o.fingerprint,
             "error": o.error.to_dict() if o.error else None,
             "advice": {"vi": o.advice("vi"), "en": o.advice("en")} if o.error else None}
            for o in outcomes]
    counts = outcome_counts(o.kind for o in outcomes)
    names = {c.code: c.name for c in office.communes()}

    def lines():
        out = []
        for o in outcomes:
            series = _series_words(ctx, o.commune, names.get(o.commune or ""), o.period, o.revision)
            if o.kind.accepted:
                detail = ctx.t("cli.out.import_stored", series=series, problems=o.problems)
            else:
                detail = series + " — " + ctx.t("cli.out.import_refusal", reason=o.reason(ctx.language),
                                                 advice=o.advice(ctx.language))
            out.append(terminal_safe(f"{o.file.name}: {kind_label(o.kind, ctx.language)} — {detail}"))
        return out + [summary_text(counts, ctx.language)]

    ctx.emit(data, lines)
    return 1 if counts[OutcomeKind.REFUSED] else 0


def imports_cmd(ctx) -> int:
    a = ctx.args
    rows = _office(ctx).import_attempts(since=parse_date(a.since) if a.since else None,
                                        until=parse_date(a.until) if a.until else None,
                                        outcomes=[a.outcome] if a.outcome else (), commune=a.commune)
    data = []
    for row in rows:
        error = logged_error(row.error_code, row.error_params_json) if row.error_code else None
        data.append({"attempted_at": row.attempted_at.isoformat(), "batch": row.batch_id, "actor": row.actor,
                     "file": row.file_name, "sha256": row.file_sha256, "fingerprint": row.fingerprint,
                     "outcome": row.outcome, "commune": row.commune_code, "commune_name": row.commune_name,
                     "plan": row.plan_id, "period": row.period_id, "revision": row.revision,
                     "submission_id": row.submission_id, "error": error.to_dict() if error else None,
                     "advice": {"vi": advice_text(error.code, "vi"), "en": advice_text(error.code, "en")}
                     if error else None})

    def lines():
        out = []
        for row, item in zip(rows, data):
            series = _series_words(ctx, row.commune_code, row.commune_name, row.period_id, row.revision)
            line = ctx.t("cli.out.import_logged", time=f"{row.attempted_at:%d/%m/%Y %H:%M}", actor=row.actor,
                         file=row.file_name, outcome=kind_label(row.outcome, ctx.language), series=series)
            if item["error"]:
                line += " — " + ctx.t("cli.out.import_refusal", reason=item["error"][f"message_{ctx.language}"],
                                      advice=item["advice"][ctx.language])
            out.append(terminal_safe(line))
        return out or [ctx.t("cli.out.no_imports")]

    ctx.emit(data, lines)
    return 0


def diff_cmd(ctx) -> int:
    a = ctx.args
    try:
        rev_a, rev_b = int(a.rev_a), int(a.rev_b)
    except ValueError:
        raise InputError("cli.bad_revision", value=f"{a.rev_a} {a.rev_b}") from None
    changes = _office(ctx).diff(a.commune, a.plan, a.period, rev_a, rev_b)
    ctx.emit([c.__dict__ for c in changes],
             lambda: [f"{terminal_safe(c.item):<8} {c.field:<14} {terminal_safe(c.old) or '∅'} → "
                      f"{terminal_safe(c.new) or '∅'}" for c in changes]
             or [ctx.t("cli.out.no_changes")])
    return 0


# --- commune ------------------------------------------------------------------------------------

def _exchange(ctx) -> CommuneExchange:
    return CommuneExchange(ctx.commune())


def keys_generate_cmd(ctx) -> int:
    exchange = _exchange(ctx)
    old = passphrase(ctx, ctx.args.old_passphrase_file, "cli.prompt.old_passphrase") if exchange.active_key() else None
    new = passphrase(ctx, ctx.args.passphrase_file, "cli.prompt.new_passphrase", confirm=True)
    fingerprint = exchange.generate_key(new, old)
    ctx.emit({"fingerprint": fingerprint}, lambda: [ctx.t("cli.out.key_generated", fingerprint=fingerprint)])
    return 0


def import_office_cmd(ctx) -> int:
    exchange = _exchange(ctx)
    confirmed = None
    if check_office_keys(exchange, Path(ctx.args.file)).needs_confirmation:  # first pin, or another root
        confirmed = confirm_fingerprint(ctx, exchange.office_keys_fingerprint(Path(ctx.args.file)),
                                        ctx.args.fingerprint)
    org_keys = exchange.import_office_keys(Path(ctx.args.file), confirmed)
    office = org_keys.body.office
    ctx.emit({"office": office.code, "name": office.name, "list_version": org_keys.body.list_version},
             lambda: [ctx.t("cli.out.office_pinned", name=terminal_safe(office.name),
                            version=org_keys.body.list_version)])
    return 0


def export_enrollment_cmd(ctx) -> int:
    fingerprint = _exchange(ctx).export_enrollment(Path(ctx.args.file))
    ctx.emit({"file": ctx.args.file, "fingerprint": fingerprint},
             lambda: [ctx.t("cli.out.enrollment_written", file=ctx.args.file, fingerprint=fingerprint)])
    return 0


def approve_cmd(ctx) -> int:
    a = ctx.args
    _exchange(ctx).approve(a.plan, a.period, passphrase(ctx, a.passphrase_file), ctx.actor)
    view = ctx.commune().period(a.plan, a.period)
    ctx.emit({"period": view.period_id, "state": view.state.value, "revision": view.revision},
             lambda: [ctx.t("cli.out.state_now", period=view.period_id,
                            state=state_label(view.state.value, ctx.language))])
    return 0


def export_cmd(ctx) -> int:
    a = ctx.args
    written = _exchange(ctx).export(a.plan, a.period, a.out, passphrase(ctx, a.passphrase_file), ctx.actor)
    ctx.emit({"file": str(written.path), "sha256": written.sha256, "fingerprint": written.fingerprint,
              "size": written.size},
             lambda: [ctx.t("cli.out.exported", file=str(written.path), fingerprint=written.fingerprint)])
    return 0


def reopen_cmd(ctx) -> int:
    ctx.commune().reopen(ctx.args.plan, ctx.args.period, ctx.actor)
    view = ctx.commune().period(ctx.args.plan, ctx.args.period)
    ctx.emit({"period": view.period_id, "state": view.state.value, "revision": view.revision},
             lambda: [ctx.t("cli.out.state_now", period=view.period_id,
                            state=state_label(view.state.value, ctx.language))])
    return 0


def receipt_import_cmd(ctx) -> int:
    changes = _exchange(ctx).import_receipt(Path(ctx.args.file), ctx.actor)
    view = ctx.commune().period(changes.plan_id, changes.period_id)
    ctx.emit({"period": view.period_id, "office_status": view.office_status, "reason": view.office_reason,
              "state": view.state.value, "revision": view.revision},
             lambda: [ctx.t("cli.out.receipt_applied", period=view.period_id,
                            status=state_label(view.office_status, ctx.language),
                            reason=terminal_safe(view.office_reason))])
    return 0
