"""The ticket events consumer: participants and notifications from ticket-service's stream.

At least once (a Redis consumer group, acknowledged after the handler committed), idempotent
by event id (recorded in the same transaction as the effects). The department's moderators
are looked up at auth-service, outside any transaction, when a ticket first shows up or moves
to another department.

The events of one read are applied as a batch, in stream order and in one transaction: their
processed ids, chat tickets and role holders are read in a few queries, a department's
moderators are looked up once for the batch, and the rows are written at one flush. When the
batch fails (a race with another writer, a bad event), the consumer applies its events one by
one instead (:meth:`TicketEventHandler.__call__`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.exc import IntegrityError

from communication_service.extensions import db
from communication_service.realtime import notification_frames, realtime_of, ticket_changed_frame
from communication_service.services import events
from hdms_common.app import settings_of
from hdms_common.auth import MODERATOR, service_token
from hdms_common.clients import AuthClient
from hdms_common.event_types import EventType
from hdms_common.events import Event, EventConsumer

log = logging.getLogger(__name__)
GROUP = "communication-service"
SERVICE = "communication-service"
MAX_MODERATOR_PAGES = 20


class TicketEventHandler:
    """Applies one event; raising leaves it unacknowledged, so it is delivered again."""

    def __init__(self, app: Flask, auth: AuthClient | None = None) -> None:
        self.app = app
        self.settings = settings_of(app)
        self.auth = auth or AuthClient(self.settings.auth_service_url)

    def moderators_of(self, department_id: str) -> set[uuid.UUID] | None:
        """The active moderators of a department, or None when auth-service will not say."""
        employees = self.auth.list_all(
            "/api/employees/",
            token=service_token(SERVICE, self.settings.jwt_secret_key),
            params={"role": MODERATOR, "role_department_id": department_id, "is_active": "true"},
            max_pages=MAX_MODERATOR_PAGES,
        )
        if employees is None:
            return None
        found: set[uuid.UUID] = set()
        for employee in employees:
            try:
                found.add(uuid.UUID(str(employee["id"])))
            except (KeyError, ValueError):
                continue
        return found

    def __call__(self, event: Event) -> None:
        payload = dict(event.payload)
        frames = []
        changed = False
        with self.app.app_context():
            session = db.session
            try:
                if events.was_processed(session=session, event_id=event.id):
                    return
                lookup = events.needs_moderators(
                    session=session, payload=payload, event_type=event.type
                )
                session.rollback()  # no transaction stays open while auth-service is asked
                moderators = self.moderators_of(str(payload["department_id"])) if lookup else None
                applied = events.apply_ticket_event(
                    session=session,
                    event_id=event.id,
                    event_type=event.type,
                    occurred_at=event.occurred_at,
                    payload=payload,
                    moderator_ids=moderators,
                )
                frames = notification_frames(applied.notifications)
                changed = not applied.duplicate
                session.commit()
            except IntegrityError:
                # The same event applied concurrently by another consumer: it is done.
                session.rollback()
                return
            finally:
                session.remove()
        if changed and payload.get("ticket_id") and event.type != EventType.TICKET_CREATED:
            # Open chat sockets of the ticket check again who may see it (ticket-service
            # announced the change already; this covers an announcement that was lost). A
            # new ticket's sockets have nothing to check again: who may see it is what it was
            # created with, and ticket-service announces no creation either.
            frames.append(ticket_changed_frame(str(payload["ticket_id"])))
        realtime_of(self.app).publish_all(frames)

    def apply_batch(self, batch: Sequence[Event]) -> None:
        """Apply several events (stream order) in one transaction; raises, having applied
        none of them, when any fails."""
        frames = []
        changed: dict[str, None] = {}
        with self.app.app_context():
            session = db.session
            try:
                fresh: dict[str, Event] = {}
                processed = events.processed_among(session=session, event_ids=[e.id for e in batch])
                for event in batch:
                    if event.id not in processed:
                        fresh.setdefault(event.id, event)
                todo = list(fresh.values())
                lookups = events.departments_needing_moderators(
                    session=session, events=[(e.type, e.payload) for e in todo]
                )
                session.rollback()  # no transaction stays open while auth-service is asked
                moderators = {
                    department: self.moderators_of(department)
                    for department in sorted(set(lookups.values()))
                }
                first_seen: dict[uuid.UUID, tuple[dict[str, Any], datetime]] = {}
                for event in todo:
                    try:
                        ticket_id = uuid.UUID(str(event.payload.get("ticket_id")))
                    except ValueError:
                        continue
                    first_seen.setdefault(ticket_id, (dict(event.payload), event.occurred_at))
                queued = events.Batch(session=session, ticket_ids=first_seen, first_seen=first_seen)
                notified = []
                for index, event in enumerate(todo):
                    department = lookups.get(index)
                    applied = events.apply_ticket_event(
                        session=session,
                        event_id=event.id,
                        event_type=event.type,
                        occurred_at=event.occurred_at,
                        payload=dict(event.payload),
                        moderator_ids=moderators[department] if department else None,
                        batch=queued,
                    )
                    notified.extend(applied.notifications)
                    # As in __call__: a new ticket's sockets have nothing to check again.
                    if event.payload.get("ticket_id") and event.type != EventType.TICKET_CREATED:
                        changed[str(event.payload["ticket_id"])] = None
                session.flush()
                frames = notification_frames(notified)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.remove()
        realtime_of(self.app).publish_all(
            [*frames, *(ticket_changed_frame(changed_id) for changed_id in changed)]
        )


def build_consumer(
    app: Flask, *, consumer: str | None = None, claim_idle_ms: int = 60_000
) -> EventConsumer:
    """An EventConsumer of the ticket events stream for this app (REDIS_URL must be set)."""
    handler = TicketEventHandler(app)
    return EventConsumer.from_url(
        settings_of(app).redis_url,
        group=GROUP,
        handler=handler,
        consumer=consumer,
        claim_idle_ms=claim_idle_ms,
        batch_handler=handler.apply_batch,
    )
