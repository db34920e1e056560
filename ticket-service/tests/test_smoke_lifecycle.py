"""The whole life of one ticket through the API, as the issue's demo describes it."""

from __future__ import annotations


def test_ticket_goes_from_request_to_closed_with_full_history(api, cast, client):
    c = cast
    ticket = api.create()
    assert ticket["number"].startswith("HD-")
    assert ticket["status"] == "new"
    assert "cancel" in ticket["allowed_actions"]

    ticket = api.do(ticket, "assign", c.moderator, assignee_id=str(c.assignee.id))
    ticket = api.do(ticket, "acknowledge", c.assignee)
    ticket = api.do(ticket, "progress", c.assignee, percent=40, note="Ordered a disk")

    response = client.post(
        f"/api/tickets/{ticket['id']}/sub-tickets/",
        json={
            "title": "Install disk",
            "department_id": str(c.department),
            "assignee_id": str(c.second_assignee.id),
        },
        headers=c.assignee.headers,
    )
    assert response.status_code == 201, response.get_json()
    sub = response.get_json()
    for action in ("start", "complete"):
        response = client.post(
            f"/api/sub-tickets/{sub['id']}/status",
            json={"action": action},
            headers=c.second_assignee.headers,
        )
        assert response.status_code == 200, response.get_json()

    response = client.post(
        f"/api/tickets/{ticket['id']}/approvals/",
        json={
            "approver_ids": [str(c.admin.id)],
            "mode": "any",
            "version": api.get(ticket)["version"],
        },
        headers=c.assignee.headers,
    )
    assert response.status_code == 201, response.get_json()
    approval = response.get_json()
    response = client.post(
        f"/api/approvals/{approval['id']}/decision",
        json={"decision": "approve"},
        headers=c.admin.headers,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "approved"
    assert api.get(ticket)["status"] == "in_progress"

    ticket = api.do(ticket, "resolve", c.assignee, resolution_note="Disk replaced")
    ticket = api.do(ticket, "close", c.requestor)
    assert ticket["status"] == "closed"

    history = api.history(ticket, c.requestor, verify=True)
    actions = [row["action"] for row in history["items"]]
    assert actions == [
        "create",
        "assign",
        "acknowledge",
        "progress",
        "sub_ticket.created",
        "sub_ticket.start",
        "sub_ticket.complete",
        "request_approval",
        "approval_decision",
        "approval_decided",
        "resolve",
        "close",
    ]
    assert history["verification"]["ok"] is True
