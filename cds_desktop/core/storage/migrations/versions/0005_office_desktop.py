"""0005: the office desktop — a log of every import attempt; receipts tied to the submission they decide and the
file written; the province an office belongs to.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(), nullable=True),
        sa.Column("fingerprint", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("error_code", sa.String(), nullable=True),
        sa.Column("error_params_json", sa.Text(), nullable=True),
        sa.Column("commune_code", sa.String(), nullable=True),
        sa.Column("plan_id", sa.String(), nullable=True),
        sa.Column("period_id", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_attempt") as batch:
        batch.create_index(batch.f("ix_import_attempt_attempted_at"), ["attempted_at"], unique=False)
        batch.create_index(batch.f("ix_import_attempt_batch_id"), ["batch_id"], unique=False)
    with op.batch_alter_table("receipt_issued") as batch:
        batch.add_column(sa.Column("submission_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("file_name", sa.Text(), nullable=True))
        batch.create_foreign_key("fk_receipt_issued_submission", "submission", ["submission_id"], ["id"])
        batch.create_index(batch.f("ix_receipt_issued_submission_id"), ["submission_id"], unique=False)
    with op.batch_alter_table("office_identity") as batch:
        batch.add_column(sa.Column("province_code", sa.String(), nullable=True))
    # receipts issued before: tie each to the submission of its commune, plan, period and revision
    op.execute(
        "UPDATE receipt_issued SET submission_id = (SELECT submission.id FROM submission"
        " WHERE submission.commune_code = receipt_issued.commune_code AND submission.plan_id = receipt_issued.plan_id"
        " AND submission.period_id = receipt_issued.period_id AND submission.revision = receipt_issued.revision)"
    )


def downgrade() -> None:
    with op.batch_alter_table("office_identity") as batch:
        batch.drop_column("province_code")
    with op.batch_alter_table("receipt_issued") as batch:
        batch.drop_index(batch.f("ix_receipt_issued_submission_id"))
        batch.drop_constraint("fk_receipt_issued_submission", type_="foreignkey")
        batch.drop_column("file_name")
        batch.drop_column("submission_id")
    with op.batch_alter_table("import_attempt") as batch:
        batch.drop_index(batch.f("ix_import_attempt_batch_id"))
        batch.drop_index(batch.f("ix_import_attempt_attempted_at"))
    op.drop_table("import_attempt")
