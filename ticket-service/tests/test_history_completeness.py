"""A ticket's history tells everything that happened to it: what each row records, and that
every stored field a change touched (derived ones such as sla_status included) is listed in
the row's changes with its value before and after."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hdms_common.auth import service_user_id

SWEEPER = str(service_user_id("ticket-service"))
#: Bookkeeping columns every write touches; the row itself says what changed. search_vector is
#: what q searches, computed by PostgreSQL from title and description (which are audited).
NOT_AUDITED = {"version", "updated_at", "audit_head", "search_vector"}


def sweep(app: Any) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(args=["sla-sweep"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def request_round(client, api, ticket, user, approver_ids, mode="all"):
    response = client.post(
        f"/api/tickets/{ticket['id']}/approvals/",
        json={
            "approver_ids": [str(a) for a in approver_ids],
            "mode": mode,
            "version": api.get(ticket)["version"],
        },
        headers=user.headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def decide(client, approval, user, decision, comment=""):
    response = client.post(
        f"/api/approvals/{approval['id']}/decision",
        json={"decision": decision, "comment": comment},
        headers=user.headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_request_approval_row_names_the_round_its_approvers_and_mode(api, cast, client):
    ticket = api.in_state("in_progress")
    approvers = [str(cast.admin.id), str(cast.second_assignee.id)]
    approval = request_round(client, api, ticket, cast.assignee, approvers, mode="any")
    row = api.history(ticket, verify=True)["items"][-1]
    assert (row["action"], row["from_state"], row["to_state"]) == (
        "request_approval",
        "in_progress",
        "waiting_approval",
    )
    assert row["changes"]["approval_id"] == [None, approval["id"]]
    assert row["changes"]["approver_ids"] == [None, approvers]
    assert row["changes"]["mode"] == [None, "any"]
    assert row["changes"]["status"] == ["in_progress", "waiting_approval"]


def test_approval_decision_rows_say_where_the_ticket_was_and_went(api, cast, client):
    ticket = api.in_state("in_progress")
    approval = request_round(
        client, api, ticket, cast.assignee, [cast.admin.id, cast.second_assignee.id]
    )
    decide(client, approval, cast.admin, "approve")
    decide(client, approval, cast.second_assignee, "approve", "Fine by me")
    rows = api.history(ticket, verify=True)["items"]
    assert [(r["action"], r["from_state"], r["to_state"]) for r in rows[-3:]] == [
        ("approval_decision", "waiting_approval", "waiting_approval"),
        ("approval_decision", "waiting_approval", "waiting_approval"),
        ("approval_decided", "waiting_approval", "in_progress"),
    ]
    assert rows[-2]["changes"]["decision"] == [None, "approve"]
    assert rows[-2]["reason"] == "Fine by me"
    assert rows[-1]["changes"]["approval_outcome"] == [None, "approved"]


def test_the_sweeps_automatic_close_records_its_reason(app, api, fetch):
    ticket = api.in_state("resolved")
    fetch("UPDATE tickets SET resolved_at = now() - interval '8 days' WHERE id = %s", ticket["id"])
    assert sweep(app)["closed"] == [ticket["id"]]
    row = api.history(ticket, verify=True)["items"][-1]
    assert (row["action"], row["actor_id"], row["from_state"], row["to_state"]) == (
        "close",
        SWEEPER,
        "resolved",
        "closed",
    )
    assert row["reason"] == "closed automatically"


def test_the_resume_row_records_the_sla_status_it_gives(app, api, cast, fetch):
    ticket = api.in_state("assigned")
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    api.do(ticket, "postpone", cast.moderator, reason="Waiting for parts", resume_at=later)
    fetch("UPDATE tickets SET resume_at = now() - interval '1 second' WHERE id = %s", ticket["id"])
    assert sweep(app)["resumed"] == [ticket["id"]]
    row = api.history(ticket, verify=True)["items"][-1]
    assert (row["action"], row["actor_id"], row["reason"]) == (
        "resume",
        SWEEPER,
        "resume_at reached",
    )
    assert row["changes"]["sla_status"] == ["paused", "on_track"]
    assert set(row["changes"]) == {
        "status",
        "postponed_from",
        "resume_at",
        "sla_paused_at",
        "sla_paused_seconds",
        "first_response_due_at",
        "resolution_due_at",
        "sla_status",
    }


def _comparable(value: Any) -> Any:
    """Stored and audited values in one spelling: times as UTC instants."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def test_every_stored_field_a_change_touches_is_in_its_history_row(api, cast, client, fetch):
    """Walk one ticket through the life cycle; after each step the columns that differ in the
    stored row are exactly the newest history row's changes, with the same before and after."""

    def stored() -> dict[str, Any]:
        row = fetch("SELECT row_to_json(t) FROM tickets t WHERE id = %s", ticket["id"])[0][0]
        return {k: _comparable(v) for k, v in row.items() if k not in NOT_AUDITED}

    def patch(url: str, body: dict[str, Any]) -> None:
        body = {**body, "version": api.get(ticket)["version"]}
        response = client.patch(url, json=body, headers=cast.moderator.headers)
        assert response.status_code == 200, response.get_json()

    ticket = api.create(priority="low")
    in_two_days = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    in_ten_days = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    url = f"/api/tickets/{ticket['id']}"
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("review", lambda: api.do(ticket, "review", cast.moderator)),
        (
            "assign",
            lambda: api.do(ticket, "assign", cast.moderator, assignee_id=str(cast.assignee.id)),
        ),
        ("acknowledge", lambda: api.do(ticket, "acknowledge", cast.assignee)),
        (
            "postpone",
            lambda: api.do(ticket, "postpone", cast.moderator, reason="x", resume_at=in_two_days),
        ),
        ("sla_override", lambda: patch(f"{url}/sla", {"due_at": in_ten_days, "reason": "Vendor"})),
        ("resume", lambda: api.do(ticket, "resume", cast.moderator)),
        ("update", lambda: patch(url, {"priority": "critical", "title": "Laptop is dead"})),
        ("progress", lambda: api.do(ticket, "progress", cast.assignee, percent=40)),
        ("resolve", lambda: api.do(ticket, "resolve", cast.assignee, resolution_note="Fixed")),
        ("reopen", lambda: api.do(ticket, "reopen", cast.requestor, reason="Broke again")),
    ]
    for action, step in steps:
        before = stored()
        step()
        after = stored()
        touched = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        row = api.history(ticket)["items"][-1]
        assert row["action"] == action
        audited = {k: [_comparable(v) for v in pair] for k, pair in row["changes"].items()}
        assert audited == touched, action
    assert api.history(ticket, verify=True)["verification"]["ok"] is True
