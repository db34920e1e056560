"""communication-service: per-ticket chat and notifications over HTTP and WebSocket.

HTTP on 8003 and WebSockets on 8004 are the same app; the gateway sends /ws/ to 8004.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask

from communication_service.api import register_blueprints
from communication_service.cli import register_cli
from communication_service.config import (
    load_communication_settings,
    load_realtime_limits,
    tune_garbage_collector,
)
from communication_service.extensions import api, db, migrate, sock
from communication_service.realtime import Realtime
from hdms_common.app import configure_service_app
from hdms_common.config import Settings

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")
log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, environ: dict[str, str] | None = None) -> Flask:
    """Build the communication-service app from ``settings`` (default: the environment)."""
    settings = settings or load_communication_settings(environ)
    limits = load_realtime_limits(environ)
    app = Flask("communication_service")
    configure_service_app(
        app,
        settings,
        db=db,
        migrate=migrate,
        api=api,
        title="HDMS communication-service",
        url_prefix="/api/chat",
        migrations_dir=MIGRATIONS_DIR,
        version_table="alembic_version_communication",
        extra_config={
            "SOCK_SERVER_OPTIONS": {
                "ping_interval": limits.ping_interval or None,
                "max_message_size": limits.max_message_size,
            }
        },
    )
    register_blueprints(api)
    import communication_service.ws.routes  # noqa: F401 - registers the socket routes on sock
    from communication_service.ws.server import use_safe_close_reasons

    use_safe_close_reasons()
    sock.init_app(app)
    app.extensions["hdms_realtime"] = Realtime(app, redis_url=settings.redis_url, limits=limits)
    register_cli(app)
    tune_garbage_collector(environ)
    return app


def start_embedded(app: Flask) -> None:
    """The embedded mode: ticket events arrive on the in-process bus and are applied at once."""
    from communication_service.consumers.ticket_events import TicketEventHandler
    from hdms_common.events import embedded_bus

    handler = TicketEventHandler(app)
    embedded_bus().subscribe(handler)
    threading.Thread(target=app.extensions["hdms_realtime"].hub.start, daemon=True).start()
    log.info("communication-service: subscribed to the embedded event bus")
