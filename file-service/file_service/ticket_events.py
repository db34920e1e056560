"""Ticket events file-service listens to: which tickets a file was attached to.

ticket-service validates a file_key with us before attaching it, then announces the
attachment (``ticket.attachment_added``). A ticket created with attachments announces only
``ticket.created``; its attachments are read from ticket-service with a service token. Both
are recorded as links so that the ticket's participants may see the file. Handling is
idempotent (a link is recorded once), so at-least-once delivery is fine.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import redis
from flask import Flask

from file_service.extensions import db
from file_service.services.links import link_attachment
from hdms_common.app import settings_of
from hdms_common.auth import service_token
from hdms_common.clients import TicketClient
from hdms_common.event_types import EventType
from hdms_common.events import Event, EventConsumer

log = logging.getLogger(__name__)

CONSUMER_GROUP = "file-service"
SERVICE = "file-service"


def _ticket_attachment_keys(app: Flask, ticket_id: uuid.UUID) -> list[str]:
    settings = settings_of(app)
    client = TicketClient(settings.ticket_service_url)
    token = service_token(SERVICE, settings.jwt_secret_key)
    ticket = client.get_ticket(ticket_id, token=token)
    attachments: list[Any] = (ticket or {}).get("attachments") or []
    return [str(a["file_key"]) for a in attachments if isinstance(a, dict) and a.get("file_key")]


def handle_ticket_event(app: Flask, event: Event) -> None:
    """Record the links an event announces; raises (so it is redelivered) on failure."""
    if event.type not in (EventType.TICKET_ATTACHMENT_ADDED, EventType.TICKET_CREATED):
        return
    try:
        ticket_id = uuid.UUID(str(event.payload["ticket_id"]))
    except (KeyError, ValueError):
        log.error("ticket event %s without a valid ticket_id", event.id)
        return
    if event.type == EventType.TICKET_ATTACHMENT_ADDED:
        keys = [str(event.payload.get("file_key") or "")]
    else:
        keys = _ticket_attachment_keys(app, ticket_id)
    with app.app_context():
        for key in filter(None, keys):
            if not link_attachment(session=db.session, file_key=key, ticket_id=ticket_id):
                log.warning("ticket %s refers to unknown file %s", ticket_id, key)
        db.session.commit()


def consumer(app: Flask) -> EventConsumer:
    """A consumer of the ticket events stream in file-service's own group."""
    client = redis.Redis.from_url(
        settings_of(app).redis_url, socket_timeout=10, health_check_interval=30
    )
    return EventConsumer(
        client, group=CONSUMER_GROUP, handler=lambda event: handle_ticket_event(app, event)
    )
