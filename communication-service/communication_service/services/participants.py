"""Who is on a ticket, and who may read and write its chat."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from communication_service.models import ChatSubTicket, ChatTicket, TicketParticipant
from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession, utcnow
from hdms_common.errors import NotFound


@dataclass(frozen=True)
class Access:
    """What this service knows about a user's access to a ticket's chat."""

    ticket: ChatTicket | None
    allowed: bool


def check_access(*, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID) -> Access:
    """What the copy kept from events says: participants, moderators of the ticket's department
    and admins may chat, and nobody once the ticket is deleted.

    ticket-service decides first (communication_service.access); this answers when it cannot,
    and tells an open socket to ask it again. A moderator's grant is read from the token. An
    unknown ticket is not allowed (yet): its events may not have arrived.
    """
    ticket = session.get(ChatTicket, ticket_id)
    if ticket is None:
        return Access(ticket=None, allowed=False)
    if ticket.deleted_at is not None:
        return Access(ticket=ticket, allowed=False)
    if user.is_admin or user.moderates(ticket.department_id):
        return Access(ticket=ticket, allowed=True)
    participant = session.scalar(
        sa.select(TicketParticipant.id)
        .where(TicketParticipant.ticket_id == ticket_id, TicketParticipant.user_id == user.id)
        .limit(1)
    )
    return Access(ticket=ticket, allowed=participant is not None)


def refused_by_copy(
    *, session: DbSession, users_by_ticket: Mapping[uuid.UUID, Iterable[CurrentUser]]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """The (ticket, user) pairs :func:`check_access` would not allow, for many at once.

    Two statements whatever the number of tickets and users (a worker's periodic check of all
    its open chat sockets); the rule is check_access's: an unknown or deleted ticket allows
    nobody, admins and moderators of its department are allowed, everyone else must be on it.
    """
    wanted = {ticket_id: list(users) for ticket_id, users in users_by_ticket.items() if users}
    if not wanted:
        return set()
    tickets = {
        row.ticket_id: row
        for row in session.execute(
            sa.select(ChatTicket.ticket_id, ChatTicket.department_id, ChatTicket.deleted_at).where(
                ChatTicket.ticket_id.in_(list(wanted))
            )
        )
    }
    user_ids = {user.id for users in wanted.values() for user in users}
    on_ticket = {
        (row.ticket_id, row.user_id)
        for row in session.execute(
            sa.select(TicketParticipant.ticket_id, TicketParticipant.user_id)
            .where(
                TicketParticipant.ticket_id.in_(list(tickets)),
                TicketParticipant.user_id.in_(list(user_ids)),
            )
            .distinct()
        )
    }
    refused: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for ticket_id, users in wanted.items():
        ticket = tickets.get(ticket_id)
        for user in users:
            if ticket is None or ticket.deleted_at is not None:
                refused.add((ticket_id, user.id))
            elif user.is_admin or user.moderates(ticket.department_id):
                continue
            elif (ticket_id, user.id) not in on_ticket:
                refused.add((ticket_id, user.id))
    return refused


def ensure_access(*, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID) -> ChatTicket:
    """The ticket when ``user`` may chat in it; a 404 otherwise (existence is not leaked)."""
    access = check_access(session=session, user=user, ticket_id=ticket_id)
    if not access.allowed or access.ticket is None:
        raise NotFound("No such ticket chat.")
    return access.ticket


def add_participant(
    *, session: DbSession, ticket_id: uuid.UUID, user_id: uuid.UUID | None, role: str
) -> bool:
    """Put ``user_id`` on the ticket in ``role``; returns whether the row is new."""
    if user_id is None:
        return False
    existing = session.scalar(
        sa.select(TicketParticipant.id).where(
            TicketParticipant.ticket_id == ticket_id,
            TicketParticipant.user_id == user_id,
            TicketParticipant.role == role,
        )
    )
    if existing is not None:
        return False
    session.add(
        TicketParticipant(ticket_id=ticket_id, user_id=user_id, role=role, joined_at=utcnow())
    )
    session.flush()
    return True


def set_role_holders(
    *, session: DbSession, ticket_id: uuid.UUID, role: str, user_ids: Iterable[uuid.UUID]
) -> None:
    """Make ``user_ids`` exactly the holders of ``role`` on the ticket (assignee, moderators)."""
    wanted = set(user_ids)
    current = set(
        session.scalars(
            sa.select(TicketParticipant.user_id).where(
                TicketParticipant.ticket_id == ticket_id, TicketParticipant.role == role
            )
        )
    )
    gone = current - wanted
    if gone:
        session.execute(
            sa.delete(TicketParticipant).where(
                TicketParticipant.ticket_id == ticket_id,
                TicketParticipant.role == role,
                TicketParticipant.user_id.in_(gone),
            )
        )
    for user_id in sorted(wanted - current):
        add_participant(session=session, ticket_id=ticket_id, user_id=user_id, role=role)
    session.flush()


def hold_sub_ticket(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    sub_ticket_id: uuid.UUID | None,
    assignee_id: uuid.UUID | None,
    at: datetime,
) -> bool:
    """Record who holds a sub-ticket of the ticket; returns whether ``assignee_id`` joined.

    The one it replaces leaves the ticket's chat unless they hold another of its sub-tickets.
    An event older than the last one applied to the sub-ticket changes nothing.
    """
    if sub_ticket_id is None:
        return add_participant(
            session=session, ticket_id=ticket_id, user_id=assignee_id, role="sub_assignee"
        )
    held = session.get(ChatSubTicket, sub_ticket_id, with_for_update=True)
    if held is None:
        held = ChatSubTicket(
            sub_ticket_id=sub_ticket_id, ticket_id=ticket_id, assignee_id=None, last_event_at=at
        )
        session.add(held)
    elif at < held.last_event_at:
        return False
    previous, held.assignee_id, held.last_event_at = held.assignee_id, assignee_id, at
    session.flush()
    if previous is not None and previous != assignee_id:
        elsewhere = session.scalar(
            sa.select(ChatSubTicket.sub_ticket_id)
            .where(ChatSubTicket.ticket_id == ticket_id, ChatSubTicket.assignee_id == previous)
            .limit(1)
        )
        if elsewhere is None:
            session.execute(
                sa.delete(TicketParticipant).where(
                    TicketParticipant.ticket_id == ticket_id,
                    TicketParticipant.user_id == previous,
                    TicketParticipant.role == "sub_assignee",
                )
            )
    return add_participant(
        session=session, ticket_id=ticket_id, user_id=assignee_id, role="sub_assignee"
    )


def list_participants(*, session: DbSession, ticket_id: uuid.UUID) -> list[TicketParticipant]:
    """Everyone on the ticket, one row per (user, role), oldest first."""
    return list(
        session.scalars(
            sa.select(TicketParticipant)
            .where(TicketParticipant.ticket_id == ticket_id)
            .order_by(TicketParticipant.joined_at, TicketParticipant.id)
        )
    )


def participant_ids(*, session: DbSession, ticket_id: uuid.UUID) -> set[uuid.UUID]:
    """The distinct users on the ticket."""
    return set(
        session.scalars(
            sa.select(TicketParticipant.user_id).where(TicketParticipant.ticket_id == ticket_id)
        )
    )


def holders_of(*, session: DbSession, ticket_id: uuid.UUID, role: str) -> set[uuid.UUID]:
    """The users holding ``role`` on the ticket."""
    return set(
        session.scalars(
            sa.select(TicketParticipant.user_id).where(
                TicketParticipant.ticket_id == ticket_id, TicketParticipant.role == role
            )
        )
    )
