"""Every route of one ticket answers 404 to whoever may not see the ticket, whatever they send:
the visibility check comes before the role, the body, the version and the Idempotency-Key, so
no answer tells a stranger that the ticket exists."""

from __future__ import annotations

from typing import Any

import pytest

#: (method, path, whose id) for every route scoped to one ticket, sub-ticket or approval.
ROUTES = [
    ("GET", "/api/tickets/{ticket}", "ticket"),
    ("PATCH", "/api/tickets/{ticket}", "ticket"),
    ("DELETE", "/api/tickets/{ticket}?version=x", "ticket"),
    ("POST", "/api/tickets/{ticket}/status", "ticket"),
    ("POST", "/api/tickets/{ticket}/assign", "ticket"),
    ("POST", "/api/tickets/{ticket}/reject", "ticket"),
    ("POST", "/api/tickets/{ticket}/postpone", "ticket"),
    ("POST", "/api/tickets/{ticket}/acknowledge", "ticket"),
    ("POST", "/api/tickets/{ticket}/progress", "ticket"),
    ("PATCH", "/api/tickets/{ticket}/sla", "ticket"),
    ("GET", "/api/tickets/{ticket}/history?verify=maybe", "ticket"),
    ("GET", "/api/tickets/{ticket}/sub-tickets/", "ticket"),
    ("POST", "/api/tickets/{ticket}/sub-tickets/", "ticket"),
    ("GET", "/api/tickets/{ticket}/approvals/", "ticket"),
    ("POST", "/api/tickets/{ticket}/approvals/", "ticket"),
    ("GET", "/api/tickets/{ticket}/attachments/", "ticket"),
    ("POST", "/api/tickets/{ticket}/attachments/", "ticket"),
    ("GET", "/api/sub-tickets/{sub_ticket}", "sub_ticket"),
    ("PATCH", "/api/sub-tickets/{sub_ticket}", "sub_ticket"),
    ("POST", "/api/sub-tickets/{sub_ticket}/status", "sub_ticket"),
    ("POST", "/api/approvals/{approval}/decision", "approval"),
]
#: Bodies that every one of these routes would refuse if the caller could see the ticket.
BODIES = {"empty": "{}", "invalid": '{"version": "x", "approver_ids": 7, "action": 1}'}
STRANGERS = ("other_requestor", "other_moderator", "other_assignee")


@pytest.fixture
def scope(api, cast, client) -> dict[str, Any]:
    """A ticket waiting for an approval round, with a sub-ticket: every id a route takes."""
    ticket = api.in_state("in_progress")
    sub_ticket = client.post(
        f"/api/tickets/{ticket['id']}/sub-tickets/",
        json={"title": "Cable", "department_id": str(cast.department)},
        headers=cast.assignee.headers,
    )
    assert sub_ticket.status_code == 201, sub_ticket.get_json()
    approval = client.post(
        f"/api/tickets/{ticket['id']}/approvals/",
        json={
            "approver_ids": [str(cast.admin.id)],
            "version": api.get(ticket)["version"],
        },
        headers=cast.assignee.headers,
    )
    assert approval.status_code == 201, approval.get_json()
    return {
        "ticket": ticket,
        "ids": {
            "ticket": ticket["id"],
            "sub_ticket": sub_ticket.get_json()["id"],
            "approval": approval.get_json()["id"],
        },
    }


@pytest.mark.parametrize("stranger", STRANGERS)
def test_a_ticket_out_of_sight_is_404_on_every_route(cast, client, scope, snapshot, stranger):
    """Each stranger, on each route, with each body: 404 and nothing changes. (The routes are
    walked in one test so that the ticket and its round are set up once per stranger.)"""
    before = snapshot(scope["ticket"])
    for method, path, owner in ROUTES:
        for name, body in BODIES.items():
            response = client.open(
                path.format(**scope["ids"]),
                method=method,
                data=body,
                content_type="application/json",
                headers={**cast.role(stranger).headers, "Idempotency-Key": "\x00"},
            )
            problem = response.get_json()
            where = (method, path, name, problem)
            assert response.status_code == 404, where
            assert response.mimetype == "application/problem+json", where
            assert "errors" not in problem, where
            assert problem["detail"] == f"No such {owner.replace('_', '-')}.", where
    assert snapshot(scope["ticket"]) == before


#: Those who see the ticket get the answer their request earns, as before.
SEEN = [
    ("requestor", "PATCH", "/api/tickets/{ticket}/sla", {}, 403),
    (
        "requestor",
        "PATCH",
        "/api/tickets/{ticket}/sla",
        {"due_at": "2099-01-01T00:00:00+00:00", "reason": "Later"},
        403,
    ),
    ("moderator", "DELETE", "/api/tickets/{ticket}", None, 403),
    ("requestor", "POST", "/api/tickets/{ticket}/approvals/", {}, 422),
    ("requestor", "POST", "/api/approvals/{approval}/decision", {}, 422),
    ("requestor", "POST", "/api/approvals/{approval}/decision", {"decision": "approve"}, 403),
    ("assignee", "GET", "/api/sub-tickets/{sub_ticket}", None, 200),
]


def test_who_sees_the_ticket_gets_the_real_answer_and_no_token_is_401(client, cast, scope):
    for who, method, path, body, status in SEEN:
        response = client.open(
            path.format(**scope["ids"]), method=method, json=body, headers=cast.role(who).headers
        )
        assert response.status_code == status, (who, method, path, response.get_json())
    for method, path, _ in ROUTES:
        response = client.open(path.format(**scope["ids"]), method=method, json={})
        assert response.status_code == 401, (method, path)


def test_unknown_ids_are_404(client, cast):
    zero = "00000000-0000-0000-0000-000000000000"
    for path in ("/api/tickets/{}/sla", "/api/sub-tickets/{}/status", "/api/approvals/{}/decision"):
        method = "PATCH" if path.endswith("sla") else "POST"
        response = client.open(
            path.format(zero), method=method, json={}, headers=cast.admin.headers
        )
        assert response.status_code == 404, path
