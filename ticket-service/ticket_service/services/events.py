"""Domain events: written to ticket_outbox with the change, relayed after commit.

Types and payloads follow docs/events.md and are declared once in hdms_common.event_types: the
ticket as it is after the change (``TicketFields``), plus the fields of the type.
The relay runs every few seconds, so each commit that wrote events also announces at once, on
the real-time channel of each ticket it changed, that the ticket changed (hdms_common.realtime):
open chat sockets then ask again who may see the ticket before anything later reaches them.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import time
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from hdms_common.app import settings_of
from hdms_common.db import DbSession, utcnow
from hdms_common.event_types import CreatedFields, EventType, TicketFields
from hdms_common.events import Event, EventPublisher, publish_all
from hdms_common.realtime import TicketChangeSignal
from ticket_service.models import OutboxEvent, Ticket
from ticket_service.services.audit import jsonable

log = logging.getLogger(__name__)
_counter = itertools.count()
#: session.info key: the tickets whose events the open transaction wrote.
CHANGED_TICKETS = "hdms_changed_tickets"
SIGNAL_EXTENSION = "hdms_ticket_change_signal"


def ordered_event_id() -> uuid.UUID:
    """A UUID that sorts by creation time, so that the events of one transaction (which share
    their occurred_at) are relayed in the order they were written."""
    sequence = next(_counter) & 0xFFFF
    return uuid.UUID(int=(time.time_ns() << 64) | (sequence << 48) | secrets.randbits(48))


def ticket_payload(ticket: Ticket, actor_id: uuid.UUID) -> TicketFields:
    """The fields every ticket event carries."""
    return TicketFields(
        ticket_id=str(ticket.id),
        ticket_number=ticket.number,
        title=ticket.title,
        department_id=str(ticket.department_id),
        requestor_id=str(ticket.requestor_id),
        assignee_id=str(ticket.assignee_id) if ticket.assignee_id else None,
        status=ticket.status,
        priority=ticket.priority,
        actor_id=str(actor_id),
    )


def created_fields(ticket: Ticket) -> CreatedFields:
    """What ticket.created carries beyond the ticket: its attachments, so that file-service
    links them without asking for the ticket."""
    return CreatedFields(attachments=jsonable(list(ticket.attachments or [])))


def outbox_values(
    *,
    event_type: EventType | str,
    ticket: Ticket,
    actor_id: uuid.UUID,
    now: datetime,
    request_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The columns of an outbox row for an event of ``ticket``: what record_event adds to the
    session, or what a Core INSERT writes (the create, which has no unit of work to flush).

    ``event_type`` must be one of :class:`EventType` (a ValueError otherwise): an event no
    consumer knows of is a mistake of the caller, not something to publish.
    """
    payload: dict[str, Any] = dict(ticket_payload(ticket, actor_id))
    if event_type == EventType.TICKET_CREATED:
        payload.update(created_fields(ticket))
    payload.update(jsonable(extra))
    return {
        "id": ordered_event_id(),
        "event_type": EventType(event_type).value,
        "payload": payload,
        "request_id": request_id,
        "occurred_at": now,
    }


def record_event(
    *,
    session: DbSession,
    event_type: EventType | str,
    ticket: Ticket,
    actor_id: uuid.UUID,
    now: datetime,
    request_id: str | None = None,
    **extra: Any,
) -> OutboxEvent:
    """Queue an event in the outbox, in the caller's transaction.

    ``event_type`` must be one of :class:`EventType` (a ValueError otherwise): an event no
    consumer knows of is a mistake of the caller, not something to publish.
    """
    row = OutboxEvent(
        **outbox_values(
            event_type=event_type,
            ticket=ticket,
            actor_id=actor_id,
            now=now,
            request_id=request_id,
            **extra,
        )
    )
    session.add(row)
    session.flush()
    session.info.setdefault(CHANGED_TICKETS, set()).add(ticket.id)
    return row


def install_change_signal(app: Flask, scoped_session: object) -> None:
    """Announce, after each commit that wrote events, that their tickets changed.

    The listener runs inside ``commit()``, so the announcement is out before the route returns
    its response; a rolled-back transaction announces nothing.
    """
    app.extensions[SIGNAL_EXTENSION] = TicketChangeSignal(settings_of(app).redis_url)
    if not sa.event.contains(scoped_session, "after_commit", _announce_changes):
        sa.event.listen(scoped_session, "after_commit", _announce_changes)
        sa.event.listen(scoped_session, "after_rollback", _forget_changes)


def _announce_changes(session: Session) -> None:
    changed = session.info.pop(CHANGED_TICKETS, None)
    if not changed or not has_app_context():
        return
    signal = current_app.extensions.get(SIGNAL_EXTENSION)
    if isinstance(signal, TicketChangeSignal):
        signal.publish(changed)


def _forget_changes(session: Session) -> None:
    session.info.pop(CHANGED_TICKETS, None)


def relay_outbox(*, session: DbSession, publisher: EventPublisher, batch: int = 500) -> int:
    """Publish up to ``batch`` unsent events in order and mark them sent; returns how many.

    Rows are taken FOR UPDATE SKIP LOCKED, so several relays never publish one event twice at
    once. The batch costs three round trips whatever its size: one SELECT, one pipelined XADD
    of all its events (publish_all), one UPDATE marking them sent, committed together. When
    the publisher fails, none is marked sent: the next run publishes the batch again (an event
    that did arrive then arrives twice, which consumers dedupe by id; none is lost).
    """
    rows = session.execute(
        sa.select(
            OutboxEvent.id,
            OutboxEvent.event_type,
            OutboxEvent.payload,
            OutboxEvent.occurred_at,
            OutboxEvent.request_id,
        )
        .where(OutboxEvent.sent_at.is_(None))
        .order_by(OutboxEvent.occurred_at, OutboxEvent.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        session.commit()
        return 0
    events = [
        Event(
            id=str(row.id),
            type=row.event_type,
            payload=row.payload,
            occurred_at=row.occurred_at,
            request_id=row.request_id,
        )
        for row in rows
    ]
    try:
        publish_all(publisher, events)
    except Exception as exc:  # noqa: BLE001 - any publisher failure: the batch stays unsent
        log.warning("outbox relay: publishing %s events failed: %s", len(events), exc)
        session.rollback()
        return 0
    session.execute(
        sa.update(OutboxEvent)
        .where(OutboxEvent.id.in_([row.id for row in rows]))
        .values(sent_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return len(rows)


def count_unsent(*, session: DbSession) -> int:
    """How many events wait for the relay."""
    return int(
        session.scalar(
            sa.select(sa.func.count()).select_from(OutboxEvent).where(OutboxEvent.sent_at.is_(None))
        )
        or 0
    )
