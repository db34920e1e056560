"""Access revocation: an access token stops working as soon as its employee loses access.

Access tokens are checked locally (signature, expiry), so without more they would keep working
until they expire after a deactivation or a revoked grant. auth-service therefore writes a
per-employee stamp, ``tokens_valid_after``, whenever an employee is deactivated, loses an HDMS
grant or gets a new password, and announces it as an ``employee.access_changed`` event on the
access stream. Every service process keeps the stamps of the last access-token lifetime in
memory (:class:`AccessStamps`) and refuses a token whose ``iat`` is before its employee's stamp:
a dictionary look-up per request, no call to auth-service.

How stamps reach a process: in the stack each process follows the Redis stream itself
(:class:`AccessStampFollower`, a plain XREAD: every process reads every entry, and one that
reconnects resumes where it stopped); in the embedded mode auth-service writes into the one
process-wide :class:`AccessStamps` directly and the event goes on the in-process bus.

Stamps and ``iat`` are compared in whole milliseconds: auth-service issues ``iat`` with
millisecond precision and never earlier than the employee's stamp, so a login right after a
re-grant works even within the same second as the revocation.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import redis

from hdms_common.event_types import AccessChangedPayload, EventType
from hdms_common.events import (
    ACCESS_EVENTS_STREAM,
    STREAM_MAX_LENGTH,
    Event,
    embedded_bus,
)

log = logging.getLogger(__name__)

#: Called with (employee_id, stamp in epoch milliseconds) when a newer stamp is recorded.
StampListener = Callable[[uuid.UUID, int], None]


def epoch_ms(moment: datetime) -> int:
    """A UTC datetime as whole epoch milliseconds (the unit stamps are compared in)."""
    return round(moment.timestamp() * 1000)


def issued_at_ms(iat: Any) -> int:
    """A token's ``iat`` (seconds, possibly fractional) as whole epoch milliseconds."""
    return round(float(iat) * 1000)


def stamp_after(moment: datetime) -> datetime:
    """The stamp for a change made at ``moment``: the next whole millisecond after it.

    Any token issued before the change has ``iat`` at or before ``moment`` truncated to the
    millisecond, so strictly before this stamp.
    """
    millis = int(moment.timestamp() * 1000) + 1
    return datetime.fromtimestamp(millis / 1000, UTC)


