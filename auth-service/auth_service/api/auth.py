"""/api/auth: login, refresh, me."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from auth_service.extensions import db
from auth_service.schemas.auth import (
    LoginResponseSchema,
    LoginSchema,
    RefreshSchema,
    TokenPairSchema,
)
from auth_service.schemas.employees import EmployeeSchema
from auth_service.services import employees, login, tokens
from hdms_common.api import Blueprint
from hdms_common.auth import auth_required, current_user

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login and tokens")


def _refresh_lifetime() -> Any:
    return current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]


@blp.route("/login-hdms", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, LoginResponseSchema)
@blp.alt_response(401, description="Wrong credentials or no HDMS access")
@blp.alt_response(429, description="Too many attempts")
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
        login.record_login_failure(counters=counters, throttle=throttle, employee_code=code)
        raise
    db.session.commit()
    login.record_login_success(counters=counters, employee_code=code)
    return {
        "access": result.tokens.access,
        "refresh": result.tokens.refresh,
        "user": result.employee,
    }


@blp.route("/refresh", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(200, TokenPairSchema)
@blp.alt_response(401, description="Invalid, expired or reused refresh token")
def refresh(data: dict[str, str]) -> dict[str, str]:
    """Exchange a refresh token for a new pair; each refresh token works once."""
    pair = tokens.rotate_refresh_token(
        session=db.session, refresh_token=data["refresh"], refresh_lifetime=_refresh_lifetime()
    )
    db.session.commit()
    return {"access": pair.access, "refresh": pair.refresh}


@blp.route("/me", methods=["GET"])
@auth_required()
@blp.response(200, EmployeeSchema)
def me() -> Any:
    """The logged-in employee with their HDMS grants."""
    return employees.get_employee(session=db.session, employee_id=current_user().id)
