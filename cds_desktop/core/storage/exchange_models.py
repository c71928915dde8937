"""Tables for exchanging bundles: the commune's keys, pinned office and exports; the office's side of it.

Commune side: ``commune_key`` (its signing keys; private halves live passphrase-sealed in ``keys/``),
``office_pin`` (the receiving office's root key pinned once, and its latest org-keys file), ``export_attempt``
(an export under way), ``export_record`` and ``receipt_record``.
Office side: ``office_identity``, ``office_key`` (root and encryption keys), ``office_commune`` (its communes),
``enrolled_key``, ``submission`` (one verified bundle) with its ``submission_indicator``/``submission_task``/
``submission_evidence``/``submission_problem`` rows, ``sequence_state`` (replay and rollback protection per
commune and series), ``receipt_issued`` (decisions, signed) and ``import_attempt`` (the import log); the plans it
writes and sends (migration 0007): ``office_plan_draft`` (a plan being written), ``office_plan_file`` (every signed
plan file it issued) and ``office_builtin_plan`` (the built-in plans it no longer accepts reports on); what a
shared office's staff PCs all need (migration 0008): ``office_key.sealed`` (the sealed private keys),
``receipt_issued.content`` (each receipt file) and ``evidence_content`` (evidence files, by SHA-256).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


# --- commune side ------------------------------------------------------------------------------

class CommuneKey(SQLModel, table=True):
    __tablename__ = "commune_key"
    key_id: str = Field(primary_key=True)
    public_b64: str
    file_name: str  # sealed private key file in the data folder's keys/
    status: str = "active"  # active | retired
    previous_key_id: str | None = None
    created_at: dt.datetime


class OfficePin(SQLModel, table=True):
    __tablename__ = "office_pin"
    id: int = Field(default=1, primary_key=True)
    office_code: str
    root_key_id: str
    root_public_b64: str
    list_version: int
    org_keys: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # the signed org-keys file
    pinned_at: dt.datetime
    updated_at: dt.datetime


class ExportRecord(SQLModel, table=True):
    __tablename__ = "export_record"
    id: int | None = Field(default=None, primary_key=True)
    period_ref: int = Field(foreign_key="period_record.id", index=True)
    revision: int
    bundle_id: str = Field(unique=True)
    file_name: str
    file_sha256: str
    manifest_hash: str
    exported_at: dt.datetime
    exported_by: str


class ExportAttempt(SQLModel, table=True):
    """An export decided but not yet done: the inputs that make every retry write the very same bundle.

    Written (with the bundle id and creation time) before the bundle file; replaced by an ``ExportRecord``
    in the transaction that marks the period exported. ``prepared_json`` holds the report record, the
    previous manifest's hash, the signing key id, the recipients' public keys and the app version.
    ``published`` is set just before the finished file is moved to its final name: until then no copy of
    the bundle can exist, and the attempt may be dropped (the period sent back) without harm.
    """

    __tablename__ = "export_attempt"
    __table_args__ = (UniqueConstraint("period_ref", "revision"),)
    id: int | None = Field(default=None, primary_key=True)
    period_ref: int = Field(foreign_key="period_record.id", index=True)
    revision: int
    bundle_id: str = Field(unique=True)
    prepared_json: str = Field(sa_column=Column(Text, nullable=False))
    published: bool = False  # the complete bundle may exist under its final name (and may have been sent)
    started_at: dt.datetime
    started_by: str


class ReceiptRecord(SQLModel, table=True):
    __tablename__ = "receipt_record"
    id: int | None = Field(default=None, primary_key=True)
    period_ref: int = Field(foreign_key="period_record.id", index=True)
    revision: int
    decision: str  # accepted | returned
    reason: str | None = None
    issued_at: dt.datetime
    imported_at: dt.datetime


# --- office side -------------------------------------------------------------------------------

class OfficeIdentity(SQLModel, table=True):
    __tablename__ = "office_identity"
    id: int = Field(default=1, primary_key=True)
    code: str
    name: str
    level: str  # province | district
    province_code: str | None = None  # the province it belongs to (a district office's code is 3 digits)
    list_version: int = 0  # version of the last org-keys file exported
    created_at: dt.datetime


class OfficeKey(SQLModel, table=True):
    __tablename__ = "office_key"
    key_id: str = Field(primary_key=True)
    role: str  # root | encryption
    public_b64: str = Field(sa_column=Column(Text, nullable=False))
    file_name: str
    status: str = "active"  # active | retired
    created_at: dt.datetime
    retired_at: dt.datetime | None = None
    sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # 0008: the sealed
    # private key file's bytes (any staff PC of a shared office signs with it); None: only in keys/<file_name>


class OfficeCommune(SQLModel, table=True):
    __tablename__ = "office_commune"
    code: str = Field(primary_key=True, max_length=5)
    province_code: str = Field(max_length=2)
    name: str
    kind: str
    added_at: dt.datetime


class EnrolledKey(SQLModel, table=True):
    __tablename__ = "enrolled_key"
    key_id: str = Field(primary_key=True)
    commune_code: str = Field(foreign_key="office_commune.code", index=True)
    public_b64: str
    kind: str = "ed25519"
    status: str = "active"  # active | retired | revoked
    previous_key_id: str | None = None
    enrolled_at: dt.datetime
    revoked_at: dt.datetime | None = None


class Submission(SQLModel, table=True):
    """One verified bundle: a revision of a commune's report for a plan period."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("commune_code", "plan_id", "period_id", "revision"),
        # covers the completeness matrix's lookups (migration 0006)
        Index("ix_submission_completeness", "plan_id", "period_id", "commune_code", "received_at", "is_current",
              "revision"),
    )
    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = Field(unique=True)
    commune_code: str = Field(foreign_key="office_commune.code", index=True)
    plan_id: str
    period_id: str
    revision: int
    manifest_hash: str
    previous_manifest_hash: str | None = None
    signing_key_id: str
    file_name: str
    file_sha256: str
    created_at: dt.datetime  # when the commune exported it (signed)
    submitted_at: dt.datetime | None = None  # when the commune submitted it for approval (signed)
    received_at: dt.datetime  # when the office imported it
    is_current: bool = True
    history_json: str = Field(sa_column=Column(Text, nullable=False))
    # the plan version the commune reported against (signed in its record); rows stored before 0007 are version 1
    plan_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class SubmissionIndicator(SQLModel, table=True):
    __tablename__ = "submission_indicator"
    __table_args__ = (UniqueConstraint("submission_id", "indicator_code"),)
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    indicator_code: str
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None
    note: str | None = None
    data_source: str | None = None
    result: str | None = None  # comparable result (percent for ratios)
    target_status: str  # met | not_met | not_applicable | no_data | invalid (validation.indicator_result)


