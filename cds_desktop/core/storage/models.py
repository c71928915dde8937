"""Database tables of the commune's local store (SQLModel, ``table=True``).

Table classes do not validate in ``__init__``: values are checked at the boundary (services, pydantic)
before rows are built. Decimal quantities are stored as canonical decimal strings so nothing is rounded
by floating point. Every schema change here needs an Alembic migration in ``storage/migrations``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Unit(SQLModel, table=True):
    """This installation's administrative unit and the office it reports to (one row, id 1)."""

    __tablename__ = "unit"
    id: int = Field(default=1, primary_key=True)
    province_code: str = Field(max_length=2)
    commune_code: str = Field(max_length=5)
    name: str
    kind: str  # xa | phuong | dac_khu
    office_code: str | None = None
    office_name: str | None = None
    office_level: str | None = None  # province | district
    created_at: dt.datetime


class Setting(SQLModel, table=True):
    """Declared settings (see ``core/settings.py``) stored as JSON text."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value_json: str = Field(sa_column=Column(Text, nullable=False))


class PeriodRecord(SQLModel, table=True):
    """The state of one plan period at this commune: draft → submitted → approved → exported (revision n)."""

    __tablename__ = "period_record"
    __table_args__ = (UniqueConstraint("plan_id", "period_id"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    period_id: str
    state: str = "draft"
    revision: int = 1
    submitted_at: dt.datetime | None = None
    submitted_by: str | None = None
    approved_at: dt.datetime | None = None
    approved_by: str | None = None
    exported_at: dt.datetime | None = None
    office_status: str | None = None  # accepted | returned (from a signed receipt)
    office_reason: str | None = None
    office_revision: int | None = None
    updated_at: dt.datetime


class IndicatorValue(SQLModel, table=True):
    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("period_ref", "indicator_code"),)
    id: int | None = Field(default=None, primary_key=True)
    period_ref: int = Field(foreign_key="period_record.id", index=True)
    indicator_code: str
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None  # count, yes/no ("1"/"0") or text
    percentage: str | None = None  # computed for ratios
    note: str | None = None
    data_source: str | None = None
    updated_at: dt.datetime
    updated_by: str


class TaskProgress(SQLModel, table=True):
    __tablename__ = "task_progress"
    __table_args__ = (UniqueConstraint("period_ref", "task_code"),)
    id: int | None = Field(default=None, primary_key=True)
    period_ref: int = Field(foreign_key="period_record.id", index=True)
    task_code: str
    status: str = "not_started"  # not_started | in_progress | done
    progress_pct: int | None = None
    completed_on: dt.date | None = None
    result: str | None = None
    difficulties: str | None = None
    proposals: str | None = None
    updated_at: dt.datetime
    updated_by: str


class EvidenceFile(SQLModel, table=True):
    """An evidence file's bytes, stored once by SHA-256 in the data folder."""

    __tablename__ = "evidence_file"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    media_type: str
    stored_at: dt.datetime


class EvidenceLink(SQLModel, table=True):
    """An evidence file attached to an indicator or task of a period, under the name the user gave it."""

    __tablename__ = "evidence_link"
    __table_args__ = (UniqueConstraint("period_ref", "item_code", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    period_ref: int = Field(foreign_key="period_record.id", index=True)
    item_code: str
    sha256: str = Field(foreign_key="evidence_file.sha256")
    name: str
    added_at: dt.datetime
    added_by: str


class HistoryEntry(SQLModel, table=True):
    """Append-only change history (a database trigger refuses UPDATE and DELETE)."""

    __tablename__ = "history"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime
    actor: str
    period_ref: int = Field(foreign_key="period_record.id", index=True)
    revision: int
    item_code: str  # indicator or task code, or "*" for the period itself
    field: str
    old_value: str | None = None
    new_value: str | None = None


class UserAccount(SQLModel, table=True):
    """A person who signs in: roles (comma-separated), scrypt password hash, sign-in throttling counters."""

    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    username: str  # as typed (NFC, trimmed)
    username_key: str = Field(unique=True)  # casefolded: usernames are unique regardless of case
    display_name: str
    roles: str  # e.g. "admin,leader"
    password_hash: str  # scrypt$log_n$r$p$salt$hash (core/passwords.py)
    active: bool = True
    created_at: dt.datetime
    last_sign_in: dt.datetime | None = None
    failed_attempts: int = 0  # wrong passwords since the last success or lock
    locked_until: dt.datetime | None = None
