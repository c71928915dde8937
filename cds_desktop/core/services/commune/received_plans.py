"""Plans the commune received from its receiving office: signed ``.cdsplan`` files, checked, kept and compared.

- ``verify_received``: a plan file's bytes verified against the office the commune pinned (its root key and
  code); a bare YAML plan is refused (``plan.unsigned``), and so is any file before an office is pinned
  (``plan.no_office_pinned``).
- ``acceptance``: whether a verified file may be installed over what is installed: a higher version, or the same
  version with the very same plan text and a newer ``issued_at`` (the office marking it replaced); a lower version
  (``plan.older_than_installed``) or the same version with another text (``plan.version_conflict``) is refused.
- Storage: every version's signed file is kept as ``<data>/plans/received/<plan_id>/v<N>.cdsplan`` (a status
  change replaces the file of its version), written atomically; ``load_received_plans`` reads them all back at
  start-up, verified again against the pinned root — a damaged file becomes a catalog problem, never a stop.
  A verified file is cached (``parsed_cache``, keyed by the file's stamp and the pinned root): start-up neither
  imports the cryptography nor checks a signature while the files are unchanged.
- ``plan_changes``: what a new version changes against the installed one, as plain rows (added, removed, target
  changed, renamed) per indicator and task code, with the old and new text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from cds_desktop.core.errors import CdsError, PlanError, StateError
from cds_desktop.core.formatting import describe_deadline, describe_targets
from cds_desktop.core.i18n import current_language
from cds_desktop.core.parsed_cache import parsed_once
from cds_desktop.core.plans.model import Plan

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from cds_desktop.core.bundle.keys import PublicKey
    from cds_desktop.core.bundle.plan_files import PlanFile

RECEIVED_FOLDER = "received"  # under <data>/plans
MAX_PLAN_FILE_READ = 8 << 20  # plan_files.MAX_PLAN_FILE_SIZE, without importing the bundle package


@dataclass(frozen=True)
class ReceivedPlan:
    """One version of a plan the office sent, as its signed file says."""

    plan: Plan
    office: str
    status: str  # "active" or "replaced"
    replaced_by: str | None
    change_note: str | None
    issued_at: dt.datetime

    @property
    def version(self) -> int:
        return self.plan.plan.plan_version

    @property
    def replaced(self) -> bool:
        return self.status == "replaced"


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    TARGET_CHANGED = "target_changed"  # an indicator's targets, or a task's deadline
    RENAMED = "renamed"


@dataclass(frozen=True)
class PlanChange:
    kind: ChangeKind
    item: str  # "indicator" or "task"
    code: str
    old: str | None  # the target (deadline) or name before, in the language asked for; None when added
    new: str | None  # … after; None when removed


@dataclass(frozen=True)
class PinnedOffice:
    code: str
    name: str
    root_key_id: str
    root_public_b64: str

    def root(self) -> PublicKey:
        import base64

        from cds_desktop.core.bundle.keys import KeyKind, PublicKey

        return PublicKey(KeyKind.ED25519, base64.b64decode(self.root_public_b64))


@dataclass(frozen=True)
class PlanFilePreview:
    """What importing a plan file does, before anything is installed (and what it did, once imported)."""

    received: ReceivedPlan
    office_name: str
    installed_version: int | None
    status_change: bool  # the same version again: only its status (replaced) changes
    changes: tuple[PlanChange, ...]
    revalidated_periods: tuple[str, ...]  # open periods with values, checked against this version from now on

    @property
    def plan(self) -> Plan:
        return self.received.plan


def received_folder(plans_folder: Path) -> Path:
    return plans_folder / RECEIVED_FOLDER


def stored_path(plans_folder: Path, plan_id: str, version: int) -> Path:
    return received_folder(plans_folder) / plan_id / f"v{version}.cdsplan"


def pinned_office(engine: Engine) -> PinnedOffice | None:
    """The office pinned at set-up, read from its row (no signature checked: ``CommuneExchange.pinned_office``
    does that); ``None`` before an office key file was imported."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    try:
        with engine.connect() as connection:
            row = connection.execute(text(
                "SELECT p.office_code, p.root_key_id, p.root_public_b64, u.office_name FROM office_pin p "
                "LEFT JOIN unit u ON u.id = 1 WHERE p.id = 1")).first()
    except OperationalError:  # not a commune's database (an office's has no pin)
        return None
    if row is None:
        return None
    return PinnedOffice(code=row[0], root_key_id=row[1], root_public_b64=row[2], name=row[3] or row[0])


def verify_received(data: bytes, office: PinnedOffice | None) -> ReceivedPlan:
    """The plan file in ``data`` verified against the pinned ``office``; typed refusals otherwise."""
    from cds_desktop.core.bundle.plan_files import looks_like_signed_plan, verify_plan_file

    if not looks_like_signed_plan(data):
        raise PlanError("plan.unsigned")
    if office is None:
        raise StateError("plan.no_office_pinned")
    return _received(verify_plan_file(data, root=office.root(), office=office.code))


def _received(verified: PlanFile) -> ReceivedPlan:
    body = verified.body
    return ReceivedPlan(verified.plan, body.office, body.status.value, body.replaced_by, body.change_note,
                        body.issued_at)


