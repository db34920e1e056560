"""notifications: the types of every status change a requestor or assignee is told of.

Revision ID: 7c3e51a9d2b4
Revises: 2439c963583f
Create Date: 2026-11-27 18:00:00

"""
from alembic import op

revision = '7c3e51a9d2b4'
down_revision = '2439c963583f'
branch_labels = None
depends_on = None

BEFORE = (
    'ticket_assigned', 'sub_ticket_assigned', 'ticket_rejected', 'ticket_resolved',
    'approval_requested', 'sla_breached', 'chat_message',
)
AFTER = BEFORE + (
    'ticket_created', 'ticket_in_progress', 'ticket_postponed', 'ticket_resumed',
    'ticket_closed', 'ticket_reopened', 'approval_approved', 'approval_declined',
)


def _allow(types):
    # batch mode: SQLite (the embedded mode) can only change a CHECK by rebuilding the table.
    with op.batch_alter_table('notifications', recreate='auto') as batch:
        batch.drop_constraint(op.f('ck_notifications_type_known'), type_='check')
        batch.create_check_constraint(
            op.f('ck_notifications_type_known'),
            'type IN (' + ', '.join(f"'{t}'" for t in types) + ')',
        )


def upgrade():
    _allow(AFTER)


def downgrade():
    op.execute(
        'DELETE FROM notifications WHERE type NOT IN ('
        + ', '.join(f"'{t}'" for t in BEFORE) + ')'
    )
    _allow(BEFORE)
