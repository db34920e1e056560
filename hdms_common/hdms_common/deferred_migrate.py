"""Flask-Migrate, bound to a service's app only when migrations are wanted.

Importing flask_migrate imports alembic: 11 MiB of modules in every process that builds an app.
Only two kinds of callers need them: the `flask db ...` commands and code that migrates a
database in process (the embedded mode, the tests' fixtures, ``flask_migrate.upgrade()``).
gunicorn workers, the background process and Celery workers never do, and they are most of
the stack's processes (docs/stack.md, "Processes and memory"). So ``init_app`` leaves a
placeholder in ``app.extensions["migrate"]`` that binds the real extension on its first use,
and binds it at once when the app is built by the flask command line, whose `db` group must be
registered before click looks the command up.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy


class DeferredMigrate:
    """Stands where ``flask_migrate.Migrate()`` would, in each service's extensions module."""

    def init_app(self, app: Flask, db: SQLAlchemy, **options: Any) -> None:
        app.extensions["migrate"] = _PendingMigrate(app, db, options)
        if click.get_current_context(silent=True) is not None:
            bind_migrate(app)


def bind_migrate(app: Flask) -> Any:
    """Flask-Migrate's own entry for ``app`` (its _MigrateConfig), binding it if still pending."""
    entry = app.extensions["migrate"]
    if isinstance(entry, _PendingMigrate):
        from flask_migrate import Migrate

        Migrate().init_app(app, entry.db, **entry.options)
        entry = app.extensions["migrate"]
    return entry


class _PendingMigrate:
    """What Flask-Migrate's commands and the migration environment read, once they ask."""

    def __init__(self, app: Flask, db: SQLAlchemy, options: dict[str, Any]) -> None:
        self.app = app
        self.db = db
        self.options = options

    def __getattr__(self, name: str) -> Any:
        return getattr(bind_migrate(self.app), name)
