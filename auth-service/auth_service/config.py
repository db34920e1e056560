"""auth-service settings: the shared ones plus the login throttle's limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hdms_common.config import Settings, environment, load_settings, read_int

SERVICE_NAME = "auth"


@dataclass(frozen=True)
class LoginThrottle:
    """What the login throttle allows per window (docs/api.md, "Login throttling").

    Failures count per (employee code, client address) pair, so that whoever guesses from one
    address cannot lock the employee out of their own address; a higher limit per employee
    code across every address slows guessing spread over many addresses; attempts per client
    address bound one address trying many codes.
    """

    failures_per_pair: int = 5
    failures_per_employee: int = 50
    attempts_per_address: int = 30
    window_seconds: int = 900


def load_auth_settings(environ: Mapping[str, str] | None = None) -> Settings:
    return load_settings(SERVICE_NAME, environ=environ)


def load_login_throttle(environ: Mapping[str, str] | None = None) -> LoginThrottle:
    env = environment(environ)
    return LoginThrottle(
        failures_per_pair=read_int(env, "AUTH_LOGIN_FAILURES_PER_PAIR", 5),
        failures_per_employee=read_int(env, "AUTH_LOGIN_FAILURES_PER_EMPLOYEE", 50),
        attempts_per_address=read_int(env, "AUTH_LOGIN_ATTEMPTS_PER_ADDRESS", 30),
        window_seconds=read_int(env, "AUTH_LOGIN_WINDOW_SECONDS", 900),
    )
