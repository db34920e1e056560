"""attachments and file_idempotency_keys, with the immutable-identity trigger.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 11:05:49.422751

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

IDENTITY_FUNCTION = """
CREATE OR REPLACE FUNCTION attachments_identity_immutable() RETURNS trigger AS $$
BEGIN
    IF NEW.file_key IS DISTINCT FROM OLD.file_key
       OR NEW.sha256 IS DISTINCT FROM OLD.sha256
       OR NEW.size IS DISTINCT FROM OLD.size
       OR NEW.uploader_id IS DISTINCT FROM OLD.uploader_id THEN
        RAISE EXCEPTION 'the identity of an attachment (file_key, sha256, size, uploader_id) is immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def upgrade():
    op.create_table('attachments',
    sa.Column('file_key', sa.String(length=64), nullable=False),
    sa.Column('uploader_id', sa.Uuid(), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('declared_content_type', sa.String(length=255), nullable=True),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('scan_result', sa.String(length=255), nullable=True),
    sa.Column('scan_engine', sa.String(length=255), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('variants', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'failed') = (failure_reason IS NOT NULL)", name=op.f('ck_attachments_failed_has_reason')),
    sa.CheckConstraint("(status = 'ready') = (processed_at IS NOT NULL)", name=op.f('ck_attachments_ready_has_processed_at')),
    sa.CheckConstraint("purpose IN ('ticket', 'chat')", name=op.f('ck_attachments_purpose_known')),
    sa.CheckConstraint("status <> 'infected' OR scan_result IS NOT NULL", name=op.f('ck_attachments_infected_has_signature')),
    sa.CheckConstraint("status IN ('pending', 'scanning', 'processing', 'ready', 'infected', 'failed')", name=op.f('ck_attachments_status_known')),
    sa.CheckConstraint("status NOT IN ('infected', 'processing', 'ready') OR scanned_at IS NOT NULL", name=op.f('ck_attachments_scanned_before_use')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_attachments_sha256_hex')),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('file_key', name=op.f('uq_attachments_file_key'))
    )
    op.create_index('ix_attachments_status_changed', 'attachments', ['status', 'status_changed_at'], unique=False)
    op.create_index(op.f('ix_attachments_ticket_id'), 'attachments', ['ticket_id'], unique=False)
    op.create_index(op.f('ix_attachments_uploader_id'), 'attachments', ['uploader_id'], unique=False)
    op.create_table('file_idempotency_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_file_idempotency_keys_user_id_key'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # What a file is (its key, bytes and uploader) never changes once stored: only its
        # processing state does. A bug or a hand-written UPDATE cannot swap the bytes a
        # ticket refers to.
        op.execute(IDENTITY_FUNCTION)
        op.execute(
            "CREATE TRIGGER attachments_identity_immutable BEFORE UPDATE ON attachments "
            "FOR EACH ROW EXECUTE FUNCTION attachments_identity_immutable()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS attachments_identity_immutable ON attachments")
        op.execute("DROP FUNCTION IF EXISTS attachments_identity_immutable()")
    op.drop_table('file_idempotency_keys')
    op.drop_index(op.f('ix_attachments_uploader_id'), table_name='attachments')
    op.drop_index(op.f('ix_attachments_ticket_id'), table_name='attachments')
    op.drop_index('ix_attachments_status_changed', table_name='attachments')
    op.drop_table('attachments')