class AccessStamps:
    """Per-employee ``tokens_valid_after`` stamps of one process, newest wins."""

    def __init__(self) -> None:
        self._stamps: dict[uuid.UUID, int] = {}
        self._listeners: list[StampListener] = []
        self._lock = threading.Lock()

    def record(self, employee_id: uuid.UUID, valid_after_ms: int) -> bool:
        """Keep the stamp if newer than the known one; listeners hear of a change."""
        with self._lock:
            known = self._stamps.get(employee_id)
            if known is not None and known >= valid_after_ms:
                return False
            self._stamps[employee_id] = valid_after_ms
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(employee_id, valid_after_ms)
            except Exception:
                log.exception("an access stamp listener failed")
        return True

    def valid_after_ms(self, employee_id: uuid.UUID) -> int | None:
        return self._stamps.get(employee_id)

    def is_revoked(self, employee_id: uuid.UUID, issued_ms: int) -> bool:
        """Whether a token of ``employee_id`` issued at ``issued_ms`` predates their stamp."""
        stamp = self._stamps.get(employee_id)
        return stamp is not None and issued_ms < stamp

    def add_listener(self, listener: StampListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: StampListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def apply(self, event: Event) -> None:
        """Record the stamp an ``employee.access_changed`` event carries (others are ignored)."""
        if event.type != EventType.EMPLOYEE_ACCESS_CHANGED:
            return
        change = AccessChange.from_payload(event.payload)
        if change is None:
            log.error("dropping a malformed %s event %s", event.type, event.id)
            return
        self.record(change.employee_id, epoch_ms(change.tokens_valid_after))


class AccessChange:
    """The payload of ``employee.access_changed``."""

    def __init__(
        self,
        *,
        employee_id: uuid.UUID,
        active: bool,
        hdms_roles: list[str],
        tokens_valid_after: datetime,
    ) -> None:
        self.employee_id = employee_id
        self.active = active
        self.hdms_roles = hdms_roles
        self.tokens_valid_after = tokens_valid_after

    @property
    def has_access(self) -> bool:
        """Whether the employee can still use HDMS at all (active, with a grant left)."""
        return self.active and bool(self.hdms_roles)

    def to_event(self, *, request_id: str | None = None) -> Event:
        payload = AccessChangedPayload(
            employee_id=str(self.employee_id),
            active=self.active,
            hdms_roles=list(self.hdms_roles),
            tokens_valid_after=self.tokens_valid_after.isoformat(timespec="milliseconds"),
        )
        return Event(type=EventType.EMPLOYEE_ACCESS_CHANGED, payload=payload, request_id=request_id)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> AccessChange | None:
        try:
            moment = datetime.fromisoformat(str(payload["tokens_valid_after"]))
            roles = payload.get("hdms_roles") or []
            return cls(
                employee_id=uuid.UUID(str(payload["employee_id"])),
                active=bool(payload.get("active", False)),
                hdms_roles=[str(r) for r in roles] if isinstance(roles, list) else [],
                tokens_valid_after=moment if moment.tzinfo else moment.replace(tzinfo=UTC),
            )
        except (KeyError, ValueError, TypeError):
            return None


_PROCESS_STAMPS = AccessStamps()


def access_stamps() -> AccessStamps:
    """The stamps of this process, shared by every app in it (the embedded mode has several)."""
    return _PROCESS_STAMPS


def announce_access_change(
    change: AccessChange, *, redis_client: redis.Redis | None, request_id: str | None = None
) -> Event:
    """Make a committed access change known: this process at once, then every other one.

    With Redis the event is appended to the access stream (a Redis error propagates: the
    caller reports that the change is not enforced everywhere yet); without it, it goes on the
    in-process bus of the embedded mode.
    """
    event = change.to_event(request_id=request_id)
    access_stamps().apply(event)
    if redis_client is not None:
        redis_client.xadd(
            ACCESS_EVENTS_STREAM,
            event.to_fields(),  # type: ignore[arg-type]
            maxlen=STREAM_MAX_LENGTH,
            approximate=True,
        )
    else:
        embedded_bus().publish(event, stream=ACCESS_EVENTS_STREAM)
    return event


class AccessStampFollower:
    """Feeds a process's :class:`AccessStamps` from the access stream.

    Starts ``lookback_seconds`` back (an access token's lifetime: older stamps cannot revoke a
    token that is still valid), then blocks on XREAD for new entries. No consumer group: each
    process must see every entry. After a Redis outage it resumes from the last entry it read,
    so nothing is missed while the stream keeps it.
    """

    def __init__(
        self,
        client: redis.Redis,
        stamps: AccessStamps,
        *,
        lookback_seconds: float,
        stream: str = ACCESS_EVENTS_STREAM,
    ) -> None:
        self.client = client
        self.stamps = stamps
        self.stream = stream
        self.last_id = f"{int((time.time() - lookback_seconds) * 1000)}-0"
        self.caught_up = threading.Event()
        self._stopping = threading.Event()

    def _apply_entries(self, entries: Any) -> int:
        applied = 0
        for entry_id, fields in entries or []:
            decoded = {
                (k.decode() if isinstance(k, bytes) else k): (
                    v.decode() if isinstance(v, bytes) else v
                )
                for k, v in fields.items()
            }
            try:
                self.stamps.apply(Event.from_fields(decoded))
                applied += 1
            except (KeyError, ValueError):
                log.error("dropping a malformed access event %s", entry_id)
            self.last_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        return applied

    def read_once(self, *, block_ms: int | None = None) -> int:
        """Apply the entries after the last one read; returns how many."""
        response: Any = self.client.xread({self.stream: self.last_id}, count=500, block=block_ms)
        applied = 0
        for _stream, entries in response or []:
            applied += self._apply_entries(entries)
        return applied

    def catch_up(self) -> None:
        """Read everything already in the stream (bounded by the look-back)."""
        while self.read_once():
            pass
        self.caught_up.set()

    def run_forever(self, *, block_ms: int = 1000) -> None:
        while not self._stopping.is_set():
            try:
                if not self.caught_up.is_set():
                    self.catch_up()
                self.read_once(block_ms=block_ms)
            except redis.RedisError as exc:
                log.warning("access stamps: redis unavailable (%s); retrying", exc)
                self._stopping.wait(1.0)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="hdms-access-stamps", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stopping.set()


_FOLLOWERS: dict[str, AccessStampFollower] = {}
_FOLLOWERS_LOCK = threading.Lock()


def follow_access_changes(redis_url: str, *, lookback_seconds: float) -> None:
    """Make sure this process follows the access stream of ``redis_url`` (once per process).

    Called before every request: after the first call it is one dictionary look-up. The first
    call reads the stream's recent entries before returning (a few milliseconds), so the very
    first request of a worker already knows every stamp; if Redis cannot answer then, the
    background thread keeps trying and requests are served meanwhile.
    """
    if not redis_url or redis_url in _FOLLOWERS:
        return
    with _FOLLOWERS_LOCK:
        if redis_url in _FOLLOWERS:
            return
        client = redis.Redis.from_url(
            redis_url,
            socket_connect_timeout=2,
            socket_timeout=5,
            socket_keepalive=True,
            health_check_interval=30,
        )
        follower = AccessStampFollower(client, access_stamps(), lookback_seconds=lookback_seconds)
        try:
            follower.catch_up()
        except redis.RedisError as exc:
            log.warning("access stamps not loaded yet (%s); the follower keeps trying", exc)
        follower.start()
        _FOLLOWERS[redis_url] = follower
