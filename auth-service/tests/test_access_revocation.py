"""Access tokens stop working at once when their employee loses access, not at their expiry."""

from __future__ import annotations

import time

import jwt

from hdms_common.events import Event
from hdms_common.testing.plugin import redis_client

PROBLEM = "application/problem+json"


def _me(client, token):
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})


def _revoke(client, admin, employee, department, roles=("requestor",)):
    return client.delete(
        "/api/hdms/grant-access",
        json={
            "employee_id": str(employee.id),
            "roles": list(roles),
            "department_ids": [str(department)],
        },
        headers=admin.headers,
    )


def _grant(client, admin, employee, department, roles=("requestor",)):
    return client.post(
        "/api/hdms/grant-access",
        json={
            "employee_id": str(employee.id),
            "roles": list(roles),
            "department_ids": [str(department)],
        },
        headers=admin.headers,
    )


def test_deactivation_refuses_the_employees_access_token_at_once(client, admin, requestor):
    assert _me(client, requestor.token).status_code == 200
    assert client.delete(f"/api/employees/{requestor.id}", headers=admin.headers).status_code == 204
    refused = _me(client, requestor.token)
    assert refused.status_code == 401
    assert refused.content_type == PROBLEM
    assert "revoked" in refused.get_json()["detail"]


def test_revoking_the_grant_refuses_the_access_token_that_carried_it(
    client, admin, requestor, department
):
    assert _revoke(client, admin, requestor, department).status_code == 200
    assert _me(client, requestor.token).status_code == 401


def test_revoking_one_of_two_grants_refuses_the_old_token_and_refresh_gives_a_working_one(
    client, admin, create_user, department, login
):
    employee = create_user(
        roles={"requestor": [department], "assignee": [department]}, department_id=department
    )
    tokens = login(employee.employee_code, employee.password).get_json()
    assert _revoke(client, admin, employee, department, roles=("assignee",)).status_code == 200
    assert _me(client, tokens["access"]).status_code == 401
    fresh = client.post("/api/auth/refresh", json={"refresh": tokens["refresh"]})
    assert fresh.status_code == 200
    assert _me(client, fresh.get_json()["access"]).status_code == 200


def test_a_new_password_refuses_earlier_access_tokens(client, admin, requestor):
    changed = client.patch(
        f"/api/employees/{requestor.id}",
        json={"password": "a-brand-new-password"},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert _me(client, requestor.token).status_code == 401


def test_granting_a_role_does_not_revoke_anything(client, admin, requestor, department):
    assert _grant(client, admin, requestor, department, roles=("assignee",)).status_code == 200
    assert _me(client, requestor.token).status_code == 200


def test_a_login_right_after_a_regrant_works_within_the_same_second(
    client, admin, requestor, department, login
):
    """The stamp is a whole millisecond after the revocation and tokens are never issued
    before it, so a same-second login is not mistaken for an old token."""
    for _ in range(3):  # several rounds, so that some fall within one second
        assert _revoke(client, admin, requestor, department).status_code == 200
        assert _grant(client, admin, requestor, department).status_code == 200
        tokens = login(requestor.employee_code, requestor.password).get_json()
        assert _me(client, tokens["access"]).status_code == 200


def test_the_access_token_iat_has_millisecond_precision(auth_app, login, requestor):
    from hdms_common.access import issued_at_ms

    token = login(requestor.employee_code, requestor.password).get_json()["access"]
    claims = jwt.decode(token, auth_app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert abs(claims["iat"] - time.time()) < 5
    assert issued_at_ms(claims["iat"]) == round(claims["iat"] * 1000)


def test_the_change_is_an_event_on_the_access_stream_that_another_process_follows(
    client, admin, requestor, redis_server
):
    """What another service process does: follow the stream into its own stamps."""
    from hdms_common.access import AccessStampFollower, AccessStamps, issued_at_ms
    from hdms_common.events import ACCESS_EVENTS_STREAM, EMPLOYEE_ACCESS_CHANGED

    redis = redis_client(redis_server)
    elsewhere = AccessStamps()
    follower = AccessStampFollower(redis, elsewhere, lookback_seconds=60)
    follower.catch_up()
    assert not elsewhere.is_revoked(requestor.id, 0)

    assert client.delete(f"/api/employees/{requestor.id}", headers=admin.headers).status_code == 204

    [(_, fields)] = redis.xrange(ACCESS_EVENTS_STREAM)
    event = Event.from_fields({k.decode(): v.decode() for k, v in fields.items()})
    assert event.type == EMPLOYEE_ACCESS_CHANGED
    assert event.payload["employee_id"] == str(requestor.id)
    assert event.payload["active"] is False
    assert event.payload["hdms_roles"] == ["requestor"]
    follower.read_once(block_ms=1000)
    token_iat = jwt.decode(requestor.token, options={"verify_signature": False})["iat"]
    assert elsewhere.is_revoked(requestor.id, issued_at_ms(token_iat))
