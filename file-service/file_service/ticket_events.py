"""Ticket events file-service listens to: which tickets a file was attached to.

ticket-service validates a file_key with us before attaching it, then announces the
attachment: ``ticket.attachment_added`` carries its file_key, ``ticket.created`` the attachments
the ticket was opened with. An older ``ticket.created`` without ``attachments`` (published before
the field existed) has them read from ticket-service with a service token. Both are recorded as
links so that the ticket's participants may see the file. Handling is idempotent (a link is
recorded once), so at-least-once delivery is fine; the events of one read are linked in one
transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
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
TICKET_CLIENT_EXTENSION = "hdms_file_ticket_client"


def _ticket_client(app: Flask) -> TicketClient:
    """One client per app, so that its connections to ticket-service are kept and reused."""
    client = app.extensions.get(TICKET_CLIENT_EXTENSION)
    if not isinstance(client, TicketClient):
        client = TicketClient(settings_of(app).ticket_service_url)
        app.extensions[TICKET_CLIENT_EXTENSION] = client
    return client


def _keys_of(attachments: Any) -> list[str]:
    items = attachments if isinstance(attachments, list) else []
    return [str(a["file_key"]) for a in items if isinstance(a, dict) and a.get("file_key")]


def _ticket_attachment_keys(app: Flask, ticket_id: uuid.UUID) -> list[str]:
    token = service_token(SERVICE, settings_of(app).jwt_secret_key)
    ticket = _ticket_client(app).get_ticket(ticket_id, token=token)
    return _keys_of((ticket or {}).get("attachments"))


def announced_links(app: Flask, event: Event) -> tuple[uuid.UUID, list[str]] | None:
    """The ticket and the file keys an event links, or None for an event that links nothing."""
    if event.type not in (EventType.TICKET_ATTACHMENT_ADDED, EventType.TICKET_CREATED):
        return None
    try:
        ticket_id = uuid.UUID(str(event.payload["ticket_id"]))
    except (KeyError, ValueError):
        log.error("ticket event %s without a valid ticket_id", event.id)
        return None
    if event.type == EventType.TICKET_ATTACHMENT_ADDED:
        keys = [str(event.payload.get("file_key") or "")]
    elif "attachments" in event.payload:
        keys = _keys_of(event.payload["attachments"])
    else:
        keys = _ticket_attachment_keys(app, ticket_id)
    keys = [key for key in keys if key]
    return (ticket_id, keys) if keys else None


def handle_ticket_events(app: Flask, events: Sequence[Event]) -> None:
    """Record the links the events announce, in one transaction; raises (so that they are
    redelivered) on failure."""
    links = [found for event in events if (found := announced_links(app, event)) is not None]
    if not links:
        return
    with app.app_context():
        try:
            for ticket_id, keys in links:
                for key in keys:
                    if not link_attachment(session=db.session, file_key=key, ticket_id=ticket_id):
                        log.warning("ticket %s refers to unknown file %s", ticket_id, key)
            db.session.commit()
        finally:
            db.session.remove()


def handle_ticket_event(app: Flask, event: Event) -> None:
    """Record the links an event announces; raises (so it is redelivered) on failure."""
    handle_ticket_events(app, [event])


def consumer(app: Flask) -> EventConsumer:
    """A consumer of the ticket events stream in file-service's own group."""
    client = redis.Redis.from_url(
        settings_of(app).redis_url, socket_timeout=10, health_check_interval=30
    )
    return EventConsumer(
        client,
        group=CONSUMER_GROUP,
        handler=lambda event: handle_ticket_event(app, event),
        batch_handler=lambda events: handle_ticket_events(app, events),
    )
