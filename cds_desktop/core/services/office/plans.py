"""The plans the office writes and sends to its communes (issue #13): drafts, publishing (signed by the root key),
marking a plan replaced, the ``.cdsplan`` files, and which built-in plans the office accepts reports on.

Rules:
- an office plan's id is never a built-in (or otherwise installed) plan's id; a copy of another plan gets a new id
  (``start_plan_draft(source, new_id)``), version 1 and the office as its issuing body;
- one draft per plan id; a draft's version is 1 for a new id, else the newest published version + 1: a published
  version is never changed in place, a correction is the next version (``start_plan_draft(plan_id)``), and from
  version 2 on publishing needs a short change note;
- publishing signs the draft's YAML with the office root key (``bundle/plan_files.make_plan_file``), stores the
  signed file, its YAML and the validated plan (JSON) in ``office_plan_file``, removes the draft and adds the
  version to ``self.catalog`` (origin ``office``) — one transaction;
- marking replaced issues the SAME version again, byte-identical YAML, status ``replaced`` (optionally naming the
  plan that takes its place) and a later ``issued_at``: what a commune accepts as a status change;
- the office's catalog (``OfficePlans.__init__``) is the catalog it was opened with plus every published version of
  its plans, read from the validated JSON (no YAML parsed at start);
- built-in (and imported) plans are accepted unless the office refused them (``set_builtin_plan_accepted``); the
  import refuses a report on a plan the office refused or only drafted (``record_checks``).

Changes need ``Permission.WRITE_PLANS`` (head, admin); publishing and replacing also the root passphrase. Reads
need no permission.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import select

from cds_desktop.core.bundle.plan_files import (
    MAX_CHANGE_NOTE,
    PLAN_FILE_CODES,
    PLAN_FILE_SUFFIX,
    PlanFileBody,
    PlanStatus,
    make_plan_file,
)
from cds_desktop.core.bundle.signed import open_envelope
from cds_desktop.core.errors import InputError, StateError
from cds_desktop.core.fileio import write_atomic
from cds_desktop.core.paths import DataDir
from cds_desktop.core.plans.document import check_plan_document, plan_document, plan_yaml
from cds_desktop.core.plans.loader import PlanCatalog
from cds_desktop.core.plans.model import Plan
from cds_desktop.core.services.office.keys import ORG_KEYS_VALID_DAYS, OfficeKeys
from cds_desktop.core.services.roles import Permission
from cds_desktop.core.storage.exchange_models import OfficeBuiltinPlan, OfficePlanDraft, OfficePlanFile
from cds_desktop.core.storage.queries import office_plans as queries
from cds_desktop.core.storage.repository import CommuneRepository
from cds_desktop.core.text import clean

OFFICE_ORIGIN = "office"
PLAN_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")  # the plan format's (``PlanIdentity.id``)


@dataclass(frozen=True)
class OfficePlanRow:
    """A plan in the office's Plans page: one of its own (drafted and/or published) or a built-in one."""

    plan_id: str
    title_vi: str
    title_en: str
    origin: str  # office | builtin
    draft_version: int | None  # a draft exists: its version
    published_version: int | None  # the newest version published
    status: str  # draft | active | replaced | builtin
    accepted: bool  # built-ins: the office accepts reports on it; office plans: True
    reported_on: bool  # a submission was received against its newest published version (built-in: its version)
    issued_at: dt.datetime | None  # when the newest file of the newest version was issued (as stored: no offset)
    replaced_by: str | None


@dataclass(frozen=True)
class PublishedPlanRow:
    """A signed plan file just issued."""

    plan_id: str
    plan_version: int
    status: str  # active | replaced
    replaced_by: str | None
    change_note: str | None
    issued_at: dt.datetime
    file_name: str  # the name ``export_plan_file`` writes it under


def plan_file_name(plan_id: str, version: int) -> str:
    """``lamdong-2026-v2.cdsplan``: the name a plan file travels under."""
    return f"{plan_id}-v{version}{PLAN_FILE_SUFFIX}"


def with_office_plans(catalog: PlanCatalog, repo: CommuneRepository) -> PlanCatalog:
    """``catalog`` with every version the office published (origin ``office``), from the stored plan JSON."""
    with repo.reading() as session:
        rows = queries.published_plans(session)
    for row in rows:
        catalog = catalog.with_plan(Plan.model_validate(json.loads(row.plan_json)), OFFICE_ORIGIN)
    return catalog


