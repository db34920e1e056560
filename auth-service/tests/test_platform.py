"""The shared platform as a client sees it through auth-service: pagination, idempotency,
request ids, problem+json for every error, and readiness that follows the database."""

from __future__ import annotations

import logging
import threading

import pytest
import requests

from auth_service import create_app

PROBLEM = "application/problem+json"


def _employee(department, code):
    return {
        "employee_code": code,
        "name": f"Person {code}",
        "password": "long-enough-password",
        "department_id": str(department),
    }


def test_pages_stay_correct_while_rows_are_inserted_between_them(client, admin, department):
    for i in range(7):
        client.post(
            "/api/employees/", json=_employee(department, f"P{i:03d}"), headers=admin.headers
        )
    seen, cursor, inserted = [], None, 0
    while True:
        url = "/api/employees/?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=admin.headers).get_json()
        seen += [item["employee_code"] for item in body["items"]]
        # New rows arrive between pages; newest-first keyset pages must neither repeat nor skip.
        client.post(
            "/api/employees/", json=_employee(department, f"LATE{inserted}"), headers=admin.headers
        )
        inserted += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert {f"P{i:03d}" for i in range(7)} <= set(seen)
    assert not any(code.startswith("LATE") for code in seen)


def test_tampered_cursor_is_a_400_problem(client, admin):
    response = client.get("/api/employees/?cursor=bm90LWEtY3Vyc29y", headers=admin.headers)
    assert response.status_code == 400 and response.content_type == PROBLEM
    assert "query.cursor" in response.get_json()["errors"]


@pytest.mark.parametrize("limit", ["0", "101", "abc"])
def test_out_of_range_limit_is_a_422_naming_the_query_field(client, admin, limit):
    response = client.get(f"/api/employees/?limit={limit}", headers=admin.headers)
    assert response.status_code == 422
    assert "query.limit" in response.get_json()["errors"]


def test_same_idempotency_key_and_body_replays_the_first_response(client, admin, department):
    body = _employee(department, "IDEM1")
    headers = {**admin.headers, "Idempotency-Key": "create-idem1"}
    first = client.post("/api/employees/", json=body, headers=headers)
    second = client.post("/api/employees/", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    listed = client.get("/api/employees/?q=IDEM1", headers=admin.headers).get_json()["items"]
    assert len(listed) == 1


def test_same_idempotency_key_with_another_body_is_422_and_creates_nothing(
    client, admin, department
):
    headers = {**admin.headers, "Idempotency-Key": "create-idem2"}
    client.post("/api/employees/", json=_employee(department, "IDEM2"), headers=headers)
    other = client.post("/api/employees/", json=_employee(department, "IDEM3"), headers=headers)
    assert other.status_code == 422 and other.content_type == PROBLEM
    assert client.get("/api/employees/?q=IDEM3", headers=admin.headers).get_json()["items"] == []


def test_a_failed_create_does_not_burn_its_idempotency_key(client, admin, department):
    headers = {**admin.headers, "Idempotency-Key": "retry-after-fix"}
    body = _employee(department, "IDEM4")
    assert (
        client.post(
            "/api/employees/", json={**body, "password": "short"}, headers=headers
        ).status_code
        == 422
    )
    # The client fixes the body and retries with the same key: it was not stored for the failure.
    assert client.post("/api/employees/", json=body, headers=headers).status_code == 201
    assert (
        client.post("/api/employees/", json=body, headers=headers).headers["Idempotent-Replayed"]
        == "true"
    )


def test_keys_are_scoped_per_user(client, admin, create_user, department):
    other_admin = create_user(roles={"admin": [department]}, department_id=department)
    a = client.post(
        "/api/departments/",
        json={"name": "Ops", "code": "OPS"},
        headers={**admin.headers, "Idempotency-Key": "same"},
    )
    b = client.post(
        "/api/departments/",
        json={"name": "Ops2", "code": "OPS2"},
        headers={**other_admin.headers, "Idempotency-Key": "same"},
    )
    assert a.status_code == b.status_code == 201


def test_concurrent_creates_with_one_key_create_one_row(auth_service_url, admin, department):
    body = _employee(department, "RACE1")
    headers = {**admin.headers, "Idempotency-Key": "race-key"}
    results: list[requests.Response] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        barrier.wait()
        results.append(
            requests.post(
                f"{auth_service_url}/api/employees/", json=body, headers=headers, timeout=30
            )
        )

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results)
    # The winner's response is replayed; a request that lost while the winner was finishing
    # may be told the key is still in progress. None says the employee code is taken.
    assert set(statuses) <= {201, 409}
    assert all("in progress" in r.json()["detail"] for r in results if r.status_code == 409)
    created_ids = {r.json()["id"] for r in results if r.status_code == 201}
    assert len(created_ids) == 1
    listed = requests.get(
        f"{auth_service_url}/api/employees/?q=RACE1", headers=admin.headers, timeout=10
    ).json()
    assert len(listed["items"]) == 1


def test_request_id_is_taken_echoed_and_logged(client, admin, caplog):
    caplog.set_level(logging.INFO, logger="hdms.access")
    response = client.get(
        "/api/auth/me", headers={**admin.headers, "X-Request-ID": "trace-abc-123"}
    )
    assert response.headers["X-Request-ID"] == "trace-abc-123"
    assert any(getattr(r, "request_id", None) == "trace-abc-123" for r in caplog.records)


def test_unsafe_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["X-Request-ID"] != "bad id\twith spaces"
    assert len(response.headers["X-Request-ID"]) == 32


def test_problem_bodies_carry_the_request_id(client):
    response = client.get("/api/employees/", headers={"X-Request-ID": "rid-42"})
    assert response.status_code == 401
    assert response.get_json()["request_id"] == "rid-42"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/nothing-here", 404),
        ("put", "/api/auth/me", 405),
        ("get", "/api/employees/not-a-uuid", 404),
    ],
)
def test_framework_errors_are_problem_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.content_type == PROBLEM
    assert response.get_json()["status"] == status


def test_unexpected_error_is_a_bare_500_without_internals(base_environ):
    app = create_app(environ=base_environ)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.content_type == PROBLEM
    assert "secret" not in response.get_data(as_text=True)


def test_oversized_body_is_413_problem(base_environ):
    app = create_app(environ=base_environ)
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = app.test_client().post(
        "/api/auth/login-hdms", data="x" * 1000, content_type="application/json"
    )
    assert response.status_code == 413 and response.content_type == PROBLEM


def test_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/auth/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/auth/login-hdms",
        "/api/auth/refresh",
        "/api/auth/me",
        "/api/employees/",
        "/api/departments/",
        "/api/hdms/grant-access",
    ):
        assert path in spec["paths"]
    assert client.get("/api/auth/docs").status_code == 200


def test_readyz_follows_postgresql_down_and_back(client, postgres_server):
    assert client.get("/readyz").status_code == 200
    postgres_server.stop()
    try:
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.content_type == PROBLEM
        assert down.get_json()["checks"]["database"] == "unavailable"
        assert client.get("/healthz").status_code == 200
    finally:
        postgres_server.start()
    assert client.get("/readyz").status_code == 200


def test_readyz_reports_redis_down(client, redis_server):
    redis_server.stop()
    try:
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.get_json()["checks"]["redis"] == "unavailable"
    finally:
        redis_server.start()
    assert client.get("/readyz").status_code == 200
