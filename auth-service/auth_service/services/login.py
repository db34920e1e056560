"""Login to HDMS with employee code and password, throttled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from auth_service.config import LoginThrottle
from auth_service.models import Employee
from auth_service.services.passwords import hash_password, needs_rehash, verify_password
from auth_service.services.throttle import CounterStore
from auth_service.services.tokens import TokenPair, issue_tokens
from hdms_common.db import DbSession
from hdms_common.errors import RateLimited, Unauthorized

INVALID_CREDENTIALS = "The employee code or password is wrong, or the account has no HDMS access."


@dataclass(frozen=True)
class LoginResult:
    tokens: TokenPair
    employee: Employee


def _employee_key(employee_code: str) -> str:
    return f"auth:login:fail:{employee_code.strip().lower()}"


def _address_key(address: str) -> str:
    return f"auth:login:addr:{address}"


def check_login_allowed(
    *, counters: CounterStore, throttle: LoginThrottle, employee_code: str, address: str
) -> None:
    """Count this attempt for the address and refuse when either limit is reached.

    Runs before any database work so that no transaction is open while Redis is called.
    """
    attempts = counters.increment(_address_key(address), throttle.window_seconds)
    if attempts > throttle.attempts_per_address:
        retry = counters.ttl(_address_key(address))
        raise RateLimited(
            "Too many login attempts from this address; try again later.",
            headers={"Retry-After": str(retry)},
        )
    if counters.get(_employee_key(employee_code)) >= throttle.failures_per_employee:
        retry = counters.ttl(_employee_key(employee_code))
        raise RateLimited(
            "Too many failed logins for this employee code; try again later.",
            headers={"Retry-After": str(retry)},
        )


def record_login_failure(
    *, counters: CounterStore, throttle: LoginThrottle, employee_code: str
) -> None:
    counters.increment(_employee_key(employee_code), throttle.window_seconds)


def record_login_success(*, counters: CounterStore, employee_code: str) -> None:
    counters.reset(_employee_key(employee_code))


def login_hdms(
    *, session: DbSession, employee_code: str, password: str, refresh_lifetime: timedelta
) -> LoginResult:
    """Check the credentials and HDMS access; wrong password and no grant are the same 401."""
    employee = session.scalar(
        sa.select(Employee).where(
            sa.func.lower(Employee.employee_code) == employee_code.strip().lower()
        )
    )
    valid = verify_password(employee.password_hash if employee else None, password)
    if employee is None or not valid or not employee.is_active or not employee.grants:
        raise Unauthorized(INVALID_CREDENTIALS)
    if needs_rehash(employee.password_hash):
        employee.password_hash = hash_password(password)
    tokens = issue_tokens(session=session, employee=employee, refresh_lifetime=refresh_lifetime)
    return LoginResult(tokens=tokens, employee=employee)
