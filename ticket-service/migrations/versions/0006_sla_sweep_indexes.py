"""partial indexes for the SLA sweep, so that a pass reads only the tickets whose SLA state
changes: per clock the unbreached running clocks on track and at risk by (priority, due time),
the clocks at risk not marked yet, and the clocks not marked breached by due time; the plain
first-response due index goes (only the sweep read it)

Revision ID: 0006_sla_sweep_indexes
Revises: 0005_list_indexes
Create Date: 2026-11-28 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_sla_sweep_indexes'
down_revision = '0005_list_indexes'
branch_labels = None
depends_on = None

RUNNING = (
    "deleted_at IS NULL AND status IN "
    "('new', 'under_review', 'assigned', 'in_progress', 'waiting_approval')"
)
FIRST_RESPONSE_RUNS = "acknowledged_at IS NULL"
RESOLUTION_RUNS = "acknowledged_at IS NOT NULL"
UNBREACHED = "first_response_breached_at IS NULL AND resolution_breached_at IS NULL"
INDEXES = [
    (
        f'ix_tickets_sla_{clock}_{status}',
        ['priority', f'{clock}_due_at'],
        f"{runs} AND {UNBREACHED} AND sla_status = '{status}'",
    )
    for clock, runs in (('first_response', FIRST_RESPONSE_RUNS), ('resolution', RESOLUTION_RUNS))
    for status in ('on_track', 'at_risk')
] + [
    (
        'ix_tickets_sla_at_risk_unmarked',
        ['id'],
        "sla_status = 'at_risk' AND ("
        f"({FIRST_RESPONSE_RUNS} AND first_response_at_risk_at IS NULL)"
        f" OR ({RESOLUTION_RUNS} AND resolution_at_risk_at IS NULL))",
    ),
    (
        'ix_tickets_sla_first_response_unbreached',
        ['first_response_due_at'],
        f"{FIRST_RESPONSE_RUNS} AND first_response_breached_at IS NULL",
    ),
    (
        'ix_tickets_sla_resolution_unbreached',
        ['resolution_due_at'],
        "resolution_breached_at IS NULL",
    ),
]


def upgrade():
    for name, columns, where in INDEXES:
        condition = sa.text(f"{RUNNING} AND {where}")
        op.create_index(
            name, 'tickets', columns, postgresql_where=condition, sqlite_where=condition
        )
    op.drop_index('ix_tickets_first_response_due_at', table_name='tickets')


def downgrade():
    op.create_index(
        'ix_tickets_first_response_due_at', 'tickets', ['first_response_due_at'], unique=False
    )
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name='tickets')
