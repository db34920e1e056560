"""Alembic environment: the one all HDMS services share (hdms_common.migration_env)."""

from hdms_common.migration_env import run_migrations

run_migrations()
