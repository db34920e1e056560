"""Sub-tickets and approval rounds: who may do what, their rules, and their trace on the ticket."""

from __future__ import annotations

import uuid

import pytest


def add_sub_ticket(client, ticket, user, **body):
    payload = {"title": "Install disk", "department_id": body.pop("department_id", None), **body}
    return client.post(
        f"/api/tickets/{ticket['id']}/sub-tickets/", json=payload, headers=user.headers
    )


def sub_action(client, sub, user, action, **body):
    return client.post(
        f"/api/sub-tickets/{sub['id']}/status",
        json={"action": action, **body},
        headers=user.headers,
    )


def test_ticket_cannot_be_resolved_while_a_sub_ticket_is_open(api, cast, client, snapshot):
    ticket = api.in_state("in_progress")
    response = add_sub_ticket(
        client,
        ticket,
        cast.assignee,
        department_id=str(cast.department),
        assignee_id=str(cast.second_assignee.id),
    )
    assert response.status_code == 201
    sub = response.get_json()
    assert sub["status"] == "assigned"
    before = snapshot(ticket)
    response = api.act(ticket, "resolve", cast.assignee, resolution_note="Done")
    assert response.status_code == 409
    assert "sub-ticket" in response.get_json()["detail"]
    assert snapshot(ticket) == before
    assert sub_action(client, sub, cast.second_assignee, "start").status_code == 200
    assert sub_action(client, sub, cast.second_assignee, "complete").get_json()["status"] == "done"
    assert api.do(ticket, "resolve", cast.assignee, resolution_note="Done")["status"] == "resolved"


