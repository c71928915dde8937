"""0004: export attempts — an export is recorded (bundle id, creation time, everything the bundle is made
from) before its file is written, so that a crash at any moment is finished by a retry that writes the very
same bundle.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_ref", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.String(), nullable=False),
        sa.Column("prepared_json", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["period_ref"], ["period_record.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id"),
        sa.UniqueConstraint("period_ref", "revision"),
    )
    with op.batch_alter_table("export_attempt") as batch:
        batch.create_index(batch.f("ix_export_attempt_period_ref"), ["period_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("export_attempt") as batch:
        batch.drop_index(batch.f("ix_export_attempt_period_ref"))
    op.drop_table("export_attempt")
