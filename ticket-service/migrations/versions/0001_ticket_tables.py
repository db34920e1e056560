"""ticket tables: tickets, sub_tickets, approvals, approval_decisions, audit_logs, outbox, keys.

Revision ID: 0001_ticket_tables
Revises: 
Create Date: 2026-11-25 11:07:54.642598

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001_ticket_tables'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_keys_user_id_key'))
    )
    op.create_table('ticket_outbox',
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('request_id', sa.String(length=128), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_outbox'))
    )
    op.create_index('ix_ticket_outbox_unsent', 'ticket_outbox', ['occurred_at', 'id'], unique=False, postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.create_table('tickets',
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('requestor_id', sa.Uuid(), nullable=False),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('postponed_from', sa.String(length=32), nullable=True),
    sa.Column('resume_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('first_response_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolution_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sla_paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_breached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_breached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sla_status', sa.String(length=16), nullable=False),
    sa.Column('attachments', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('audit_head', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_tickets_closed_at_iff_closed')),
    sa.CheckConstraint("(status = 'postponed') = (postponed_from IS NOT NULL AND resume_at IS NOT NULL)", name=op.f('ck_tickets_postponed_has_resume')),
    sa.CheckConstraint("(status IN ('resolved', 'closed')) = (resolved_at IS NOT NULL)", name=op.f('ck_tickets_resolved_at_iff_resolved')),
    sa.CheckConstraint("priority IN ('low', 'medium', 'high', 'critical')", name=op.f('ck_tickets_priority_known')),
    sa.CheckConstraint("sla_status IN ('on_track', 'at_risk', 'breached', 'paused')", name=op.f('ck_tickets_sla_status_known')),
    sa.CheckConstraint("status IN ('new', 'under_review', 'assigned', 'in_progress', 'waiting_approval', 'postponed', 'resolved', 'closed', 'rejected', 'cancelled')", name=op.f('ck_tickets_status_known')),
    sa.CheckConstraint("status NOT IN ('assigned', 'in_progress', 'waiting_approval', 'resolved') OR assignee_id IS NOT NULL", name=op.f('ck_tickets_worked_has_assignee')),
    sa.CheckConstraint("status NOT IN ('in_progress', 'waiting_approval', 'resolved') OR acknowledged_at IS NOT NULL", name=op.f('ck_tickets_worked_was_acknowledged')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_tickets_progress_range')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_tickets_version_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number'))
    )
    op.create_index(op.f('ix_tickets_assignee_id'), 'tickets', ['assignee_id'], unique=False)
    op.create_index('ix_tickets_created_at_id', 'tickets', ['created_at', 'id'], unique=False)
    op.create_index(op.f('ix_tickets_department_id'), 'tickets', ['department_id'], unique=False)
    op.create_index(op.f('ix_tickets_priority'), 'tickets', ['priority'], unique=False)
    op.create_index(op.f('ix_tickets_requestor_id'), 'tickets', ['requestor_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Full-text search on title and description (the list's q); SQLite falls back to LIKE.
        op.create_index('ix_tickets_search', 'tickets', [sa.literal_column("to_tsvector('english'::regconfig, (title::text || ' '::text) || description)")], unique=False, postgresql_using='gin')
        # Ticket numbers HD-000123 (SQLite, one embedded process: max + 1 in the transaction).
        op.execute("CREATE SEQUENCE ticket_number_seq START 1")
    op.create_index(op.f('ix_tickets_sla_status'), 'tickets', ['sla_status'], unique=False)
    op.create_index(op.f('ix_tickets_status'), 'tickets', ['status'], unique=False)
    op.create_table('approvals',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('approver_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name=op.f('ck_approvals_decided_at_iff_decided')),
    sa.CheckConstraint("mode IN ('all', 'any')", name=op.f('ck_approvals_mode_known')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined', 'cancelled')", name=op.f('ck_approvals_status_known')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_approvals_ticket_id_tickets'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvals'))
    )
    op.create_index(op.f('ix_approvals_ticket_id'), 'approvals', ['ticket_id'], unique=False)
    op.create_index('uq_approvals_one_pending_per_ticket', 'approvals', ['ticket_id'], unique=True, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
    op.create_table('audit_logs',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('request_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_audit_logs_seq_positive')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_audit_logs_ticket_id_tickets'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_logs')),
    sa.UniqueConstraint('ticket_id', 'seq', name=op.f('uq_audit_logs_ticket_id_seq'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # audit_logs is append-only: the database itself refuses to change or remove a row.
        op.execute(
            """
            CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs "
            "FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()"
        )
    op.create_table('sub_tickets',
    sa.Column('parent_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'assigned', 'in_progress', 'done', 'cancelled')", name=op.f('ck_sub_tickets_status_known')),
    sa.CheckConstraint("status NOT IN ('assigned', 'in_progress', 'done') OR assignee_id IS NOT NULL", name=op.f('ck_sub_tickets_worked_has_assignee')),
    sa.ForeignKeyConstraint(['parent_id'], ['tickets.id'], name=op.f('fk_sub_tickets_parent_id_tickets'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sub_tickets'))
    )
    op.create_index(op.f('ix_sub_tickets_assignee_id'), 'sub_tickets', ['assignee_id'], unique=False)
    op.create_index(op.f('ix_sub_tickets_parent_id'), 'sub_tickets', ['parent_id'], unique=False)
    op.create_table('approval_decisions',
    sa.Column('approval_id', sa.Uuid(), nullable=False),
    sa.Column('approver_id', sa.Uuid(), nullable=False),
    sa.Column('decision', sa.String(length=8), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("decision IN ('approve', 'decline')", name=op.f('ck_approval_decisions_decision_known')),
    sa.ForeignKeyConstraint(['approval_id'], ['approvals.id'], name=op.f('fk_approval_decisions_approval_id_approvals'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_decisions')),
    sa.UniqueConstraint('approval_id', 'approver_id', name=op.f('uq_approval_decisions_approval_id_approver_id'))
    )


def downgrade():
    op.drop_table('approval_decisions')
    op.drop_index(op.f('ix_sub_tickets_parent_id'), table_name='sub_tickets')
    op.drop_index(op.f('ix_sub_tickets_assignee_id'), table_name='sub_tickets')
    op.drop_table('sub_tickets')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_logs_append_only ON audit_logs")
        op.execute("DROP FUNCTION audit_logs_append_only()")
    op.drop_table('audit_logs')
    op.drop_index('uq_approvals_one_pending_per_ticket', table_name='approvals', postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
    op.drop_index(op.f('ix_approvals_ticket_id'), table_name='approvals')
    op.drop_table('approvals')
    op.drop_index(op.f('ix_tickets_status'), table_name='tickets')
    op.drop_index(op.f('ix_tickets_sla_status'), table_name='tickets')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_tickets_search', table_name='tickets', postgresql_using='gin')
        op.execute("DROP SEQUENCE ticket_number_seq")
    op.drop_index(op.f('ix_tickets_requestor_id'), table_name='tickets')
    op.drop_index(op.f('ix_tickets_priority'), table_name='tickets')
    op.drop_index(op.f('ix_tickets_department_id'), table_name='tickets')
    op.drop_index('ix_tickets_created_at_id', table_name='tickets')
    op.drop_index(op.f('ix_tickets_assignee_id'), table_name='tickets')
    op.drop_table('tickets')
    op.drop_index('ix_ticket_outbox_unsent', table_name='ticket_outbox', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.drop_table('ticket_outbox')
    op.drop_table('idempotency_keys')
