"""Access and refresh tokens: issue, rotate, and detect reuse of a rotated refresh token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
import sqlalchemy as sa
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException

from auth_service.models import Employee, RefreshToken
from auth_service.services.access import issued_at_for
from hdms_common.auth import build_claims
from hdms_common.db import DbSession, utcnow
from hdms_common.errors import Unauthorized


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def issue_tokens(
    *,
    session: DbSession,
    employee: Employee,
    refresh_lifetime: timedelta,
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    """Sign an access token with the employee's current grants and a refresh token of a family."""
    claims = build_claims(
        user_id=employee.id,
        employee_code=employee.employee_code,
        name=employee.name,
        department_id=employee.department_id,
        grants=employee.grant_pairs,
    )
    # iat in milliseconds, never before the employee's revocation stamp (hdms_common.access).
    claims["iat"] = issued_at_for(employee)
    access = create_access_token(identity=str(employee.id), additional_claims=claims)
    family = family_id or uuid.uuid4()
    refresh = create_refresh_token(
        identity=str(employee.id), additional_claims={"family_id": str(family)}
    )
    jti = decode_token(refresh)["jti"]
    session.add(
        RefreshToken(
            jti=jti,
            family_id=family,
            employee_id=employee.id,
            expires_at=utcnow() + refresh_lifetime,
        )
    )
    session.flush()
    return TokenPair(access=access, refresh=refresh)


def rotate_refresh_token(
    *, session: DbSession, refresh_token: str, refresh_lifetime: timedelta
) -> TokenPair:
    """Exchange a refresh token for a new pair, exactly once.

    The used-marker is set with a conditional UPDATE, so of two concurrent refreshes with one
    token only one wins. Presenting an already used token revokes its whole family: either the
    client or a thief holds a newer token, and we cannot tell which.
    """
    claims = decode_token(refresh_token)
    if claims.get("type") != "refresh":
        raise Unauthorized("A refresh token is required.")
    jti = str(claims["jti"])
    now = utcnow()
    marked = session.execute(
        sa.update(RefreshToken)
        .where(
            RefreshToken.jti == jti,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
        )
        .values(used_at=now)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        row = session.get(RefreshToken, jti)
        if row is not None and row.used_at is not None:
            revoke_family(session=session, family_id=row.family_id)
            session.commit()
            raise Unauthorized("This refresh token was already used; its sessions are revoked.")
        raise Unauthorized("The refresh token is not valid.")
    row = session.get(RefreshToken, jti)
    assert row is not None
    employee = session.get(Employee, row.employee_id)
    if employee is None or not employee.is_active or not employee.grants:
        raise Unauthorized("This account has no HDMS access.")
    return issue_tokens(
        session=session,
        employee=employee,
        refresh_lifetime=refresh_lifetime,
        family_id=row.family_id,
    )


def revoke_refresh_token(*, session: DbSession, refresh_token: str) -> bool:
    """Log out: revoke the login (the token's family) of a refresh token we issued.

    An expired token still ends its login; a token that is not ours, not a refresh token or
    unreadable is ignored. Returns whether a login was found.
    """
    try:
        claims = decode_token(refresh_token, allow_expired=True)
    except (jwt.PyJWTError, JWTExtendedException):
        return False
    if claims.get("type") != "refresh":
        return False
    row = session.get(RefreshToken, str(claims.get("jti")))
    if row is None:
        return False
    revoke_family(session=session, family_id=row.family_id)
    return True


def revoke_family(*, session: DbSession, family_id: uuid.UUID) -> None:
    """Revoke every token of one login's family."""
    session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_employee_tokens(*, session: DbSession, employee_id: uuid.UUID) -> None:
    """Revoke every refresh token of an employee (deactivation, password change)."""
    session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.employee_id == employee_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
