"""JWT verification and the current user, the same in every service.

Tokens are HS256 only, must carry exp, iat, jti, sub and type, and are checked with a small
leeway. A refresh token is never accepted where an access token is due. A token issued before
its employee's access was last taken away is revoked (:mod:`hdms_common.access`). Every failure
is a 401 problem+json (docs/api.md, "Authentication").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

import jwt as pyjwt
from flask import Flask, Response, g
from flask_jwt_extended import JWTManager, get_jwt, verify_jwt_in_request
from flask_jwt_extended.default_callbacks import default_decode_key_callback

from hdms_common.access import access_stamps, follow_access_changes, issued_at_ms
from hdms_common.config import Settings
from hdms_common.errors import Forbidden, Unauthorized, problem_response

REQUESTOR = "requestor"
MODERATOR = "moderator"
ASSIGNEE = "assignee"
ADMIN = "admin"
HDMS_ROLES = (REQUESTOR, MODERATOR, ASSIGNEE, ADMIN)

ALGORITHM = "HS256"
LEEWAY_SECONDS = 10
REQUIRED_CLAIMS = ("sub", "type", "iat", "exp", "jti")
REVOKED = "The token was revoked: its employee's access changed since it was issued."

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CurrentUser:
    """Who is calling, from the verified token's claims.

    ``scopes`` maps an HDMS role to the departments it was granted for (the ``hdms_scopes``
    claim). A token without it (an external auth service that only knows ``hdms_roles``) is
    read as holding each role in the user's own department.
    """

    id: uuid.UUID
    employee_code: str
    name: str
    department_id: uuid.UUID | None
    roles: frozenset[str]
    scopes: Mapping[str, frozenset[uuid.UUID]] = field(default_factory=dict)
    token: str = field(default="", repr=False)
    #: The token's ``iat`` in epoch milliseconds (revocation compares it with the stamps).
    issued_ms: int = 0

    @property
    def is_revoked(self) -> bool:
        """Whether this token's employee lost access after it was issued."""
        return access_stamps().is_revoked(self.id, self.issued_ms)

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def departments_for(self, role: str) -> frozenset[uuid.UUID]:
        """The departments in which this user holds ``role``."""
        if role not in self.roles:
            return frozenset()
        if role in self.scopes:
            return self.scopes[role]
        return frozenset({self.department_id}) if self.department_id else frozenset()

    def moderates(self, department_id: uuid.UUID | None) -> bool:
        return department_id is not None and department_id in self.departments_for(MODERATOR)

    def is_assignee_in(self, department_id: uuid.UUID | None) -> bool:
        return department_id is not None and department_id in self.departments_for(ASSIGNEE)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], token: str = "") -> CurrentUser:
        """Build from verified claims; malformed claims are a 401, never a 500."""
        try:
            roles = claims.get("hdms_roles") or []
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise ValueError("hdms_roles")
            raw_scopes = claims.get("hdms_scopes") or {}
            if not isinstance(raw_scopes, Mapping):
                raise ValueError("hdms_scopes")
            scopes = {
                str(role): frozenset(uuid.UUID(str(d)) for d in departments)
                for role, departments in raw_scopes.items()
            }
            department = claims.get("department_id")
            return cls(
                id=uuid.UUID(str(claims["sub"])),
                employee_code=str(claims.get("employee_code", "")),
                name=str(claims.get("name", "")),
                department_id=uuid.UUID(str(department)) if department else None,
                roles=frozenset(r for r in roles if r in HDMS_ROLES),
                scopes=scopes,
                token=token,
                issued_ms=issued_at_ms(claims.get("iat", 0)),
            )
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise Unauthorized("The token's claims are malformed.") from exc


