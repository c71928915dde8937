"""0002: bundle exchange — the commune's keys, pinned office, exports and receipts; the office's keys,
communes, enrolled keys, submissions, replay state and receipts issued.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('commune_key',
    sa.Column('key_id', sa.String(), nullable=False),
    sa.Column('public_b64', sa.String(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('previous_key_id', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key_id')
    )
    op.create_table('office_commune',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('office_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('level', sa.String(), nullable=False),
    sa.Column('list_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('office_key',
    sa.Column('key_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('public_b64', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key_id')
    )
    op.create_table('office_pin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.String(), nullable=False),
    sa.Column('root_key_id', sa.String(), nullable=False),
    sa.Column('root_public_b64', sa.String(), nullable=False),
    sa.Column('list_version', sa.Integer(), nullable=False),
    sa.Column('org_keys', sa.LargeBinary(), nullable=False),
    sa.Column('pinned_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sequence_state',
    sa.Column('commune_code', sa.String(), nullable=False),
    sa.Column('series', sa.String(), nullable=False),
    sa.Column('last_revision', sa.Integer(), nullable=False),
    sa.Column('last_manifest_hash', sa.String(), nullable=False),
    sa.Column('last_bundle_id', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('commune_code', 'series')
    )
    op.create_table('enrolled_key',
    sa.Column('key_id', sa.String(), nullable=False),
    sa.Column('commune_code', sa.String(), nullable=False),
    sa.Column('public_b64', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('previous_key_id', sa.String(), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['office_commune.code'], ),
    sa.PrimaryKeyConstraint('key_id')
    )
    op.create_index(op.f('ix_enrolled_key_commune_code'), 'enrolled_key', ['commune_code'], unique=False)
    op.create_table('export_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_ref', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.String(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('file_sha256', sa.String(), nullable=False),
    sa.Column('manifest_hash', sa.String(), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.Column('exported_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['period_ref'], ['period_record.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bundle_id')
    )
    op.create_index(op.f('ix_export_record_period_ref'), 'export_record', ['period_ref'], unique=False)
    op.create_table('receipt_issued',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(), nullable=False),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('period_id', sa.String(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['office_commune.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('receipt_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_ref', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['period_ref'], ['period_record.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_receipt_record_period_ref'), 'receipt_record', ['period_ref'], unique=False)
    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.String(), nullable=False),
    sa.Column('commune_code', sa.String(), nullable=False),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('period_id', sa.String(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('manifest_hash', sa.String(), nullable=False),
    sa.Column('previous_manifest_hash', sa.String(), nullable=True),
    sa.Column('signing_key_id', sa.String(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('file_sha256', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('history_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['office_commune.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bundle_id'),
    sa.UniqueConstraint('commune_code', 'plan_id', 'period_id', 'revision')
    )
    op.create_index(op.f('ix_submission_commune_code'), 'submission', ['commune_code'], unique=False)
    op.create_table('submission_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_submission_evidence_submission_id'), 'submission_evidence', ['submission_id'], unique=False)
    op.create_table('submission_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(), nullable=False),
    sa.Column('numerator', sa.String(), nullable=True),
    sa.Column('denominator', sa.String(), nullable=True),
    sa.Column('value', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('data_source', sa.String(), nullable=True),
    sa.Column('result', sa.String(), nullable=True),
    sa.Column('target_status', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id', 'indicator_code')
    )
    op.create_index(op.f('ix_submission_indicator_submission_id'), 'submission_indicator', ['submission_id'], unique=False)
    op.create_table('submission_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('severity', sa.String(), nullable=False),
    sa.Column('item_code', sa.String(), nullable=False),
    sa.Column('field', sa.String(), nullable=False),
    sa.Column('params_json', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_submission_problem_submission_id'), 'submission_problem', ['submission_id'], unique=False)
    op.create_table('submission_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('task_code', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('progress_pct', sa.Integer(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('result', sa.String(), nullable=True),
    sa.Column('difficulties', sa.String(), nullable=True),
    sa.Column('proposals', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id', 'task_code')
    )
    op.create_index(op.f('ix_submission_task_submission_id'), 'submission_task', ['submission_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_submission_task_submission_id'), table_name='submission_task')
    op.drop_table('submission_task')
    op.drop_index(op.f('ix_submission_problem_submission_id'), table_name='submission_problem')
    op.drop_table('submission_problem')
    op.drop_index(op.f('ix_submission_indicator_submission_id'), table_name='submission_indicator')
    op.drop_table('submission_indicator')
    op.drop_index(op.f('ix_submission_evidence_submission_id'), table_name='submission_evidence')
    op.drop_table('submission_evidence')
    op.drop_index(op.f('ix_submission_commune_code'), table_name='submission')
    op.drop_table('submission')
    op.drop_index(op.f('ix_receipt_record_period_ref'), table_name='receipt_record')
    op.drop_table('receipt_record')
    op.drop_table('receipt_issued')
    op.drop_index(op.f('ix_export_record_period_ref'), table_name='export_record')
    op.drop_table('export_record')
    op.drop_index(op.f('ix_enrolled_key_commune_code'), table_name='enrolled_key')
    op.drop_table('enrolled_key')
    op.drop_table('sequence_state')
    op.drop_table('office_pin')
    op.drop_table('office_key')
    op.drop_table('office_identity')
    op.drop_table('office_commune')
    op.drop_table('commune_key')
