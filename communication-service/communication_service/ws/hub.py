"""Fan-out of chat and notification frames to the sockets of every worker.

Each process keeps one Redis pub/sub connection (database 1) pattern-subscribed to every chat
and notification channel and hands each frame to its own local subscribers. Redis pub/sub is
at most once: a subscriber that was away misses frames. So every (re)subscription tells the
local subscribers to resync from the database, and chat frames carry the message's sequence
number, which lets a socket notice a gap and fill it from the database. Without Redis (the
embedded mode) the hub is in-process only.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import redis

from hdms_common.realtime import CHANNEL_PREFIX, pubsub_url, ticket_channel

log = logging.getLogger(__name__)

__all__ = [
    "CHANNEL_PREFIX",
    "Frame",
    "Hub",
    "chat_channel",
    "notification_channel",
    "pubsub_url",
    "ticket_channel",
]


@dataclass(frozen=True)
class Frame:
    """One frame for clients: its JSON text (serialised once) and what subscribers filter on."""

    kind: str
    text: str
    seq: int | None = None
    user_id: str | None = None

    @cached_property
    def wire(self) -> bytes:
        """The frame as a server sends it without extensions (RFC 6455: FIN + text opcode,
        the length, the UTF-8 payload; server frames are never masked). Built once per frame
        and written as is to every socket of the ticket that negotiated no compression."""
        payload = self.text.encode("utf-8")
        length = len(payload)
        if length <= 125:
            header = bytes((0x81, length))
        elif length <= 0xFFFF:
            header = bytes((0x81, 126)) + length.to_bytes(2, "big")
        else:
            header = bytes((0x81, 127)) + length.to_bytes(8, "big")
        return header + payload

    @classmethod
    def build(cls, data: dict[str, Any], *, seq: int | None = None) -> Frame:
        text = json.dumps(data, separators=(",", ":"), default=str)
        if seq is not None and data.get("type") == "message":
            return cls(kind="message", text=text, seq=seq)  # what from_text would read back
        return cls.from_text(text)

    @classmethod
    def from_text(cls, text: str) -> Frame:
        data = json.loads(text)
        seq = data.get("seq") if data.get("type") == "message" else None
        user = data.get("user_id")
        return cls(
            kind=str(data.get("type")),
            text=text,
            seq=int(seq) if isinstance(seq, int) else None,
            user_id=str(user) if user else None,
        )


class Subscriber(Protocol):
    def deliver(self, frame: Frame) -> None: ...

    def resync(self) -> None: ...


def chat_channel(ticket_id: object) -> str:
    return f"{CHANNEL_PREFIX}chat:{ticket_id}"


def notification_channel(user_id: object) -> str:
    return f"{CHANNEL_PREFIX}notifications:{user_id}"


class Hub:
    """Local subscribers by channel, fed from Redis pub/sub (or directly, without Redis)."""

    def __init__(self, redis_url: str = "", *, health_check_interval: int = 10) -> None:
        self.redis_url = pubsub_url(redis_url)
        self.health_check_interval = health_check_interval
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._stopping = threading.Event()
        self.subscribed = threading.Event()
        self._publisher: redis.Redis | None = None
        if not self.redis_url:
            self.subscribed.set()

    # --- local registry -------------------------------------------------------------------

    def subscribe(self, channel: str, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.setdefault(channel, set()).add(subscriber)
        self._ensure_listener()

    def unsubscribe(self, channel: str, subscriber: Subscriber) -> None:
        with self._lock:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._subscribers[channel]

    def local_count(self) -> int:
        """How many subscribers this process has (a chat socket listens on two channels)."""
        with self._lock:
            return len({s for group in self._subscribers.values() for s in group})

    def dispatch(self, channel: str, frame: Frame) -> None:
        """Hand ``frame`` to this process's subscribers of ``channel``; never blocks."""
        with self._lock:
            subscribers = list(self._subscribers.get(channel, ()))
        for subscriber in subscribers:
            try:
                subscriber.deliver(frame)
            except Exception:
                log.exception("a subscriber of %s failed", channel)

    def _resync_all(self) -> None:
        with self._lock:
            subscribers = [s for group in self._subscribers.values() for s in group]
        for subscriber in subscribers:
            try:
                subscriber.resync()
            except Exception:
                log.exception("a subscriber failed to resync")

    # --- publishing -----------------------------------------------------------------------

    def _client(self) -> redis.Redis:
        if self._publisher is None:
            self._publisher = redis.Redis.from_url(
                self.redis_url,
                socket_timeout=2,
                socket_connect_timeout=1,
                socket_keepalive=True,
                health_check_interval=self.health_check_interval,
            )
        return self._publisher

    def pipeline(self) -> Any:
        """A pipeline (no MULTI) on the publishing connection, to publish with other commands."""
        return self._client().pipeline(transaction=False)

    def publish(self, channel: str, frame: Frame) -> bool:
        """Send ``frame`` to every worker; returns False when Redis did not take it.

        When Redis is down the frame still reaches this process's sockets; the others catch
        up from the database once their subscription is back (they resync then).
        """
        if not self.redis_url:
            self.dispatch(channel, frame)
            return True
        try:
            self._client().publish(channel, frame.text)
            return True
        except redis.RedisError as exc:
            log.warning("real-time publish failed (%s); delivering locally only", exc)
            self.dispatch(channel, frame)
            return False

    def publish_many(self, frames: Sequence[tuple[str, Frame]]) -> bool:
        """:meth:`publish` for several (channel, frame) pairs, in one pipelined round trip:
        what a batch of events notifies goes out together, in order."""
        if not frames:
            return True
        if not self.redis_url:
            for channel, frame in frames:
                self.dispatch(channel, frame)
            return True
        try:
            pipeline = self._client().pipeline(transaction=False)
            for channel, frame in frames:
                pipeline.publish(channel, frame.text)
            pipeline.execute()
            return True
        except redis.RedisError as exc:
            log.warning("real-time publish failed (%s); delivering locally only", exc)
            for channel, frame in frames:
                self.dispatch(channel, frame)
            return False

    # --- the listener ---------------------------------------------------------------------

    def _ensure_listener(self) -> None:
        if not self.redis_url or self._listener is not None:
            return
        with self._lock:
            if self._listener is not None:
                return
            self._listener = threading.Thread(
                target=self._listen, name="hdms-realtime-listener", daemon=True
            )
            self._listener.start()

    def start(self) -> None:
        """Start listening now rather than at the first socket (the bench and tests use it)."""
        self._ensure_listener()

    def stop(self) -> None:
        self._stopping.set()

    def _listen(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            client: redis.Redis | None = None
            pubsub: Any = None
            try:
                client = redis.Redis.from_url(
                    self.redis_url,
                    socket_connect_timeout=2,
                    socket_keepalive=True,
                    health_check_interval=self.health_check_interval,
                )
                pubsub = client.pubsub()  # type: ignore[no-untyped-call]
                pubsub.psubscribe(CHANNEL_PREFIX + "*")
                # Wait for Redis to confirm, so "subscribed" means frames can no longer be missed.
                deadline = time.monotonic() + 5
                while True:
                    reply = pubsub.get_message(timeout=0.5)
                    if reply is not None and reply.get("type") == "psubscribe":
                        break
                    if time.monotonic() > deadline:
                        raise redis.ConnectionError("subscription not confirmed")
                self.subscribed.set()
                backoff = 0.1
                self._resync_all()
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None or message.get("type") != "pmessage":
                        continue
                    self._on_message(message)
            except (redis.RedisError, OSError) as exc:
                if self.subscribed.is_set():
                    log.warning("real-time subscription lost (%s); reconnecting", exc)
                self.subscribed.clear()
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, 2.0)
            finally:
                for closeable in (pubsub, client):
                    try:
                        if closeable is not None:
                            closeable.close()
                    except Exception:  # noqa: BLE001, S110 - closing a broken connection
                        pass

    def _on_message(self, message: dict[str, Any]) -> None:
        channel = message["channel"]
        data = message["data"]
        try:
            channel = channel.decode() if isinstance(channel, bytes) else str(channel)
            frame = Frame.from_text(data.decode() if isinstance(data, bytes) else str(data))
        except (ValueError, UnicodeDecodeError):
            log.warning("dropping a malformed real-time frame on %s", channel)
            return
        self.dispatch(channel, frame)
