"""What the benches that drive a running HDMS stack share: the group name of each server the
stack runs, JSON calls to its API (standard library: nothing beyond the figures goes through
wrk), the demo employees' access tokens, and the few requests the idle memory is read after.
"""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

#: Server class (hdms_run.servers; state.json "servers") -> process group name.
SERVER_NAMES = {
    "PostgresServer": "postgres",
    "PgBouncerServer": "pgbouncer",
    "RedisServer": "redis",
    "ClamdServer": "clamd",
    "NginxServer": "nginx",
}


def http_json(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")


class Logins:
    """Access tokens of the demo employees by role, renewed well before they expire."""

    def __init__(self, gateway: str) -> None:
        from hdms_run import services

        self.gateway = gateway
        self.credentials = services.demo_logins()
        self.tokens: dict[str, tuple[float, str, dict[str, Any]]] = {}

    def _login(self, role: str) -> tuple[float, str, dict[str, Any]]:
        cached = self.tokens.get(role)
        if cached and time.monotonic() - cached[0] < 300:
            return cached
        code, password = self.credentials[role]
        answer = http_json(
            "POST",
            f"{self.gateway}/api/auth/login-hdms",
            {"employee_code": code, "password": password},
        )
        self.tokens[role] = (time.monotonic(), answer["access"], answer["user"])
        return self.tokens[role]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._login(role)[1]}"}

    def user(self, role: str) -> dict[str, Any]:
        return self._login(role)[2]


def warm_up(logins: Logins) -> None:
    """What the memory readings of the idle stack come after (memory_bench, stack_bench): every
    demo role logs in and reads its first page of tickets, the requestor its notifications, a
    few times and eight at once, so that each gunicorn worker has served (ticket-service's
    two: a worker's first requests copy some 10 MiB of the pages it shared with its master,
    and which worker a lone request reaches is chance). The figure is then that of a stack at
    rest after use, with its database connections open and first-request caches filled, and
    does not move with where the requests landed. Nothing is created: stack_bench reads it
    before it bulk-loads an empty table."""
    from hdms_run import services

    gateway = logins.gateway
    calls = [(f"{gateway}/api/tickets/?limit=20", logins.headers(r)) for r in services.DEMO_ROLES]
    calls.append((f"{gateway}/api/notifications/?limit=20", logins.headers("requestor")))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda call: http_json("GET", call[0], headers=call[1]), calls * 4))
