"""Who may approve a round: never whoever requested it, and only active employees with an HDMS
grant (checked with auth-service)."""

from __future__ import annotations

import pytest


def request_round(client, api, ticket, user, approver_ids, *, via_status=False):
    body = {
        "approver_ids": [str(a) for a in approver_ids],
        "mode": "all",
        "version": api.get(ticket)["version"],
    }
    if via_status:
        return client.post(
            f"/api/tickets/{ticket['id']}/status",
            json={"action": "request_approval", **body},
            headers=user.headers,
        )
    return client.post(f"/api/tickets/{ticket['id']}/approvals/", json=body, headers=user.headers)


@pytest.mark.parametrize("via_status", [False, True], ids=["approvals", "status"])
def test_whoever_requests_a_round_cannot_approve_it(api, cast, client, snapshot, via_status):
    ticket = api.in_state("in_progress")
    before = snapshot(ticket)
    response = request_round(
        client, api, ticket, cast.assignee, [cast.assignee.id, cast.admin.id], via_status=via_status
    )
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["approver_ids"]
    assert str(cast.assignee.id) in response.get_json()["errors"]["approver_ids"][0]
    assert snapshot(ticket) == before
    assert api.get(ticket)["status"] == "in_progress"


def test_an_admin_who_requests_a_round_cannot_name_themselves(api, cast, client, snapshot):
    ticket = api.in_state("in_progress")
    before = snapshot(ticket)
    response = request_round(client, api, ticket, cast.admin, [cast.admin.id])
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["approver_ids"]
    assert snapshot(ticket) == before


def test_the_requester_of_a_stored_round_that_names_them_cannot_decide(
    api, cast, client, fetch, snapshot
):
    """A round stored before the rule existed still cannot be approved by its requester."""
    ticket = api.in_state("in_progress")
    response = request_round(client, api, ticket, cast.assignee, [cast.admin.id])
    assert response.status_code == 201
    approval = response.get_json()
    fetch(
        "UPDATE approvals SET approver_ids = %s::json WHERE id = %s",
        f'["{cast.admin.id}", "{cast.assignee.id}"]',
        approval["id"],
    )
    before = snapshot(ticket)
    decided = client.post(
        f"/api/approvals/{approval['id']}/decision",
        json={"decision": "approve", "comment": ""},
        headers=cast.assignee.headers,
    )
    assert decided.status_code == 403, decided.get_json()
    assert snapshot(ticket) == before


def test_approvers_must_be_active_and_hold_an_hdms_grant(
    api, cast, client, snapshot, create_user, auth_app
):
    from auth_service.extensions import db as auth_db
    from auth_service.services.employees import deactivate_employee

    no_grant = create_user(roles={}, department_id=cast.department)
    inactive = create_user(roles={"assignee": [cast.department]}, department_id=cast.department)
    with auth_app.app_context():
        deactivate_employee(session=auth_db.session, employee_id=inactive.id)
        auth_db.session.commit()
    ticket = api.in_state("in_progress")
    before = snapshot(ticket)
    for approver in (no_grant, inactive):
        response = request_round(
            client, api, ticket, cast.assignee, [cast.second_assignee.id, approver.id]
        )
        assert response.status_code == 422, response.get_json()
        errors = response.get_json()["errors"]
        assert list(errors) == ["approver_ids"]
        assert str(approver.id) in errors["approver_ids"][0]
        assert str(cast.second_assignee.id) not in errors["approver_ids"][0]
    assert snapshot(ticket) == before

    response = request_round(client, api, ticket, cast.assignee, [cast.second_assignee.id])
    assert response.status_code == 201
    assert response.get_json()["approver_ids"] == [str(cast.second_assignee.id)]
