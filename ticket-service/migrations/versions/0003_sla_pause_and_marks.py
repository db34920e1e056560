"""SLA bookkeeping: business time paused so far, when the resolution due time was overridden,
and when each clock was first marked at risk

Revision ID: 0003_sla_pause_and_marks
Revises: 0002_sla_due_indexes
Create Date: 2026-11-27 21:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_sla_pause_and_marks'
down_revision = '0002_sla_due_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.add_column(
            sa.Column('sla_paused_seconds', sa.Float(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('resolution_due_overridden_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('first_response_at_risk_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('resolution_at_risk_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.drop_column('resolution_at_risk_at')
        batch_op.drop_column('first_response_at_risk_at')
        batch_op.drop_column('resolution_due_overridden_at')
        batch_op.drop_column('sla_paused_seconds')
