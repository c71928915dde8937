"""Who is acting, and whether they may: what the commune's and the office's services share.

``Guarded`` holds the signed-in ``principal`` (set by ``services/accounts.py``) and answers ``authorize`` before
every change (``services/roles.py`` says which role may do what) and ``actor_name`` for the history. An
installation without accounts (set up headless) allows everything and records the actor the caller names.
A service says which kind of installation it serves (``kind``): the roles an account may hold depend on it.
"""

from __future__ import annotations

from sqlmodel import select

from cds_desktop.core.errors import InputError, PermissionDeniedError
from cds_desktop.core.services.report_record import HistoryRecord, max_length
from cds_desktop.core.services.roles import (
    InstallationKind,
    Permission,
    Principal,
    permission_label,
)
from cds_desktop.core.storage.models import UserAccount
from cds_desktop.core.storage.repository import CommuneRepository


def check_actor(name: str) -> str:
    """Who acts, as recorded in the history and the bundle; refused when longer than the record allows."""
    limit = max_length(HistoryRecord, "actor")
    if len(name) > limit:
        raise InputError("input.actor_too_long", length=len(name), limit=limit)
    return name


class Guarded:
    """The signed-in person and the permission check of one service (a commune's or an office's)."""

    kind: InstallationKind
    repo: CommuneRepository
    principal: Principal | None = None

    def has_accounts(self) -> bool:
        with self.repo.reading() as session:
            return session.exec(select(UserAccount.id).limit(1)).first() is not None

    def authorize(self, permission: Permission) -> None:
        """Refuse unless the signed-in user may ``permission``; without accounts everything is allowed."""
        if self.principal is not None:
            if not self.principal.can(permission):
                raise PermissionDeniedError("auth.not_allowed", action=permission_label(permission))
        elif self.has_accounts():
            raise PermissionDeniedError("auth.sign_in_required")

    def may(self, permission: Permission) -> bool:
        """Whether ``authorize(permission)`` would let the signed-in user through (what a screen offers)."""
        try:
            self.authorize(permission)
        except PermissionDeniedError:
            return False
        return True

    def actor_name(self, fallback: str) -> str:
        """Who to record: the signed-in username, else ``fallback`` (single-operator mode)."""
        return self.principal.username if self.principal is not None else check_actor(fallback)
