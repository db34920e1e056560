"""PostgreSQL crashes and PgBouncer restarts under a stream of ticket creates.

Clients retry a failed or timed-out create with the same Idempotency-Key (docs/api.md), so
every create a client was told succeeded must be stored exactly once, the services must answer
503 while the database is away (never 500), and they must serve again within seconds of its
return.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from chaos_helpers import (
    UNAVAILABLE,
    ChaosStack,
    TicketCreator,
    unexpected_answers,
    write_report,
)

CLIENTS = 4
BEFORE_FAULT = 1.5
OUTAGE = 2.5
AFTER_RECOVERY = 3.0
RECOVERY_LIMIT = 5.0


def _creates_through(stack: ChaosStack, fault: Callable[[], float], label: str) -> None:
    """Run CLIENTS creators, inject `fault` (returns when the dependency is back), count."""
    stack.wait_healthy()
    headers = stack.login("requestor")
    department = stack.department(headers, "IT")
    stop = threading.Event()
    creators = [
        TicketCreator(stop=stop, url=stack.url, headers=headers, department_id=department).start()
        for _ in range(CLIENTS)
    ]
    time.sleep(BEFORE_FAULT)
    back_at = fault()
    time.sleep(AFTER_RECOVERY)
    stop.set()
    for creator in creators:
        creator.join(60)
    stack.wait_healthy()

    sent = [key for c in creators for key in c.sent]
    rows = stack.sql(
        "SELECT title, count(*) FROM tickets WHERE title = ANY(%s) GROUP BY title",
        ([f"chaos {key}" for key in sent],),
    )
    stored = {title.removeprefix("chaos "): int(n) for title, n in rows}
    report = write_report(creators, stored, back_at)
    print(f"{label}: {report.line()}")
    key_rows = stack.sql(
        "SELECT key, count(*) FROM idempotency_keys WHERE key = ANY(%s) GROUP BY key", (sent,)
    )

    assert [e for c in creators for e in c.errors] == []
    assert report.acknowledged >= 2 * CLIENTS, report.line()  # creates ran on both sides
    assert report.abandoned == [], report.line()
    assert report.lost == [], report.line()
    assert report.duplicated == {}, report.line()
    # A retried create is acknowledged in the end, so nothing is stored unacknowledged.
    assert report.unacknowledged_but_stored == [], report.line()
    assert report.stored == report.acknowledged == report.sent
    assert all(int(n) == 1 for _, n in key_rows) and len(key_rows) == report.sent
    # While the database was away the answer was "dependency down", never a 500 (or a 502/504
    # from nginx, or no answer at all).
    assert unexpected_answers(report, {UNAVAILABLE}) == [], report.line()
    assert report.recovery_seconds is not None and report.recovery_seconds <= RECOVERY_LIMIT, (
        report.line()
    )


def test_postgres_killed_during_creates_loses_and_duplicates_nothing(stack: ChaosStack) -> None:
    postgres = stack.server("PostgresServer")

    def crash_and_restart() -> float:
        stack.crash_server("PostgresServer")
        time.sleep(OUTAGE)
        postgres.start()
        return time.monotonic()

    _creates_through(stack, crash_and_restart, "postgres kill -9")


def test_pgbouncer_restarted_under_load_loses_and_duplicates_nothing(stack: ChaosStack) -> None:
    pgbouncer = stack.server("PgBouncerServer")

    def restart() -> float:
        pgbouncer.stop()
        time.sleep(OUTAGE)
        pgbouncer.start()
        return time.monotonic()

    _creates_through(stack, restart, "pgbouncer restart")
