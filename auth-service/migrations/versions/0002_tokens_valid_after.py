"""auth_employees.tokens_valid_after: access tokens issued before it are revoked.

Revision ID: 0002_tokens_valid_after
Revises: a629c9e1c2bb
Create Date: 2026-11-27 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_tokens_valid_after'
down_revision = 'a629c9e1c2bb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auth_employees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens_valid_after', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('auth_employees', schema=None) as batch_op:
        batch_op.drop_column('tokens_valid_after')
