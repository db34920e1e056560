"""Access taken away at auth-service is enforced here at once: old tokens get 401, and an
approver who lost HDMS access drops out of the rounds waiting for them."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


@pytest.fixture
def auth_admin(auth_app, cast):
    """Admin calls to auth-service (deactivate, revoke a grant), as an admin would make them."""
    client = auth_app.test_client()

    class Admin:
        def deactivate(self, user):
            response = client.delete(f"/api/employees/{user.id}", headers=cast.admin.headers)
            assert response.status_code == 204

        def revoke(self, user, role, department):
            response = client.delete(
                "/api/hdms/grant-access",
                json={
                    "employee_id": str(user.id),
                    "roles": [role],
                    "department_ids": [str(department)],
                },
                headers=cast.admin.headers,
            )
            assert response.status_code == 200

    return Admin()


@pytest.fixture
def apply_access_changes(app):
    """Run ticket-service's access-events consumer until it has nothing left (as in the stack)."""
    from ticket_service.access_events import build_access_consumer

    consumer = build_access_consumer(app, consumer="tests")

    def run() -> int:
        consumer.ensure_group()
        handled = 0
        while count := consumer.run_once(block_ms=100):
            handled += count
        return handled

    return run


def test_a_deactivated_requestor_can_no_longer_create_tickets(
    api, client, cast, create_user, auth_admin
):
    requestor = create_user(roles={"requestor": [cast.department]}, department_id=cast.department)
    api.create(requestor)
    auth_admin.deactivate(requestor)
    refused = client.post(
        "/api/tickets/",
        json={
            "title": "Another one",
            "description": "Still broken",
            "department_id": str(cast.department),
            "priority": "low",
            "category": "hardware",
        },
        headers=requestor.headers,
    )
    assert refused.status_code == 401
    assert refused.content_type == PROBLEM
    assert client.get("/api/tickets/", headers=requestor.headers).status_code == 401


def test_a_moderator_whose_grant_was_revoked_can_no_longer_review(
    api, cast, create_user, auth_admin
):
    moderator = create_user(
        roles={"moderator": [cast.department], "requestor": [cast.department]},
        department_id=cast.department,
    )
    ticket = api.create()
    auth_admin.revoke(moderator, "moderator", cast.department)
    refused = api.act(ticket, "review", moderator)
    assert refused.status_code == 401
    assert refused.content_type == PROBLEM
    assert api.get(ticket)["status"] == "new"


