"""communication tables: chat tickets and messages, participants, notifications, processed events, idempotency keys.

Revision ID: 2439c963583f
Revises: 
Create Date: 2026-11-25 11:07:31.769276

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '2439c963583f'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chat_messages',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('sender_id', sa.Uuid(), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('client_msg_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('deleted_at IS NOT NULL OR length(trim(body)) > 0', name=op.f('ck_chat_messages_body_not_blank')),
    sa.CheckConstraint('length(body) <= 4000', name=op.f('ck_chat_messages_body_length')),
    sa.CheckConstraint('seq > 0', name=op.f('ck_chat_messages_seq_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages')),
    sa.UniqueConstraint('sender_id', 'client_msg_id', name=op.f('uq_chat_messages_sender_id_client_msg_id')),
    sa.UniqueConstraint('ticket_id', 'seq', name=op.f('uq_chat_messages_ticket_id_seq'))
    )
    op.create_table('chat_tickets',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('ticket_number', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('department_id', sa.Uuid(), nullable=True),
    sa.Column('requestor_id', sa.Uuid(), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('last_seq >= 0', name=op.f('ck_chat_tickets_last_seq_not_negative')),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_chat_tickets'))
    )
    op.create_table('communication_idempotency_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communication_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_communication_idempotency_keys_user_id_key'))
    )
    op.create_table('communication_processed_events',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_communication_processed_events'))
    )
    op.create_table('notifications',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("type IN ('ticket_assigned', 'sub_ticket_assigned', 'ticket_rejected', 'ticket_resolved', 'approval_requested', 'sla_breached', 'chat_message')", name=op.f('ck_notifications_type_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    op.create_index('ix_notifications_user_id_created_at', 'notifications', ['user_id', 'created_at', 'id'], unique=False)
    op.create_table('ticket_participants',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("role IN ('requestor', 'assignee', 'moderator', 'sub_assignee', 'approver')", name=op.f('ck_ticket_participants_role_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_participants')),
    sa.UniqueConstraint('ticket_id', 'user_id', 'role', name=op.f('uq_ticket_participants_ticket_id_user_id_role'))
    )
    op.create_index('ix_ticket_participants_user_id', 'ticket_participants', ['user_id'], unique=False)


def downgrade():
    op.drop_index('ix_ticket_participants_user_id', table_name='ticket_participants')
    op.drop_table('ticket_participants')
    op.drop_index('ix_notifications_user_id_created_at', table_name='notifications')
    op.drop_table('notifications')
    op.drop_table('communication_processed_events')
    op.drop_table('communication_idempotency_keys')
    op.drop_table('chat_tickets')
    op.drop_table('chat_messages')
