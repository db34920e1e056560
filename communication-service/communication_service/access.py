"""Who may use a ticket's chat, including tickets whose first event has not arrived yet.

Participants come from ticket events, which can trail the ticket by a moment (or more, when
Redis or this consumer was down). When a ticket is unknown here, ticket-service is asked as
the caller (their own token, so its visibility rules apply): if it shows the ticket, the ticket
and its requestor and assignee are recorded and the usual rule decides. A ticket that is known
here is decided from the events alone.
"""

from __future__ import annotations

import uuid
from typing import Any

from communication_service.models import ChatTicket
from communication_service.services import participants
from communication_service.services.tickets import apply_snapshot, ensure_chat_ticket
from hdms_common.auth import CurrentUser
from hdms_common.clients import ServiceClient
from hdms_common.db import DbSession
from hdms_common.errors import NotFound


class TicketClient(ServiceClient):
    """ticket-service: one ticket as the caller sees it."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(base_url, service="ticket-service", **kwargs)

    def get_ticket(
        self, ticket_id: uuid.UUID, *, token: str | None = None
    ) -> dict[str, Any] | None:
        return self.get_json(f"/api/tickets/{ticket_id}", token=token)


def ensure_chat_access(
    *, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID, tickets: TicketClient
) -> ChatTicket:
    """The ticket when ``user`` may chat in it; 404 when not (or not visible); 503 when unknown
    here and ticket-service cannot be asked."""
    access = participants.check_access(session=session, user=user, ticket_id=ticket_id)
    if access.allowed and access.ticket is not None:
        return access.ticket
    if access.ticket is not None:
        raise NotFound("No such ticket chat.")
    session.rollback()  # no transaction stays open while ticket-service is asked
    data = tickets.get_ticket(ticket_id, token=user.token)
    if data is None or str(data.get("id", ticket_id)) != str(ticket_id):
        raise NotFound("No such ticket chat.")
    ticket = ensure_chat_ticket(session=session, ticket_id=ticket_id)
    if ticket.last_event_at is None:
        apply_snapshot(session=session, ticket=ticket, data=data, at=None)
        participants.add_participant(
            session=session, ticket_id=ticket_id, user_id=ticket.requestor_id, role="requestor"
        )
        participants.add_participant(
            session=session, ticket_id=ticket_id, user_id=ticket.assignee_id, role="assignee"
        )
    return participants.ensure_access(session=session, user=user, ticket_id=ticket_id)