def init_jwt(app: Flask, settings: Settings) -> JWTManager:
    """Configure flask-jwt-extended strictly and route its failures to problem+json."""
    app.config.update(
        JWT_SECRET_KEY=settings.jwt_secret_key,
        JWT_ALGORITHM=ALGORITHM,
        JWT_DECODE_ALGORITHMS=[ALGORITHM],
        JWT_DECODE_LEEWAY=LEEWAY_SECONDS,
        JWT_TOKEN_LOCATION=["headers"],
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(minutes=settings.access_token_minutes),
        JWT_REFRESH_TOKEN_EXPIRES=timedelta(days=settings.refresh_token_days),
        JWT_IDENTITY_CLAIM="sub",
    )
    manager = JWTManager(app)
    # Stamps older than an access token's lifetime (plus the leeway) can revoke nothing.
    lookback = settings.access_token_minutes * 60 + LEEWAY_SECONDS

    @app.before_request
    def _follow_access_changes() -> None:
        follow_access_changes(settings.redis_url, lookback_seconds=lookback)

    def _unauthorized(detail: str) -> Response:
        return problem_response(
            401, detail=detail, slug="unauthorized", headers={"WWW-Authenticate": "Bearer"}
        )

    @manager.unauthorized_loader
    def _missing(reason: str) -> Response:
        return _unauthorized("A bearer access token is required.")

    @manager.invalid_token_loader
    def _invalid(reason: str) -> Response:
        return _unauthorized("The token is invalid.")

    @manager.expired_token_loader
    def _expired(header: dict[str, Any], payload: dict[str, Any]) -> Response:
        return _unauthorized("The token has expired.")

    @manager.needs_fresh_token_loader
    def _not_fresh(header: dict[str, Any], payload: dict[str, Any]) -> Response:
        return _unauthorized("A fresh token is required.")

    @manager.revoked_token_loader
    def _revoked(header: dict[str, Any], payload: dict[str, Any]) -> Response:
        return _unauthorized("The token has been revoked.")

    @manager.user_lookup_error_loader
    def _lookup_failed(header: dict[str, Any], payload: dict[str, Any]) -> Response:
        return _unauthorized("The token's user is unknown.")

    @manager.decode_key_loader
    def _note_signed_claims(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        # The claims as signed, before flask-jwt-extended fills in a missing "type" (as
        # "access") or "jti": noted here, where it parses them anyway, for _user_from_request.
        g.hdms_signed_claims_complete = _complete_access_claims(payload)
        return default_decode_key_callback(header, payload)

    @manager.token_verification_loader
    def _has_required_claims(header: dict[str, Any], payload: dict[str, Any]) -> bool:
        return header.get("alg") == ALGORITHM and all(c in payload for c in REQUIRED_CLAIMS)

    @manager.token_verification_failed_loader
    def _claims_missing(header: dict[str, Any], payload: dict[str, Any]) -> Response:
        return _unauthorized("The token lacks required claims.")

    return manager


def current_user() -> CurrentUser:
    """The caller of this request; the view must be behind :func:`auth_required`."""
    user = getattr(g, "hdms_user", None)
    if user is None:
        verify_jwt_in_request()
        user = _user_from_request()
    return cast(CurrentUser, user)


def _complete_access_claims(claims: Mapping[str, Any]) -> bool:
    """Whether signed claims hold every required claim and are those of an access token."""
    return all(claim in claims for claim in REQUIRED_CLAIMS) and claims["type"] == "access"


def _user_from_request() -> CurrentUser:
    from flask import request

    header = request.headers.get("Authorization", "")
    token = header.split(" ", 1)[1].strip() if " " in header else ""
    # flask-jwt-extended fills in a missing "type" as "access" for foreign tokens; HDMS wants
    # every required claim present in the signed token itself (already verified above), as
    # noted while it was decoded (init_jwt's decode key loader).
    complete = g.pop("hdms_signed_claims_complete", None)
    if complete is None:
        complete = _complete_access_claims(pyjwt.decode(token, options={"verify_signature": False}))
    if not complete:
        raise Unauthorized("The token lacks required claims.")
    user = CurrentUser.from_claims(get_jwt(), token)
    if user.is_revoked:
        raise Unauthorized(REVOKED)
    g.hdms_user = user
    return user


def auth_required(*roles: str) -> Callable[[F], F]:
    """Require a valid access token and, if ``roles`` are given, one of them (or admin).

    A missing role is a 403: the endpoint itself is public knowledge, so saying so leaks
    nothing. Object-level checks (is this ticket yours?) belong to the service and answer 404.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            verify_jwt_in_request()
            user = _user_from_request()
            if not user.roles:
                raise Forbidden("This account has no HDMS access.")
            if roles and not user.is_admin and not any(user.has_role(r) for r in roles):
                raise Forbidden(f"This action needs one of the roles: {', '.join(roles)}.")
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def decode_access_token(token: str, secret: str) -> CurrentUser:
    """Verify a token outside flask-jwt-extended's request flow (WebSocket handshakes)."""
    if not token:
        raise Unauthorized("A bearer access token is required.")
    try:
        header = pyjwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("The token is invalid.")
        claims = pyjwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            leeway=LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except pyjwt.ExpiredSignatureError as exc:
        raise Unauthorized("The token has expired.") from exc
    except pyjwt.PyJWTError as exc:
        raise Unauthorized("The token is invalid.") from exc
    if claims.get("type") != "access":
        raise Unauthorized("An access token is required.")
    user = CurrentUser.from_claims(claims, token)
    if user.is_revoked:
        raise Unauthorized(REVOKED)
    return user


def build_claims(
    *,
    user_id: uuid.UUID,
    employee_code: str,
    name: str,
    department_id: uuid.UUID | None,
    grants: Iterable[tuple[str, uuid.UUID]],
) -> dict[str, Any]:
    """The HDMS claims of an access token, from (role, department_id) grants."""
    scopes: dict[str, set[str]] = {}
    for role, department in grants:
        scopes.setdefault(role, set()).add(str(department))
    return {
        "employee_code": employee_code,
        "name": name,
        "department_id": str(department_id) if department_id else None,
        "hdms_roles": sorted(scopes),
        "hdms_scopes": {role: sorted(ids) for role, ids in sorted(scopes.items())},
    }


def service_user_id(service: str) -> uuid.UUID:
    """The stable user id a service acts as when it calls another service on its own behalf."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"hdms-service:{service}")


def service_token(service: str, secret: str, *, lifetime: timedelta = timedelta(minutes=5)) -> str:
    """A short-lived admin token for calls a service makes with no user behind them.

    Background work (event consumers, sweeps) has no caller token to pass on. Services share
    JWT_SECRET_KEY already, so a token they sign for themselves adds no new trust; the
    ``service`` claim marks it in logs and audit rows.
    """
    claims = {
        "employee_code": f"svc-{service}",
        "name": service,
        "department_id": None,
        "hdms_roles": [ADMIN],
        "service": service,
    }
    return encode_token(
        subject=service_user_id(service), claims=claims, secret=secret, lifetime=lifetime
    )


def encode_token(
    *,
    subject: uuid.UUID | str,
    claims: Mapping[str, Any],
    secret: str,
    token_type: str = "access",  # noqa: S107 - a token type, not a secret
    lifetime: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
) -> str:
    """Sign a token with the same claim layout as auth-service (used by tests and tools)."""
    issued = now or datetime.now(UTC)
    payload = {
        **claims,
        "sub": str(subject),
        "type": token_type,
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return pyjwt.encode(payload, secret, algorithm=ALGORITHM)
