"""indexes of the ticket list: each scope in the list's order, and a stored search vector

Revision ID: 0005_list_indexes
Revises: 0004_approval_dropouts
Create Date: 2026-11-28 00:40:00.000000

The single-column indexes on department_id, requestor_id, assignee_id and status become the
first column of an index in the list's keyset order (created_at, id), which serves every query
the single ones did. ``q`` searched a GIN index on an expression that PostgreSQL had to parse
again for each row it tested while walking the list's order: the vector is now a stored
generated column with its GIN index (on SQLite, where ``q`` is a substring match, a plain column
left empty). Adding it rewrites the table once.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0005_list_indexes'
down_revision = '0004_approval_dropouts'
branch_labels = None
depends_on = None

SEARCH_DOCUMENT = "to_tsvector('english'::regconfig, (title::text || ' '::text) || description)"
SCOPES = ('department_id', 'requestor_id', 'assignee_id', 'status')


def upgrade():
    for column in SCOPES:
        op.drop_index(f'ix_tickets_{column}', table_name='tickets')
        op.create_index(f'ix_tickets_{column}_created_at', 'tickets', [column, 'created_at', 'id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('tickets', sa.Column('search_vector', postgresql.TSVECTOR(), sa.Computed(SEARCH_DOCUMENT, persisted=True), nullable=True))
        op.drop_index('ix_tickets_search', table_name='tickets', postgresql_using='gin')
        op.create_index('ix_tickets_search_vector', 'tickets', ['search_vector'], unique=False, postgresql_using='gin')
    else:
        op.add_column('tickets', sa.Column('search_vector', sa.Text(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_tickets_search_vector', table_name='tickets', postgresql_using='gin')
        op.create_index('ix_tickets_search', 'tickets', [sa.literal_column(SEARCH_DOCUMENT)], unique=False, postgresql_using='gin')
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.drop_column('search_vector')
    for column in reversed(SCOPES):
        op.drop_index(f'ix_tickets_{column}_created_at', table_name='tickets')
        op.create_index(f'ix_tickets_{column}', 'tickets', [column], unique=False)
