"""The Alembic environment every service's migrations/env.py runs.

Flask-Migrate gives each service its own folder and settings (version table, batch mode for
SQLite); this module connects them to the app's engine and metadata, online or offline.
"""

from __future__ import annotations

import logging
from typing import Any

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")


def _skip_empty_autogenerate(migration_context: Any, revision: Any, directives: list[Any]) -> None:
    """`flask db migrate` with no schema change writes no empty revision."""
    if (
        getattr(context.config.cmd_opts, "autogenerate", False)
        and directives[0].upgrade_ops.is_empty()
    ):
        directives[:] = []
        log.info("No changes in schema detected.")


def _only_own_tables(table_names: frozenset[str]) -> Any:
    """Autogenerate compares only this service's tables.

    All services share one database (docs/architecture.md); without this filter `flask db migrate`
    of one service would propose dropping every other service's tables.
    """

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "table" or name in table_names

    return include_name


def run_migrations() -> None:
    """Run the current service's migrations against its own database and metadata."""
    migrate = current_app.extensions["migrate"]
    engine = migrate.db.engine
    metadata = migrate.db.metadata
    configure_args = dict(migrate.configure_args)
    configure_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    configure_args.setdefault("include_name", _only_own_tables(frozenset(metadata.tables)))
    if context.is_offline_mode():
        url = engine.url.render_as_string(hide_password=False)
        context.configure(url=url, target_metadata=metadata, literal_binds=True, **configure_args)
        with context.begin_transaction():
            context.run_migrations()
        return
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()
