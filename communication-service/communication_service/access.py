"""Who may use a ticket's chat: whoever ticket-service shows the ticket to, at the moment of asking.

ticket-service is the authority on who sees a ticket (requestor, assignee, sub-ticket assignees,
approvers, the department's moderators, admins; nobody once it is deleted). Its events keep this
service's own copy (chat_tickets, ticket_participants) current, but they trail the change by the
outbox relay and the stream, so a copy alone would let a reassigned assignee go on reading, and
keep a new one out, for a moment. So every chat read, post and socket check asks ticket-service
as the caller (their own token, so its visibility rules apply), and the copy decides only when
ticket-service cannot answer: it then trails by no more than the events still in flight, and a
ticket unknown here is a 503 rather than a guess.
"""

from __future__ import annotations

import uuid

from communication_service.models import ChatTicket
from communication_service.services import participants
from communication_service.services.tickets import apply_snapshot, ensure_chat_ticket
from hdms_common.auth import CurrentUser
from hdms_common.clients import Sight, TicketClient, TicketSight
from hdms_common.db import DbSession
from hdms_common.errors import DependencyUnavailable, NotFound, Unauthorized


def confirm_chat_access(
    *, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID, tickets: TicketClient
) -> None:
    """:func:`ensure_chat_access` for a caller that needs no ticket row (a post: storing the
    message takes the row's number and creates a missing row).

    A verdict ticket-service gave since the ticket last changed (kept by ``tickets``) is used
    without a database statement; an answer just asked for, or the copy when ticket-service
    cannot answer, goes through :func:`ensure_chat_access` as before (the first answer about a
    ticket no event described yet starts the copy).
    """
    session.rollback()
    try:
        seen = tickets.sight(ticket_id, token=user.token)
    except DependencyUnavailable as unavailable:
        _copy_decides(session=session, user=user, ticket_id=ticket_id, unavailable=unavailable)
        return
    if seen.ticket is None and seen.sight is Sight.VISIBLE:
        return  # a kept verdict: the ticket's row is known to be there or made when storing
    _row_for(session=session, user=user, ticket_id=ticket_id, seen=seen)


def ensure_chat_access(
    *, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID, tickets: TicketClient
) -> ChatTicket:
    """The ticket when ``user`` may chat in it now.

    404 when ticket-service does not show it to them; 401 when it refuses their token; when
    ticket-service cannot be asked, the copy kept from events decides (503 for a ticket unknown
    here). No transaction is open while ticket-service is asked.
    """
    session.rollback()
    try:
        seen = tickets.sight(ticket_id, token=user.token)
    except DependencyUnavailable as unavailable:
        return _copy_decides(
            session=session, user=user, ticket_id=ticket_id, unavailable=unavailable
        )
    return _row_for(session=session, user=user, ticket_id=ticket_id, seen=seen)


def _copy_decides(
    *,
    session: DbSession,
    user: CurrentUser,
    ticket_id: uuid.UUID,
    unavailable: DependencyUnavailable,
) -> ChatTicket:
    """ticket-service could not answer: the copy kept from events decides (503 if unknown)."""
    access = participants.check_access(session=session, user=user, ticket_id=ticket_id)
    if access.ticket is None:
        raise unavailable
    if not access.allowed:
        raise NotFound("No such ticket chat.")
    return access.ticket


def _row_for(
    *, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID, seen: TicketSight
) -> ChatTicket:
    if seen.sight is Sight.HIDDEN:
        raise NotFound("No such ticket chat.")
    if seen.sight is Sight.REFUSED:
        raise Unauthorized("The token is no longer accepted; sign in again.")
    ticket = ensure_chat_ticket(session=session, ticket_id=ticket_id)
    if ticket.last_event_at is None and seen.ticket is not None:
        # No event of the ticket arrived yet: start the copy from what ticket-service showed.
        apply_snapshot(session=session, ticket=ticket, data=seen.ticket, at=None)
        participants.add_participant(
            session=session, ticket_id=ticket_id, user_id=ticket.requestor_id, role="requestor"
        )
        participants.add_participant(
            session=session, ticket_id=ticket_id, user_id=ticket.assignee_id, role="assignee"
        )
    return ticket
