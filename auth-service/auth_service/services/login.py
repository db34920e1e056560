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


def _code(employee_code: str) -> str:
    return employee_code.strip().lower()


def _pair_key(employee_code: str, address: str) -> str:
    return f"auth:login:pair-fail:{address}:{_code(employee_code)}"


def _employee_key(employee_code: str) -> str:
    return f"auth:login:employee-fail:{_code(employee_code)}"


def _address_key(address: str) -> str:
    return f"auth:login:addr:{address}"


def _refuse(counters: CounterStore, key: str, detail: str) -> RateLimited:
    return RateLimited(detail, headers={"Retry-After": str(counters.ttl(key))})


def check_login_allowed(
    *, counters: CounterStore, throttle: LoginThrottle, employee_code: str, address: str
) -> None:
    """Count this attempt for the address and refuse when a limit is reached.

    Failures are limited per (employee code, address) pair, so that failures from one address
    never lock the employee out of another; the looser limit per employee code across all
    addresses still bounds guessing spread over many addresses. Runs before any database work
    so that no transaction is open while Redis is called.
    """
    address_key = _address_key(address)
    if counters.increment(address_key, throttle.window_seconds) > throttle.attempts_per_address:
        raise _refuse(
            counters, address_key, "Too many login attempts from this address; try again later."
        )
    pair_key = _pair_key(employee_code, address)
    if counters.get(pair_key) >= throttle.failures_per_pair:
        raise _refuse(
            counters,
            pair_key,
            "Too many failed logins for this employee code from this address; try again later.",
        )
    employee_key = _employee_key(employee_code)
    if counters.get(employee_key) >= throttle.failures_per_employee:
        raise _refuse(
            counters, employee_key, "Too many failed logins for this employee code; try later."
        )


def record_login_failure(
    *, counters: CounterStore, throttle: LoginThrottle, employee_code: str, address: str
) -> None:
    counters.increment(_pair_key(employee_code, address), throttle.window_seconds)
    counters.increment(_employee_key(employee_code), throttle.window_seconds)


def record_login_success(*, counters: CounterStore, employee_code: str, address: str) -> None:
    """Clear the pair's failures; the employee-wide count stays (it only ages out), so that a
    distributed guesser gains nothing from the employee's own logins."""
    counters.reset(_pair_key(employee_code, address))


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
