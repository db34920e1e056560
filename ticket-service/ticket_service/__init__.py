"""ticket-service: tickets and their life cycle, sub-tickets, approvals, SLA, audit history."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from hdms_common.app import configure_service_app
from hdms_common.clients import AuthClient, FileClient
from hdms_common.config import Settings
from hdms_common.department_facts import DepartmentFacts
from ticket_service.api import register_blueprints
from ticket_service.cli import register_cli
from ticket_service.config import load_ticket_policy, load_ticket_settings
from ticket_service.extensions import api, db, migrate
from ticket_service.services.events import install_change_signal

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(settings: Settings | None = None, environ: dict[str, str] | None = None) -> Flask:
    """Build the ticket-service app from ``settings`` (default: the environment)."""
    settings = settings or load_ticket_settings(environ)
    app = Flask("ticket_service")
    configure_service_app(
        app,
        settings,
        db=db,
        migrate=migrate,
        api=api,
        title="HDMS ticket-service",
        url_prefix="/api/tickets",
        migrations_dir=MIGRATIONS_DIR,
        version_table="alembic_version_ticket",
    )
    register_blueprints(api)
    app.extensions["hdms_ticket_policy"] = load_ticket_policy(environ)
    app.extensions["hdms_auth_client"] = AuthClient(settings.auth_service_url)
    app.extensions["hdms_file_client"] = FileClient(settings.file_service_url)
    app.extensions["hdms_department_facts"] = DepartmentFacts(settings.redis_url)
    install_change_signal(app, db.session)
    register_cli(app)
    return app


def start_embedded(app: Flask) -> None:
    """Embedded mode: relay the outbox to the in-process bus and run the SLA sweep; approvers
    who lose HDMS access drop out of rounds as auth-service announces it."""
    from ticket_service.access_events import subscribe_embedded
    from ticket_service.background import start_background_loop

    subscribe_embedded(app)
    start_background_loop(app)


def seed_embedded_demo(app: Flask) -> None:
    """Embedded mode: open demo tickets once auth-service (same process) answers over HTTP.

    The embedded runner seeds before its server listens, so this waits in the background.
    """
    from ticket_service.demo import seed_when_auth_answers

    seed_when_auth_answers(app)
