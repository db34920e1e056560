"""attachments.conversion_error: why a ready file has no previews (its original is served).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


CONSTRAINT = 'ck_attachments_conversion_error_when_ready'
CHECK = "status = 'ready' OR conversion_error IS NULL"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # The embedded mode's SQLite: a column added with its CHECK in place. Batch mode would
        # copy the table and drop the old one, which (foreign keys on) cascades to its links.
        op.execute(
            f"ALTER TABLE attachments ADD COLUMN conversion_error TEXT "
            f"CONSTRAINT {CONSTRAINT} CHECK ({CHECK})"
        )
        return
    op.add_column('attachments', sa.Column('conversion_error', sa.Text(), nullable=True))
    op.create_check_constraint(op.f(CONSTRAINT), 'attachments', CHECK)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE attachments DROP COLUMN conversion_error")
        return
    op.drop_constraint(op.f(CONSTRAINT), 'attachments', type_='check')
    op.drop_column('attachments', 'conversion_error')