def acceptance(new: ReceivedPlan, new_text: str, installed: ReceivedPlan | None, installed_text: str | None) -> bool:
    """True when ``new`` is the same version as ``installed`` (a status change); False when it is a newer one.
    Refuses a lower version, the same version with another text, or the very file already installed."""
    if installed is None or new.version > installed.version:
        return False
    params = {"plan": new.plan.id, "version": new.version, "installed": installed.version}
    if new.version < installed.version:
        raise PlanError("plan.older_than_installed", **params)
    if new_text != installed_text:
        raise PlanError("plan.version_conflict", **params)
    if new.issued_at <= installed.issued_at:
        raise PlanError("plan.already_received", **params)
    return True


def plan_text(data: bytes) -> str:
    """The plan YAML a verified file carries (read again from its JSON: the signature was already checked)."""
    import json

    return json.loads(data)["body"]["plan_yaml"]


# --- loading what was received ----------------------------------------------------------------------------
def load_received_plans(plans_folder: Path, engine: Engine) -> tuple[list[ReceivedPlan], list[PlanError]]:
    """Every stored version of every received plan (oldest first per plan), verified against the pinned office;
    a file that fails is left out as a ``PlanError`` (``plan.received_file_damaged``). Nothing is read, not even
    the database, when no plan was ever received."""
    folder = received_folder(plans_folder)
    files = sorted(folder.glob("*/v*.cdsplan"), key=_file_order) if folder.is_dir() else []
    if not files:
        return [], []
    office = pinned_office(engine)
    received: list[ReceivedPlan] = []
    problems: list[PlanError] = []
    for path in files:
        try:
            plan = _load_once(path, office)
        except CdsError as problem:
            problems.append(PlanError("plan.received_file_damaged", file=f"{path.parent.name}/{path.name}",
                                      cause=problem.code))
            continue
        if plan.plan.id != path.parent.name or f"v{plan.version}" != path.stem:
            problems.append(PlanError("plan.received_file_damaged", file=f"{path.parent.name}/{path.name}",
                                      cause="misplaced"))
            continue
        received.append(plan)
    return received, problems


def _file_order(path: Path) -> tuple[str, int]:
    digits = path.stem[1:]
    return path.parent.name, int(digits) if digits.isdigit() else 0


def _load_once(path: Path, office: PinnedOffice | None) -> ReceivedPlan:
    """The verified plan in ``path``, from the parsed-plan cache while the file and the pinned root are unchanged
    (the cached plan is validated again by the plan format)."""
    from cds_desktop.core.plans.loader import _CODE

    if office is None:
        raise StateError("plan.no_office_pinned")
    loaded: list[ReceivedPlan] = []

    def parse() -> dict:
        with open(path, "rb") as stream:
            data = stream.read(MAX_PLAN_FILE_READ + 1)
        loaded.append(verify_received(data, office))
        return _cached_value(loaded[0])

    def valid(value: Any) -> bool:
        try:
            loaded.append(_from_cached(value, office.code))
        except (ValidationError, ValueError, TypeError, KeyError, RecursionError):
            return False
        return True

    name = f"office-plan-{office.root_key_id[:16]}-{path.parent.name}-{path.stem}"
    try:
        parsed_once(name, path.parent, (path, *_CODE), parse, valid)
    except OSError as exc:
        from cds_desktop.core.fileio import storage_error

        raise storage_error(exc, path) from exc
    return loaded[-1]


def _cached_value(received: ReceivedPlan) -> dict:
    return {"office": received.office, "status": received.status, "replaced_by": received.replaced_by,
            "change_note": received.change_note, "issued_at": received.issued_at.isoformat(),
            "plan": received.plan.model_dump(mode="json")}


def _from_cached(value: Any, office_code: str) -> ReceivedPlan:
    if value["office"] != office_code or value["status"] not in ("active", "replaced"):
        raise ValueError("another office or status")
    for key in ("replaced_by", "change_note"):
        if value[key] is not None and not isinstance(value[key], str):
            raise TypeError(key)
    return ReceivedPlan(Plan.model_validate(value["plan"]), value["office"], value["status"], value["replaced_by"],
                        value["change_note"], dt.datetime.fromisoformat(value["issued_at"]))


# --- what a new version changes ---------------------------------------------------------------------------
def plan_changes(old: Plan | None, new: Plan, language: str | None = None) -> tuple[PlanChange, ...]:
    """The indicators and tasks ``new`` adds, removes, renames or changes the target (deadline) of, by code."""
    if old is None:
        return ()
    language = language or current_language()
    changes: list[PlanChange] = []
    for item, before, after, name, target in (
        ("indicator", {i.code: i for i in old.indicators()}, {i.code: i for i in new.indicators()},
         lambda i: i.name.get(language), lambda i: describe_targets(i, language)),
        ("task", {t.code: t for t in old.all_tasks()}, {t.code: t for t in new.all_tasks()},
         lambda t: t.title.get(language), lambda t: describe_deadline(t.deadline, language)),
    ):
        for code, thing in after.items():
            if code not in before:
                changes.append(PlanChange(ChangeKind.ADDED, item, code, None, name(thing)))
                continue
            was = before[code]
            if name(was) != name(thing):
                changes.append(PlanChange(ChangeKind.RENAMED, item, code, name(was), name(thing)))
            if target(was) != target(thing):
                changes.append(PlanChange(ChangeKind.TARGET_CHANGED, item, code, target(was), target(thing)))
        changes.extend(PlanChange(ChangeKind.REMOVED, item, code, name(thing), None)
                       for code, thing in before.items() if code not in after)
    return tuple(changes)
