"""Roles and what they allow: the one table the services consult before every change.

A commune's installation:
- officer (cán bộ): enters indicator values, task progress and evidence, and submits the period;
- leader (lãnh đạo): approves and signs, sends back, exports, imports receipts, reopens; may also enter data;
- admin (quản trị): users, settings, backup and restore, plan files, the office's keys, the data folder.
The commune's signing key belongs to the leader who signs with it and to the admin who sets up the
installation, so both may create or rotate it.

A receiving office's installation:
- clerk (văn thư / chuyên viên): imports bundles, views, exports data;
- head (lãnh đạo phòng): accepts reports or returns them for correction, signing the receipts; views, exports;
  writes and publishes the office's plans;
- admin (quản trị): the office's keys, its communes and their enrolment, users, settings, backup; the office's plans.

A person may hold several roles; which roles exist depends on the kind of installation (``ROLES_OF``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable

from cds_desktop.core.i18n import translate


class InstallationKind(StrEnum):
    COMMUNE = "commune"
    OFFICE = "office"


class Role(StrEnum):
    OFFICER = "officer"
    LEADER = "leader"
    ADMIN = "admin"
    CLERK = "clerk"
    HEAD = "head"


class Permission(StrEnum):
    ENTER_DATA = "enter_data"
    SUBMIT = "submit"
    APPROVE = "approve"
    MANAGE = "manage"
    SIGNING_KEY = "signing_key"
    IMPORT = "import"  # office: import bundles
    DECIDE = "decide"  # office: accept or return a report, signing the receipt
    EXPORT_DATA = "export_data"  # office: reports, spreadsheets and data files of what it received
    WRITE_PLANS = "write_plans"  # office: write, publish and replace its plans; accept the built-in ones


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset({Permission.ENTER_DATA, Permission.SUBMIT}),
    Role.LEADER: frozenset({Permission.ENTER_DATA, Permission.SUBMIT, Permission.APPROVE, Permission.SIGNING_KEY}),
    Role.ADMIN: frozenset({Permission.MANAGE, Permission.SIGNING_KEY, Permission.WRITE_PLANS}),
    Role.CLERK: frozenset({Permission.IMPORT, Permission.EXPORT_DATA}),
    Role.HEAD: frozenset({Permission.DECIDE, Permission.EXPORT_DATA, Permission.WRITE_PLANS}),
}
ROLES_OF: dict[InstallationKind, tuple[Role, ...]] = {
    InstallationKind.COMMUNE: (Role.OFFICER, Role.LEADER, Role.ADMIN),
    InstallationKind.OFFICE: (Role.CLERK, Role.HEAD, Role.ADMIN),
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    return frozenset().union(*(GRANTS[Role(r)] for r in roles))


def role_label(role: Role, language: str | None = None) -> str:
    return translate(f"role.{Role(role).value}", language)


def role_description(role: Role, kind: InstallationKind, language: str | None = None) -> str:
    """What ``role`` may do in an installation of ``kind`` (the administrator's duties differ)."""
    specific = f"role.{Role(role).value}.description.{InstallationKind(kind).value}"
    return translate(specific if specific in _KIND_SPECIFIC else f"role.{Role(role).value}.description", language)


_KIND_SPECIFIC = {"role.admin.description.office"}


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
