"""A create whose database goes away right after it committed is still answered, and replayed.

The ticket and its Idempotency-Key row commit together; the response is recorded just after.
If the database (here: PgBouncer) disappears in between, the client must still be told about
the ticket it created, and a retry with the same key must replay it rather than answer 409
"still in progress" for ever (found by tests/chaos, where PostgreSQL is killed under load).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from hdms_run.servers import PgBouncerServer

OUTAGE_SECONDS = 1.0


@pytest.fixture
def own_pgbouncer(postgres_server: Any) -> Iterator[PgBouncerServer]:
    """A PgBouncer of this test's own, so that stopping it disturbs no other test."""
    server = PgBouncerServer(postgres_server)
    server.start()
    yield server
    server.close()


@pytest.fixture
def app_behind(
    app: Flask, base_environ: dict[str, str], auth_service_url: str, own_pgbouncer: PgBouncerServer
) -> Flask:
    """ticket-service like `app` (migrated, cleaned after the test) but on `own_pgbouncer`."""
    from ticket_service import create_app

    return create_app(
        environ={
            **base_environ,
            "PGBOUNCER_URL": own_pgbouncer.url,
            "AUTH_SERVICE_URL": auth_service_url,
            "FILE_SERVICE_URL": "http://127.0.0.1:9",
            "TICKET_SLA_WORKDAYS": "mon-sun",
            "TICKET_SLA_HOURS": "00:00-24:00",
        }
    )


def test_the_database_lost_just_after_the_commit_still_answers_and_replays(
    app_behind: Flask, own_pgbouncer: PgBouncerServer, cast: Any, fetch: Any
) -> None:
    body = {"title": "Printer", "description": "Jammed", "department_id": str(cast.department)}
    headers = {**cast.requestor.headers, "Idempotency-Key": "create-during-outage"}
    restarted = threading.Event()
    lost = threading.Event()

    def lose_the_database(session: Session) -> None:
        # The first commit of the request is the create's: take PgBouncer away at once, and
        # bring it back a moment later, as a restarted pooler would be.
        if lost.is_set():
            return
        lost.set()
        own_pgbouncer.stop()

        def come_back() -> None:
            own_pgbouncer.start()
            restarted.set()

        threading.Timer(OUTAGE_SECONDS, come_back).start()

    sa.event.listen(Session, "after_commit", lose_the_database)
    try:
        client = app_behind.test_client()
        first = client.post("/api/tickets/", json=body, headers=headers)
    finally:
        sa.event.remove(Session, "after_commit", lose_the_database)
    assert lost.is_set() and restarted.wait(10)

    assert first.status_code == 201, first.get_data(as_text=True)
    again = client.post("/api/tickets/", json=body, headers=headers)
    assert again.status_code == 201, again.get_data(as_text=True)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert fetch("SELECT count(*) FROM tickets") == [(1,)]
    assert fetch("SELECT response_status FROM idempotency_keys") == [(201,)]
