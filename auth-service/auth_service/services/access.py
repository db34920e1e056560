"""Taking access away at once: the tokens_valid_after stamp and its announcement.

When an employee is deactivated, loses an HDMS grant or gets a new password, every access token
issued before that moment must stop working in every service (docs/architecture.md, "Access
revocation"). The operation stamps the employee in the same transaction as the change and
queues an ``employee.access_changed`` event on the session; :func:`commit_and_announce` commits
and only then announces the queued events (never while the transaction is open).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import redis
import sqlalchemy as sa

from auth_service.models import Employee
from hdms_common.access import (
    AccessChange,
    access_stamps,
    announce_access_change,
    epoch_ms,
    stamp_after,
)
from hdms_common.db import DbSession, utcnow
from hdms_common.errors import DependencyUnavailable

PENDING_KEY = "hdms_access_changes"


def revoke_issued_access_tokens(*, session: DbSession, employee: Employee) -> None:
    """Stamp the employee so that every access token issued until now is refused."""
    stamp = stamp_after(utcnow())
    if employee.tokens_valid_after is None or employee.tokens_valid_after < stamp:
        employee.tokens_valid_after = stamp
    pending: list[Employee] = session.info.setdefault(PENDING_KEY, [])
    if employee not in pending:
        pending.append(employee)


def issued_at_for(employee: Employee, now: datetime | None = None) -> float:
    """The ``iat`` of a token issued now, in seconds with millisecond precision.

    Never before the employee's stamp: a login right after a re-grant, within the very
    millisecond of the revocation, must get a token the stamp does not revoke.
    """
    millis = int((now or utcnow()).timestamp() * 1000)
    if employee.tokens_valid_after is not None:
        millis = max(millis, epoch_ms(employee.tokens_valid_after))
    return millis / 1000


def commit_and_announce(
    *, session: DbSession, redis_client: redis.Redis | None, request_id: str | None = None
) -> None:
    """Commit, then announce each access change the transaction made.

    This process refuses the old tokens at once; the others hear of it through the access
    stream (or the in-process bus). If Redis refuses the event, the change is stored but not
    yet enforced by the other processes: a 503, and repeating the request announces it again.
    """
    pending: list[Employee] = session.info.pop(PENDING_KEY, [])
    changes = [
        AccessChange(
            employee_id=employee.id,
            active=employee.is_active,
            hdms_roles=employee.hdms_roles,
            tokens_valid_after=employee.tokens_valid_after or utcnow(),
        )
        for employee in pending
    ]
    session.commit()
    for change in changes:
        try:
            announce_access_change(change, redis_client=redis_client, request_id=request_id)
        except redis.RedisError as exc:
            raise DependencyUnavailable(
                "The change is saved, but other services could not be told yet; send it again."
            ) from exc


def load_recent_stamps(*, session: DbSession, lookback: timedelta) -> int:
    """Put the stamps that can still revoke a token into this process (embedded start-up).

    The embedded mode has no Redis stream to replay: after a restart the stamps come from the
    employees table. Returns how many were loaded.
    """
    since = utcnow() - lookback
    rows = session.execute(
        sa.select(Employee.id, Employee.tokens_valid_after).where(
            Employee.tokens_valid_after > since
        )
    ).all()
    for employee_id, stamp in rows:
        if stamp is not None:
            access_stamps().record(employee_id, epoch_ms(stamp))
    return len(rows)
