"""0006: the office's completeness matrix reads each cell from an index alone.

``ix_submission_completeness`` (plan, period, commune, then the received time, whether current and the revision)
covers every lookup of ``storage/queries/office_completeness.py``: a cell's current revision and its first import
(the earliest ``received_at``) are index seeks that never read the submission rows, which carry the commune's whole
history and are large; the plans received (``plan_activity``) are an index scan. Measured by
``bench/office_matrix.py``: the whole country's matrix (3,321 communes × 5 periods) took about three times as long
without it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ["plan_id", "period_id", "commune_code", "received_at", "is_current", "revision"]


def upgrade() -> None:
    op.create_index("ix_submission_completeness", "submission", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_submission_completeness", table_name="submission")
