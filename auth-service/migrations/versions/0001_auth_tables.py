"""auth tables: departments, employees, HDMS grants, refresh tokens, idempotency keys.

Revision ID: a629c9e1c2bb
Revises: 
Create Date: 2026-11-25 10:58:31.871728

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a629c9e1c2bb'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('auth_departments',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_departments')),
    sa.UniqueConstraint('code', name=op.f('uq_auth_departments_code')),
    sa.UniqueConstraint('name', name=op.f('uq_auth_departments_name'))
    )
    op.create_table('auth_idempotency_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_auth_idempotency_keys_user_id_key'))
    )
    op.create_table('auth_employees',
    sa.Column('employee_code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('department_id', sa.Uuid(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['auth_departments.id'], name=op.f('fk_auth_employees_department_id_auth_departments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_employees')),
    sa.UniqueConstraint('email', name=op.f('uq_auth_employees_email')),
    sa.UniqueConstraint('employee_code', name=op.f('uq_auth_employees_employee_code'))
    )
    # Employee codes are unique whatever their case (logins compare them lower-cased).
    op.create_index('uq_auth_employees_employee_code_lower', 'auth_employees', [sa.text('lower(employee_code)')], unique=True)
    op.create_index(op.f('ix_auth_employees_department_id'), 'auth_employees', ['department_id'], unique=False)
    op.create_table('auth_hdms_grants',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('granted_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("role IN ('requestor', 'moderator', 'assignee', 'admin')", name=op.f('ck_auth_hdms_grants_role_known')),
    sa.ForeignKeyConstraint(['department_id'], ['auth_departments.id'], name=op.f('fk_auth_hdms_grants_department_id_auth_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['auth_employees.id'], name=op.f('fk_auth_hdms_grants_employee_id_auth_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_hdms_grants')),
    sa.UniqueConstraint('employee_id', 'role', 'department_id', name=op.f('uq_auth_hdms_grants_employee_id_role_department_id'))
    )
    op.create_index(op.f('ix_auth_hdms_grants_department_id'), 'auth_hdms_grants', ['department_id'], unique=False)
    op.create_index(op.f('ix_auth_hdms_grants_employee_id'), 'auth_hdms_grants', ['employee_id'], unique=False)
    op.create_table('auth_refresh_tokens',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['auth_employees.id'], name=op.f('fk_auth_refresh_tokens_employee_id_auth_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_auth_refresh_tokens'))
    )
    op.create_index(op.f('ix_auth_refresh_tokens_employee_id'), 'auth_refresh_tokens', ['employee_id'], unique=False)
    op.create_index(op.f('ix_auth_refresh_tokens_family_id'), 'auth_refresh_tokens', ['family_id'], unique=False)
    


def downgrade():
    
    op.drop_index(op.f('ix_auth_refresh_tokens_family_id'), table_name='auth_refresh_tokens')
    op.drop_index(op.f('ix_auth_refresh_tokens_employee_id'), table_name='auth_refresh_tokens')
    op.drop_table('auth_refresh_tokens')
    op.drop_index(op.f('ix_auth_hdms_grants_employee_id'), table_name='auth_hdms_grants')
    op.drop_index(op.f('ix_auth_hdms_grants_department_id'), table_name='auth_hdms_grants')
    op.drop_table('auth_hdms_grants')
    op.drop_index('uq_auth_employees_employee_code_lower', table_name='auth_employees')
    op.drop_index(op.f('ix_auth_employees_department_id'), table_name='auth_employees')
    op.drop_table('auth_employees')
    op.drop_table('auth_idempotency_keys')
    op.drop_table('auth_departments')
    