def test_sub_ticket_rules(api, cast, client, snapshot):
    c = cast
    fresh = api.in_state("new")
    before = snapshot(fresh)
    assert (
        add_sub_ticket(client, fresh, c.moderator, department_id=str(c.department)).status_code
        == 409
    )
    assert snapshot(fresh) == before

    ticket = api.in_state("assigned")
    before = snapshot(ticket)
    refused = [
        (c.requestor, {"department_id": str(c.department)}, 403),
        (c.other_moderator, {"department_id": str(c.department)}, 404),
        (c.moderator, {"department_id": str(uuid.uuid4())}, 422),
        (
            c.moderator,
            {"department_id": str(c.department), "assignee_id": str(c.other_assignee.id)},
            422,
        ),
        (c.moderator, {"department_id": str(c.department), "title": " "}, 422),
        (c.moderator, {"department_id": str(c.department), "status": "done"}, 422),
    ]
    for user, body, status in refused:
        response = add_sub_ticket(client, ticket, user, **body)
        assert response.status_code == status, (body, response.get_json())
    assert snapshot(ticket) == before

    # Work may go to another department's assignee.
    response = add_sub_ticket(client, ticket, c.moderator, department_id=str(c.other_department))
    assert response.status_code == 201
    sub = response.get_json()
    assert sub["status"] == "open"
    url = f"/api/sub-tickets/{sub['id']}"
    assert client.get(url, headers=c.other_assignee.headers).status_code == 404
    response = client.patch(
        url, json={"assignee_id": str(c.assignee.id)}, headers=c.moderator.headers
    )
    assert response.status_code == 422  # not an assignee of the sub-ticket's department
    response = client.patch(
        url,
        json={"assignee_id": str(c.other_assignee.id), "version": 1},
        headers=c.moderator.headers,
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "assigned"
    assert client.get(url, headers=c.other_assignee.headers).status_code == 200
    assert (
        client.get(f"/api/tickets/{ticket['id']}", headers=c.other_assignee.headers).status_code
        == 200
    )
    assert sub_action(client, sub, c.moderator, "start").status_code == 403
    assert sub_action(client, sub, c.other_assignee, "complete").status_code == 409
    assert sub_action(client, sub, c.other_assignee, "start", version=1).status_code == 412
    assert sub_action(client, sub, c.other_assignee, "fly").status_code == 422
    assert (
        sub_action(client, sub, c.assignee, "cancel", reason="Not needed").get_json()["status"]
        == "cancelled"
    )
    assert sub_action(client, sub, c.other_assignee, "start").status_code == 409

    actions = [row["action"] for row in api.history(ticket, verify=True)["items"]]
    assert actions[-3:] == ["sub_ticket.created", "sub_ticket.updated", "sub_ticket.cancel"]
    listed = client.get(
        f"/api/tickets/{ticket['id']}/sub-tickets/", headers=c.requestor.headers
    ).get_json()
    assert [s["id"] for s in listed["items"]] == [sub["id"]]


def request_round(client, api, ticket, user, approver_ids, mode="all"):
    return client.post(
        f"/api/tickets/{ticket['id']}/approvals/",
        json={
            "approver_ids": [str(a) for a in approver_ids],
            "mode": mode,
            "version": api.get(ticket)["version"],
        },
        headers=user.headers,
    )


def decide(client, approval, user, decision, comment=""):
    return client.post(
        f"/api/approvals/{approval['id']}/decision",
        json={"decision": decision, "comment": comment},
        headers=user.headers,
    )


def test_all_mode_round_declined_by_one_returns_the_ticket_to_work(api, cast, client, fetch):
    c = cast
    ticket = api.in_state("in_progress")
    response = request_round(client, api, ticket, c.assignee, [c.admin.id, c.second_assignee.id])
    assert response.status_code == 201
    approval = response.get_json()
    assert approval["status"] == "pending"
    assert api.get(ticket)["status"] == "waiting_approval"
    assert api.get(ticket, c.second_assignee)["status"] == "waiting_approval"  # approvers see it

    assert decide(client, approval, c.moderator, "approve").status_code == 403
    assert decide(client, approval, c.other_moderator, "approve").status_code == 404
    assert decide(client, approval, c.admin, "decline").status_code == 422  # a decline says why
    assert decide(client, approval, c.admin, "maybe").status_code == 422
    assert decide(client, approval, c.admin, "approve").get_json()["status"] == "pending"
    assert decide(client, approval, c.admin, "approve").status_code == 409
    assert api.get(ticket)["status"] == "waiting_approval"
    done = decide(client, approval, c.second_assignee, "decline", "Too expensive").get_json()
    assert done["status"] == "declined"
    assert [d["decision"] for d in done["decisions"]] == ["approve", "decline"]
    assert api.get(ticket)["status"] == "in_progress"
    assert decide(client, approval, c.second_assignee, "approve").status_code == 409

    last = api.history(ticket)["items"][-1]
    assert (last["action"], last["to_state"]) == ("approval_decided", "in_progress")
    assert last["changes"]["approval_outcome"] == [None, "declined"]
    events = fetch(
        "SELECT payload FROM ticket_outbox WHERE event_type LIKE 'approval.%%' ORDER BY occurred_at"
    )
    outcomes = [(e[0].get("outcome"), e[0].get("mode")) for e in events]
    assert outcomes == [(None, "all"), ("pending", None), ("declined", None)]
    assert events[0][0]["approver_ids"] == [str(c.admin.id), str(c.second_assignee.id)]


def cancel_round(client, api, ticket, user, reason="Nobody answers"):
    return client.post(
        f"/api/tickets/{ticket['id']}/status",
        json={"action": "cancel_approval", "reason": reason, "version": api.get(ticket)["version"]},
        headers=user.headers,
    )


def test_a_round_nobody_decides_can_always_be_cancelled(api, cast, client, fetch):
    c = cast
    ticket = api.in_state("in_progress")
    approval = request_round(client, api, ticket, c.moderator, [c.admin.id]).get_json()

    # The assignee did not request this round: only triage or its requester may end it.
    refused = cancel_round(client, api, ticket, c.assignee)
    assert refused.status_code == 403
    assert api.get(ticket)["status"] == "waiting_approval"
    blank = cancel_round(client, api, ticket, c.moderator, reason="  ")
    assert blank.status_code == 422 and "reason" in blank.get_json()["errors"]

    after = cancel_round(client, api, ticket, c.moderator, reason="Budget frozen")
    assert after.status_code == 200 and after.get_json()["status"] == "in_progress"
    rounds = client.get(
        f"/api/tickets/{ticket['id']}/approvals/", headers=c.requestor.headers
    ).get_json()
    assert [(r["id"], r["status"]) for r in rounds["items"]] == [(approval["id"], "cancelled")]
    assert decide(client, approval, c.admin, "approve").status_code == 409
    last = api.history(ticket)["items"][-1]
    assert (last["action"], last["from_state"], last["to_state"], last["reason"]) == (
        "cancel_approval",
        "waiting_approval",
        "in_progress",
        "Budget frozen",
    )
    [(payload,)] = fetch(
        "SELECT payload FROM ticket_outbox WHERE event_type = 'approval.decided' "
        "AND payload->>'ticket_id' = %s",
        ticket["id"],
    )
    assert payload["outcome"] == "cancelled" and payload["approval_id"] == approval["id"]


def test_the_assignee_who_requested_a_round_may_cancel_it(api, cast, client):
    ticket = api.in_state("in_progress")
    request_round(client, api, ticket, cast.assignee, [cast.admin.id])
    assert cancel_round(client, api, ticket, cast.assignee).get_json()["status"] == "in_progress"
    assert "cancel_approval" not in api.get(ticket, cast.assignee)["allowed_actions"]


def test_any_mode_round_is_approved_by_the_first_approval(api, cast, client):
    ticket = api.in_state("in_progress")
    approval = request_round(
        client, api, ticket, cast.moderator, [cast.admin.id, cast.second_assignee.id], "any"
    ).get_json()
    assert (
        decide(client, approval, cast.second_assignee, "approve").get_json()["status"] == "approved"
    )
    assert api.get(ticket)["status"] == "in_progress"
    rounds = client.get(
        f"/api/tickets/{ticket['id']}/approvals/", headers=cast.requestor.headers
    ).get_json()
    assert [r["status"] for r in rounds["items"]] == ["approved"]


@pytest.mark.parametrize(
    ("who", "approvers", "status"),
    [
        ("requestor", ["admin"], 403),
        ("assignee", ["unknown"], 422),
        ("assignee", [], 422),
        ("other_moderator", ["admin"], 404),
    ],
)
def test_request_approval_refusals_change_nothing(
    api, cast, client, snapshot, who, approvers, status
):
    ticket = api.in_state("in_progress")
    before = snapshot(ticket)
    ids = [uuid.uuid4() if a == "unknown" else cast.role(a).id for a in approvers]
    response = request_round(client, api, ticket, cast.role(who), ids)
    assert response.status_code == status, response.get_json()
    assert snapshot(ticket) == before