class SubmissionTask(SQLModel, table=True):
    __tablename__ = "submission_task"
    __table_args__ = (UniqueConstraint("submission_id", "task_code"),)
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    task_code: str
    status: str
    progress_pct: int | None = None
    completed_on: dt.date | None = None
    result: str | None = None
    difficulties: str | None = None
    proposals: str | None = None


class SubmissionEvidence(SQLModel, table=True):
    __tablename__ = "submission_evidence"
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    item_code: str
    name: str
    sha256: str
    size: int
    media_type: str


class SubmissionProblem(SQLModel, table=True):
    __tablename__ = "submission_problem"
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    code: str
    severity: str
    item_code: str
    field: str
    params_json: str


class SequenceState(SQLModel, table=True):
    __tablename__ = "sequence_state"
    commune_code: str = Field(primary_key=True)
    series: str = Field(primary_key=True)
    last_revision: int
    last_manifest_hash: str
    last_bundle_id: str


class ReceiptIssued(SQLModel, table=True):
    """A decision on a submission (accepted, or returned for correction with a reason), signed as a receipt."""

    __tablename__ = "receipt_issued"
    id: int | None = Field(default=None, primary_key=True)
    commune_code: str = Field(foreign_key="office_commune.code")
    plan_id: str
    period_id: str
    revision: int
    decision: str
    reason: str | None = None
    issued_at: dt.datetime
    issued_by: str
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    file_name: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the receipt file written
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # 0008: its bytes


class EvidenceContent(SQLModel, table=True):
    """A shared office's evidence files, by content (0008): what ``evidence/ab/abcdef…`` holds on one PC."""

    __tablename__ = "evidence_content"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    stored_at: dt.datetime


class ImportAttempt(SQLModel, table=True):
    """One file the office tried to import, whatever came of it: the import log (who, when, which file, outcome).

    ``outcome`` is new_report | new_revision | duplicate | refused (``services/office/import_log.OutcomeKind``);
    a refusal keeps its error code and parameters; what the file's cleartext header said (commune, plan, period,
    revision) is kept when it could be read.
    """

    __tablename__ = "import_attempt"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: str = Field(index=True)  # the files imported together (one drop, one folder)
    attempted_at: dt.datetime = Field(index=True)
    actor: str
    file_name: str = Field(sa_column=Column(Text, nullable=False))
    file_sha256: str | None = None
    fingerprint: str | None = None  # the bundle fingerprint people read aloud
    outcome: str
    error_code: str | None = None
    error_params_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    commune_code: str | None = None
    plan_id: str | None = None
    period_id: str | None = None
    revision: int | None = None
    submission_id: int | None = Field(default=None, foreign_key="submission.id")


class OfficePlanDraft(SQLModel, table=True):
    """A plan the office is writing: one draft per plan id, the next version to publish (``document_json``: the
    plan's document, ``core/plans/document.py``)."""

    __tablename__ = "office_plan_draft"
    plan_id: str = Field(primary_key=True)
    plan_version: int
    document_json: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: dt.datetime
    updated_by: str


class OfficePlanFile(SQLModel, table=True):
    """A signed plan file the office issued (``core/bundle/plan_files.py``): a version published, or issued again
    with the status ``replaced``. Its bytes are what was sent; ``plan_json`` the validated plan, read at start
    without parsing YAML."""

    __tablename__ = "office_plan_file"
    __table_args__ = (Index("ix_office_plan_file_version", "plan_id", "plan_version"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str
    plan_version: int
    status: str  # active | replaced
    replaced_by: str | None = None
    change_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    issued_at: dt.datetime
    issued_by: str
    title_vi: str = Field(sa_column=Column(Text, nullable=False))
    title_en: str = Field(sa_column=Column(Text, nullable=False))
    plan_yaml: str = Field(sa_column=Column(Text, nullable=False))
    plan_json: str = Field(sa_column=Column(Text, nullable=False))
    file_data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class OfficeBuiltinPlan(SQLModel, table=True):
    """Whether the office accepts reports on a built-in plan; a plan without a row is accepted."""

    __tablename__ = "office_builtin_plan"
    plan_id: str = Field(primary_key=True)
    accepted: bool
    changed_at: dt.datetime
