"""Tokens are verified strictly: every forgery or misuse is a 401 problem+json."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest

from hdms_common.auth import build_claims, encode_token

PROBLEM = "application/problem+json"


def _claims(user):
    return build_claims(
        user_id=user.id,
        employee_code=user.employee_code,
        name=user.name,
        department_id=user.department_id,
        grants=user.grants,
    )


def _assert_401(response):
    assert response.status_code == 401
    assert response.content_type == PROBLEM
    body = response.get_json()
    assert body["status"] == 401 and body["title"] == "Unauthorized"


def _me(client, token):
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_valid_token_is_accepted(client, requestor):
    assert _me(client, requestor.token).status_code == 200


def test_token_signed_with_another_key_is_401(client, requestor):
    forged = encode_token(subject=requestor.id, claims=_claims(requestor), secret="x" * 64)
    _assert_401(_me(client, forged))


def test_alg_none_token_is_401(client, requestor):
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(
        b"="
    )
    now = int(time.time())
    payload = {
        **_claims(requestor),
        "sub": str(requestor.id),
        "type": "access",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")
    _assert_401(_me(client, f"{header.decode()}.{body.decode()}."))


def test_hs512_token_with_the_right_key_is_401(client, auth_app, requestor):
    now = int(time.time())
    payload = {
        **_claims(requestor),
        "sub": str(requestor.id),
        "type": "access",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(payload, auth_app.config["JWT_SECRET_KEY"], algorithm="HS512")
    _assert_401(_me(client, token))


def test_expired_token_is_401_beyond_the_leeway(client, auth_app, requestor):
    from datetime import UTC, datetime, timedelta

    token = encode_token(
        subject=requestor.id,
        claims=_claims(requestor),
        secret=auth_app.config["JWT_SECRET_KEY"],
        now=datetime.now(UTC) - timedelta(minutes=20),
        lifetime=timedelta(minutes=5),
    )
    response = _me(client, token)
    _assert_401(response)
    assert "expired" in response.get_json()["detail"]


def test_refresh_token_used_as_access_token_is_401(client, requestor):
    tokens = client.post(
        "/api/auth/login-hdms",
        json={"employee_code": requestor.employee_code, "password": requestor.password},
    ).get_json()
    _assert_401(_me(client, tokens["refresh"]))


@pytest.mark.parametrize("missing", ["exp", "iat", "type", "jti"])
def test_token_without_a_required_claim_is_401(client, auth_app, requestor, missing):
    now = int(time.time())
    payload = {
        **_claims(requestor),
        "sub": str(requestor.id),
        "type": "access",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    del payload[missing]
    token = jwt.encode(payload, auth_app.config["JWT_SECRET_KEY"], algorithm="HS256")
    _assert_401(_me(client, token))


def test_tampered_payload_is_401(client, requestor):
    header, payload, signature = requestor.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["hdms_roles"] = ["admin"]
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _assert_401(_me(client, f"{header}.{tampered}.{signature}"))


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "Bearer \u00e9\u00e9"],
)
def test_missing_or_garbage_authorization_is_401(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    _assert_401(client.get("/api/auth/me", headers=headers))
