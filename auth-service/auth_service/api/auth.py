"""/api/auth: login, refresh, logout, me.

The web application keeps the refresh token in the httpOnly cookie ``hdms_refresh`` (scoped to
/api/auth), never where JavaScript can read it; API clients keep using the JSON bodies.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, after_this_request, current_app, request
from werkzeug.http import dump_cookie

from auth_service.extensions import db
from auth_service.schemas.auth import (
    LoginResponseSchema,
    LoginSchema,
    LogoutSchema,
    RefreshSchema,
    TokenPairSchema,
)
from auth_service.schemas.employees import EmployeeSchema
from auth_service.services import employees, login, tokens
from hdms_common.api import Blueprint, ProblemSchema
from hdms_common.auth import auth_required, current_user
from hdms_common.errors import Unauthorized

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login and tokens")

REFRESH_COOKIE = "hdms_refresh"
COOKIE_PATH = "/api/auth"
#: The web application sends ``X-HDMS-Session: cookie``: the refresh token stays in the cookie.
SESSION_HEADER = "X-HDMS-Session"
SESSION_PARAMETER = {
    "in": "header",
    "name": SESSION_HEADER,
    "required": False,
    "schema": {"type": "string", "enum": ["cookie"]},
    "description": "`cookie`: leave the refresh token out of the body (it is in the cookie).",
}
SET_COOKIE = {
    "Set-Cookie": {
        "description": f"{REFRESH_COOKIE}=<refresh token>; HttpOnly; SameSite=Strict; "
        f"Path={COOKIE_PATH}; Max-Age=<refresh lifetime>; Secure over https",
        "schema": {"type": "string"},
    }
}
CLEAR_COOKIE = {
    "Set-Cookie": {
        "description": f"{REFRESH_COOKIE}=; Max-Age=0; Path={COOKIE_PATH} (the cookie is cleared)",
        "schema": {"type": "string"},
    }
}


def _refresh_lifetime() -> timedelta:
    lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    assert isinstance(lifetime, timedelta)
    return lifetime


def _is_https() -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.is_secure or forwarded == "https"


def _set_refresh_cookie(token: str, max_age: int) -> None:
    secure = _is_https()

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            REFRESH_COOKIE,
            token,
            max_age=max_age,
            path=COOKIE_PATH,
            secure=secure,
            httponly=True,
            samesite="Strict",
        )
        return response


def _cleared_cookie() -> str:
    return dump_cookie(
        REFRESH_COOKIE,
        "",
        max_age=0,
        path=COOKIE_PATH,
        secure=_is_https(),
        httponly=True,
        samesite="Strict",
    )


def _token_body(access: str, refresh: str) -> dict[str, str]:
    """The tokens of the JSON body; the refresh token also goes to the cookie."""
    _set_refresh_cookie(refresh, int(_refresh_lifetime().total_seconds()))
    if request.headers.get(SESSION_HEADER, "").strip().lower() == "cookie":
        return {"access": access}
    return {"access": access, "refresh": refresh}


def _presented_refresh_token(data: dict[str, str]) -> str | None:
    """The refresh token of the body, else of the cookie."""
    return data.get("refresh") or request.cookies.get(REFRESH_COOKIE) or None


@blp.route("/login-hdms", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, LoginResponseSchema, headers=SET_COOKIE)
@blp.alt_response(401, schema=ProblemSchema, description="Wrong credentials or no HDMS access")
@blp.alt_response(429, schema=ProblemSchema, description="Too many attempts")
@blp.doc(security=[], parameters=[SESSION_PARAMETER])
def login_hdms(data: dict[str, str]) -> dict[str, Any]:
    """Log in with employee code and password; only employees with an HDMS grant."""
    counters = current_app.extensions["hdms_login_counters"]
    throttle = current_app.extensions["hdms_login_throttle"]
    address = request.remote_addr or "unknown"
    code = data["employee_code"]
    login.check_login_allowed(
        counters=counters, throttle=throttle, employee_code=code, address=address
    )
    try:
        result = login.login_hdms(
            session=db.session,
            employee_code=code,
            password=data["password"],
            refresh_lifetime=_refresh_lifetime(),
        )
    except Exception:
        db.session.rollback()
        login.record_login_failure(
            counters=counters, throttle=throttle, employee_code=code, address=address
        )
        raise
    db.session.commit()
    login.record_login_success(counters=counters, employee_code=code, address=address)
    return {**_token_body(result.tokens.access, result.tokens.refresh), "user": result.employee}


@blp.route("/refresh", methods=["POST"])
@blp.arguments(RefreshSchema, required=False)
@blp.response(200, TokenPairSchema, headers=SET_COOKIE)
@blp.alt_response(401, schema=ProblemSchema, description="Invalid, expired or reused refresh token")
@blp.doc(security=[], parameters=[SESSION_PARAMETER])
def refresh(data: dict[str, str]) -> dict[str, str]:
    """Exchange a refresh token (body, else the hdms_refresh cookie) for a new pair; each
    refresh token works once."""
    token = _presented_refresh_token(data)
    if token is None:
        raise Unauthorized("No refresh token: give one in the body or the hdms_refresh cookie.")
    try:
        pair = tokens.rotate_refresh_token(
            session=db.session, refresh_token=token, refresh_lifetime=_refresh_lifetime()
        )
    except Unauthorized as error:
        if not data.get("refresh"):  # a cookie that no longer works is cleared
            error.headers["Set-Cookie"] = _cleared_cookie()
        raise
    db.session.commit()
    return _token_body(pair.access, pair.refresh)


@blp.route("/logout", methods=["POST"])
@blp.arguments(LogoutSchema, required=False)
@blp.response(
    204,
    description="The refresh token's login is revoked and the cookie cleared",
    headers=CLEAR_COOKIE,
)
@blp.doc(security=[])
def logout(data: dict[str, str]) -> None:
    """End a login: revoke the refresh token (body, else the hdms_refresh cookie) with the
    tokens rotated from it, and clear the cookie. Unknown or expired tokens are fine."""
    token = _presented_refresh_token(data)
    if token is not None:
        tokens.revoke_refresh_token(session=db.session, refresh_token=token)
        db.session.commit()
    _set_refresh_cookie("", 0)


@blp.route("/me", methods=["GET"])
@auth_required()
@blp.response(200, EmployeeSchema)
def me() -> Any:
    """The logged-in employee with their HDMS grants."""
    return employees.get_employee(session=db.session, employee_id=current_user().id)
