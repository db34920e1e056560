"""What the other services need to know of a department, kept in Redis by auth-service.

Every ticket create names a department that must exist and be active. Asking auth-service over
HTTP each time cost both services more CPU than the rest of the create, so auth-service keeps
the facts of its departments in Redis database 0 (the cache, docs/architecture.md) and readers
look there first:

- auth-service writes a department's facts when a transaction that created, edited or
  deactivated it commits, before the request that made the change is answered
  (write-through): a create right after a deactivation already sees it.
- When auth-service answers ``GET /api/departments/{id}``, it *offers* the facts it read
  (SET NX): an offer never replaces a write, so facts that a concurrent change overtook are
  dropped rather than kept. A reader that finds no entry asks that endpoint, as it did before,
  and the next reader finds the entry.
- Only auth-service writes entries. When AUTH_SERVICE_URL points at the company's external auth
  service, nothing is kept and readers ask it every time, as its contract requires.
- Entries expire after :data:`FACTS_TTL_SECONDS`, so an entry that a failed write left behind
  (Redis unreachable at the moment of the change) cannot outlive that.

Without Redis (the embedded mode) nothing is kept and readers ask auth-service every time; a
Redis error on read does the same.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import redis

from hdms_common.config import redis_database_url

log = logging.getLogger(__name__)

#: The Redis database of shared caches (docs/architecture.md).
CACHE_DB = 0
KEY_PREFIX = "hdms:department:"
#: The longest an entry is kept; a change rewrites it at once, this only bounds a lost write.
FACTS_TTL_SECONDS = 60
#: The fields kept: what a reader decides with (exists, active) and what names it.
FACT_FIELDS = ("id", "name", "code", "is_active")


def department_key(department_id: object) -> str:
    return f"{KEY_PREFIX}{department_id}"


def facts_of(department: Mapping[str, Any]) -> dict[str, Any]:
    """The kept fields of a department (an API answer or a row's values), JSON-ready."""
    return {
        "id": str(department["id"]),
        "name": department.get("name"),
        "code": department.get("code"),
        "is_active": bool(department.get("is_active", False)),
    }


class DepartmentFacts:
    """Department facts in Redis database 0 of ``redis_url`` (nothing kept when it is "")."""

    def __init__(self, redis_url: str, *, ttl_seconds: int = FACTS_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        url = redis_database_url(redis_url, CACHE_DB)
        self._client = (
            redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1) if url else None
        )

    @property
    def enabled(self) -> bool:
        return self._client is not None

    def get(self, department_id: uuid.UUID) -> dict[str, Any] | None:
        """The kept facts; None when none are kept or Redis cannot say (ask auth-service)."""
        if self._client is None:
            return None
        try:
            raw = self._client.get(department_key(department_id))
        except redis.RedisError as exc:
            log.warning("department facts unreadable (%s); asking auth-service", exc)
            return None
        if raw is None:
            return None
        try:
            facts = json.loads(raw)
        except ValueError:
            return None
        return facts if isinstance(facts, dict) else None

    def offer(self, department: Mapping[str, Any]) -> None:
        """auth-service's offer of facts it read: kept unless an entry is there (never raises)."""
        if self._client is None:
            return
        facts = facts_of(department)
        try:
            self._client.set(
                department_key(facts["id"]),
                json.dumps(facts, separators=(",", ":")),
                nx=True,
                ex=self.ttl_seconds,
            )
        except redis.RedisError as exc:
            log.warning("department facts not kept (%s)", exc)

    def write(
        self, departments: Iterable[Mapping[str, Any]], *, removed: Iterable[object] = ()
    ) -> None:
        """auth-service's write-through: replace the entries of changed departments and drop
        those of removed ones. Never raises: the change is committed already; a failed write is
        logged and its entry expires within the TTL."""
        if self._client is None:
            return
        try:
            pipeline = self._client.pipeline(transaction=False)
            for department in departments:
                facts = facts_of(department)
                pipeline.set(
                    department_key(facts["id"]),
                    json.dumps(facts, separators=(",", ":")),
                    ex=self.ttl_seconds,
                )
            for department_id in removed:
                pipeline.delete(department_key(department_id))
            pipeline.execute()
        except redis.RedisError as exc:
            log.error(
                "department facts not written (%s): readers may see the old facts for up to %s s",
                exc,
                self.ttl_seconds,
            )
