"""one unread chat notification per user and ticket, SLA at-risk notifications sent once per clock,
deleted tickets and sub-ticket holders known to the chat.

Revision ID: 5f1d8e3a9c20
Revises: 7c3e51a9d2b4
Create Date: 2026-11-27 21:15:00

"""
from alembic import op
import sqlalchemy as sa

revision = '5f1d8e3a9c20'
down_revision = '7c3e51a9d2b4'
branch_labels = None
depends_on = None

BEFORE = (
    'ticket_assigned', 'sub_ticket_assigned', 'ticket_rejected', 'ticket_resolved',
    'approval_requested', 'sla_breached', 'chat_message', 'ticket_created',
    'ticket_in_progress', 'ticket_postponed', 'ticket_resumed', 'ticket_closed',
    'ticket_reopened', 'approval_approved', 'approval_declined',
)
AFTER = BEFORE + ('sla_at_risk',)
UNREAD_CHAT = "type = 'chat_message' AND read_at IS NULL"


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
    # Merge what concurrent posts split: keep each user's newest unread chat notification of a
    # ticket, and mark the older ones read, before the index forbids more than one.
    op.execute(
        f"""
        UPDATE notifications SET read_at = created_at
        WHERE {UNREAD_CHAT} AND id IN (
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (
                    PARTITION BY user_id, ticket_id ORDER BY created_at DESC, id DESC
                ) AS newest
                FROM notifications WHERE {UNREAD_CHAT}
            ) AS ranked WHERE newest > 1
        )
        """
    )
    op.create_index(
        'uq_notifications_unread_chat', 'notifications', ['user_id', 'ticket_id'], unique=True,
        postgresql_where=sa.text(UNREAD_CHAT), sqlite_where=sa.text(UNREAD_CHAT),
    )
    op.create_table(
        'communication_sla_alerts',
        sa.Column('ticket_id', sa.Uuid(), nullable=False),
        sa.Column('alert', sa.String(length=32), nullable=False),
        sa.Column('clock', sa.String(length=100), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            'ticket_id', 'alert', 'clock', name=op.f('pk_communication_sla_alerts')
        ),
    )
    op.add_column('chat_tickets', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'chat_sub_tickets',
        sa.Column('sub_ticket_id', sa.Uuid(), nullable=False),
        sa.Column('ticket_id', sa.Uuid(), nullable=False),
        sa.Column('assignee_id', sa.Uuid(), nullable=True),
        sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sub_ticket_id', name=op.f('pk_chat_sub_tickets')),
    )
    op.create_index('ix_chat_sub_tickets_ticket_id', 'chat_sub_tickets', ['ticket_id'])


def downgrade():
    op.drop_index('ix_chat_sub_tickets_ticket_id', table_name='chat_sub_tickets')
    op.drop_table('chat_sub_tickets')
    with op.batch_alter_table('chat_tickets') as batch:
        batch.drop_column('deleted_at')
    op.drop_table('communication_sla_alerts')
    op.drop_index('uq_notifications_unread_chat', table_name='notifications')
    op.execute("DELETE FROM notifications WHERE type = 'sla_at_risk'")
    _allow(BEFORE)
