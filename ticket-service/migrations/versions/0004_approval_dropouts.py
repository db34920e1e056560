"""approvals.dropped_approver_ids: approvers who lost HDMS access while the round was open

Revision ID: 0004_approval_dropouts
Revises: 0003_sla_pause_and_marks
Create Date: 2026-11-27 21:20:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0004_approval_dropouts'
down_revision = '0003_sla_pause_and_marks'
branch_labels = None
depends_on = None


def upgrade():
    json_type = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('dropped_approver_ids', json_type, nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade():
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_column('dropped_approver_ids')
