"""Idempotency-Key on every create of a ticket's work: a retry replays the first answer and
creates nothing, the same key with another body is a 422."""

from __future__ import annotations

from typing import Any

import pytest


def sub_ticket_body(api, cast, ticket, title: str) -> dict[str, Any]:
    return {"title": title, "department_id": str(cast.department)}


def approval_body(api, cast, ticket, title: str) -> dict[str, Any]:
    approvers = [cast.admin.id] if title == "first" else [cast.second_assignee.id]
    return {"approver_ids": [str(a) for a in approvers], "version": api.get(ticket)["version"]}


CREATES = {
    "sub-tickets": ("sub_tickets", "parent_id", sub_ticket_body),
    "approvals": ("approvals", "ticket_id", approval_body),
}


@pytest.mark.parametrize("resource", list(CREATES))
def test_a_retry_replays_and_another_body_is_refused(api, cast, client, fetch, resource):
    table, parent_column, make_body = CREATES[resource]
    ticket = api.in_state("in_progress")
    url = f"/api/tickets/{ticket['id']}/{resource}/"
    headers = {**cast.assignee.headers, "Idempotency-Key": f"{resource}-1"}
    body = make_body(api, cast, ticket, "first")

    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    history = api.history(ticket)["items"]
    stored = fetch("SELECT * FROM ticket_outbox WHERE payload->>'ticket_id' = %s", ticket["id"])

    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"

    other = client.post(url, json=make_body(api, cast, ticket, "second"), headers=headers)
    assert other.status_code == 422, other.get_json()
    assert other.mimetype == "application/problem+json"
    assert list(other.get_json()["errors"]) == ["headers.Idempotency-Key"]

    rows = fetch(f"SELECT id FROM {table} WHERE {parent_column} = %s", ticket["id"])  # noqa: S608
    assert [str(r[0]) for r in rows] == [first.get_json()["id"]]
    assert api.history(ticket)["items"] == history
    assert (
        fetch("SELECT * FROM ticket_outbox WHERE payload->>'ticket_id' = %s", ticket["id"])
        == stored
    )


def test_a_key_is_the_callers_own_and_a_refused_create_does_not_keep_it(api, cast, client, fetch):
    ticket = api.in_state("in_progress")
    url = f"/api/tickets/{ticket['id']}/sub-tickets/"
    body = {"title": "Cable", "department_id": str(cast.department)}
    refused = client.post(
        url, json={**body, "title": " "}, headers={**cast.assignee.headers, "Idempotency-Key": "k"}
    )
    assert refused.status_code == 422
    mine = client.post(url, json=body, headers={**cast.assignee.headers, "Idempotency-Key": "k"})
    assert mine.status_code == 201
    theirs = client.post(url, json=body, headers={**cast.moderator.headers, "Idempotency-Key": "k"})
    assert theirs.status_code == 201
    assert theirs.get_json()["id"] != mine.get_json()["id"]
    assert fetch("SELECT count(*) FROM sub_tickets") == [(2,)]
