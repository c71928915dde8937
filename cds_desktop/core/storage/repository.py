"""Data access for the commune's store: reads and writes rows, records history, converts to domain values.

All writes of one user action happen in one transaction (``CommuneRepository.transaction``); every field
change writes a history row (who, when, field, old → new) in that same transaction. A write transaction
takes the database's write lock before its first read (``BEGIN IMMEDIATE`` on SQLite, see
``storage/database.py``), so what a change reads to decide — the period's state, the current values — cannot
change under it: two processes acting at once are serialised, and the second one sees what the first did.
A storage condition (disk full, read-only folder, lock held too long, damaged file) leaves both context
managers as the ``StorageError`` that explains it; nothing of the failed transaction is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, func
from sqlmodel import Session, select

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
from cds_desktop.core.storage.database import (
    explained_failures,
    lookup_options,
    refuse_if_read_only,
    write_options,
)
from cds_desktop.core.storage.models import (
    EvidenceFile,
    EvidenceLink,
    HistoryEntry,
    IndicatorValue,
    PeriodRecord,
    Setting,
    TaskProgress,
    Unit,
)

INDICATOR_FIELDS = ("numerator", "denominator", "value", "note", "data_source")
TASK_FIELDS = ("status", "progress_pct", "completed_on", "result", "difficulties", "proposals")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class CommuneRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction, holding the write lock from its start; committed when the block ends."""
        refuse_if_read_only(self.engine)
        with self._explained(), Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                session.connection(execution_options=write_options(self.engine))
                yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        with self._explained(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def writing_connection(self) -> Iterator[Connection]:
        """``transaction`` without the ORM session: a Core connection in one write transaction (the office's
        import writes thousands of submissions with Core statements; a session per file costs more than its SQL)."""
        refuse_if_read_only(self.engine)
        with self._explained(), self.engine.connect() as connection:
            connection = connection.execution_options(**write_options(self.engine))
            with connection.begin():
                yield connection

    @contextlib.contextmanager
    def reading_connection(self) -> Iterator[Connection]:
        """``reading`` without the ORM session: a Core connection for a few lookups, each consistent on its own
        (what a change must read consistently it reads again in its write transaction)."""
        with self._explained(), self.engine.connect() as connection:
            yield connection.execution_options(**lookup_options(self.engine))

    def _explained(self):
        return explained_failures(self.engine)

    # --- unit and settings -------------------------------------------------------------------
    def unit(self, session: Session) -> UnitIdentity | None:
        row = session.get(Unit, 1)
        if row is None:
            return None
        return UnitIdentity(
            province_code=row.province_code,
            commune_code=row.commune_code,
            name=row.name,
            kind=UnitKind(row.kind),
            office_code=row.office_code,
            office_name=row.office_name,
            office_level=OfficeLevel(row.office_level) if row.office_level else None,
        )

    def save_unit(self, session: Session, unit: UnitIdentity, now: dt.datetime) -> None:
        row = session.get(Unit, 1) or Unit(id=1, created_at=now, province_code="", commune_code="", name="", kind="")
        row.province_code, row.commune_code, row.name = unit.province_code, unit.commune_code, unit.name
        row.kind = unit.kind.value
        row.office_code, row.office_name = unit.office_code, unit.office_name
        row.office_level = unit.office_level.value if unit.office_level else None
        session.add(row)

    def setting_json(self, session: Session, key: str) -> str | None:
        """The stored JSON text of a setting, as it is (``settings.SettingSpec.read_back`` checks it)."""
        row = session.get(Setting, key)
        return None if row is None else row.value_json

    def save_setting(self, session: Session, key: str, value: Any) -> None:
        row = session.get(Setting, key) or Setting(key=key, value_json="null")
        row.value_json = json.dumps(value, ensure_ascii=False)
        session.add(row)

    # --- periods -----------------------------------------------------------------------------
    def period(self, session: Session, plan_id: str, period_id: str) -> PeriodRecord | None:
        return session.exec(
            select(PeriodRecord).where(PeriodRecord.plan_id == plan_id, PeriodRecord.period_id == period_id)
        ).first()

    def period_for_update(self, session: Session, plan_id: str, period_id: str, now: dt.datetime) -> PeriodRecord:
        """The period's row, created in state draft, revision 1 on first use."""
        record = self.period(session, plan_id, period_id)
        if record is None:
            record = PeriodRecord(plan_id=plan_id, period_id=period_id, updated_at=now)
            session.add(record)
            session.flush()
        return record

    def periods(self, session: Session, plan_id: str) -> dict[str, PeriodRecord]:
        rows = session.exec(select(PeriodRecord).where(PeriodRecord.plan_id == plan_id)).all()
        return {row.period_id: row for row in rows}

    def record_history(
        self,
        session: Session,
        record: PeriodRecord,
        actor: str,
        now: dt.datetime,
        item_code: str,
        field: str,
        old: Any,
        new: Any,
    ) -> None:
        session.add(
            HistoryEntry(
                at=now,
                actor=actor,
                period_ref=record.id,
                revision=record.revision,
                item_code=item_code,
                field=field,
                old_value=_text(old),
                new_value=_text(new),
            )
        )

    def set_state(
        self, session: Session, record: PeriodRecord, state: PeriodState, actor: str, now: dt.datetime, **extra: Any
    ) -> None:
        """Change the period's state (and any of its other columns), recording each change in history."""
        changes = {"state": state.value, **extra}
        for name, new in changes.items():
            old = getattr(record, name)
            if old != new:
                self.record_history(session, record, actor, now, "*", name, old, new)
                setattr(record, name, new)
        record.updated_at = now
        session.add(record)

    # --- entries -----------------------------------------------------------------------------
    def _changed_fields(self, row: Any, new_values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
        return [(f, getattr(row, f), v) for f, v in new_values.items() if getattr(row, f) != v]

    def save_indicator(
        self, session: Session, record: PeriodRecord, entry: IndicatorEntry, percentage: str | None,
        actor: str, now: dt.datetime,
    ) -> list[str]:
        """Write one indicator entry; returns the names of the fields that changed."""
        row = session.exec(
            select(IndicatorValue).where(
                IndicatorValue.period_ref == record.id, IndicatorValue.indicator_code == entry.indicator_code
            )
        ).first()
        if row is None:
            row = IndicatorValue(
                period_ref=record.id, indicator_code=entry.indicator_code, updated_at=now, updated_by=actor
            )
        changes = self._changed_fields(row, {f: getattr(entry, f) for f in INDICATOR_FIELDS})
        if not changes:
            return []
        for field, old, new in changes:
            self.record_history(session, record, actor, now, entry.indicator_code, field, old, new)
            setattr(row, field, new)
        row.percentage, row.updated_at, row.updated_by = percentage, now, actor
        session.add(row)
        return [c[0] for c in changes]

    def save_task(
        self, session: Session, record: PeriodRecord, entry: TaskEntry, actor: str, now: dt.datetime
    ) -> list[str]:
        row = session.exec(
            select(TaskProgress).where(TaskProgress.period_ref == record.id, TaskProgress.task_code == entry.task_code)
        ).first()
        if row is None:
            row = TaskProgress(period_ref=record.id, task_code=entry.task_code, updated_at=now, updated_by=actor)
        new_values = {f: getattr(entry, f) for f in TASK_FIELDS}
        new_values["status"] = entry.status.value
        changes = self._changed_fields(row, new_values)
        if not changes:
            return []
        for field, old, new in changes:
            self.record_history(session, record, actor, now, entry.task_code, field, old, new)
            setattr(row, field, new)
        row.updated_at, row.updated_by = now, actor
        session.add(row)
        return [c[0] for c in changes]

    def entries(self, session: Session, record: PeriodRecord | None) -> PeriodEntries:
        if record is None:
            return PeriodEntries()
        indicators = {
            row.indicator_code: IndicatorEntry(row.indicator_code, **{f: getattr(row, f) for f in INDICATOR_FIELDS})
            for row in session.exec(select(IndicatorValue).where(IndicatorValue.period_ref == record.id))
        }
        tasks = {
            row.task_code: TaskEntry(
                row.task_code,
                status=TaskStatus(row.status),
                progress_pct=row.progress_pct,
                completed_on=row.completed_on,
                result=row.result,
                difficulties=row.difficulties,
                proposals=row.proposals,
            )
            for row in session.exec(select(TaskProgress).where(TaskProgress.period_ref == record.id))
        }
        counts = dict(
            session.exec(
                select(EvidenceLink.item_code, func.count())
                .where(EvidenceLink.period_ref == record.id)
                .group_by(EvidenceLink.item_code)
            ).all()
        )
        return PeriodEntries(indicators=indicators, tasks=tasks, evidence_counts=counts)

    # --- evidence ----------------------------------------------------------------------------
    def add_evidence(
        self, session: Session, record: PeriodRecord, item_code: str, sha256: str, size: int, media_type: str,
        name: str, actor: str, now: dt.datetime,
    ) -> EvidenceLink:
        if session.get(EvidenceFile, sha256) is None:
            session.add(EvidenceFile(sha256=sha256, size=size, media_type=media_type, stored_at=now))
        link = session.exec(
            select(EvidenceLink).where(
                EvidenceLink.period_ref == record.id, EvidenceLink.item_code == item_code, EvidenceLink.sha256 == sha256
            )
        ).first()
        if link is None:
            link = EvidenceLink(
                period_ref=record.id, item_code=item_code, sha256=sha256, name=name, added_at=now, added_by=actor
            )
            session.add(link)
            session.flush()
            self.record_history(session, record, actor, now, item_code, "evidence", None, f"{name} ({sha256[:12]})")
        return link

    def remove_evidence(
        self, session: Session, record: PeriodRecord, link_id: int, actor: str, now: dt.datetime
    ) -> EvidenceLink | None:
        link = session.get(EvidenceLink, link_id)
        if link is None or link.period_ref != record.id:
            return None
        self.record_history(session, record, actor, now, link.item_code, "evidence", f"{link.name} ({link.sha256[:12]})", None)
        session.delete(link)
        return link

    def evidence(self, session: Session, record: PeriodRecord | None) -> list[tuple[EvidenceLink, EvidenceFile]]:
        if record is None:
            return []
        return list(
            session.exec(
                select(EvidenceLink, EvidenceFile)
                .join(EvidenceFile, EvidenceFile.sha256 == EvidenceLink.sha256)
                .where(EvidenceLink.period_ref == record.id)
                .order_by(EvidenceLink.item_code, EvidenceLink.id)
            ).all()
        )

    # --- history -----------------------------------------------------------------------------
    def history(self, session: Session, record: PeriodRecord | None, item_code: str | None = None) -> list[HistoryEntry]:
        if record is None:
            return []
        query = select(HistoryEntry).where(HistoryEntry.period_ref == record.id)
        if item_code is not None:
            query = query.where(HistoryEntry.item_code == item_code)
        return list(session.exec(query.order_by(HistoryEntry.id)).all())
