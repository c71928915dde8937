"""The commune's services: identity, entries, evidence, validation, status, history and period states.

This is the API every front-end (CLI, desktop UI) calls; front-ends never open sessions or write SQL.
Each mutating call runs in one transaction and returns ``Changes``. Period states:
draft → submitted → approved → exported (revision n); an edit after export starts revision n+1 as a draft.

Every mutating call first asks ``authorize`` for its permission (``services/roles.py``) and records
``actor_name(actor)`` as who did it: the signed-in user's name, or the ``actor`` a script passed when the
installation has no accounts (single-operator mode, see ``services/accounts.py``). Reads need no permission.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from sqlmodel import select

from cds_desktop.core.domain import (
    IndicatorEntry,
    OfficeLevel,
    PeriodEntries,
    PeriodState,
    TaskEntry,
    TaskStatus,
    UnitIdentity,
    UnitKind,
)
from cds_desktop.core.errors import InputError, StateError
from cds_desktop.core.fileio import storage_error, write_atomic
from cds_desktop.core.numbers import canonical
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.loader import PlanCatalog, installed_catalog, read_plan_file
from cds_desktop.core.plans.model import Indicator, IndicatorKind, Level, Plan, Task
from cds_desktop.core.plans.schedule import (
    ScheduledPeriod,
    plan_periods,
    scheduled_period,
)
from cds_desktop.core.services.changes import Changes
from cds_desktop.core.services.commune.inputs import (
    check_reason,
    check_unit,
    evidence_name,
    length_problems,
    parse_date,  # noqa: F401  (re-exported: front-ends parse dates with it)
    parse_task_fields,
    record_problems,
    yes_no,
)
from cds_desktop.core.services.commune.plan_versions import PlanVersions
from cds_desktop.core.services.commune.views import (
    EvidenceView,
    HistoryView,
    PeriodStatus,
    PeriodView,
    period_status,
)
from cds_desktop.core.services.guard import Guarded
from cds_desktop.core.services.report_record import IndicatorRecord, TaskRecord
from cds_desktop.core.services.roles import InstallationKind, Permission
from cds_desktop.core.settings import SETTINGS, spec
from cds_desktop.core.storage.data_folder import open_data_folder
from cds_desktop.core.storage.database import refuse_if_read_only
from cds_desktop.core.storage.evidence_store import EvidenceStore
from cds_desktop.core.storage.models import EvidenceLink, PeriodRecord
from cds_desktop.core.storage.repository import (
    INDICATOR_FIELDS,
    TASK_FIELDS,
    CommuneRepository,
)
from cds_desktop.core.text import clean
from cds_desktop.core.validation import (
    Problem,
    check_indicator,
    check_task,
    indicator_result,
    validate_period,
)

Clock = Callable[[], dt.datetime]
EDITABLE_STATES = (PeriodState.DRAFT,)
REOPENS_ON_EDIT = (PeriodState.EXPORTED,)


class CommuneService(Guarded, PlanVersions):
    kind = InstallationKind.COMMUNE

    def __init__(self, data_dir: DataDir, catalog: PlanCatalog, clock: Clock | None = None) -> None:
        self.data_dir = data_dir
        self.catalog = catalog
        self.clock: Clock = clock or (lambda: dt.datetime.now().astimezone().replace(microsecond=0))
        self.engine = open_data_folder(data_dir)
        self.repo = CommuneRepository(self.engine)
        self.evidence_store = EvidenceStore(data_dir.evidence)
        self.catalog = self._with_received_plans(catalog)  # and every version of the office's plans

    def close(self) -> None:
        self.engine.dispose()

    def today(self) -> dt.date:
        return self.clock().date()

    # --- identity ----------------------------------------------------------------------------
    def init_commune(
        self,
        province_code: str,
        commune_code: str,
        name: str,
        kind: str = UnitKind.XA.value,
        office_code: str | None = None,
        office_name: str | None = None,
        office_level: str | None = None,
    ) -> Changes:
        self.authorize(Permission.MANAGE)
        province_code, commune_code, name = check_unit(province_code, commune_code, name)
        try:
            unit_kind = UnitKind(kind)
            level = OfficeLevel(office_level) if office_level else None
        except ValueError as exc:
            raise InputError("unit.bad_kind", value=str(exc)) from None
        unit = UnitIdentity(province_code, commune_code, name, unit_kind, clean(office_code), clean(office_name), level)
        with self.repo.transaction() as session:
            self.repo.save_unit(session, unit, self.clock())
        return Changes(unit=True)

    def unit(self) -> UnitIdentity | None:
        with self.repo.reading() as session:
            return self.repo.unit(session)

    def require_unit(self) -> UnitIdentity:
        unit = self.unit()
        if unit is None:
            raise StateError("unit.not_initialized")
        return unit

    # --- settings ----------------------------------------------------------------------------
    def setting(self, key: str) -> Any:
        declared = spec(key)
        with self.repo.reading() as session:
            return declared.read_back(self.repo.setting_json(session, key))

    def settings(self) -> dict[str, Any]:
        return {key: self.setting(key) for key in SETTINGS}

    def set_setting(self, key: str, value: Any) -> Changes:
        self.authorize(Permission.MANAGE)
        converted = spec(key).coerce(value)
        with self.repo.transaction() as session:
            self.repo.save_setting(session, key, converted)
        return Changes(settings=True)

    # --- plans and periods -------------------------------------------------------------------
    def plans(self) -> list[Plan]:
        return self.catalog.all()

    def plan(self, plan_id: str) -> Plan:
        return self.catalog.get(plan_id)

    def _view(self, plan: Plan, scheduled: ScheduledPeriod, record: PeriodRecord | None) -> PeriodView:
        state = PeriodState(record.state) if record else PeriodState.DRAFT
        return PeriodView(
            plan_id=plan.id,
            period_id=scheduled.period.id,
            kind=scheduled.period.kind.value,
            start=scheduled.period.start,
            end=scheduled.period.end,
            due_before=scheduled.due_before,
            deadline_text_vi=scheduled.rule.text.vi,
            deadline_text_en=scheduled.rule.text.en,
            state=state,
            revision=record.revision if record else 1,
            office_status=record.office_status if record else None,
            office_reason=record.office_reason if record else None,
            overdue=state is not PeriodState.EXPORTED and self.today() >= scheduled.due_before,
        )

    def periods(self, plan_id: str) -> list[PeriodView]:
        plan = self.plan(plan_id)
        with self.repo.reading() as session:
            records = self.repo.periods(session, plan.id)
        return [self._view(plan, s, records.get(s.period.id)) for s in plan_periods(plan)]

    def period(self, plan_id: str, period_id: str) -> PeriodView:
        plan = self.plan(plan_id)
        scheduled = scheduled_period(plan, period_id)
        with self.repo.reading() as session:
            record = self.repo.period(session, plan.id, scheduled.period.id)
        return self._view(plan, scheduled, record)

    def _resolve(self, plan_id: str, period_id: str) -> tuple[Plan, ScheduledPeriod]:
        plan = self.plan(plan_id)
        return plan, scheduled_period(plan, period_id)

    def _editable_record(self, session, plan: Plan, scheduled: ScheduledPeriod, actor: str) -> tuple[PeriodRecord, bool]:
        """The period row ready for an edit; starts the next revision when the period was exported."""
        now = self.clock()
        record = self.repo.period_for_update(session, plan.id, scheduled.period.id, now)
        state = PeriodState(record.state)
        if state in REOPENS_ON_EDIT:
            self.start_next_revision(session, record, actor, now)
            return record, True
        if state not in EDITABLE_STATES:
            raise StateError("period.locked", plan=plan.id, period=scheduled.period.id, state=state.value)
        return record, False

    def start_next_revision(self, session, record: PeriodRecord, actor: str, now: dt.datetime) -> None:
        """Within ``session``: the period becomes a draft of its next revision (after export or a return)."""
        self.repo.set_state(
            session, record, PeriodState.DRAFT, actor, now,
            revision=record.revision + 1, submitted_at=None, submitted_by=None, approved_at=None, approved_by=None,
        )

    # --- entries -----------------------------------------------------------------------------
    def _commune_indicator(self, plan: Plan, code: str) -> Indicator:
        indicator = plan.indicator(code)
        if indicator is None:
            raise InputError("entry.unknown_indicator", plan=plan.id, code=code)
        if not indicator.applies_to_communes:
            raise InputError("entry.indicator_not_for_communes", plan=plan.id, code=code)
        return indicator

    def _commune_task(self, plan: Plan, code: str) -> Task:
        task = plan.task(code)
        if task is None:
            raise InputError("entry.unknown_task", plan=plan.id, code=code)
        if task.subtasks:
            raise InputError("entry.task_has_subtasks", code=code, subtasks=", ".join(t.code for t in task.leaves()))
        if not task.reports_at_commune:
            raise InputError("entry.task_not_for_communes", plan=plan.id, code=code)
        return task

    def entries(self, plan_id: str, period_id: str) -> PeriodEntries:
        plan, scheduled = self._resolve(plan_id, period_id)
        with self.repo.reading() as session:
            return self.repo.entries(session, self.repo.period(session, plan.id, scheduled.period.id))

    def set_indicator(
        self, plan_id: str, period_id: str, code: str, fields: dict[str, str | None], actor: str,
        reject_invalid: bool = False,
    ) -> tuple[Changes, list[Problem]]:
        """Update some fields of an indicator entry; returns what changed and the entry's problems.

        Numbers are canonical decimal strings (front-ends convert what people type with
        ``numbers.to_canonical``). A draft keeps invalid values so that no typing is lost; with
        ``reject_invalid`` (scripts) an entry with a field error is refused and nothing is written.
        """
        self.authorize(Permission.ENTER_DATA)
        actor = self.actor_name(actor)
        plan, scheduled = self._resolve(plan_id, period_id)
        indicator = self._commune_indicator(plan, code)
        unknown = set(fields) - set(INDICATOR_FIELDS)
        if unknown:
            raise InputError("entry.unknown_field", field=", ".join(sorted(unknown)))
        if indicator.kind is IndicatorKind.BOOLEAN and fields.get("value") is not None:
            fields = {**fields, "value": yes_no(fields["value"])}
        with self.repo.transaction() as session:
            record, reopened = self._editable_record(session, plan, scheduled, actor)
            current = self.repo.entries(session, record).indicators.get(code, IndicatorEntry(code))
            entry = IndicatorEntry(code, **{f: clean(fields[f]) if f in fields else getattr(current, f) for f in INDICATOR_FIELDS})
            problems = check_indicator(indicator, entry) + length_problems(
                code, {f: getattr(entry, f) for f in INDICATOR_FIELDS}, IndicatorRecord)
            field_errors = [p for p in problems if p.is_error and p.code.startswith("value.")]
            if reject_invalid and field_errors:
                raise InputError("entry.invalid", item=code, problems=" ".join(p.message() for p in field_errors))
            result = indicator_result(indicator, entry, Level.COMMUNE).result
            stored_pct = canonical(result) if result is not None and indicator.kind is IndicatorKind.RATIO else None
            changed = self.repo.save_indicator(session, record, entry, stored_pct, actor, self.clock())
        return Changes(plan.id, scheduled.period.id, (code,) if changed else (), tuple(changed), period_state=reopened), problems

    def set_task(
        self, plan_id: str, period_id: str, code: str, fields: dict[str, Any], actor: str,
        reject_invalid: bool = False,
    ) -> tuple[Changes, list[Problem]]:
        """Update some fields of a task's progress (status, progress_pct, completed_on, result, …)."""
        self.authorize(Permission.ENTER_DATA)
        actor = self.actor_name(actor)
        plan, scheduled = self._resolve(plan_id, period_id)
        task = self._commune_task(plan, code)
        unknown = set(fields) - set(TASK_FIELDS)
        if unknown:
            raise InputError("entry.unknown_field", field=", ".join(sorted(unknown)))
        parsed = parse_task_fields(fields)
        with self.repo.transaction() as session:
            record, reopened = self._editable_record(session, plan, scheduled, actor)
            current = self.repo.entries(session, record).tasks.get(code, TaskEntry(code))
            values = {f: parsed[f] if f in parsed else getattr(current, f) for f in TASK_FIELDS}
            if values["status"] is TaskStatus.DONE and "progress_pct" not in parsed:
                values["progress_pct"] = 100
            entry = TaskEntry(code, **values)
            problems = check_task(task, entry, scheduled.period.end, self.today()) + length_problems(
                code, {f: values[f] for f in TASK_FIELDS}, TaskRecord)
            if reject_invalid and any(p.is_error for p in problems):
                raise InputError(
                    "entry.invalid", item=code, problems=" ".join(p.message() for p in problems if p.is_error)
                )
            changed = self.repo.save_task(session, record, entry, actor, self.clock())
        return Changes(plan.id, scheduled.period.id, (code,) if changed else (), tuple(changed), period_state=reopened), problems

    # --- evidence ----------------------------------------------------------------------------
    def add_evidence(self, plan_id: str, period_id: str, item_code: str, file: Path, actor: str) -> Changes:
        """Copy ``file`` into the evidence store and attach it to an item (the name cleaned: ``evidence_name``)."""
        from cds_desktop.core.bundle.format import (
            MAX_ENTRIES,  # one entry of a bundle is the report record
        )

        self.authorize(Permission.ENTER_DATA)
        actor = self.actor_name(actor)
        plan, scheduled = self._resolve(plan_id, period_id)
        if plan.indicator(item_code) is not None:
            self._commune_indicator(plan, item_code)
        else:
            self._commune_task(plan, item_code)
        refuse_if_read_only(self.engine)
        file = Path(file)
        name = evidence_name(file.name)
        stored = self.evidence_store.store(file)
        with self.repo.transaction() as session:
            record, reopened = self._editable_record(session, plan, scheduled, actor)
            files = set(session.exec(select(EvidenceLink.sha256).where(EvidenceLink.period_ref == record.id)).all())
            if stored.sha256 not in files and len(files) + 1 > MAX_ENTRIES - 1:
                raise InputError("evidence.too_many", period=scheduled.period.id, limit=MAX_ENTRIES - 1)
            self.repo.add_evidence(
                session, record, item_code, stored.sha256, stored.size, stored.media_type, name, actor, self.clock()
            )
        warnings = ()
        if stored.size > int(self.setting("evidence_warn_mb")) * 1024 * 1024:
            warnings = ("notice.evidence_large",)
        return Changes(plan.id, scheduled.period.id, (item_code,), evidence=True, period_state=reopened, warnings=warnings)

    def remove_evidence(self, plan_id: str, period_id: str, link_id: int, actor: str) -> Changes:
        self.authorize(Permission.ENTER_DATA)
        actor = self.actor_name(actor)
        plan, scheduled = self._resolve(plan_id, period_id)
        with self.repo.transaction() as session:
            record, reopened = self._editable_record(session, plan, scheduled, actor)
            link = self.repo.remove_evidence(session, record, link_id, actor, self.clock())
            if link is None:
                raise InputError("evidence.unknown", id=link_id)
        return Changes(plan.id, scheduled.period.id, (link.item_code,), evidence=True, period_state=reopened)

    def evidence(self, plan_id: str, period_id: str) -> list[EvidenceView]:
        plan, scheduled = self._resolve(plan_id, period_id)
        with self.repo.reading() as session:
            rows = self.repo.evidence(session, self.repo.period(session, plan.id, scheduled.period.id))
        return [
            EvidenceView(link.id, link.item_code, link.name, link.sha256, file.size, file.media_type,
                         self.evidence_store.path_of(link.sha256), link.added_at, link.added_by)
            for link, file in rows
        ]

    # --- validation, status, history ---------------------------------------------------------
    def validate(self, plan_id: str, period_id: str, entries: PeriodEntries | None = None) -> list[Problem]:
        """The period's problems; pass ``entries`` when they were just read (``entries``) to save reading them again."""
        plan = self.period_plan(plan_id, period_id)  # the version it was exported against, while exported
        scheduled = scheduled_period(plan, period_id)
        if entries is None:
            entries = self.entries(plan.id, scheduled.period.id)
        return self.period_problems(plan, scheduled, entries)

    def period_problems(self, plan: Plan, scheduled: ScheduledPeriod, entries: PeriodEntries) -> list[Problem]:
        """The problems of ``entries`` (however they were read): the rules' and the bundle's limits."""
        return validate_period(plan, entries, scheduled.period.end, self.today()) + record_problems(entries)

    def status(self, plan_id: str, period_id: str) -> PeriodStatus:
        plan = self.period_plan(plan_id, period_id)
        scheduled = scheduled_period(plan, period_id)
        entries = self.entries(plan.id, scheduled.period.id)
        problems = self.validate(plan.id, scheduled.period.id, entries)
        return period_status(plan, self.period(plan.id, scheduled.period.id), entries, problems)

    def history(self, plan_id: str, period_id: str, item_code: str | None = None) -> list[HistoryView]:
        plan, scheduled = self._resolve(plan_id, period_id)
        with self.repo.reading() as session:
            record = self.repo.period(session, plan.id, scheduled.period.id)
            rows = self.repo.history(session, record, item_code)
        return [HistoryView(r.at, r.actor, r.revision, r.item_code, r.field, r.old_value, r.new_value) for r in rows]

    # --- period states -----------------------------------------------------------------------
    def _transition(self, plan_id: str, period_id: str, allowed: tuple[PeriodState, ...], target: PeriodState,
                    actor: str, require_valid: bool, now: dt.datetime, note: tuple[str, str] | None = None,
                    **columns: Any) -> Changes:
        """Move the period to ``target`` from one of ``allowed`` states, setting ``columns`` too; ``note``
        (field, text) is recorded in the period's history with the change (the reason for sending it back).

        ``actor`` is already ``actor_name``'d and the permission checked by the caller.
        """
        plan, scheduled = self._resolve(plan_id, period_id)
        with self.repo.transaction() as session:  # the state and the entries are read under the write lock
            record = self.repo.period_for_update(session, plan.id, scheduled.period.id, now)
            state = PeriodState(record.state)
            if state not in allowed:
                raise StateError(f"period.cannot_{target.value}", period=scheduled.period.id, state=state.value)
            if require_valid:
                problems = self.period_problems(plan, scheduled, self.repo.entries(session, record))
                errors = [p for p in problems if p.is_error]
                if errors:
                    raise StateError("period.has_errors", period=scheduled.period.id, count=len(errors))
            self.settle_unfinished_export(session, record)
            self.repo.set_state(session, record, target, actor, now, **columns)
            if note is not None:
                self.repo.record_history(session, record, actor, now, "*", note[0], None, note[1])
        return Changes(plan.id, scheduled.period.id, period_state=True)

    @staticmethod
    def settle_unfinished_export(session, record: PeriodRecord) -> None:
        """Within ``session``, before the period's state changes: an export of this revision that was started
        and not finished is dropped if its bundle never got its final name; if it may have (a copy may be on
        its way to the office), refuse — only finishing the export, which writes the same bundle, may go on."""
        from cds_desktop.core.storage.exchange_models import ExportAttempt  # the exchange tables: not at start-up

        attempt = session.exec(select(ExportAttempt).where(ExportAttempt.period_ref == record.id,
                                                           ExportAttempt.revision == record.revision)).first()
        if attempt is None:
            return
        if attempt.published:
            raise StateError("period.export_unfinished", period=record.period_id, revision=record.revision)
        session.delete(attempt)

    def submit(self, plan_id: str, period_id: str, actor: str) -> Changes:
        self.authorize(Permission.SUBMIT)
        actor, now = self.actor_name(actor), self.clock()
        return self._transition(plan_id, period_id, (PeriodState.DRAFT,), PeriodState.SUBMITTED, actor, True, now,
                                submitted_at=now, submitted_by=actor)

    def approve(self, plan_id: str, period_id: str, actor: str) -> Changes:
        self.authorize(Permission.APPROVE)
        actor, now = self.actor_name(actor), self.clock()
        return self._transition(plan_id, period_id, (PeriodState.SUBMITTED,), PeriodState.APPROVED, actor, True, now,
                                approved_at=now, approved_by=actor)

    def send_back(self, plan_id: str, period_id: str, actor: str, reason: str) -> Changes:
        """A submitted or approved period goes back to draft for correction (same revision). ``reason`` is
        required (``check_reason``) and recorded in the period's history as ``send_back_reason``."""
        self.authorize(Permission.APPROVE)
        reason = check_reason(reason)
        return self._transition(plan_id, period_id, (PeriodState.SUBMITTED, PeriodState.APPROVED), PeriodState.DRAFT,
                                self.actor_name(actor), False, self.clock(), note=("send_back_reason", reason),
                                approved_at=None, approved_by=None)

    def mark_exported(self, plan_id: str, period_id: str, actor: str) -> Changes:
        self.authorize(Permission.APPROVE)
        actor, now = self.actor_name(actor), self.clock()
        return self._transition(plan_id, period_id, (PeriodState.APPROVED,), PeriodState.EXPORTED, actor, False, now,
                                exported_at=now)

    def reopen(self, plan_id: str, period_id: str, actor: str) -> Changes:
        """Start the next revision of an exported period."""
        self.authorize(Permission.APPROVE)
        actor = self.actor_name(actor)
        plan, scheduled = self._resolve(plan_id, period_id)
        with self.repo.transaction() as session:
            record = self.repo.period_for_update(session, plan.id, scheduled.period.id, self.clock())
            if PeriodState(record.state) is not PeriodState.EXPORTED:
                raise StateError("period.cannot_reopen", period=scheduled.period.id, state=record.state)
            self.start_next_revision(session, record, actor, self.clock())
        return Changes(plan.id, scheduled.period.id, period_state=True)



def install_yaml_plan(data_dir: DataDir, source: Path) -> Plan:
    """Validate a bare YAML plan file and copy it into the data folder (origin ``imported``); refuses an id that is
    already installed. For a receiving office's folder, or one not set up yet (``cds plans import``): a commune
    takes only its office's signed plan files (``CommuneService.import_plan_file``). No permission check here:
    the caller asks ``authorize(Permission.MANAGE)`` of the service it opened."""
    plan, text = read_plan_file(Path(source))  # read once, within the plan size limit
    if plan.id in {p.id for p in installed_catalog(data_dir).all()}:
        raise InputError("plan.already_installed", plan=plan.id)
    write_atomic(data_dir.plans / f"{plan.id}.yaml", text.encode("utf-8"))
    return plan


def open_commune_service(data_dir: str | Path | None = None, clock: Clock | None = None) -> CommuneService:
    """Open the commune's store in ``data_dir`` (default: the per-user data folder) with the installed plans."""
    folder = DataDir.resolve(data_dir)
    try:
        return CommuneService(folder, installed_catalog(folder), clock)
    except OSError as exc:
        raise storage_error(exc, folder.root) from exc
