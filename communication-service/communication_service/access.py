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

import enum
import hashlib
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import redis

from communication_service.models import ChatTicket
from communication_service.services import participants
from communication_service.services.tickets import apply_snapshot, ensure_chat_ticket
from hdms_common.auth import CurrentUser
from hdms_common.clients import ServiceClient
from hdms_common.db import DbSession
from hdms_common.errors import DependencyUnavailable, NotFound, Unauthorized
from hdms_common.realtime import pubsub_url, ticket_version_key

#: How long a verdict of ticket-service is kept at most (while the ticket's counter holds), and
#: how many verdicts a process keeps.
KEEP_SECONDS = 60.0
MAX_KEPT = 10_000
MISSING = object()


class Sight(enum.Enum):
    """What ticket-service answered about one ticket for one caller."""

    VISIBLE = "visible"
    HIDDEN = "hidden"  # unknown, deleted or not theirs: ticket-service's 404
    REFUSED = "refused"  # the caller's token no longer passes (expired, revoked)


@dataclass(frozen=True)
class TicketSight:
    sight: Sight
    ticket: dict[str, Any] | None = None


class TicketClient(ServiceClient):
    """ticket-service: one ticket as the caller sees it.

    With Redis (``versions_redis_url``), a verdict is kept for a while together with the
    ticket's change counter as it was read before asking (hdms_common.realtime). ticket-service
    moves the counter when it commits a change, before it answers the request that made it, so
    a kept verdict is used only while nothing changed the ticket since it was given: correct at
    once, and one Redis read instead of an HTTP round trip per post. Without Redis, or when it
    cannot be read, ticket-service is asked every time.
    """

    def __init__(
        self,
        base_url: str,
        *,
        versions_redis_url: str = "",
        keep_seconds: float = KEEP_SECONDS,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, service="ticket-service", **kwargs)
        self.keep_seconds = keep_seconds
        self._versions = (
            redis.Redis.from_url(
                pubsub_url(versions_redis_url), socket_timeout=1, socket_connect_timeout=1
            )
            if versions_redis_url
            else None
        )
        self._kept: dict[tuple[uuid.UUID, bytes], tuple[bytes | None, float, TicketSight]] = {}
        self._lock = threading.Lock()

    def sight(self, ticket_id: uuid.UUID, *, token: str | None) -> TicketSight:
        """Whether the caller sees the ticket; DependencyUnavailable when ticket-service cannot
        say (down, overloaded, or an answer that is none of 200, 401, 404)."""
        key = (ticket_id, hashlib.sha256((token or "").encode()).digest())
        version = self._version(ticket_id)
        if version is not MISSING:
            with self._lock:
                kept = self._kept.get(key)
            if kept is not None and kept[0] == version and kept[1] > time.monotonic():
                return kept[2]
        seen = self._ask(ticket_id, token=token)
        if version is not MISSING and seen.sight is not Sight.REFUSED:
            kept_sight = TicketSight(seen.sight)  # the ticket's fields are needed once only
            with self._lock:
                if len(self._kept) >= MAX_KEPT:
                    self._kept.clear()
                self._kept[key] = (version, time.monotonic() + self.keep_seconds, kept_sight)
        return seen

    def _version(self, ticket_id: uuid.UUID) -> Any:
        if self._versions is None:
            return MISSING
        try:
            return self._versions.get(ticket_version_key(ticket_id))
        except redis.RedisError:
            return MISSING

    def _ask(self, ticket_id: uuid.UUID, *, token: str | None) -> TicketSight:
        response = self.request("GET", f"/api/tickets/{ticket_id}", token=token)
        if response.status_code == 404:
            return TicketSight(Sight.HIDDEN)
        if response.status_code == 401:
            return TicketSight(Sight.REFUSED)
        if response.status_code != 200:
            raise DependencyUnavailable(
                f"The ticket-service refused the request ({response.status_code})."
            )
        body = response.json()
        if not isinstance(body, dict) or str(body.get("id", ticket_id)) != str(ticket_id):
            return TicketSight(Sight.HIDDEN)
        return TicketSight(Sight.VISIBLE, body)


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
    except DependencyUnavailable:
        access = participants.check_access(session=session, user=user, ticket_id=ticket_id)
        if access.ticket is None:
            raise
        if not access.allowed:
            raise NotFound("No such ticket chat.") from None
        return access.ticket
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
