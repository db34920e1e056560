"""pytest plugin shared by every HDMS test suite: real servers, migrated schemas, users.

Session fixtures start PostgreSQL, PgBouncer, Redis (and, when asked, clamd) on free loopback
ports. Each service's conftest builds its app from :func:`stack_environ` and calls
:func:`migrate_database`; after every test the tables of every migrated app are truncated and
Redis is flushed. Truncation rather than a rolled-back outer transaction, because the services
are exercised through live HTTP servers and real concurrent clients, which can only see
committed rows.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg2
import pytest
import redis as redis_lib
from flask import Flask
from flask_migrate import upgrade
from flask_sqlalchemy import SQLAlchemy

# Shared assertion helpers: rewritten like test modules, so a failure shows its values.
pytest.register_assert_rewrite("hdms_common.testing.downloads")

from hdms_common.auth import build_claims, encode_token  # noqa: E402
from hdms_common.testing.live import LiveServer  # noqa: E402

_MIGRATED: list[tuple[Flask, SQLAlchemy]] = []


def migrate_database(app: Flask, db: SQLAlchemy) -> None:
    """Apply the service's Alembic migrations (never create_all) and clean its tables per test."""
    with app.app_context():
        upgrade()
    if all(existing is not app for existing, _ in _MIGRATED):
        _MIGRATED.append((app, db))


def _table_names() -> list[str]:
    names: list[str] = []
    for app, db in _MIGRATED:
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            names.extend(t.name for t in db.metadata.sorted_tables)
    return names


@dataclass
class Servers:
    """The running servers of this test session (started lazily, stopped at the end)."""

    postgres: Any = None
    pgbouncer: Any = None
    redis: Any = None
    clamd: Any = None
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))


_SERVERS = Servers()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A real PostgreSQL with an empty hdms_db, for this session."""
    from hdms_run.servers import PostgresServer

    server = PostgresServer()
    server.start()
    _SERVERS.postgres = server
    yield server
    server.close()


@pytest.fixture(scope="session")
def pgbouncer_server(postgres_server: Any) -> Iterator[Any]:
    """PgBouncer in transaction mode in front of :func:`postgres_server`."""
    from hdms_run.servers import PgBouncerServer

    server = PgBouncerServer(postgres_server)
    server.start()
    _SERVERS.pgbouncer = server
    yield server
    server.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    """A real Redis (nothing persisted), flushed after every test."""
    from hdms_run.servers import RedisServer

    server = RedisServer()
    server.start()
    _SERVERS.redis = server
    yield server
    server.close()


@pytest.fixture(scope="session")
def clamd_server() -> Iterator[Any]:
    """A real clamd whose only signatures detect the EICAR test file."""
    from hdms_run.servers import ClamdServer

    server = ClamdServer()
    server.start()
    _SERVERS.clamd = server
    yield server
    server.close()


@pytest.fixture(scope="session")
def jwt_secret() -> str:
    """The session's random JWT secret, shared by every service app like in production."""
    return _SERVERS.jwt_secret


def stack_environ(
    postgres: Any, pgbouncer: Any, redis_server: Any, jwt_secret: str, **extra: str
) -> dict[str, str]:
    """Environment for a service app in the tests: the stack mode on the session's servers."""
    environ = {
        "HDMS_ENV": "stack",
        "DATABASE_URL": postgres.url,
        "PGBOUNCER_URL": pgbouncer.url,
        "REDIS_URL": redis_server.url,
        "JWT_SECRET_KEY": jwt_secret,
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "WARNING",
    }
    environ.update(extra)
    return environ


@pytest.fixture(scope="session")
def base_environ(
    postgres_server: Any, pgbouncer_server: Any, redis_server: Any, jwt_secret: str
) -> dict[str, str]:
    """:func:`stack_environ` for the session's servers; conftests add service URLs to it."""
    return stack_environ(postgres_server, pgbouncer_server, redis_server, jwt_secret)


@pytest.fixture(autouse=True)
def _hdms_clean_state() -> Iterator[None]:
    """After each test: empty every migrated table and flush Redis."""
    yield
    tables = _table_names()
    if tables and _SERVERS.postgres is not None and _SERVERS.postgres.running:
        connection = psycopg2.connect(_SERVERS.postgres.url)
        try:
            with connection, connection.cursor() as cursor:
                quoted = ", ".join(f'"{name}"' for name in tables)
                cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")  # noqa: S608
        finally:
            connection.close()
    if _SERVERS.redis is not None:
        try:
            for db_index in range(3):
                redis_lib.Redis(
                    host=_SERVERS.redis.host, port=_SERVERS.redis.port, db=db_index
                ).flushdb()
        except redis_lib.RedisError:
            pass


@pytest.fixture
def live_server_factory() -> Iterator[Callable[[Any], LiveServer]]:
    """Start any WSGI app on a free port for one test; all are stopped after it."""
    started: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = LiveServer(app).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# --- users and tokens ------------------------------------------------------------------------


@dataclass
class TestUser:
    """A user as tests see it: who they are, how to log in, and ready-made headers."""

    __test__ = False

    id: uuid.UUID
    employee_code: str
    name: str
    department_id: uuid.UUID | None
    grants: list[tuple[str, uuid.UUID]]
    token: str
    password: str = ""

    @property
    def roles(self) -> set[str]:
        return {role for role, _ in self.grants}

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_token_user(
    secret: str,
    *,
    roles: dict[str, list[uuid.UUID]] | None = None,
    department_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    name: str = "Test User",
    employee_code: str | None = None,
) -> TestUser:
    """A user that exists only as a signed token (for services that only verify tokens)."""
    user_id = user_id or uuid.uuid4()
    department_id = department_id or uuid.uuid4()
    grants = [
        (role, d)
        for role, departments in (roles or {"requestor": [department_id]}).items()
        for d in departments
    ]
    code = employee_code or f"E{user_id.hex[:6].upper()}"
    claims = build_claims(
        user_id=user_id, employee_code=code, name=name, department_id=department_id, grants=grants
    )
    token = encode_token(subject=user_id, claims=claims, secret=secret)
    return TestUser(user_id, code, name, department_id, grants, token)


@pytest.fixture
def token_user(jwt_secret: str) -> Callable[..., TestUser]:
    """``token_user(roles={"moderator": [dept]})``: a signed token for a user of those grants."""

    def factory(**kwargs: Any) -> TestUser:
        return make_token_user(jwt_secret, **kwargs)

    return factory


def redis_client(server: Any, db: int = 0) -> redis_lib.Redis:
    """A client to the session's Redis, database ``db``."""
    return redis_lib.Redis(host=server.host, port=server.port, db=db)
