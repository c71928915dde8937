"""0008: what every staff PC of a shared office needs is kept in the database (issue #14).

- ``office_key.sealed``: the passphrase-sealed private key file's bytes (until now only in ``keys/``; keys made
  before are read from there, and moving the office to a server copies them in: ``storage/folder_files``);
- ``receipt_issued.content``: the signed receipt file, so any PC can save it again;
- ``evidence_content``: a shared office's evidence files by SHA-256 (an office on one PC keeps them as files in
  ``evidence/``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("office_key") as batch:
        batch.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("receipt_issued") as batch:
        batch.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))
    op.create_table(
        "evidence_content",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )


def downgrade() -> None:
    op.drop_table("evidence_content")
    with op.batch_alter_table("receipt_issued") as batch:
        batch.drop_column("content")
    with op.batch_alter_table("office_key") as batch:
        batch.drop_column("sealed")