def _round(api, client, ticket, requester, approvers, mode="all"):
    response = client.post(
        f"/api/tickets/{ticket['id']}/approvals/",
        json={
            "approver_ids": [str(a.id) for a in approvers],
            "mode": mode,
            "version": api.get(ticket)["version"],
        },
        headers=requester.headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _decide(client, approval, user, decision, comment=""):
    return client.post(
        f"/api/approvals/{approval['id']}/decision",
        json={"decision": decision, "comment": comment},
        headers=user.headers,
    )


def _approvers(create_user, cast, count):
    return [
        create_user(roles={"requestor": [cast.department]}, department_id=cast.department)
        for _ in range(count)
    ]


def test_in_an_all_round_the_remaining_approver_decides_after_one_is_deactivated(
    api, client, cast, create_user, auth_admin, apply_access_changes, fetch
):
    first, second = _approvers(create_user, cast, 2)
    ticket = api.in_state("in_progress")
    approval = _round(api, client, ticket, cast.assignee, [first, second])

    auth_admin.deactivate(first)
    assert apply_access_changes() == 1
    still = api.get(ticket)
    assert still["status"] == "waiting_approval"
    rounds = client.get(f"/api/tickets/{ticket['id']}/approvals/", headers=cast.admin.headers)
    [listed] = rounds.get_json()["items"]
    assert listed["status"] == "pending"
    assert listed["dropped_approver_ids"] == [str(first.id)]

    decided = _decide(client, approval, second, "approve")
    assert decided.status_code == 200
    assert decided.get_json()["status"] == "approved"
    assert api.get(ticket)["status"] == "in_progress"
    actions = [row["action"] for row in api.history(ticket, verify=True)["items"]]
    assert actions[-3:] == ["approval_dropout", "approval_decision", "approval_decided"]


def test_a_round_whose_only_approver_is_deactivated_is_cancelled(
    api, client, cast, create_user, auth_admin, apply_access_changes, fetch
):
    [only] = _approvers(create_user, cast, 1)
    ticket = api.in_state("in_progress")
    approval = _round(api, client, ticket, cast.assignee, [only])

    auth_admin.deactivate(only)
    apply_access_changes()

    assert api.get(ticket)["status"] == "in_progress"
    rounds = client.get(f"/api/tickets/{ticket['id']}/approvals/", headers=cast.admin.headers)
    assert [r["status"] for r in rounds.get_json()["items"]] == ["cancelled"]
    history = api.history(ticket, verify=True)["items"]
    dropout, cancelled = history[-2:]
    assert dropout["action"] == "approval_dropout"
    assert dropout["changes"]["dropped_approver_id"] == [None, str(only.id)]
    assert (cancelled["action"], cancelled["from_state"], cancelled["to_state"]) == (
        "cancel_approval",
        "waiting_approval",
        "in_progress",
    )
    assert cancelled["reason"] == "No approver with HDMS access is left in the round."
    [(payload,)] = fetch(
        "SELECT payload FROM ticket_outbox WHERE event_type = 'approval.decided' "
        "AND payload->>'ticket_id' = %s",
        ticket["id"],
    )
    assert payload["outcome"] == "cancelled" and payload["approval_id"] == approval["id"]
    # The event redelivered changes nothing more.
    assert apply_access_changes() == 0


def test_an_approver_who_lost_the_last_grant_drops_out_and_one_who_keeps_one_stays(
    api, client, cast, create_user, auth_admin, apply_access_changes
):
    leaving, staying = _approvers(create_user, cast, 2)
    ticket = api.in_state("in_progress")
    approval = _round(api, client, ticket, cast.assignee, [leaving, staying], mode="any")
    auth_admin.revoke(leaving, "requestor", cast.department)
    apply_access_changes()
    [listed] = client.get(
        f"/api/tickets/{ticket['id']}/approvals/", headers=cast.admin.headers
    ).get_json()["items"]
    assert (listed["status"], listed["dropped_approver_ids"]) == ("pending", [str(leaving.id)])
    declined = _decide(client, approval, staying, "decline", "Too expensive")
    assert declined.get_json()["status"] == "declined"
    assert api.get(ticket)["status"] == "in_progress"


def test_an_approver_who_dropped_out_no_longer_has_the_round_to_decide_after_a_new_grant(
    api, client, cast, create_user, auth_app, auth_admin, apply_access_changes
):
    leaving, staying = _approvers(create_user, cast, 2)
    ticket = api.in_state("in_progress")
    approval = _round(api, client, ticket, cast.assignee, [leaving, staying])
    auth_admin.revoke(leaving, "requestor", cast.department)
    apply_access_changes()

    # Access comes back, and they sign in again: the round they dropped out of is not theirs.
    auth = auth_app.test_client()
    granted = auth.post(
        "/api/hdms/grant-access",
        json={
            "employee_id": str(leaving.id),
            "roles": ["requestor"],
            "department_ids": [str(cast.department)],
        },
        headers=cast.admin.headers,
    )
    assert granted.status_code == 200, granted.get_json()
    login = auth.post(
        "/api/auth/login-hdms",
        json={"employee_code": leaving.employee_code, "password": leaving.password},
    )
    assert login.status_code == 200, login.get_json()
    headers = {"Authorization": f"Bearer {login.get_json()['access']}"}

    def pending_for(user_headers):
        answer = client.get("/api/approvals/?pending=true", headers=user_headers)
        assert answer.status_code == 200, answer.get_json()
        return [item["id"] for item in answer.get_json()["items"]]

    assert pending_for(headers) == []
    assert pending_for(staying.headers) == [approval["id"]]
    assert _decide(client, approval, leaving, "approve").status_code == 401
    refused = client.post(
        f"/api/approvals/{approval['id']}/decision",
        json={"decision": "approve", "comment": ""},
        headers=headers,
    )
    assert refused.status_code == 409
