"""What one ticket create costs the databases: three INSERTs, and no real-time announcement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from hdms_common.realtime import ticket_version_key
from hdms_common.testing.plugin import redis_client


@pytest.fixture
def statements(app) -> Iterator[list[str]]:
    """The SQL statements ticket-service sends while the test runs."""
    from ticket_service.extensions import db

    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(" ".join(statement.split()[:3]))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(engine, "before_cursor_execute", record)


def test_a_create_is_three_inserts(api, cast, statements, fetch):
    api.create()  # warm-up: the first create of a process reads the dialect's settings
    statements.clear()
    ticket = api.create()
    assert statements == [
        "INSERT INTO tickets",
        "INSERT INTO audit_logs",
        "INSERT INTO ticket_outbox",
    ]
    (head, number), *_ = fetch("SELECT audit_head, number FROM tickets WHERE id = %s", ticket["id"])
    assert number == ticket["number"]
    (seq, prev_hash, row_hash), *_ = fetch(
        "SELECT seq, prev_hash, hash FROM audit_logs WHERE ticket_id = %s", ticket["id"]
    )
    assert (seq, prev_hash, row_hash) == (1, "0" * 64, head)


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
