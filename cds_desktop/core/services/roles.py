"""Roles and what they allow: the one table the services consult before every change.

- officer (cán bộ): enters indicator values, task progress and evidence, and submits the period;
- leader (lãnh đạo): approves and signs, sends back, exports, imports receipts, reopens; may also enter data;
- admin (quản trị): users, settings, backup and restore, plan files, the office's keys, the data folder.

The commune's signing key belongs to the leader who signs with it and to the admin who sets up the
installation, so both may create or rotate it. A person may hold several roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable

from cds_desktop.core.i18n import translate


class Role(StrEnum):
    OFFICER = "officer"
    LEADER = "leader"
    ADMIN = "admin"


class Permission(StrEnum):
    ENTER_DATA = "enter_data"
    SUBMIT = "submit"
    APPROVE = "approve"
    MANAGE = "manage"
    SIGNING_KEY = "signing_key"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset({Permission.ENTER_DATA, Permission.SUBMIT}),
    Role.LEADER: frozenset({Permission.ENTER_DATA, Permission.SUBMIT, Permission.APPROVE, Permission.SIGNING_KEY}),
    Role.ADMIN: frozenset({Permission.MANAGE, Permission.SIGNING_KEY}),
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    return frozenset().union(*(GRANTS[Role(r)] for r in roles))


def role_label(role: Role, language: str | None = None) -> str:
    return translate(f"role.{Role(role).value}", language)


def permission_label(permission: Permission, language: str | None = None) -> str:
    return translate(f"permission.{Permission(permission).value}", language)


@dataclass(frozen=True)
class Principal:
    """The person signed in."""

    username: str
    display_name: str
    roles: frozenset[Role]

    def can(self, permission: Permission) -> bool:
        return permission in permissions_of(self.roles)
