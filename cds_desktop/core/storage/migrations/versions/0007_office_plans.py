"""0007: the plans the office writes and sends to its communes (issue #13).

- ``office_plan_draft``: the plan being written (one per plan id, its next version);
- ``office_plan_file``: every signed plan file issued (published versions, and their ``replaced`` re-issues);
- ``office_builtin_plan``: the built-in plans the office no longer accepts reports on (no row: accepted, so an
  existing office keeps accepting every built-in plan);
- ``submission.plan_version``: the plan version each report was made against; reports stored before were checked
  against the one version the office then had, which for every plan shipped so far is 1.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_plan_draft",
        sa.Column("plan_id", sa.String(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("document_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_table(
        "office_plan_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("replaced_by", sa.String(), nullable=True),
        sa.Column("change_note", sa.Text(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(), nullable=False),
        sa.Column("title_vi", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("plan_yaml", sa.Text(), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("file_data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_office_plan_file_version", "office_plan_file", ["plan_id", "plan_version"], unique=False)
    op.create_table(
        "office_builtin_plan",
        sa.Column("plan_id", sa.String(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("plan_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("plan_version")
    op.drop_table("office_builtin_plan")
    op.drop_index("ix_office_plan_file_version", table_name="office_plan_file")
    op.drop_table("office_plan_file")
    op.drop_table("office_plan_draft")
