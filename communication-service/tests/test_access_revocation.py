"""An employee who loses access loses the chat and the notification feed at once: open sockets
close with 4401 and the HTTP API answers 401, with the token they were using."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin_of(create_user, department):
    return create_user(roles={"admin": [department]}, department_id=department)


def _deactivate(auth_app, admin, employee):
    response = auth_app.test_client().delete(f"/api/employees/{employee.id}", headers=admin.headers)
    assert response.status_code == 204


def _revoke_grant(auth_app, admin, employee, department):
    response = auth_app.test_client().delete(
        "/api/hdms/grant-access",
        json={
            "employee_id": str(employee.id),
            "roles": ["requestor"],
            "department_ids": [str(department)],
        },
        headers=admin.headers,
    )
    assert response.status_code == 200


def _open_sockets(ws_connect, ticket, employee):
    chat = ws_connect(f"/ws/chat/{ticket}/", employee.token)
    chat.recv_type("ready")
    feed = ws_connect("/ws/notifications/", employee.token)
    feed.recv_type("unread_count")
    return chat, feed


def test_deactivation_closes_the_employees_sockets_with_4401(
    auth_app, admin_of, create_user, department, open_ticket, ws_connect, client
):
    employee = create_user(roles={"requestor": [department]}, department_id=department)
    ticket = open_ticket(employee)
    chat, feed = _open_sockets(ws_connect, ticket, employee)
    assert client.get("/api/notifications/", headers=employee.headers).status_code == 200

    _deactivate(auth_app, admin_of, employee)

    assert chat.recv_type("error", timeout=3)["code"] == "unauthorized"
    assert chat.wait_closed(timeout=3) == 4401
    assert feed.recv_type("error", timeout=3)["code"] == "unauthorized"
    assert feed.wait_closed(timeout=3) == 4401
    refused = client.get("/api/notifications/", headers=employee.headers)
    assert refused.status_code == 401
    assert refused.content_type == "application/problem+json"
    assert ws_connect(f"/ws/chat/{ticket}/", employee.token).wait_closed() == 4401


def test_a_revoked_grant_closes_the_sockets_and_others_stay_open(
    auth_app, admin_of, create_user, department, open_ticket, ws_connect
):
    employee = create_user(roles={"requestor": [department]}, department_id=department)
    colleague = create_user(roles={"requestor": [department]}, department_id=department)
    ticket = open_ticket(employee, colleague)
    chat, feed = _open_sockets(ws_connect, ticket, employee)
    colleague_chat = ws_connect(f"/ws/chat/{ticket}/", colleague.token)
    colleague_chat.recv_type("ready")

    _revoke_grant(auth_app, admin_of, employee, department)

    assert chat.wait_closed(timeout=3) == 4401
    assert feed.wait_closed(timeout=3) == 4401
    colleague_chat.send({"type": "ping"})
    assert colleague_chat.recv_type("pong") == {"type": "pong"}
