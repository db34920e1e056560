"""The real-time channels the services share: Redis pub/sub, database 1 (docs/architecture.md).

communication-service fans chat and notification frames out on them. ticket-service tells it on
them that a ticket changed, the moment the change is committed and before the HTTP response
leaves, so that open chat sockets re-check who may see the ticket before they send anything
published after that response. The ticket events that carry the change follow through the
outbox and the events stream, which can trail by a second or more.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import redis

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "hdms:rt:"
PUBSUB_DB = 1
#: The frame type of "this ticket changed; check again who may see it".
TICKET_CHANGED = "ticket_changed"


def pubsub_url(redis_url: str) -> str:
    """REDIS_URL with database 1, the real-time one."""
    if not redis_url:
        return ""
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{PUBSUB_DB}", parts.query, parts.fragment))


def ticket_channel(ticket_id: object) -> str:
    """Where a ticket's changes are announced (every chat socket of the ticket listens)."""
    return f"{CHANNEL_PREFIX}ticket:{ticket_id}"


def ticket_version_key(ticket_id: object) -> str:
    """A counter of the ticket's committed changes: a verdict on who sees the ticket, cached
    with the value it was taken at, holds only while the counter has not moved."""
    return f"{CHANNEL_PREFIX}ticket-version:{ticket_id}"


#: How long a ticket's change counter is kept after its last change (longer than any cache).
TICKET_VERSION_TTL_SECONDS = 86_400


def ticket_changed_text(ticket_id: object) -> str:
    """The frame announcing that ``ticket_id`` changed (its JSON text)."""
    return json.dumps({"type": TICKET_CHANGED, "ticket_id": str(ticket_id)}, separators=(",", ":"))


class TicketChangeSignal:
    """Moves each changed ticket's counter, then publishes "ticket changed" on its channel;
    never raises (the change is committed already; the events that follow are the reliable
    path)."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = pubsub_url(redis_url)
        self._client: redis.Redis | None = None

    def publish(self, ticket_ids: Iterable[uuid.UUID]) -> None:
        if not self.redis_url:
            return
        try:
            if self._client is None:
                self._client = redis.Redis.from_url(
                    self.redis_url, socket_timeout=1, socket_connect_timeout=1
                )
            pipeline = self._client.pipeline(transaction=False)
            for ticket_id in sorted(set(ticket_ids)):
                key = ticket_version_key(ticket_id)
                pipeline.incr(key)
                pipeline.expire(key, TICKET_VERSION_TTL_SECONDS)
                pipeline.publish(ticket_channel(ticket_id), ticket_changed_text(ticket_id))
            pipeline.execute()
        except redis.RedisError as exc:
            log.warning("ticket change signal not published (%s); the events will follow", exc)
