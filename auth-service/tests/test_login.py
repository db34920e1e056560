"""Login, refresh rotation with reuse detection, /me, and brute-force throttling."""

from __future__ import annotations

import jwt
import pytest

PROBLEM = "application/problem+json"


def test_requestor_logs_in_and_me_returns_them(client, login, requestor):
    response = login(requestor.employee_code, requestor.password)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["employee_code"] == requestor.employee_code
    assert body["user"]["hdms_roles"] == ["requestor"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access']}"})
    assert me.status_code == 200
    assert me.get_json()["id"] == str(requestor.id)


def test_access_token_carries_the_documented_claims(
    client, login, auth_app, create_user, department
):
    user = create_user(
        roles={"moderator": [department], "assignee": [department]}, department_id=department
    )
    body = login(user.employee_code, user.password).get_json()
    claims = jwt.decode(body["access"], auth_app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    for claim in (
        "sub",
        "employee_code",
        "name",
        "department_id",
        "hdms_roles",
        "type",
        "iat",
        "exp",
        "jti",
    ):
        assert claim in claims
    assert claims["type"] == "access"
    assert claims["hdms_roles"] == ["assignee", "moderator"]
    assert claims["hdms_scopes"] == {"assignee": [str(department)], "moderator": [str(department)]}


def test_employee_code_is_case_insensitive_at_login(login, requestor):
    assert login(requestor.employee_code.lower(), requestor.password).status_code == 200


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_wrong_password_is_401_problem(client, login, requestor, password):
    response = login(requestor.employee_code, password)
    if password == "":
        assert response.status_code == 422
    else:
        assert response.status_code == 401
        assert response.content_type == PROBLEM
        assert "access" not in response.get_json()


def test_unknown_employee_and_employee_without_grant_get_the_same_401(
    client, login, create_user, department
):
    no_grant = create_user(department_id=department)
    unknown = login("NOBODY", "whatever-password")
    without_grant = login(no_grant.employee_code, no_grant.password)
    assert unknown.status_code == without_grant.status_code == 401
    assert unknown.get_json()["detail"] == without_grant.get_json()["detail"]


def test_brute_force_on_one_employee_is_throttled_even_for_the_right_password(
    client, login, requestor
):
    for _ in range(5):
        assert login(requestor.employee_code, "guess-guess-guess").status_code == 401
    throttled = login(requestor.employee_code, requestor.password)
    assert throttled.status_code == 429
    assert throttled.content_type == PROBLEM
    assert int(throttled.headers["Retry-After"]) > 0


def test_successful_login_resets_the_failure_count(client, login, requestor):
    for _ in range(4):
        login(requestor.employee_code, "guess-guess-guess")
    assert login(requestor.employee_code, requestor.password).status_code == 200
    for _ in range(4):
        assert login(requestor.employee_code, "guess-guess-guess").status_code == 401
    assert login(requestor.employee_code, requestor.password).status_code == 200


def test_many_attempts_from_one_address_are_throttled(client, login, auth_app):
    limit = auth_app.extensions["hdms_login_throttle"].attempts_per_address
    codes = [login(f"X{i:04d}", "whatever-password").status_code for i in range(limit + 1)]
    assert codes[:limit] == [401] * limit
    assert codes[limit] == 429


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(client, login, requestor):
    first = login(requestor.employee_code, requestor.password).get_json()
    rotated = client.post("/api/auth/refresh", json={"refresh": first["refresh"]})
    assert rotated.status_code == 200
    second = rotated.get_json()
    assert second["refresh"] != first["refresh"]
    assert (
        client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {second['access']}"}
        ).status_code
        == 200
    )

    reused = client.post("/api/auth/refresh", json={"refresh": first["refresh"]})
    assert reused.status_code == 401
    assert reused.content_type == PROBLEM
    # The thief's replay revoked the legitimate newer token too.
    assert client.post("/api/auth/refresh", json={"refresh": second["refresh"]}).status_code == 401


def test_access_token_is_refused_at_refresh(client, login, requestor):
    tokens = login(requestor.employee_code, requestor.password).get_json()
    response = client.post("/api/auth/refresh", json={"refresh": tokens["access"]})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    # No refresh token at all (no body field, no cookie) is an unauthenticated call; an empty
    # string is a field that is there but invalid.
    [({"refresh": "not-a-jwt"}, 401), ({"refresh": ""}, 422), ({}, 401), (None, 401)],
)
def test_refresh_with_bad_input_is_4xx(client, body, status):
    response = client.post("/api/auth/refresh", json=body)
    assert response.status_code == status, response.get_json()
    assert response.content_type == PROBLEM


def test_login_with_a_nul_character_is_422_and_names_the_field(client, requestor):
    response = client.post(
        "/api/auth/login-hdms",
        json={"employee_code": requestor.employee_code + "\x00", "password": requestor.password},
    )
    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert response.get_json()["errors"] == {"employee_code": ["Must not contain NUL characters."]}


def test_other_login_sessions_survive_one_family_revocation(client, login, requestor):
    laptop = login(requestor.employee_code, requestor.password).get_json()
    phone = login(requestor.employee_code, requestor.password).get_json()
    client.post("/api/auth/refresh", json={"refresh": laptop["refresh"]})
    client.post(
        "/api/auth/refresh", json={"refresh": laptop["refresh"]}
    )  # reuse: laptop family revoked
    assert client.post("/api/auth/refresh", json={"refresh": phone["refresh"]}).status_code == 200


def _login_from(client, address, code, password):
    return client.post(
        "/api/auth/login-hdms",
        json={"employee_code": code, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_failures_from_one_address_do_not_lock_the_employee_out_of_another(client, requestor):
    for _ in range(5):
        assert (
            _login_from(client, "10.9.0.66", requestor.employee_code, "guess-guess").status_code
            == 401
        )
    attacker = _login_from(client, "10.9.0.66", requestor.employee_code, requestor.password)
    assert attacker.status_code == 429
    assert attacker.content_type == PROBLEM
    assert int(attacker.headers["Retry-After"]) > 0
    owner = _login_from(client, "10.9.0.7", requestor.employee_code, requestor.password)
    assert owner.status_code == 200


def test_failures_spread_over_many_addresses_hit_the_per_employee_limit(
    client, requestor, auth_app, monkeypatch
):
    from auth_service.config import LoginThrottle

    monkeypatch.setitem(
        auth_app.extensions,
        "hdms_login_throttle",
        LoginThrottle(failures_per_pair=2, failures_per_employee=6, attempts_per_address=30),
    )
    codes = [
        _login_from(client, f"10.8.0.{n // 2}", requestor.employee_code, "guess-guess").status_code
        for n in range(6)
    ]
    assert codes == [401] * 6
    throttled = _login_from(client, "10.8.0.99", requestor.employee_code, requestor.password)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "employee code" in throttled.get_json()["detail"]
