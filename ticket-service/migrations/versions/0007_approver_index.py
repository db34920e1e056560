"""a GIN index on approvals.approver_ids (PostgreSQL), for the rounds naming someone: every
list and read of a non-admin looks for them, which was a scan of the whole table

Revision ID: 0007_approver_index
Revises: 0006_sla_sweep_indexes
Create Date: 2026-11-28 04:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_approver_index'
down_revision = '0006_sla_sweep_indexes'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index(
        'ix_approvals_approver_ids',
        'approvals',
        ['approver_ids'],
        postgresql_using='gin',
        postgresql_ops={'approver_ids': 'jsonb_path_ops'},
    )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_approvals_approver_ids', table_name='approvals')
