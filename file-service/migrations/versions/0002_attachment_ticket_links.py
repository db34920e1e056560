"""attachment_ticket_links: the tickets a file was attached to (from ticket events).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:16:37.083922

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment_ticket_links',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('attachment_id', sa.Uuid(), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_attachment_ticket_links_attachment_id_attachments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment_ticket_links')),
    sa.UniqueConstraint('attachment_id', 'ticket_id', name=op.f('uq_attachment_ticket_links_attachment_id_ticket_id'))
    )
    op.create_index(op.f('ix_attachment_ticket_links_ticket_id'), 'attachment_ticket_links', ['ticket_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_attachment_ticket_links_ticket_id'), table_name='attachment_ticket_links')
    op.drop_table('attachment_ticket_links')
