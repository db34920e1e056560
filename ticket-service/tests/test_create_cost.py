"""What one ticket create costs the databases: one statement (three INSERTs) in one round
trip, and no real-time announcement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from hdms_common.realtime import ticket_version_key
from hdms_common.testing.plugin import redis_client


@pytest.fixture
def statements(app) -> Iterator[list[tuple[str, bool]]]:
    """The SQL statements ticket-service sends while the test runs (their first words), each
    with whether its connection was in autocommit (psycopg2 then sends no BEGIN and COMMIT)."""
    sent: list[tuple[str, bool]] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append((" ".join(statement.split()[:3]), bool(cursor.connection.autocommit)))

    # Every engine: the service's own and the one it keeps for autocommitted statements.
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


def test_a_create_is_one_statement_in_one_round_trip(api, cast, statements, fetch):
    api.create()  # warm-up: the first create of a process reads the dialect's settings
    statements.clear()
    ticket = api.create()
    # Three INSERTs in data-modifying CTEs, sent in autocommit: no BEGIN, no COMMIT.
    assert statements == [("WITH first_history AS", True)]
    (head, number), *_ = fetch("SELECT audit_head, number FROM tickets WHERE id = %s", ticket["id"])
    assert number == ticket["number"]
    (seq, prev_hash, row_hash), *_ = fetch(
        "SELECT seq, prev_hash, hash FROM audit_logs WHERE ticket_id = %s", ticket["id"]
    )
    assert (seq, prev_hash, row_hash) == (1, "0" * 64, head)
    ((event_type, payload),) = fetch(
        "SELECT event_type, payload FROM ticket_outbox WHERE payload->>'ticket_id' = %s",
        ticket["id"],
    )
    assert event_type == "ticket.created"
    assert payload["ticket_number"] == ticket["number"]
    assert payload["title"] == ticket["title"]


def test_a_create_with_an_idempotency_key_writes_its_key_in_the_same_transaction(
    api, cast, client, statements, fetch
):
    """The key row is added at the commit: the create then runs inside the transaction, so
    that a key that loses a race takes the ticket with it."""
    api.create()
    statements.clear()
    response = client.post(
        "/api/tickets/",
        json={
            "title": "Keyed",
            "description": "With a key",
            "department_id": str(cast.department),
            "priority": "low",
        },
        headers={**cast.requestor.headers, "Idempotency-Key": "create-cost-key"},
    )
    assert response.status_code == 201, response.get_json()
    creates = [s for s in statements if s[0] == "WITH first_history AS"]
    assert creates == [("WITH first_history AS", False)]
    assert fetch("SELECT count(*) FROM tickets WHERE id = %s", response.get_json()["id"]) == [(1,)]


def test_responses_are_encoded_by_orjson(app):
    from hdms_common.json_provider import OrjsonProvider

    assert isinstance(app.json, OrjsonProvider)


def test_a_create_is_not_announced_in_real_time(api, redis_server):
    ticket = api.create()
    assert redis_client(redis_server, db=1).get(ticket_version_key(ticket["id"])) is None


def test_a_create_writes_without_the_unit_of_work(api):
    """Its rows are Core INSERTs: nothing is left for a flush, before or at the commit."""
    from sqlalchemy.orm import Session

    flushes: list[int] = []

    def count(session: Any, flush_context: Any, instances: Any) -> None:
        flushes.append(len(session.new) + len(session.dirty))

    api.create()
    sa.event.listen(Session, "before_flush", count)
    try:
        ticket = api.create()
    finally:
        sa.event.remove(Session, "before_flush", count)
    assert ticket["number"]
    assert flushes == []
