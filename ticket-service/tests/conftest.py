"""Fixtures of ticket-service's tests: the app on the session's PostgreSQL through PgBouncer,
auth-service live for department and grant checks, a cast of users, and ticket factories."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import psycopg2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from hdms_common.testing.plugin import TestUser, migrate_database


@pytest.fixture(scope="session")
def app(base_environ: dict[str, str], auth_service_url: str) -> Flask:
    from ticket_service import create_app
    from ticket_service.extensions import db

    environ = {
        **base_environ,
        "AUTH_SERVICE_URL": auth_service_url,
        # Nothing listens here: tests that need file-service live in the repository's tests/.
        "FILE_SERVICE_URL": "http://127.0.0.1:9",
        # Round the clock, so that SLA arithmetic in API tests does not depend on the weekday.
        "TICKET_SLA_WORKDAYS": "mon-sun",
        "TICKET_SLA_HOURS": "00:00-24:00",
    }
    application = create_app(environ=environ)
    migrate_database(application, db)
    return application


@pytest.fixture
def sqlite_app(tmp_path: Any, auth_service_url: str, jwt_secret: str) -> Flask:
    """ticket-service in the embedded mode: SQLite in a throwaway folder, migrated."""
    from ticket_service import create_app

    app = create_app(
        environ={
            "HDMS_ENV": "embedded",
            "HDMS_VAR_DIR": str(tmp_path),
            "AUTH_SERVICE_URL": auth_service_url,
            "JWT_SECRET_KEY": jwt_secret,
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
        }
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Cast:
    """Everyone a ticket test needs, in two departments, created on first use.

    Users whose grants ticket-service checks with auth-service (assignees, approvers) are real
    employees; the others only need a signed token, which is all ticket-service reads of them.
    """

    def __init__(
        self,
        create_department: Callable[..., uuid.UUID],
        create_user: Callable[..., TestUser],
        token_user: Callable[..., TestUser],
    ) -> None:
        self._create_user = create_user
        self._token_user = token_user
        self.department = create_department()
        self.other_department = create_department()

    def _token(self, **roles: list[uuid.UUID]) -> TestUser:
        return self._token_user(roles=roles, department_id=self.department)

    def _real(self, **roles: list[uuid.UUID]) -> TestUser:
        return self._create_user(roles=roles, department_id=self.department)

    @cached_property
    def requestor(self) -> TestUser:
        return self._token(requestor=[self.department])

    @cached_property
    def other_requestor(self) -> TestUser:
        return self._token(requestor=[self.department])

    @cached_property
    def moderator(self) -> TestUser:
        return self._token(moderator=[self.department], requestor=[self.department])

    @cached_property
    def other_moderator(self) -> TestUser:
        return self._token_user(
            roles={"moderator": [self.other_department]}, department_id=self.other_department
        )

    @cached_property
    def assignee(self) -> TestUser:
        return self._real(assignee=[self.department], requestor=[self.department])

    @cached_property
    def second_assignee(self) -> TestUser:
        return self._real(assignee=[self.department])

    @cached_property
    def other_assignee(self) -> TestUser:
        return self._create_user(
            roles={"assignee": [self.other_department]}, department_id=self.other_department
        )

    @cached_property
    def admin(self) -> TestUser:
        return self._real(admin=[self.department])

    def role(self, name: str) -> TestUser:
        return getattr(self, name)  # type: ignore[no-any-return]


@pytest.fixture
def cast(
    create_department: Callable[..., uuid.UUID],
    create_user: Callable[..., TestUser],
    token_user: Callable[..., TestUser],
) -> Cast:
    return Cast(create_department, create_user, token_user)


class Api:
    """Small verbs over the test client, so that tests read as sentences."""

    def __init__(self, client: FlaskClient, cast: Cast) -> None:
        self.client = client
        self.cast = cast

    def create(self, user: TestUser | None = None, **overrides: Any) -> dict[str, Any]:
        body = {
            "title": "Laptop does not boot",
            "description": "The screen stays black after the logo.",
            "department_id": str(self.cast.department),
            "priority": "high",
            "category": "hardware",
            **overrides,
        }
        response = self.client.post(
            "/api/tickets/", json=body, headers=(user or self.cast.requestor).headers
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def get(self, ticket: dict[str, Any], user: TestUser | None = None) -> dict[str, Any]:
        response = self.client.get(
            f"/api/tickets/{ticket['id']}", headers=(user or self.cast.admin).headers
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def act(self, ticket: dict[str, Any], action: str, user: TestUser, **payload: Any) -> Any:
        """POST /status with the ticket's current version; returns the response."""
        version = payload.pop("version", None) or self.get(ticket)["version"]
        return self.client.post(
            f"/api/tickets/{ticket['id']}/status",
            json={"action": action, "version": version, **payload},
            headers=user.headers,
        )

    def do(
        self, ticket: dict[str, Any], action: str, user: TestUser, **payload: Any
    ) -> dict[str, Any]:
        response = self.act(ticket, action, user, **payload)
        assert response.status_code == 200, (action, response.get_json())
        return response.get_json()  # type: ignore[no-any-return]

    def history(
        self, ticket: dict[str, Any], user: TestUser | None = None, verify: bool = False
    ) -> dict[str, Any]:
        url = f"/api/tickets/{ticket['id']}/history" + ("?verify=1" if verify else "")
        response = self.client.get(url, headers=(user or self.cast.admin).headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def in_state(self, state: str, **create: Any) -> dict[str, Any]:
        """A fresh ticket driven through the API into ``state``."""
        c = self.cast
        ticket = self.create(**create)
        later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
        steps: dict[str, list[tuple[str, TestUser, dict[str, Any]]]] = {
            "new": [],
            "under_review": [("review", c.moderator, {})],
            "assigned": [("assign", c.moderator, {"assignee_id": str(c.assignee.id)})],
            "in_progress": [
                ("assign", c.moderator, {"assignee_id": str(c.assignee.id)}),
                ("acknowledge", c.assignee, {}),
            ],
            "postponed": [
                ("postpone", c.moderator, {"reason": "Waiting for parts", "resume_at": later})
            ],
            "rejected": [("reject", c.moderator, {"reason": "Not our department"})],
            "cancelled": [("cancel", c.requestor, {})],
        }
        worked = steps["in_progress"]
        steps["waiting_approval"] = [
            *worked,
            ("request_approval", c.assignee, {"approver_ids": [str(c.admin.id)], "mode": "all"}),
        ]
        steps["resolved"] = [
            *worked,
            ("resolve", c.assignee, {"resolution_note": "Replaced the disk"}),
        ]
        steps["closed"] = [*steps["resolved"], ("close", c.requestor, {})]
        for action, user, payload in steps[state]:
            ticket = self.do(ticket, action, user, **payload)
        assert ticket["status"] == state
        return ticket


@pytest.fixture
def api(client: FlaskClient, cast: Cast) -> Api:
    return Api(client, cast)


@pytest.fixture
def api_on(cast: Cast) -> Callable[[FlaskClient], Api]:
    """The same verbs over another app's client (the embedded SQLite app)."""
    return lambda client: Api(client, cast)


@pytest.fixture
def database_url(postgres_server: Any) -> str:
    """The superuser URL of the session's PostgreSQL (straight, not through PgBouncer)."""
    return postgres_server.url  # type: ignore[no-any-return]


@pytest.fixture
def fetch(database_url: str) -> Callable[..., list[tuple[Any, ...]]]:
    """``fetch(sql, *params)``: rows read straight from the database, to check what is stored."""

    def run(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        connection = psycopg2.connect(database_url)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    return run


@pytest.fixture
def snapshot(fetch: Callable[..., list[tuple[Any, ...]]]) -> Callable[[dict[str, Any]], Any]:
    """The stored row, history and outbox of a ticket: equal before and after a refused call."""

    def take(ticket: dict[str, Any]) -> Any:
        ticket_id = ticket["id"]
        return (
            fetch("SELECT * FROM tickets WHERE id = %s", ticket_id),
            fetch("SELECT id, hash FROM audit_logs WHERE ticket_id = %s ORDER BY seq", ticket_id),
            fetch("SELECT count(*) FROM ticket_outbox WHERE payload->>'ticket_id' = %s", ticket_id),
            fetch("SELECT * FROM sub_tickets WHERE parent_id = %s ORDER BY id", ticket_id),
            fetch("SELECT * FROM approvals WHERE ticket_id = %s ORDER BY id", ticket_id),
        )

    return take