class OfficePlans(OfficeKeys):
    def __init__(self, data_dir: DataDir, catalog: PlanCatalog, clock=None, password: str | None = None) -> None:
        super().__init__(data_dir, catalog, clock, password)
        self.catalog = with_office_plans(self.catalog, self.repo)

    # --- reading --------------------------------------------------------------------------------

    def office_plans(self) -> list[OfficePlanRow]:
        """The office's own plans (by id), then the built-in ones (catalog order)."""
        with self.repo.reading() as session:
            files = queries.issued_files(session)
            drafts = {row.plan_id: row for row in session.exec(select(OfficePlanDraft)).all()}
            acceptance = queries.builtin_acceptance(session)
            reported = queries.reported_versions(session)
        newest: dict[str, queries.IssuedFileRow] = {}
        for row in files:  # oldest first: the last one of each plan is its newest file
            newest[row.plan_id] = row
        rows = []
        for plan_id in sorted(set(newest) | set(drafts)):
            file, draft = newest.get(plan_id), drafts.get(plan_id)
            title_vi, title_en = _draft_titles(draft) if draft is not None else (file.title_vi, file.title_en)
            rows.append(OfficePlanRow(
                plan_id=plan_id, title_vi=title_vi, title_en=title_en, origin=OFFICE_ORIGIN,
                draft_version=draft.plan_version if draft else None,
                published_version=file.plan_version if file else None,
                status=file.status if file else "draft", accepted=True,
                reported_on=file is not None and (plan_id, file.plan_version) in reported,
                issued_at=file.issued_at if file else None, replaced_by=file.replaced_by if file else None))
        for plan in self.catalog.all():
            if self.catalog.origin(plan.id) == OFFICE_ORIGIN:
                continue
            rows.append(OfficePlanRow(
                plan_id=plan.id, title_vi=plan.plan.title.vi, title_en=plan.plan.title.en, origin="builtin",
                draft_version=None, published_version=None, status="builtin",
                accepted=acceptance.get(plan.id, True),
                reported_on=(plan.id, plan.plan.plan_version) in reported, issued_at=None, replaced_by=None))
        return rows

    def plan_draft(self, plan_id: str) -> dict[str, Any]:
        """The draft of ``plan_id`` as a document (``core/plans/document.py``); ``StateError`` when there is none."""
        with self.repo.reading() as session:
            draft = session.get(OfficePlanDraft, plan_id)
        if draft is None:
            raise StateError("office_plans.no_draft", plan=plan_id)
        return plan_document(Plan.model_validate(json.loads(draft.document_json)))

    # --- drafts ---------------------------------------------------------------------------------

    def start_plan_draft(self, source_plan_id: str, new_plan_id: str | None = None) -> dict[str, Any]:
        """A new draft copied from any plan of the catalog: with ``new_plan_id``, version 1 of a new plan issued
        by this office; without it, the next version of one of the office's own plans (a correction)."""
        self.authorize(Permission.WRITE_PLANS)
        source = self.catalog.get(source_plan_id)
        document = plan_document(source)
        if new_plan_id is None:
            if self.catalog.origin(source.id) != OFFICE_ORIGIN:
                raise InputError("office_plans.new_id_required", plan=source.id)
            document["plan"]["plan_version"] = source.plan.plan_version + 1
        else:
            new_plan_id = self._free_plan_id(new_plan_id)
            office = self.require_identity()
            document["plan"].update(id=new_plan_id, plan_version=1, issuing_body={
                "name": {"vi": office.name, "en": office.name}, "level": office.level})
        return plan_document(self._store_draft(document, new=True))

    def start_plan_draft_from_document(self, document: dict[str, Any]) -> dict[str, Any]:
        """A new draft from a whole document (a template, a spreadsheet): validated, with the same id and
        version rules as any draft."""
        self.authorize(Permission.WRITE_PLANS)
        return plan_document(self._store_draft(document, new=True))

    def save_plan_draft(self, document: dict[str, Any]) -> Plan:
        """Validate ``document`` (every rule of a plan file) and store it as its plan's draft."""
        self.authorize(Permission.WRITE_PLANS)
        return self._store_draft(document, new=False)

    def delete_plan_draft(self, plan_id: str) -> None:
        self.authorize(Permission.WRITE_PLANS)
        with self.repo.transaction() as session:
            draft = session.get(OfficePlanDraft, plan_id)
            if draft is None:
                raise StateError("office_plans.no_draft", plan=plan_id)
            session.delete(draft)

    def _free_plan_id(self, plan_id: str) -> str:
        """``plan_id`` trimmed, when it is a valid plan id no plan has (built-in, office, draft)."""
        plan_id = (plan_id or "").strip()
        if not PLAN_ID_PATTERN.match(plan_id):
            raise InputError("office_plans.bad_id", plan=plan_id)
        with self.repo.reading() as session:
            drafted = session.get(OfficePlanDraft, plan_id) is not None
        if drafted or plan_id in {plan.id for plan in self.catalog.all()}:
            raise InputError("office_plans.id_taken", plan=plan_id)
        return plan_id

    def _store_draft(self, document: dict[str, Any], new: bool) -> Plan:
        """Validate ``document`` and store it as its plan's draft (``new``: there must be none yet)."""
        plan = check_plan_document(document, _source(document))
        if plan.id in {p.id for p in self.catalog.all()} and self.catalog.origin(plan.id) != OFFICE_ORIGIN:
            raise InputError("office_plans.id_builtin", plan=plan.id)
        actor = self.actor_name("")
        with self.repo.transaction() as session:
            published = queries.newest_published_version(session, plan.id)
            expected = (published or 0) + 1
            if plan.plan.plan_version != expected:
                raise InputError("office_plans.wrong_version", plan=plan.id, version=plan.plan.plan_version,
                                 expected=expected)
            draft = session.get(OfficePlanDraft, plan.id)
            if draft is not None and new:
                raise StateError("office_plans.draft_exists", plan=plan.id, version=draft.plan_version)
            draft = draft or OfficePlanDraft(plan_id=plan.id, plan_version=expected, document_json="",
                                             updated_at=self.clock(), updated_by=actor)
            draft.plan_version, draft.updated_at, draft.updated_by = expected, self.clock(), actor
            draft.document_json = plan.model_dump_json()
            session.add(draft)
        return plan

    # --- publishing -----------------------------------------------------------------------------

    def publish_plan(self, plan_id: str, change_note: str | None, passphrase: str, actor: str) -> PublishedPlanRow:
        """Sign the draft of ``plan_id`` with the root key and store the file; the draft becomes that version."""
        self.authorize(Permission.WRITE_PLANS)
        office = self.require_identity()
        actor = self.actor_name(actor)
        with self.repo.reading() as session:
            draft = session.get(OfficePlanDraft, plan_id)
        if draft is None:
            raise StateError("office_plans.no_draft", plan=plan_id)
        note = _change_note(change_note, draft.plan_version)
        plan = Plan.model_validate(json.loads(draft.document_json))
        root = self._root_key(passphrase)
        now = self.clock()
        text = plan_yaml(plan)
        data = make_plan_file(root, office=office.code, plan_yaml=text, issued_at=now, change_note=note)
        with self.repo.transaction() as session:
            current = session.get(OfficePlanDraft, plan_id)
            if current is None or current.document_json != draft.document_json:
                raise StateError("office_plans.draft_changed", plan=plan_id)
            if queries.newest_published_version(session, plan_id) not in (None, draft.plan_version - 1):
                raise StateError("office_plans.draft_changed", plan=plan_id)
            session.add(_file_row(plan, PlanStatus.ACTIVE, None, note, now, actor, text, draft.document_json, data))
            session.delete(current)
        self.catalog = self.catalog.with_plan(plan, OFFICE_ORIGIN)
        return PublishedPlanRow(plan.id, plan.plan.plan_version, PlanStatus.ACTIVE.value, None, note, now,
                                plan_file_name(plan.id, plan.plan.plan_version))

    def mark_plan_replaced(self, plan_id: str, replaced_by: str | None, passphrase: str,
                           actor: str) -> PublishedPlanRow:
        """Issue the newest published version of ``plan_id`` again as ``replaced`` (by ``replaced_by``, when
        given: another plan the catalog has), later than every file of that version."""
        self.authorize(Permission.WRITE_PLANS)
        office = self.require_identity()
        actor = self.actor_name(actor)
        replaced_by = (replaced_by or "").strip() or None
        if replaced_by is not None:
            if replaced_by == plan_id:
                raise InputError("office_plans.replaced_by_itself", plan=plan_id)
            self.catalog.get(replaced_by)
        with self.repo.reading() as session:
            newest = queries.newest_file(session, plan_id)
        if newest is None:
            raise StateError("office_plans.not_published", plan=plan_id)
        if newest.status == PlanStatus.REPLACED and newest.replaced_by == replaced_by:
            raise StateError("office_plans.already_replaced", plan=plan_id)
        root = self._root_key(passphrase)
        now = max(self.clock(), _issued_at(newest.file_data) + dt.timedelta(seconds=1))
        data = make_plan_file(root, office=office.code, plan_yaml=newest.plan_yaml, issued_at=now,
                              status=PlanStatus.REPLACED, replaced_by=replaced_by)
        plan = Plan.model_validate(json.loads(newest.plan_json))
        with self.repo.transaction() as session:
            session.add(_file_row(plan, PlanStatus.REPLACED, replaced_by, None, now, actor, newest.plan_yaml,
                                  newest.plan_json, data))
        return PublishedPlanRow(plan_id, newest.plan_version, PlanStatus.REPLACED.value, replaced_by, None, now,
                                plan_file_name(plan_id, newest.plan_version))

    # --- files ----------------------------------------------------------------------------------

    def export_plan_file(self, plan_id: str, folder: Path, version: int | None = None) -> Path:
        """Write the newest file issued of ``plan_id`` at ``version`` (None: the newest version) into ``folder``
        as ``<plan_id>-v<version>.cdsplan``, atomically."""
        with self.repo.reading() as session:
            row = queries.newest_file(session, plan_id, version)
        if row is None:
            raise InputError("office_plans.not_published", plan=plan_id)
        path = Path(folder) / plan_file_name(row.plan_id, row.plan_version)
        write_atomic(path, row.file_data)
        return path

    def export_published_plans(self, folder: Path) -> list[Path]:
        """Every office plan's newest file (its newest version) into ``folder``; the paths written."""
        with self.repo.reading() as session:
            plan_ids = sorted({row.plan_id for row in queries.issued_files(session)})
        return [self.export_plan_file(plan_id, folder) for plan_id in plan_ids]

    def export_keys(self, out: Path, passphrase: str, valid_days: int = ORG_KEYS_VALID_DAYS,
                    include_plans: bool = False) -> int:
        """The org-keys file (``OfficeKeys.export_keys``); with ``include_plans`` every office plan's newest file
        beside it (``export_published_plans``), for the communes to import with the keys."""
        version = super().export_keys(out, passphrase, valid_days)
        if include_plans:
            self.export_published_plans(Path(out).parent)
        return version

    # --- built-in plans -------------------------------------------------------------------------

    def set_builtin_plan_accepted(self, plan_id: str, accepted: bool) -> None:
        """Accept reports on the built-in plan ``plan_id``, or stop accepting them (the import then refuses them)."""
        self.authorize(Permission.WRITE_PLANS)
        self.catalog.get(plan_id)
        if self.catalog.origin(plan_id) == OFFICE_ORIGIN:
            raise InputError("office_plans.not_builtin", plan=plan_id)
        with self.repo.transaction() as session:
            row = session.get(OfficeBuiltinPlan, plan_id) or OfficeBuiltinPlan(plan_id=plan_id, accepted=accepted,
                                                                               changed_at=self.clock())
            row.accepted, row.changed_at = bool(accepted), self.clock()
            session.add(row)


