"""Clients for calling the other HDMS services over their documented HTTP APIs.

A service never imports another service's package. Calls carry the caller's token (so the
callee applies its own visibility rules to the same user) and the request id, time out, and
retry only idempotent methods a bounded number of times. A callee that cannot be reached is a
503 problem for our caller, never a 500.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis
import requests
from flask import has_request_context, request
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from hdms_common.errors import DependencyUnavailable, Invalid
from hdms_common.logging import REQUEST_ID_HEADER, current_request_id
from hdms_common.realtime import pubsub_url, ticket_version_key

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 10.0


class ServiceClient:
    """HTTP to one service at ``base_url``, with timeouts, bounded retries and propagation."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        retries: int = 2,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service
        self.timeout = timeout
        self.session = requests.Session()
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.2,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}),
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _headers(self, token: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers: dict[str, str] = {"Accept": "application/json"}
        request_id = current_request_id()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        if token is None and has_request_context():
            authorization = request.headers.get("Authorization")
            if authorization:
                headers["Authorization"] = authorization
        elif token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request; connection failures, time-outs and 5xx become 503 problems."""
        url = f"{self.base_url}{path}"
        try:
            response = self.session.request(
                method, url, headers=self._headers(token, headers), timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            log.warning("%s unreachable: %s %s: %s", self.service, method, path, exc)
            raise DependencyUnavailable(f"The {self.service} is unavailable.") from exc
        if response.status_code >= 500:
            log.warning("%s answered %s to %s %s", self.service, response.status_code, method, path)
            raise DependencyUnavailable(f"The {self.service} is unavailable.")
        return response

    def get_json(self, path: str, **kwargs: Any) -> dict[str, Any] | None:
        """GET a JSON object; None when the callee answers 404 (unknown or not visible)."""
        response = self.request("GET", path, **kwargs)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise DependencyUnavailable(
                f"The {self.service} refused the request ({response.status_code})."
            )
        body = response.json()
        return body if isinstance(body, dict) else None

    def list_all(
        self,
        path: str,
        *,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
        page_size: int = 100,
        max_pages: int | None = None,
    ) -> list[dict[str, Any]] | None:
        """Every item of a paged list (``{items, next_cursor}``), following ``next_cursor``.

        None when the callee refuses a page (any answer but 200), so the caller decides what
        not knowing means. ``max_pages`` bounds the pages read (None: until the last one).
        """
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        pages = 0
        while max_pages is None or pages < max_pages:
            query: dict[str, Any] = {**(params or {}), "limit": page_size}
            if cursor:
                query["cursor"] = cursor
            response = self.request("GET", path, token=token, params=query)
            pages += 1
            if response.status_code != 200:
                log.warning("%s refused %s (%s)", self.service, path, response.status_code)
                return None
            body = response.json()
            items.extend(item for item in body.get("items", []) if isinstance(item, dict))
            cursor = body.get("next_cursor")
            if not cursor:
                break
        return items


class AuthClient(ServiceClient):
    """auth-service: employees, departments and their HDMS grants."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(base_url, service="auth-service", **kwargs)

    def get_employee(
        self, employee_id: uuid.UUID, *, token: str | None = None
    ) -> dict[str, Any] | None:
        return self.get_json(f"/api/employees/{employee_id}", token=token)

    def get_department(
        self, department_id: uuid.UUID, *, token: str | None = None
    ) -> dict[str, Any] | None:
        return self.get_json(f"/api/departments/{department_id}", token=token)

    def employee_holds_role(
        self,
        employee_id: uuid.UUID,
        role: str,
        department_id: uuid.UUID,
        *,
        token: str | None = None,
    ) -> bool:
        """Whether the employee is active and holds ``role`` in ``department_id``."""
        employee = self.get_employee(employee_id, token=token)
        if not employee or not employee.get("is_active", False):
            return False
        return any(
            grant.get("role") == role and grant.get("department_id") == str(department_id)
            for grant in employee.get("grants", [])
        )


#: File statuses an attachment may be linked in: not yet scanned files are accepted and shown
#: as pending; infected or failed ones never are.
LINKABLE_FILE_STATUSES = frozenset({"pending", "scanning", "processing", "ready"})


class FileClient(ServiceClient):
    """file-service: details of uploaded files, to validate attachments by file_key."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(base_url, service="file-service", **kwargs)

    def get_file(self, file_key: str, *, token: str | None = None) -> dict[str, Any] | None:
        """GET /api/files/{file_key}/ as the caller; None when unknown or not visible to them."""
        return self.get_json(f"/api/files/{file_key}/", token=token)

    def validate_attachment(
        self, file_key: str, *, field: str = "attachments", token: str | None = None
    ) -> dict[str, Any]:
        """The file's details when the caller may attach it; a 422 naming ``field`` otherwise."""
        details = self.get_file(file_key, token=token)
        if details is None:
            raise Invalid(
                "An attachment is unknown or not yours to use.",
                errors={field: [f"Unknown file_key: {file_key}"]},
            )
        if details.get("status") not in LINKABLE_FILE_STATUSES:
            raise Invalid(
                "An attachment cannot be used.",
                errors={field: [f"File {file_key} is {details.get('status')}."]},
            )
        return details


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
    """ticket-service: one ticket as the caller (or a service token) sees it.

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

    def get_ticket_response(
        self, ticket_id: uuid.UUID, *, token: str | None = None
    ) -> requests.Response:
        """GET /api/tickets/{ticket_id} as it came (the caller's own token by default)."""
        return self.request("GET", f"/api/tickets/{ticket_id}", token=token)

    def get_ticket(
        self, ticket_id: uuid.UUID, *, token: str | None = None
    ) -> dict[str, Any] | None:
        """The ticket as ``token`` sees it; None when unknown or not visible to them."""
        return self.get_json(f"/api/tickets/{ticket_id}", token=token)

    def _ask(self, ticket_id: uuid.UUID, *, token: str | None) -> TicketSight:
        response = self.get_ticket_response(ticket_id, token=token)
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
