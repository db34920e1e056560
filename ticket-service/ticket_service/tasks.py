"""Celery tasks of ticket-service: the SLA sweep and the outbox relay, on a beat schedule.

Run a worker with beat: ``celery -A ticket_service.tasks:celery_app worker -B``. The broker is
Redis database 2 (docs/architecture.md), derived from REDIS_URL. Both tasks are idempotent (they
re-read the database under locks), so running one twice does no harm.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from flask import Flask

from hdms_common.config import broker_url
from ticket_service.config import load_ticket_settings

__all__ = ["broker_url", "celery_app", "outbox_relay", "sla_sweep"]

SWEEP_EVERY_SECONDS = 60.0
RELAY_EVERY_SECONDS = 2.0

celery_app = Celery("ticket_service")
# Read when Celery first needs its configuration (a worker or beat starting), not at import.
celery_app.add_defaults(lambda: {"broker_url": load_ticket_settings().broker_url})
celery_app.conf.update(
    task_ignore_result=True,
    timezone="UTC",
    worker_prefetch_multiplier=1,
    beat_schedule={
        "ticket-sla-sweep": {"task": "ticket_service.sla_sweep", "schedule": SWEEP_EVERY_SECONDS},
        "ticket-outbox-relay": {
            "task": "ticket_service.outbox_relay",
            "schedule": RELAY_EVERY_SECONDS,
        },
    },
)
_flask_app: Flask | None = None


def flask_app() -> Flask:
    """The worker's Flask app, built once from the environment."""
    global _flask_app
    if _flask_app is None:
        from ticket_service import create_app

        _flask_app = create_app()
    return _flask_app


@celery_app.task(name="ticket_service.sla_sweep")
def sla_sweep() -> dict[str, Any]:
    """Resume postponed tickets, auto-close resolved ones, mark SLA breaches."""
    from ticket_service.extensions import db
    from ticket_service.services.sweep import sweep_tickets

    app = flask_app()
    with app.app_context():
        report = sweep_tickets(session=db.session, policy=app.extensions["hdms_ticket_policy"])
        return report.as_dict()


@celery_app.task(name="ticket_service.outbox_relay")
def outbox_relay() -> int:
    """Publish pending outbox events to the Redis stream."""
    from ticket_service.background import publisher_for, run_once

    app = flask_app()
    return run_once(app, publisher_for(app), sweep=False)
