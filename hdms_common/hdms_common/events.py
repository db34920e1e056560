"""Domain events between services: a Redis stream in the stack, in-process in the embedded mode.

ticket-service writes events to its outbox in the same transaction as the change; a relay
hands them to an :class:`EventPublisher`. communication-service reads them with an
:class:`EventConsumer` in a consumer group: at-least-once, so handlers must be idempotent by
``event.id``. Nothing is acknowledged before its handler succeeded.

A consumer may also take a batch handler: the events of one read (up to ``count``, in stream
order) are handed over together, so that it can apply them in one transaction, and are
acknowledged with one XACK. A batch handler is all or nothing; when it raises, each event of the
batch goes through the one-event handler instead, so one bad event holds back only itself.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import redis

from hdms_common.db import utcnow
from hdms_common.errors import DependencyUnavailable
from hdms_common.event_types import EventType

log = logging.getLogger(__name__)

TICKET_EVENTS_STREAM = "hdms:events:tickets"
#: auth-service's stream: ``employee.access_changed`` (hdms_common.event_types.AccessChangedPayload)
#: whenever an employee is deactivated, loses a grant or changes password.
ACCESS_EVENTS_STREAM = "hdms:events:access"
EMPLOYEE_ACCESS_CHANGED = EventType.EMPLOYEE_ACCESS_CHANGED
STREAM_MAX_LENGTH = 100_000


@dataclass(frozen=True)
class Event:
    """One domain event; ``id`` is stable across redeliveries (the outbox row's id)."""

    type: str
    payload: Mapping[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=utcnow)
    request_id: str | None = None

    def to_fields(self) -> dict[str, str]:
        return {
            "id": self.id,
            "type": str(self.type),
            "occurred_at": self.occurred_at.isoformat(),
            "payload": json.dumps(self.payload, default=str),
            "request_id": self.request_id or "",
        }

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Event:
        return cls(
            id=fields["id"],
            type=fields["type"],
            occurred_at=datetime.fromisoformat(fields["occurred_at"]),
            payload=json.loads(fields["payload"]),
            request_id=fields.get("request_id") or None,
        )


Handler = Callable[[Event], None]
#: Applies several events (stream order) all or nothing: raising means none of them took effect.
BatchHandler = Callable[[Sequence[Event]], None]


class EventPublisher(Protocol):
    def publish(self, event: Event) -> None: ...


def publish_all(publisher: EventPublisher, events: Sequence[Event]) -> None:
    """Hand ``events`` over in order: in one round trip when the publisher can
    (``publish_many``), else one by one. Raises like ``publish``; the caller then counts none
    of them as sent (those that did arrive are delivered again, and consumers dedupe by id)."""
    publish_many = getattr(publisher, "publish_many", None)
    if publish_many is not None:
        publish_many(events)
        return
    for event in events:
        publisher.publish(event)


class RedisStreamPublisher:
    """XADD to a capped stream; raises redis errors so that the relay keeps the row unsent."""

    def __init__(self, client: redis.Redis, stream: str = TICKET_EVENTS_STREAM) -> None:
        self.client = client
        self.stream = stream

    def publish(self, event: Event) -> None:
        self.client.xadd(
            self.stream,
            event.to_fields(),  # type: ignore[arg-type]
            maxlen=STREAM_MAX_LENGTH,
            approximate=True,
        )

    def publish_many(self, events: Sequence[Event]) -> None:
        """XADD each event, in order, in one pipelined round trip."""
        if not events:
            return
        pipeline = self.client.pipeline(transaction=False)
        for event in events:
            pipeline.xadd(
                self.stream,
                event.to_fields(),  # type: ignore[arg-type]
                maxlen=STREAM_MAX_LENGTH,
                approximate=True,
            )
        pipeline.execute()


class InMemoryEventBus:
    """The embedded mode's bus: publish calls every subscriber in the caller's thread.

    Like Redis, it has named streams (ticket events by default, access changes beside them), so
    a subscriber only hears the stream it would consume in the stack. A failing subscriber is
    logged and does not stop the others; the relay marks the event sent once it was handed
    over, as the Redis publisher does once Redis accepted it.
    """

    def __init__(self) -> None:
        self._handlers: list[tuple[str, Handler]] = []
        self._lock = threading.Lock()

    def subscribe(self, handler: Handler, *, stream: str = TICKET_EVENTS_STREAM) -> None:
        with self._lock:
            self._handlers.append((stream, handler))

    def publish(self, event: Event, *, stream: str = TICKET_EVENTS_STREAM) -> None:
        with self._lock:
            handlers = [handler for name, handler in self._handlers if name == stream]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler failed for %s %s", event.type, event.id)


_EMBEDDED_BUS = InMemoryEventBus()


def embedded_bus() -> InMemoryEventBus:
    """The one in-process bus of the embedded mode, shared by every app of the process."""
    return _EMBEDDED_BUS


class EventConsumer:
    """Reads a stream in a consumer group and acknowledges events after their handler ran.

    Entries left pending by a consumer that died are claimed again after ``claim_idle_ms``, so
    an event is never lost; handlers dedupe by ``event.id``. With ``batch_handler``, the events
    of one read are applied together (see the module's docstring); the acknowledgements of one
    read always go in one XACK.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        group: str,
        handler: Handler,
        stream: str = TICKET_EVENTS_STREAM,
        consumer: str | None = None,
        claim_idle_ms: int = 60_000,
        batch_handler: BatchHandler | None = None,
    ) -> None:
        self.client = client
        self.group = group
        self.handler = handler
        self.batch_handler = batch_handler
        self.stream = stream
        self.consumer = consumer or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
        self.claim_idle_ms = claim_idle_ms
        self._stopping = threading.Event()

    @classmethod
    def from_url(
        cls,
        redis_url: str | None,
        *,
        group: str,
        handler: Handler,
        stream: str = TICKET_EVENTS_STREAM,
        consumer: str | None = None,
        claim_idle_ms: int = 60_000,
        batch_handler: BatchHandler | None = None,
    ) -> EventConsumer:
        """A consumer on the Redis at ``redis_url`` (a 503-style error when there is none: the
        embedded mode hands events over in-process instead)."""
        if not redis_url:
            raise DependencyUnavailable(
                "REDIS_URL is not set; the embedded mode uses the in-process bus."
            )
        client = redis.Redis.from_url(
            redis_url, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=30
        )
        return cls(
            client,
            group=group,
            handler=handler,
            stream=stream,
            consumer=consumer,
            claim_idle_ms=claim_idle_ms,
            batch_handler=batch_handler,
        )

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _handle_entries(self, entries: Sequence[tuple[Any, Mapping[Any, Any]]]) -> int:
        """Apply what one read returned and acknowledge it in one call; returns how many were
        done with (applied, or malformed and dropped)."""
        done: list[Any] = []
        events: list[tuple[Any, Event]] = []
        for entry_id, fields in entries:
            if not fields:  # trimmed from the stream while pending: nothing left to apply
                continue
            decoded = {
                (k.decode() if isinstance(k, bytes) else k): (
                    v.decode() if isinstance(v, bytes) else v
                )
                for k, v in fields.items()
            }
            try:
                events.append((entry_id, Event.from_fields(decoded)))
            except (KeyError, ValueError) as exc:
                log.error("dropping malformed event %s: %s", entry_id, exc)
                done.append(entry_id)
        if self.batch_handler is not None and len(events) > 1:
            try:
                self.batch_handler([event for _, event in events])
            except Exception:
                log.exception("batch of %s events failed; applying them one by one", len(events))
            else:
                done.extend(entry_id for entry_id, _ in events)
                events = []
        for entry_id, event in events:
            try:
                self.handler(event)
            except Exception:
                log.exception(
                    "handler failed for event %s (%s); it will be redelivered", event.id, event.type
                )
                continue
            done.append(entry_id)
        if done:
            self.client.xack(self.stream, self.group, *done)
        return len(done)

    def run_once(self, *, block_ms: int = 1000, count: int = 100) -> int:
        """Handle what is pending for too long, then what is new; returns how many were handled."""
        handled = 0
        claimed = self.client.xautoclaim(
            self.stream, self.group, self.consumer, min_idle_time=self.claim_idle_ms, count=count
        )
        if isinstance(claimed, list | tuple) and claimed[1]:
            handled += self._handle_entries(claimed[1])
        response: Any = self.client.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=count, block=block_ms
        )
        for _stream, entries in response or []:
            handled += self._handle_entries(entries)
        return handled

    def run_forever(self, *, block_ms: int = 1000) -> None:
        """Loop until :meth:`stop`; Redis outages are waited out, not fatal."""
        while not self._stopping.is_set():
            try:
                self.ensure_group()
                self.run_once(block_ms=block_ms)
            except redis.RedisError as exc:
                log.warning("event consumer: redis unavailable (%s); retrying", exc)
                self._stopping.wait(1.0)

    def stop(self) -> None:
        self._stopping.set()
