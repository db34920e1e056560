"""Who is on a ticket, and who may read and write its chat."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from communication_service.models import ChatTicket, TicketParticipant
from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession, utcnow
from hdms_common.errors import NotFound


@dataclass(frozen=True)
class Access:
    """What this service knows about a user's access to a ticket's chat."""

    ticket: ChatTicket | None
    allowed: bool


def check_access(*, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID) -> Access:
    """Participants, moderators of the ticket's department and admins may chat.

    A moderator's grant is read from the token, so a moderator granted after the ticket was
    created can read its chat at once. An unknown ticket is not allowed (yet): the caller may
    ask ticket-service, whose events may not have arrived.
    """
    ticket = session.get(ChatTicket, ticket_id)
    if ticket is None:
        return Access(ticket=None, allowed=False)
    if user.is_admin or user.moderates(ticket.department_id):
        return Access(ticket=ticket, allowed=True)
    participant = session.scalar(
        sa.select(TicketParticipant.id)
        .where(TicketParticipant.ticket_id == ticket_id, TicketParticipant.user_id == user.id)
        .limit(1)
    )
    return Access(ticket=ticket, allowed=participant is not None)


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
