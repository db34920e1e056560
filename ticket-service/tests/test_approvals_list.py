"""GET /api/approvals/: the rounds naming the current user (admins: all), newest first, with
their ticket; ?pending=true keeps the rounds still waiting for the user's decision."""

from __future__ import annotations

import pytest


def request_round(client, api, ticket, user, approvers, mode="all"):
    response = client.post(
        f"/api/tickets/{ticket['id']}/approvals/",
        json={
            "approver_ids": [str(a.id) for a in approvers],
            "mode": mode,
            "version": api.get(ticket)["version"],
        },
        headers=user.headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def decide(client, approval, user, decision="approve", comment=""):
    response = client.post(
        f"/api/approvals/{approval['id']}/decision",
        json={"decision": decision, "comment": comment},
        headers=user.headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def listed(client, user, query=""):
    response = client.get(f"/api/approvals/?{query}", headers=user.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(page):
    return [item["id"] for item in page["items"]]


def test_an_approver_sees_the_rounds_naming_them_newest_first_with_their_ticket(api, cast, client):
    c = cast
    first_ticket = api.in_state("in_progress", title="New monitor", priority="low")
    second_ticket = api.in_state("in_progress", title="New laptop", priority="critical")
    first = request_round(client, api, first_ticket, c.assignee, [c.second_assignee, c.admin])
    second = request_round(client, api, second_ticket, c.assignee, [c.second_assignee])

    page = listed(client, c.second_assignee)
    assert ids(page) == [second["id"], first["id"]]
    assert page["next_cursor"] is None
    item = page["items"][0]
    assert {k: item[k] for k in second} == second
    fresh = api.get(second_ticket)
    assert item["ticket"] == {
        "id": fresh["id"],
        "number": fresh["number"],
        "title": "New laptop",
        "priority": "critical",
        "status": "waiting_approval",
    }
    # The admin is named in the first round only, but sees every round.
    assert ids(listed(client, c.admin)) == [second["id"], first["id"]]
    # Nobody else sees a round, not even the ticket's moderator or its requestor.
    for user in (c.moderator, c.requestor, c.other_assignee, c.assignee):
        assert listed(client, user) == {"items": [], "next_cursor": None}


def test_pending_keeps_the_rounds_awaiting_my_decision(api, cast, client):
    c = cast
    rounds = []
    for title in ("Chair", "Desk", "Lamp"):
        ticket = api.in_state("in_progress", title=title)
        rounds.append(request_round(client, api, ticket, c.assignee, [c.second_assignee, c.admin]))
    chair, desk, lamp = rounds
    decide(client, desk, c.second_assignee)  # desk: still pending, but I have decided
    decide(client, lamp, c.admin, "decline", "No budget")  # lamp: declined, round over

    assert ids(listed(client, c.second_assignee, "pending=true")) == [chair["id"]]
    assert ids(listed(client, c.second_assignee, "pending=false")) == [lamp["id"], desk["id"]]
    assert ids(listed(client, c.second_assignee)) == [lamp["id"], desk["id"], chair["id"]]
    assert ids(listed(client, c.admin, "pending=true")) == [desk["id"], chair["id"]]

    decide(client, chair, c.second_assignee)
    assert listed(client, c.second_assignee, "pending=true")["items"] == []


def test_the_list_pages_by_keyset_under_inserts(api, cast, client):
    c = cast
    made = []
    for i in range(5):
        ticket = api.in_state("in_progress", title=f"Purchase {i}")
        made.append(request_round(client, api, ticket, c.assignee, [c.second_assignee]))
    served = []
    url = "/api/approvals/?limit=2&pending=true"
    while url:
        page = client.get(url, headers=c.second_assignee.headers).get_json()
        assert len(page["items"]) <= 2
        served.extend(ids(page))
        if page["next_cursor"] and len(served) == 2:
            ticket = api.in_state("in_progress", title="Arrived meanwhile")
            request_round(client, api, ticket, c.assignee, [c.second_assignee])
        cursor = page["next_cursor"]
        url = f"/api/approvals/?limit=2&pending=true&cursor={cursor}" if cursor else None
    assert served == [r["id"] for r in reversed(made)]


def test_a_deleted_tickets_rounds_are_not_listed(api, cast, client):
    ticket = api.in_state("in_progress")
    request_round(client, api, ticket, cast.assignee, [cast.second_assignee])
    response = client.delete(
        f"/api/tickets/{ticket['id']}?version={api.get(ticket)['version']}",
        headers=cast.admin.headers,
    )
    assert response.status_code == 204
    assert listed(client, cast.second_assignee)["items"] == []
    assert listed(client, cast.admin)["items"] == []


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("pending=maybe", 422),
        ("limit=0", 422),
        ("limit=101", 422),
        ("cursor=%%%", 400),  # a cursor that cannot be read is malformed, not an invalid field
        ("colour=red", 422),
        ("pending=%00", 422),
    ],
)
def test_bad_query_arguments_are_problems(client, cast, query, status):
    response = client.get(f"/api/approvals/?{query}", headers=cast.requestor.headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_the_list_needs_a_token(client):
    response = client.get("/api/approvals/")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_rounds_naming_someone_are_found_by_the_approver_index(app, fetch):
    """What every non-admin list asks (the rounds naming the viewer) is a containment the GIN
    index of approvals.approver_ids serves, not a scan of every round."""
    import uuid

    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    from ticket_service.models import Approval
    from ticket_service.services.visibility import json_list_contains

    statement = sa.select(Approval.ticket_id).where(
        json_list_contains(Approval.approver_ids, uuid.uuid4())
    )
    sql = str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )
    plan = fetch(f"SET enable_seqscan = off; EXPLAIN {sql}")
    assert any("ix_approvals_approver_ids" in line for (line,) in plan), plan
