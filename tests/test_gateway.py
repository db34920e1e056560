"""The nginx gateway (nginx/hdms.conf.template) in front of real HDMS services."""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

import pytest
import requests

from hdms_common.testing.servers import NginxServer, free_port

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import gateway  # noqa: E402

ORIGIN = "https://desk.example.com"


@pytest.fixture
def gateway_url(tmp_path, auth_service_url):
    """nginx rendered from the template: auth-service live, the other upstreams down."""
    nowhere = f"127.0.0.1:{free_port()}"
    values = gateway.values_from_env(
        {
            "GATEWAY_LISTEN": "127.0.0.1:{listen_port}",
            "GATEWAY_ERROR_LOG": str(tmp_path / "error.log"),
            "GATEWAY_ACCESS_LOG": str(tmp_path / "access.log"),
            "CORS_ORIGINS": f"{ORIGIN},http://localhost:3000",
            "AUTH_UPSTREAM": auth_service_url.removeprefix("http://"),
            "TICKET_UPSTREAM": nowhere,
            "COMMUNICATION_UPSTREAM": nowhere,
            "WEBSOCKET_UPSTREAM": nowhere,
            "FILE_UPSTREAM": nowhere,
            "FILE_MAX_BYTES": "2048",
            "FILE_STORAGE_DIR": str(tmp_path / "files"),
        }
    )
    server = NginxServer(gateway.render(values))
    server.start()
    yield server.url, tmp_path / "access.log"
    server.close()


def test_routes_reach_auth_service_and_the_request_id_is_made_and_passed_on(
    gateway_url, create_user, create_department
):
    url, access_log = gateway_url
    department = create_department()
    user = create_user(roles={"requestor": [department]}, department_id=department)
    response = requests.post(
        f"{url}/api/auth/login-hdms",
        json={"employee_code": user.employee_code, "password": user.password},
        timeout=10,
    )
    assert response.status_code == 200
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    # nginx writes the access line in its log phase, just after the response has gone out.
    deadline = time.monotonic() + 5
    while request_id not in access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    line = json.loads(access_log.read_text().splitlines()[-1])
    assert line["request_id"] == request_id and line["status"] == 200


def test_a_callers_request_id_is_kept(gateway_url):
    url, _ = gateway_url
    response = requests.get(
        f"{url}/api/auth/me", headers={"X-Request-ID": "client-chosen-1"}, timeout=10
    )
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "client-chosen-1"
    assert response.json()["request_id"] == "client-chosen-1"


@pytest.mark.parametrize("path", ["/admin/secret", "/_gateway/bad-request", "/_gateway/not-found"])
def test_unknown_paths_are_problem_json_404(gateway_url, path):
    url, _ = gateway_url
    response = requests.get(f"{url}{path}", timeout=10)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("path", "status", "problem"),
    [
        ("/api/employees/ab%00cd", 400, "bad-request"),
        ("/api/employees/?q=" + "a" * 10_000, 414, "uri-too-long"),
    ],
)
def test_what_nginx_refuses_itself_is_problem_json(gateway_url, path, status, problem):
    url, _ = gateway_url
    response = requests.get(f"{url}{path}", headers={"Origin": ORIGIN}, timeout=10)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:hdms:problem:{problem}" and body["status"] == status
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_a_service_that_is_down_is_problem_json_503(gateway_url):
    url, _ = gateway_url
    response = requests.get(f"{url}/api/tickets/", timeout=20)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:hdms:problem:dependency-unavailable"


def test_cors_preflight_is_answered_at_the_gateway_for_allowed_origins_only(gateway_url):
    url, access_log = gateway_url
    allowed = requests.options(
        f"{url}/api/tickets/",
        timeout=10,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Idempotency-Key" in allowed.headers["Access-Control-Allow-Headers"]
    refused = requests.options(
        f"{url}/api/tickets/", headers={"Origin": "https://evil.example"}, timeout=10
    )
    assert "Access-Control-Allow-Origin" not in refused.headers
    # ticket-service is down in this test: the preflights never went to it.
    deadline = time.monotonic() + 5
    while len(access_log.read_text().splitlines()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [json.loads(line) for line in access_log.read_text().splitlines()]
    assert [(line["method"], line["status"], line["upstream"]) for line in lines] == [
        ("OPTIONS", 204, ""),
        ("OPTIONS", 204, ""),
    ]


def test_cors_headers_stay_on_error_responses(gateway_url):
    url, _ = gateway_url
    response = requests.get(f"{url}/api/auth/me", headers={"Origin": ORIGIN}, timeout=10)
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_oversized_upload_is_refused_by_nginx_with_problem_json_and_cors(gateway_url):
    url, _ = gateway_url
    response = requests.post(
        f"{url}/api/files/upload/",
        data=b"x" * 10_000,
        headers={"Origin": ORIGIN, "Content-Type": "application/octet-stream"},
        timeout=10,
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_json_is_gzipped_and_security_headers_are_set(gateway_url):
    url, _ = gateway_url
    response = requests.get(
        f"{url}/api/auth/openapi.json", headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.raw.read()))["openapi"].startswith("3.")
    for header, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
    ):
        assert response.headers[header] == value
    assert "Server" not in response.headers or "nginx/" not in response.headers["Server"]


def test_swagger_ui_and_its_files_come_through_the_gateway(gateway_url):
    url, _ = gateway_url
    page = requests.get(f"{url}/api/auth/docs", timeout=10)
    assert page.status_code == 200 and "/api/auth/docs/assets/swagger-ui-bundle.js" in page.text
    script = requests.get(f"{url}/api/auth/docs/assets/swagger-ui-bundle.js", timeout=10)
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text


def test_gateway_health(gateway_url):
    url, _ = gateway_url
    assert requests.get(f"{url}/healthz", timeout=10).json() == {
        "status": "ok",
        "service": "gateway",
    }


def test_render_refuses_a_malformed_cors_origin():
    with pytest.raises(ValueError):
        gateway.cors_origin_map("https://ok.example, javascript:alert(1)")
