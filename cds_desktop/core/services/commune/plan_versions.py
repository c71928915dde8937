"""The commune's plans: importing the office's signed plan files, the plan picker, and which version of a plan a
period is shown and checked against (``PlanVersions``, a part of ``CommuneService``).

- ``preview_plan_file`` / ``import_plan_file``: a ``.cdsplan`` checked (``received_plans``: signature against the
  pinned office, acceptance of its version) and, once imported, kept in the data folder and offered at once.
- ``plans_for_picker``: the plans to offer, the office's first (active before replaced), then plans imported as
  YAML by earlier versions of the app, then the built-in example plans — these only when the commune asked for
  them (setting ``show_example_plans``), when no office plan is installed yet (there would be nothing to report
  on), or when the commune already entered values for them.
- Versions: values are stored by item code, so a new version keeps every value whose item still exists. An open
  period is checked against the newest version; a period exported against version N keeps N
  (``remember_exported_version``, stored in the ``setting`` table under ``plan_version/<plan>/<period>`` in the
  transaction that marks it exported) until it is reopened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cds_desktop.core.domain import PeriodState
from cds_desktop.core.errors import CdsError, PlanError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.plans.schedule import scheduled_period
from cds_desktop.core.services.commune.received_plans import (
    MAX_PLAN_FILE_READ,
    PlanFilePreview,
    ReceivedPlan,
    acceptance,
    load_received_plans,
    pinned_office,
    plan_changes,
    plan_text,
    stored_path,
    verify_received,
)
from cds_desktop.core.services.key_files import read_key_file
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.database import refuse_if_read_only
from cds_desktop.core.storage.models import PeriodRecord
from cds_desktop.core.storage.repository import CommuneRepository

OFFICE, BUILTIN = "office", "builtin"
PLAN_FILE_SUFFIX = ".cdsplan"  # plan_files.PLAN_FILE_SUFFIX, without importing the bundle package
QUIETLY_PASSED = ("plan.already_received", "plan.older_than_installed")  # beside a key file: nothing new


@dataclass(frozen=True)
class PlanChoice:
    """One plan as the picker lists it."""

    plan: Plan
    origin: str  # "office", "imported" (a YAML file of an earlier version of the app) or "builtin"
    replaced: bool  # the office marked it replaced
    replaced_by: Plan | None  # the plan that replaces it, when the office named one and it is installed

    @property
    def example(self) -> bool:
        return self.origin == BUILTIN


def _version_key(plan_id: str, period_id: str) -> str:
    return f"plan_version/{plan_id}/{period_id}"


class PlanVersions:
    """The plan methods of ``CommuneService`` (which provides the attributes below)."""

    data_dir: DataDir
    catalog: PlanCatalog
    engine: Engine
    repo: CommuneRepository
    received: dict[str, ReceivedPlan]

    def _with_received_plans(self, catalog: PlanCatalog) -> PlanCatalog:
        """``catalog`` with every version of the plans received from the office (origin ``office``)."""
        self.received = {}
        received, problems = load_received_plans(self.data_dir.plans, self.engine)
        for plan in received:
            if plan.plan.id in {p.id for p in catalog.all()} and catalog.origin(plan.plan.id) != OFFICE:
                problems.append(PlanError("plan.id_not_office", plan=plan.plan.id))
                continue
            catalog = catalog.with_plan(plan.plan, OFFICE)
            self.received[plan.plan.id] = plan
        return catalog.with_problems(problems) if problems else catalog

    def received_plan(self, plan_id: str) -> ReceivedPlan | None:
        """The newest version of ``plan_id`` as the office sent it (status, change note); None: not an office plan."""
        return self.received.get(plan_id)

    # --- importing a plan file ---------------------------------------------------------------------------
    def preview_plan_file(self, path: Path, language: str | None = None) -> PlanFilePreview:
        """What importing the plan file at ``path`` would do (nothing installed); a typed refusal when it cannot
        be imported (see ``received_plans``). Changes are worded in ``language``."""
        self.authorize(Permission.MANAGE)
        return self._checked_plan_file(Path(path), language)[0]

    def import_plan_file(self, path: Path, language: str | None = None) -> PlanFilePreview:
        """Verify the plan file at ``path`` and install it; the plan is offered from now on."""
        self.authorize(Permission.MANAGE)
        refuse_if_read_only(self.engine)
        preview, data = self._checked_plan_file(Path(path), language)
        received = preview.received
        write_atomic(stored_path(self.data_dir.plans, received.plan.id, received.version), data)
        self.catalog = self.catalog.with_plan(received.plan, OFFICE)
        self.received[received.plan.id] = received
        return preview

    def import_plans_beside(self, key_file: Path) -> tuple[list[PlanFilePreview], list[tuple[Path, CdsError]]]:
        """After the office's key file ``key_file`` was imported: the plan files in its folder (``*.cdsplan``) that
        the pinned office signed and that are newer than what is installed are imported too. Returns what was
        imported and the files refused for a reason worth saying (one already installed, or older, is passed
        over in silence)."""
        imported, refused = [], []
        for path in sorted(Path(key_file).parent.glob(f"*{PLAN_FILE_SUFFIX}")):
            try:
                imported.append(self.import_plan_file(path))
            except CdsError as exc:
                if exc.code not in QUIETLY_PASSED:
                    refused.append((path, exc))
        return imported, refused

    def _checked_plan_file(self, path: Path, language: str | None) -> tuple[PlanFilePreview, bytes]:
        data = read_key_file(path, MAX_PLAN_FILE_READ)
        office = pinned_office(self.engine)
        received = verify_received(data, office)
        plan_id = received.plan.id
        if plan_id in {p.id for p in self.catalog.all()} and self.catalog.origin(plan_id) != OFFICE:
            raise PlanError("plan.id_not_office", plan=plan_id)
        installed = self.received.get(plan_id)
        installed_text = None
        if installed is not None:
            installed_text = plan_text(stored_path(self.data_dir.plans, plan_id, installed.version).read_bytes())
        status_change = acceptance(received, plan_text(data), installed, installed_text)
        changes = () if status_change else plan_changes(installed.plan if installed else None, received.plan,
                                                         language)
        revalidated = self._open_periods(plan_id) if installed is not None and not status_change else ()
        return PlanFilePreview(received, office.name, installed.version if installed else None, status_change,
                               changes, revalidated), data

    def _open_periods(self, plan_id: str) -> tuple[str, ...]:
        """The periods of ``plan_id`` with values that are not exported: checked against the newest version."""
        with self.repo.reading() as session:
            records = self.repo.periods(session, plan_id)
        return tuple(sorted(p for p, r in records.items() if r.state != PeriodState.EXPORTED.value))

    # --- the picker --------------------------------------------------------------------------------------
    def plans_for_picker(self) -> list[PlanChoice]:
        """The plans to offer, in order (see the module's docstring for which and why)."""
        with self.repo.reading() as session:
            with_values = set(session.exec(select(PeriodRecord.plan_id).distinct()).all())
        show_examples = bool(self.setting("show_example_plans"))
        choices = []
        for plan in self.catalog.all():
            received = self.received.get(plan.id)
            replaced_by = None
            if received is not None and received.replaced_by in {p.id for p in self.catalog.all()}:
                replaced_by = self.catalog.get(received.replaced_by)
            choices.append(PlanChoice(plan, self.catalog.origin(plan.id), received is not None and received.replaced,
                                      replaced_by))
        any_office = any(c.origin == OFFICE for c in choices)
        order = {OFFICE: 0, BUILTIN: 2}
        return sorted(
            (c for c in choices if not c.example or show_examples or not any_office or c.plan.id in with_values),
            key=lambda c: (order.get(c.origin, 1), c.replaced))

    # --- which version a period is read against -----------------------------------------------------------
    def period_plan(self, plan_id: str, period_id: str) -> Plan:
        """The version of ``plan_id`` the period is shown and checked against: the one it was exported against
        while it stays exported, else the newest."""
        plan = self.catalog.get(plan_id)
        period_id = scheduled_period(plan, period_id).period.id
        with self.repo.reading() as session:
            record = self.repo.period(session, plan.id, period_id)
            if record is None or record.state != PeriodState.EXPORTED.value:
                return plan
            stored = self.repo.setting_json(session, _version_key(plan.id, period_id))
        version = int(stored) if stored is not None and stored.isdigit() else None
        if version is None or version not in self.catalog.versions(plan.id):
            return plan
        return self.catalog.get(plan.id, version)

    def remember_exported_version(self, session: Session, plan_id: str, period_id: str, version: int) -> None:
        """Within the transaction that marks the period exported: the plan version its bundle carries."""
        self.repo.save_setting(session, _version_key(plan_id, period_id), int(version))
