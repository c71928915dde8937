"""Account commands: ``cds users list|add|passwd|disable|enable|roles``.

New passwords come from the environment variable ``CDS_NEW_PASSWORD`` (scripts) or a hidden prompt asked
twice; never from the command line. Signing in (``--user`` with ``CDS_PASSWORD`` or a prompt) is done by
``CliContext`` before any command touches the commune's store.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from cds_desktop.core.errors import InputError
from cds_desktop.core.i18n import translate
from cds_desktop.core.services.accounts import Accounts, NewUser, UserView
from cds_desktop.core.services.roles import Role, role_label

NEW_PASSWORD_ENV = "CDS_NEW_PASSWORD"


def register(commands: argparse._SubParsersAction, lang: str) -> None:
    def t(key: str) -> str:
        return translate(f"users.help.{key}", lang)

    def add(name: str, handler, *arguments: str, roles: bool = False):
        parser = user_cmds.add_parser(name, help=t(name))
        for argument in arguments:
            parser.add_argument(argument)
        if roles:
            parser.add_argument("--role", dest="roles", action="append", required=True,
                                choices=[r.value for r in Role], help=t("role"))
        parser.add_argument("--json", action="store_true")
        parser.set_defaults(handler=handler)
        return parser

    users = commands.add_parser("users", help=t("users"))
    user_cmds = users.add_subparsers(dest="users_command", required=True, parser_class=type(users))
    add("list", list_cmd)
    add("add", add_cmd, "name", roles=True).add_argument("--display-name", default="", help=t("display_name"))
    add("passwd", passwd_cmd, "name")
    add("disable", disable_cmd, "name")
    add("enable", enable_cmd, "name")
    add("roles", roles_cmd, "name", roles=True)


def new_password(ctx, username: str) -> str:
    """The new password from ``CDS_NEW_PASSWORD`` or a hidden prompt asked twice."""
    value = os.environ.get(NEW_PASSWORD_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise InputError("users.new_password_needed", variable=NEW_PASSWORD_ENV)
    value = getpass.getpass(ctx.t("users.prompt.new_password", username=username))
    if getpass.getpass(ctx.t("users.prompt.new_password_again")) != value:
        raise InputError("users.password_mismatch")
    return value


def _roles_text(ctx, roles) -> str:
    return ", ".join(role_label(r, ctx.language) for r in sorted(roles))


def _user_dict(user: UserView) -> dict:
    return {"username": user.username, "display_name": user.display_name, "roles": sorted(user.roles),
            "active": user.active, "created_at": user.created_at.isoformat(),
            "last_sign_in": user.last_sign_in.isoformat() if user.last_sign_in else None}


def _report(ctx, user: UserView, message_id: str) -> int:
    ctx.emit(_user_dict(user), lambda: [ctx.t(message_id, username=user.username, roles=_roles_text(ctx, user.roles))])
    return 0


def list_cmd(ctx) -> int:
    users = Accounts(ctx.installation()).users()

    def line(u: UserView) -> str:
        state = ctx.t("users.out.active" if u.active else "users.out.disabled_state")
        last = f"{u.last_sign_in.astimezone():%d/%m/%Y %H:%M}" if u.last_sign_in else ctx.t("users.out.never")
        return f"{u.username:<16} {u.display_name:<28} {_roles_text(ctx, u.roles):<40} {state:<14} {last}"

    ctx.emit([_user_dict(u) for u in users], lambda: [line(u) for u in users] or [ctx.t("users.out.none")])
    return 0


def add_cmd(ctx) -> int:
    a = ctx.args
    accounts = Accounts(ctx.installation())
    password = new_password(ctx, a.name)
    user = accounts.create(NewUser(a.name, a.display_name, frozenset(Role(r) for r in a.roles), password))
    return _report(ctx, user, "users.out.added")


def passwd_cmd(ctx) -> int:
    accounts = Accounts(ctx.installation())
    accounts.set_password(ctx.args.name, new_password(ctx, ctx.args.name), ctx.sign_in_password)
    ctx.emit({"username": ctx.args.name}, lambda: [ctx.t("users.out.password_changed", username=ctx.args.name)])
    return 0


def disable_cmd(ctx) -> int:
    return _report(ctx, Accounts(ctx.installation()).set_active(ctx.args.name, False), "users.out.disabled")


def enable_cmd(ctx) -> int:
    return _report(ctx, Accounts(ctx.installation()).set_active(ctx.args.name, True), "users.out.enabled")


def roles_cmd(ctx) -> int:
    return _report(ctx, Accounts(ctx.installation()).set_roles(ctx.args.name, ctx.args.roles), "users.out.roles_changed")
