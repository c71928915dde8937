"""0001: the commune's local store — unit, settings, periods, entries, evidence, append-only history.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("province_code", sa.String(2), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("office_code", sa.String),
        sa.Column("office_name", sa.String),
        sa.Column("office_level", sa.String),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value_json", sa.Text, nullable=False),
    )
    op.create_table(
        "period_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.String, nullable=False, index=True),
        sa.Column("period_id", sa.String, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("submitted_at", sa.DateTime),
        sa.Column("submitted_by", sa.String),
        sa.Column("approved_at", sa.DateTime),
        sa.Column("approved_by", sa.String),
        sa.Column("exported_at", sa.DateTime),
        sa.Column("office_status", sa.String),
        sa.Column("office_reason", sa.String),
        sa.Column("office_revision", sa.Integer),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("plan_id", "period_id"),
    )
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_ref", sa.Integer, sa.ForeignKey("period_record.id"), nullable=False, index=True),
        sa.Column("indicator_code", sa.String, nullable=False),
        sa.Column("numerator", sa.String),
        sa.Column("denominator", sa.String),
        sa.Column("value", sa.String),
        sa.Column("percentage", sa.String),
        sa.Column("note", sa.String),
        sa.Column("data_source", sa.String),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String, nullable=False),
        sa.UniqueConstraint("period_ref", "indicator_code"),
    )
    op.create_table(
        "task_progress",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_ref", sa.Integer, sa.ForeignKey("period_record.id"), nullable=False, index=True),
        sa.Column("task_code", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("progress_pct", sa.Integer),
        sa.Column("completed_on", sa.Date),
        sa.Column("result", sa.String),
        sa.Column("difficulties", sa.String),
        sa.Column("proposals", sa.String),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String, nullable=False),
        sa.UniqueConstraint("period_ref", "task_code"),
    )
    op.create_table(
        "evidence_file",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String, nullable=False),
        sa.Column("stored_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "evidence_link",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_ref", sa.Integer, sa.ForeignKey("period_record.id"), nullable=False, index=True),
        sa.Column("item_code", sa.String, nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("evidence_file.sha256"), nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("added_by", sa.String, nullable=False),
        sa.UniqueConstraint("period_ref", "item_code", "sha256"),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("period_ref", sa.Integer, sa.ForeignKey("period_record.id"), nullable=False, index=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("item_code", sa.String, nullable=False),
        sa.Column("field", sa.String, nullable=False),
        sa.Column("old_value", sa.String),
        sa.Column("new_value", sa.String),
    )
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER history_no_{action.lower()} BEFORE {action} ON history "
                "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS history_no_update")
        op.execute("DROP TRIGGER IF EXISTS history_no_delete")
    for table in ("history", "evidence_link", "evidence_file", "task_progress", "indicator_value",
                  "period_record", "setting", "unit"):
        op.drop_table(table)
