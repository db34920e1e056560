"""Bad input is a 4xx problem+json in every service, never a 500 (docs/api.md, "Errors").

Each class of bad body is sent to one JSON operation of every service that takes a JSON body
(file-service takes multipart only), login included, through the real apps on the session's
PostgreSQL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import TestUser, migrate_database

PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Target:
    """One JSON operation: where it is, who calls it, a valid body and a text field of it."""

    service: str
    method: str
    path: str
    role: str | None
    body: dict[str, Any]
    text_field: str


TARGETS = [
    Target(
        "auth",
        "POST",
        "/api/auth/login-hdms",
        None,
        {"employee_code": "NOBODY1", "password": "not-the-password"},
        "employee_code",
    ),
    Target(
        "auth",
        "POST",
        "/api/departments/",
        "admin",
        {"name": "Bad input", "code": "BADIN"},
        "name",
    ),
    Target(
        "ticket",
        "POST",
        "/api/tickets/",
        "requestor",
        {"title": "Printer", "description": "It jams.", "department_id": "{department}"},
        "title",
    ),
    Target(
        "communication",
        "POST",
        "/api/chat/{ticket}/messages/",
        "requestor",
        {"body": "Hello"},
        "body",
    ),
]
IDS = [f"{t.service}:{t.path}" for t in TARGETS]


@dataclass
class World:
    apps: dict[str, Flask]
    department: uuid.UUID
    users: dict[str, TestUser]
    ticket: str

    def send(
        self,
        target: Target,
        data: bytes | str,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Any:
        # The chat checks access before the body (an outsider learns nothing): the requestor
        # posts in their own ticket's chat, so the body is what gets refused.
        path = target.path.replace("{ticket}", self.ticket)
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if target.role:
            all_headers.update(self.users[target.role].headers)
        client = self.apps[target.service].test_client()
        return client.open(path, method=target.method, data=data, headers=all_headers)

    def body(self, target: Target, **changes: Any) -> dict[str, Any]:
        body = {**target.body, **changes}
        return {k: (str(self.department) if v == "{department}" else v) for k, v in body.items()}


@pytest.fixture(scope="module")
def service_apps(
    auth_app: Flask, base_environ: dict[str, str], auth_service_url: str
) -> Iterator[dict[str, Flask]]:
    from communication_service import create_app as create_communication_app
    from communication_service.extensions import db as communication_db
    from ticket_service import create_app as create_ticket_app
    from ticket_service.extensions import db as ticket_db

    environ = {
        **base_environ,
        "AUTH_SERVICE_URL": auth_service_url,
        "TICKET_SERVICE_URL": "http://127.0.0.1:9",
        "FILE_SERVICE_URL": "http://127.0.0.1:9",
    }
    ticket_app = create_ticket_app(environ=environ)
    migrate_database(ticket_app, ticket_db)
    ticket_server = LiveServer(ticket_app).start()
    communication_app = create_communication_app(
        environ={**environ, "TICKET_SERVICE_URL": ticket_server.url}
    )
    migrate_database(communication_app, communication_db)
    yield {"auth": auth_app, "ticket": ticket_app, "communication": communication_app}
    ticket_server.stop()


@pytest.fixture
def world(
    service_apps: dict[str, Flask],
    create_department: Callable[..., uuid.UUID],
    create_user: Callable[..., TestUser],
) -> Iterator[World]:
    department = create_department()
    users = {
        "admin": create_user(roles={"admin": [department]}, department_id=department),
        "requestor": create_user(roles={"requestor": [department]}, department_id=department),
        "moderator": create_user(roles={"moderator": [department]}, department_id=department),
    }
    opened = (
        service_apps["ticket"]
        .test_client()
        .post(
            "/api/tickets/",
            json={
                "title": "Bad input",
                "description": "A chat to post in.",
                "department_id": str(department),
            },
            headers=users["requestor"].headers,
        )
    )
    assert opened.status_code == 201, opened.get_json()
    yield World(service_apps, department, users, opened.get_json()["id"])


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_deeply_nested_json_is_a_400_problem(world: World, target: Target) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    response = world.send(target, f'{{"{target.text_field}": {nested}}}')
    body = assert_problem(response, 400)
    assert "JSON" in body["detail"]


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_unclosed_deep_nesting_is_a_400_problem(world: World, target: Target) -> None:
    response = world.send(target, "[" * 100_000)
    assert_problem(response, 400)


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_integer_of_thousands_of_digits_is_a_400_problem(world: World, target: Target) -> None:
    response = world.send(target, '{{"{}": 1{}}}'.format(target.text_field, "0" * 5000))
    assert_problem(response, 400)


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_lone_surrogate_is_a_422_naming_the_field(world: World, target: Target) -> None:
    text = json.dumps(world.body(target))
    original = json.dumps(target.body[target.text_field])
    raw = text.replace(original, '"A\\ud800B"', 1)
    assert "\\ud800" in raw
    body = assert_problem(world.send(target, raw), 422)
    assert target.text_field in body["errors"]


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_nul_character_is_a_422_naming_the_field(world: World, target: Target) -> None:
    raw = json.dumps(world.body(target, **{target.text_field: "A\x00B"}))
    body = assert_problem(world.send(target, raw), 422)
    assert target.text_field in body["errors"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/x-www-form-urlencoded"],
)
@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_a_body_that_is_not_json_is_a_415_problem(
    world: World, target: Target, content_type: str
) -> None:
    data = {
        "text/plain": json.dumps(world.body(target)),
        "application/xml": "<ticket><title>x</title></ticket>",
        "application/x-www-form-urlencoded": "title=x&description=y",
    }[content_type]
    body = assert_problem(world.send(target, data, content_type=content_type), 415)
    assert "JSON" in body["detail"]


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_zero_width_only_text_is_blank(world: World, target: Target) -> None:
    invisible = "\u200b\u200c\u200d\u2060\ufeff"
    raw = json.dumps(world.body(target, **{target.text_field: invisible}))
    body = assert_problem(world.send(target, raw), 422)
    assert target.text_field in body["errors"]
