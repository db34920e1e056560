"""Who has a ticket's chat open right now, across workers (for "new message" notifications).

In Redis (database 1) each open socket is a member of a per-ticket sorted set scored by its
expiry; sockets refresh their entry while open, so a worker that dies leaves entries that
simply expire. Without Redis the process's own count is the truth. When Redis cannot answer,
nobody counts as connected: a notification too many beats a message never noticed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import redis

from communication_service.ws.hub import CHANNEL_PREFIX, pubsub_url

log = logging.getLogger(__name__)


def _key(ticket_id: uuid.UUID) -> str:
    return f"{CHANNEL_PREFIX}presence:{ticket_id}"


class Presence:
    def __init__(self, redis_url: str = "", *, ttl: float = 90.0) -> None:
        self.redis_url = pubsub_url(redis_url)
        self.ttl = ttl
        self._local: Counter[tuple[uuid.UUID, uuid.UUID]] = Counter()
        self._lock = threading.Lock()
        self._client: redis.Redis | None = None

    def _redis(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(
                self.redis_url, socket_timeout=1, socket_connect_timeout=1
            )
        return self._client

    def enter(self, ticket_id: uuid.UUID, user_id: uuid.UUID, socket_id: str) -> None:
        """Record (or refresh) an open socket of ``user_id`` on the ticket's chat."""
        if not self.redis_url:
            with self._lock:
                self._local[(ticket_id, user_id)] += 1
            return
        self.refresh(ticket_id, user_id, socket_id)

    def refresh(self, ticket_id: uuid.UUID, user_id: uuid.UUID, socket_id: str) -> None:
        if not self.redis_url:
            return
        try:
            key = _key(ticket_id)
            pipe = self._redis().pipeline()
            pipe.zadd(key, {f"{user_id}:{socket_id}": time.time() + self.ttl})
            pipe.expire(key, int(self.ttl) + 5)
            pipe.execute()
        except redis.RedisError as exc:
            log.info("presence not recorded: %s", exc)

    def refresh_many(self, sockets: Mapping[uuid.UUID, Iterable[tuple[uuid.UUID, str]]]) -> None:
        """:meth:`refresh` for every (user, socket) of every ticket given: one round trip."""
        if not self.redis_url or not sockets:
            return
        expiry = time.time() + self.ttl
        try:
            pipe = self._redis().pipeline(transaction=False)
            for ticket_id, members in sockets.items():
                entries = {f"{user_id}:{socket_id}": expiry for user_id, socket_id in members}
                if entries:
                    key = _key(ticket_id)
                    pipe.zadd(key, entries)
                    pipe.expire(key, int(self.ttl) + 5)
            pipe.execute()
        except redis.RedisError as exc:
            log.info("presence not recorded: %s", exc)

    def leave(self, ticket_id: uuid.UUID, user_id: uuid.UUID, socket_id: str) -> None:
        if not self.redis_url:
            with self._lock:
                self._local[(ticket_id, user_id)] -= 1
                if self._local[(ticket_id, user_id)] <= 0:
                    del self._local[(ticket_id, user_id)]
            return
        try:
            self._redis().zrem(_key(ticket_id), f"{user_id}:{socket_id}")
        except redis.RedisError as exc:
            log.info("presence not cleared: %s", exc)

    def connected(self, ticket_id: uuid.UUID) -> set[uuid.UUID]:
        """The users with the ticket's chat open (empty when unknown)."""
        if not self.redis_url:
            with self._lock:
                return {
                    user
                    for (ticket, user), n in self._local.items()
                    if ticket == ticket_id and n > 0
                }
        try:
            members = self._redis().zrangebyscore(_key(ticket_id), time.time(), "+inf")
        except redis.RedisError as exc:
            log.info("presence unknown: %s", exc)
            return set()
        return users_of(members)

    @staticmethod
    def queue_connected(pipeline: Any, ticket_id: uuid.UUID) -> None:
        """Add :meth:`connected`'s read to a pipeline (its reply goes through :func:`users_of`)."""
        pipeline.zrangebyscore(_key(ticket_id), time.time(), "+inf")


def users_of(members: Iterable[Any]) -> set[uuid.UUID]:
    """The users of presence entries (``<user id>:<socket id>``)."""
    users: set[uuid.UUID] = set()
    for member in members:
        text = member.decode() if isinstance(member, bytes) else str(member)
        try:
            users.add(uuid.UUID(text.split(":", 1)[0]))
        except ValueError:
            continue
    return users
