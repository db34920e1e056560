"""What the access-revocation check costs per request.

Builds ticket-service in the embedded mode (SQLite in a temporary folder, nothing else to
start) and times 1000 authenticated GET /api/tickets/fsm (token checks and a JSON answer, no
database: the cheapest authenticated request, so the check weighs the most) through the WSGI
test client, with 10,000 other employees' stamps recorded. Rounds alternate with the check on
and off (off: the stamp look-up and the follow hook removed) and count this process's CPU
time, so that other work on the machine weighs little; the best round of each is printed,
then the look-up alone.
`.venv/bin/python bench/revocation_bench.py`
"""

from __future__ import annotations

import os
import tempfile
import time
import timeit
import uuid
from typing import Any

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))
ROUNDS = 5


def timed_gets(client: Any, headers: dict[str, str]) -> float:
    started = time.process_time()
    for _ in range(REQUESTS):
        response = client.get("/api/tickets/fsm", headers=headers)
        assert response.status_code == 200, response.get_json()
    return time.process_time() - started


def main() -> None:
    from flask_migrate import upgrade

    import hdms_common.auth
    from hdms_common.access import access_stamps
    from hdms_common.auth import CurrentUser, build_claims, encode_token
    from ticket_service import create_app

    folder = tempfile.mkdtemp(prefix="hdms-revocation-bench-")
    secret = "bench-secret-" + "x" * 32
    app = create_app(
        environ={
            "HDMS_ENV": "embedded",
            "HDMS_VAR_DIR": folder,
            "JWT_SECRET_KEY": secret,
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
    user = uuid.uuid4()
    department = uuid.uuid4()
    claims = build_claims(
        user_id=user,
        employee_code="BENCH1",
        name="Bench",
        department_id=department,
        grants=[("requestor", department)],
    )
    token = encode_token(subject=user, claims=claims, secret=secret)
    headers = {"Authorization": f"Bearer {token}"}
    stamps = access_stamps()
    now_ms = int(time.time() * 1000)
    for _ in range(10_000):
        stamps.record(uuid.uuid4(), now_ms)
    client = app.test_client()
    client.get("/api/tickets/fsm", headers=headers)  # warm up

    hooks = app.before_request_funcs.setdefault(None, [])
    follow = next(f for f in hooks if f.__name__ == "_follow_access_changes")
    checked = CurrentUser.is_revoked
    on: list[float] = []
    off: list[float] = []
    for _ in range(ROUNDS):
        on.append(timed_gets(client, headers))
        hooks.remove(follow)
        CurrentUser.is_revoked = property(lambda self: False)  # type: ignore[method-assign,assignment]
        off.append(timed_gets(client, headers))
        CurrentUser.is_revoked = checked  # type: ignore[method-assign]
        hooks.append(follow)
    assert hdms_common.auth.CurrentUser.is_revoked is checked
    for label, rounds in (("on: ", on), ("off:", off)):
        best = min(rounds)
        every = ", ".join(f"{r * 1000:.0f}" for r in rounds)
        print(f"{REQUESTS} GETs, check {label} best {best * 1000:.0f} ms (rounds: {every} ms)")
    best_on, best_off = min(on), min(off)
    print(f"difference: {(best_on - best_off) / REQUESTS * 1e6:+.1f} µs per request")
    check = timeit.timeit(lambda: stamps.is_revoked(user, now_ms), number=100_000) / 100_000
    print(f"the stamp look-up alone: {check * 1e9:.0f} ns")


if __name__ == "__main__":
    main()
