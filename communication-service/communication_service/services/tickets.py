"""The tickets this service knows, and the per-ticket counter that numbers chat messages."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from communication_service.models import ChatTicket
from hdms_common.db import DbSession, utcnow

#: Ticket fields every event payload (docs/events.md) and ticket-service's ticket carry.
SNAPSHOT_FIELDS = (
    "ticket_number",
    "title",
    "department_id",
    "requestor_id",
    "assignee_id",
    "status",
)


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    return uuid.UUID(str(value))


def snapshot_from(data: Mapping[str, Any]) -> dict[str, Any]:
    """The ticket fields of an event payload or a ticket-service ticket, typed for the table."""
    number = data.get("ticket_number", data.get("number"))
    title = data.get("title")
    status = data.get("status")
    return {
        "ticket_number": str(number)[:64] if number is not None else None,
        "title": str(title)[:300] if title is not None else None,
        "department_id": _uuid_or_none(data.get("department_id")),
        "requestor_id": _uuid_or_none(data.get("requestor_id")),
        "assignee_id": _uuid_or_none(data.get("assignee_id")),
        "status": str(status)[:32] if status is not None else None,
    }


def ensure_chat_ticket(*, session: DbSession, ticket_id: uuid.UUID) -> ChatTicket:
    """The row of ``ticket_id``, inserted when missing (safe when two workers race to insert).

    Read first: every chat post and socket check comes here and the row almost always exists,
    so the insert (a statement and a round trip more) is only tried when the read finds none.
    """
    ticket = session.get(ChatTicket, ticket_id)
    if ticket is not None:
        return ticket
    now = utcnow()
    values = {"ticket_id": ticket_id, "last_seq": 0, "created_at": now, "updated_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(ChatTicket).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(ChatTicket).values(**values).on_conflict_do_nothing()
    session.execute(statement)
    ticket = session.get(ChatTicket, ticket_id)
    assert ticket is not None
    return ticket


def apply_snapshot(
    *, session: DbSession, ticket: ChatTicket, data: Mapping[str, Any], at: datetime | None
) -> bool:
    """Record the ticket as an event (or ticket-service) describes it, unless we know newer.

    Returns whether the snapshot was applied; events that arrive late change nothing.
    """
    if at is not None and ticket.last_event_at is not None and at < ticket.last_event_at:
        return False
    for key, value in snapshot_from(data).items():
        if value is not None or key == "assignee_id":
            setattr(ticket, key, value)
    if at is not None:
        ticket.last_event_at = at
    session.flush()
    return True


def next_seq(*, session: DbSession, ticket_id: uuid.UUID) -> int:
    """Take the ticket's next message number; the row stays locked until the commit.

    Concurrent senders queue on the row lock, so numbers are consecutive in commit order and a
    rolled-back send gives its number back. The ticket's row is created on first use.
    """
    statement = (
        sa.update(ChatTicket)
        .where(ChatTicket.ticket_id == ticket_id)
        .values(last_seq=ChatTicket.last_seq + 1)
        .returning(ChatTicket.last_seq)
        .execution_options(synchronize_session=False)
    )
    seq = session.execute(statement).scalar_one_or_none()
    if seq is None:
        ensure_chat_ticket(session=session, ticket_id=ticket_id)
        seq = session.execute(statement).scalar_one()
    return int(seq)


def give_back_seq(*, session: DbSession, ticket_id: uuid.UUID) -> None:
    """Undo this transaction's next_seq, whose row lock it still holds (no one else moved it)."""
    session.execute(
        sa.update(ChatTicket)
        .where(ChatTicket.ticket_id == ticket_id)
        .values(last_seq=ChatTicket.last_seq - 1)
        .execution_options(synchronize_session=False)
    )


def last_seq(*, session: DbSession, ticket_id: uuid.UUID) -> int:
    """The number of the ticket's latest message (0 when it has none)."""
    value = session.scalar(sa.select(ChatTicket.last_seq).where(ChatTicket.ticket_id == ticket_id))
    return int(value or 0)
