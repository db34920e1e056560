"""The history is append-only and tamper-evident."""

from __future__ import annotations

import psycopg2
import pytest


def _edit_behind_the_service(database_url: str, sql: str, *params) -> None:
    """What an intruder with database access would do: switch the guard off and edit."""
    connection = psycopg2.connect(database_url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only")
    finally:
        connection.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_logs SET reason = 'edited' WHERE ticket_id = %s",
        "DELETE FROM audit_logs WHERE ticket_id = %s",
    ],
)
def test_the_database_refuses_to_change_history(api, cast, fetch, sql):
    ticket = api.in_state("under_review")
    with pytest.raises(psycopg2.Error, match="append-only"):
        fetch(sql, ticket["id"])
    assert api.history(ticket, verify=True)["verification"]["ok"] is True


def test_rows_are_chained_per_ticket(api, cast):
    ticket = api.in_state("in_progress")
    api.in_state("under_review")  # another ticket's rows do not interleave with this chain
    rows = api.history(ticket, cast.requestor, verify=True)
    items = rows["items"]
    assert [r["seq"] for r in items] == [1, 2, 3]
    assert items[0]["prev_hash"] == "0" * 64
    assert all(
        later["prev_hash"] == earlier["hash"]
        for earlier, later in zip(items, items[1:], strict=False)
    )
    assert rows["verification"] == {
        "ok": True,
        "rows": 3,
        "broken_seq": None,
        "broken_id": None,
        "problem": None,
    }
    assert items[1]["changes"]["assignee_id"] == [None, str(cast.assignee.id)]
    assert items[1]["request_id"]


@pytest.mark.parametrize(
    ("sql", "broken_seq", "problem"),
    [
        (
            "UPDATE audit_logs SET reason = 'nothing happened' WHERE ticket_id = %s AND seq = 2",
            2,
            "content",
        ),
        (
            "UPDATE audit_logs SET actor_id = gen_random_uuid() WHERE ticket_id = %s AND seq = 1",
            1,
            "content",
        ),
        ("DELETE FROM audit_logs WHERE ticket_id = %s AND seq = 2", 3, "missing"),
        ("DELETE FROM audit_logs WHERE ticket_id = %s AND seq = 4", 4, "missing"),
    ],
)
def test_an_edited_or_deleted_row_is_detected(
    app, api, cast, database_url, sql, broken_seq, problem
):
    ticket = api.in_state("in_progress")
    api.do(ticket, "progress", cast.assignee, percent=20)
    _edit_behind_the_service(database_url, sql, ticket["id"])
    verification = api.history(ticket, verify=True)["verification"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-audit"])
    assert verification["ok"] is False
    assert verification["broken_seq"] == broken_seq
    assert problem in verification["problem"]
    assert result.exit_code == 1
    assert ticket["id"] in result.output
    single = runner.invoke(args=["verify-audit", "--ticket", ticket["id"]])
    assert single.exit_code == 1


def test_verify_audit_passes_on_an_untouched_database(app, api):
    api.in_state("resolved")
    api.in_state("rejected")
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output