def _draft_titles(draft: OfficePlanDraft) -> tuple[str, str]:
    title = json.loads(draft.document_json)["plan"]["title"]
    return title["vi"], title["en"]


def _source(document: Any) -> str:
    """How the errors about a document name it: its plan id when it has one."""
    plan = document.get("plan") if isinstance(document, dict) else None
    plan_id = plan.get("id") if isinstance(plan, dict) else None
    return plan_id if isinstance(plan_id, str) and plan_id else "?"


def _change_note(note: str | None, version: int) -> str | None:
    text = clean(note)
    if text is None and version >= 2:
        raise InputError("office_plans.change_note_required", version=version)
    if text is not None and len(text) > MAX_CHANGE_NOTE:
        raise InputError("office_plans.change_note_too_long", length=len(text), limit=MAX_CHANGE_NOTE)
    return text


def _issued_at(data: bytes) -> dt.datetime:
    """When a stored plan file says it was issued, exactly as signed (the database keeps no time zone)."""
    return open_envelope(data, PLAN_FILE_CODES).body_as(PlanFileBody, PLAN_FILE_CODES).issued_at


def _file_row(plan: Plan, status: PlanStatus, replaced_by: str | None, note: str | None, issued_at: dt.datetime,
              actor: str, text: str, plan_json: str, data: bytes) -> OfficePlanFile:
    return OfficePlanFile(plan_id=plan.id, plan_version=plan.plan.plan_version, status=status.value,
                          replaced_by=replaced_by, change_note=note, issued_at=issued_at, issued_by=actor,
                          title_vi=plan.plan.title.vi, title_en=plan.plan.title.en, plan_yaml=text,
                          plan_json=plan_json, file_data=data)

