"""The refresh token as the httpOnly cookie hdms_refresh: set at login and refresh, used when the
body has none, rotated, and revoked and cleared by logout. Body-token clients are unchanged."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
COOKIE = "hdms_refresh"
WEB = {"X-HDMS-Session": "cookie"}


def _set_cookie(response):
    """The attributes of the hdms_refresh Set-Cookie header: {name: value}, lower-case names."""
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    first, *attributes = [part.strip() for part in header.split(";")]
    parsed = {"value": first.split("=", 1)[1]}
    for attribute in attributes:
        name, _, value = attribute.partition("=")
        parsed[name.lower()] = value
    return parsed


def _cookie_value(client):
    cookie = client.get_cookie(COOKIE, path="/api/auth")
    return cookie.value if cookie else None


def _me(client, access):
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {access}"})


@pytest.fixture
def web_login(client, requestor):
    """Log in as the web application does; returns the JSON body."""

    def post():
        response = client.post(
            "/api/auth/login-hdms",
            json={"employee_code": requestor.employee_code, "password": requestor.password},
            headers=WEB,
        )
        assert response.status_code == 200, response.get_json()
        return response

    return post


def test_login_sets_the_refresh_cookie_with_its_attributes(client, login, requestor, auth_app):
    response = login(requestor.employee_code, requestor.password)
    assert response.status_code == 200
    body = response.get_json()
    cookie = _set_cookie(response)
    assert cookie["value"] == body["refresh"]
    assert "httponly" in cookie
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/auth"
    lifetime = auth_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    assert int(cookie["max-age"]) == int(lifetime.total_seconds())
    assert "secure" not in cookie  # plain http


@pytest.mark.parametrize(
    "environ",
    [
        {"headers": {"X-Forwarded-Proto": "https"}},
        {"base_url": "https://localhost"},
    ],
)
def test_the_cookie_is_secure_over_https(client, requestor, environ):
    response = client.post(
        "/api/auth/login-hdms",
        json={"employee_code": requestor.employee_code, "password": requestor.password},
        **environ,
    )
    assert response.status_code == 200
    assert "secure" in _set_cookie(response)


def test_the_web_session_header_keeps_the_refresh_token_out_of_the_body(client, web_login):
    response = web_login()
    body = response.get_json()
    assert set(body) == {"access", "user"}
    assert _set_cookie(response)["value"] == _cookie_value(client)
    refreshed = client.post("/api/auth/refresh", headers=WEB)
    assert refreshed.status_code == 200
    assert set(refreshed.get_json()) == {"access"}


@pytest.mark.parametrize("body", ["none", "empty", "object"])
def test_refresh_without_a_body_token_uses_the_cookie_and_rotates_it(client, web_login, body):
    web_login()
    first = _cookie_value(client)
    kwargs = {"none": {}, "empty": {"data": b""}, "object": {"json": {}}}[body]
    response = client.post("/api/auth/refresh", headers=WEB, **kwargs)
    assert response.status_code == 200, response.get_json()
    second = _cookie_value(client)
    assert second and second != first
    assert _set_cookie(response)["value"] == second
    assert _me(client, response.get_json()["access"]).status_code == 200

    # The rotated-away token is refused when it comes back, and that revokes the new one too.
    client.set_cookie(COOKIE, first, path="/api/auth")
    reused = client.post("/api/auth/refresh")
    assert reused.status_code == 401
    assert reused.content_type == PROBLEM
    assert _set_cookie(reused)["max-age"] == "0"
    client.set_cookie(COOKIE, second, path="/api/auth")
    assert client.post("/api/auth/refresh").status_code == 401


def test_refresh_with_neither_body_nor_cookie_is_401(client):
    response = client.post("/api/auth/refresh")
    assert response.status_code == 401
    assert response.content_type == PROBLEM


def test_a_body_token_wins_over_the_cookie_and_keeps_the_body_shape(client, login, requestor):
    laptop = login(requestor.employee_code, requestor.password).get_json()
    phone = login(requestor.employee_code, requestor.password).get_json()  # cookie = phone's
    response = client.post("/api/auth/refresh", json={"refresh": laptop["refresh"]})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access", "refresh"}
    assert _set_cookie(response)["value"] == body["refresh"]
    # The phone's token was not touched.
    assert client.post("/api/auth/refresh", json={"refresh": phone["refresh"]}).status_code == 200


def test_logout_with_the_cookie_revokes_it_and_clears_the_cookie(client, web_login):
    web_login()
    token = _cookie_value(client)
    response = client.post("/api/auth/logout")
    assert response.status_code == 204
    assert response.data == b""
    cleared = _set_cookie(response)
    assert cleared["value"] == ""
    assert cleared["max-age"] == "0"
    assert cleared["path"] == "/api/auth"
    assert _cookie_value(client) is None
    refused = client.post("/api/auth/refresh", json={"refresh": token})
    assert refused.status_code == 401
    assert refused.content_type == PROBLEM


def test_logout_with_a_body_token_revokes_that_login_only(client, login, requestor):
    laptop = login(requestor.employee_code, requestor.password).get_json()
    phone = login(requestor.employee_code, requestor.password).get_json()
    rotated = client.post("/api/auth/refresh", json={"refresh": laptop["refresh"]}).get_json()
    client.delete_cookie(COOKIE, path="/api/auth")
    assert client.post("/api/auth/logout", json={"refresh": rotated["refresh"]}).status_code == 204
    assert client.post("/api/auth/refresh", json={"refresh": rotated["refresh"]}).status_code == 401
    assert client.post("/api/auth/refresh", json={"refresh": phone["refresh"]}).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"json": {}},
        {"json": {"refresh": "not-a-jwt"}},
        {"json": {"refresh": "a.b.c"}},
    ],
)
def test_logout_without_a_valid_token_is_still_204(client, kwargs):
    response = client.post("/api/auth/logout", **kwargs)
    assert response.status_code == 204
    assert _set_cookie(response)["max-age"] == "0"


def test_logout_twice_and_with_an_access_token_is_204(client, login, requestor):
    tokens = login(requestor.employee_code, requestor.password).get_json()
    assert client.post("/api/auth/logout", json={"refresh": tokens["refresh"]}).status_code == 204
    assert client.post("/api/auth/logout", json={"refresh": tokens["refresh"]}).status_code == 204
    assert client.post("/api/auth/logout", json={"refresh": tokens["access"]}).status_code == 204
    # The access token is not a refresh token: logout ignored it, the login stays revoked.
    assert client.post("/api/auth/refresh", json={"refresh": tokens["refresh"]}).status_code == 401


def test_logout_refuses_unknown_fields_as_a_problem(client):
    response = client.post("/api/auth/logout", json={"token": "x"})
    assert response.status_code == 422
    assert response.content_type == PROBLEM


def test_openapi_documents_the_cookie_session(client):
    spec = client.get("/api/auth/openapi.json").get_json()
    logout = spec["paths"]["/api/auth/logout"]["post"]
    assert "204" in logout["responses"]
    assert logout["security"] == []
    refresh = spec["paths"]["/api/auth/refresh"]["post"]
    assert refresh["requestBody"]["required"] is False
    assert any(p["name"] == "X-HDMS-Session" for p in refresh["parameters"])
    token_pair = spec["components"]["schemas"]["TokenPair"]
    assert token_pair["required"] == ["access"]
