"""A create checks its department against the facts auth-service keeps in Redis, not over HTTP,
and a change made in auth-service decides the very next create."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from flask import Flask

from hdms_common.department_facts import department_key
from hdms_common.testing.plugin import redis_client


def _body(department: Any) -> dict[str, str]:
    return {"title": "Printer", "description": "Jammed", "department_id": str(department)}


@pytest.fixture
def app_without_auth_service(app: Flask, base_environ: dict[str, str]) -> Flask:
    """ticket-service whose auth-service cannot be reached (nothing listens there), on the
    database ``app`` migrated."""
    from ticket_service import create_app

    return create_app(
        environ={
            **base_environ,
            "AUTH_SERVICE_URL": "http://127.0.0.1:9",
            "FILE_SERVICE_URL": "http://127.0.0.1:9",
        }
    )


def test_a_create_needs_no_call_to_auth_service(app_without_auth_service, cast, auth_app):
    client = app_without_auth_service.test_client()
    headers = cast.requestor.headers
    response = client.post("/api/tickets/", json=_body(cast.department), headers=headers)
    assert response.status_code == 201, response.get_json()

    from auth_service.extensions import db as auth_db
    from auth_service.services.departments import deactivate_department

    with auth_app.app_context():
        deactivate_department(session=auth_db.session, department_id=cast.department)
        auth_db.session.commit()
    response = client.post("/api/tickets/", json=_body(cast.department), headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"department_id": ["Inactive department."]}


def test_a_change_in_auth_service_decides_the_next_create(client, cast, auth_service_url, fetch):
    admin = cast.admin
    department = f"{auth_service_url}/api/departments/{cast.department}"
    headers = cast.requestor.headers

    def create() -> Any:
        return client.post("/api/tickets/", json=_body(cast.department), headers=headers)

    assert create().status_code == 201
    answer = requests.patch(
        department, json={"is_active": False}, headers=admin.headers, timeout=10
    )
    assert answer.status_code == 200
    response = create()
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"department_id": ["Inactive department."]}

    answer = requests.patch(
        department, json={"is_active": True, "name": "Renamed"}, headers=admin.headers, timeout=10
    )
    assert answer.status_code == 200
    assert create().status_code == 201

    assert requests.delete(department, headers=admin.headers, timeout=10).status_code == 204
    assert create().status_code == 422
    assert fetch("SELECT count(*) FROM tickets") == [(2,)]


def test_facts_not_kept_are_asked_for_and_kept(client, cast, redis_server):
    cache = redis_client(redis_server, 0)
    cache.delete(department_key(cast.department))
    response = client.post(
        "/api/tickets/", json=_body(cast.department), headers=cast.requestor.headers
    )
    assert response.status_code == 201
    kept = json.loads(cache.get(department_key(cast.department)) or "{}")
    assert kept["id"] == str(cast.department)
    assert kept["is_active"] is True
    assert 0 < (cache.ttl(department_key(cast.department)) or 0) <= 60
