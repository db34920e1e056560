"""indexes on the SLA due dates, for the sweep's overdue and at-risk queries

Revision ID: 0002_sla_due_indexes
Revises: 0001_ticket_tables
Create Date: 2026-11-25 11:30:08.385675

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_sla_due_indexes'
down_revision = '0001_ticket_tables'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_tickets_first_response_due_at'), 'tickets', ['first_response_due_at'], unique=False)
    op.create_index(op.f('ix_tickets_resolution_due_at'), 'tickets', ['resolution_due_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_tickets_resolution_due_at'), table_name='tickets')
    op.drop_index(op.f('ix_tickets_first_response_due_at'), table_name='tickets')
