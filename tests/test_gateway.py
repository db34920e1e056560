"""The nginx gateway (nginx/hdms.conf.template) in front of real HDMS services, serving the web
application's static export at / (a small fake one: tests/web_export.py)."""

from __future__ import annotations

import gzip
import json
import socket
import time

import pytest
import requests
from web_export import ASSET, STYLE, make_fake_export

from hdms_run import gateway
from hdms_run.servers import NginxServer, free_port

ORIGIN = "https://desk.example.com"


@pytest.fixture
def gateway_url(tmp_path, auth_service_url):
    """nginx rendered from the template: auth-service live, the other upstreams down."""
    nowhere = f"127.0.0.1:{free_port()}"
    web_root = make_fake_export(tmp_path / "web" / "out")
    values = gateway.values_from_env(
        {
            "GATEWAY_LISTEN": "127.0.0.1:{listen_port}",
            "GATEWAY_WEB_ROOT": str(web_root),
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


@pytest.mark.parametrize(
    "path",
    [
        "/api/admin/secret",
        "/api",
        "/api/",
        "/api/no-such-service/x",
        "/_gateway/bad-request",
        "/_gateway/not-found",
        "/_protected_files/x",
    ],
)
def test_unknown_api_paths_are_problem_json_404(gateway_url, path):
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


# --- the web application at / -----------------------------------------------------------------

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def _has_the_common_headers(response, origin=None):
    for header, value in SECURITY_HEADERS.items():
        assert response.headers[header] == value, header
    assert len(response.headers["X-Request-ID"]) >= 16
    if origin:
        assert response.headers["Access-Control-Allow-Origin"] == origin


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", "home page"),
        ("/sign-in", "sign-in page"),
        ("/sign-in.html", "sign-in page"),
        ("/tickets/view?id=3f2a", "ticket view page"),
    ],
)
def test_pages_are_served_with_csp_no_cache_and_the_security_headers(gateway_url, path, marker):
    url, _ = gateway_url
    response = requests.get(f"{url}{path}", headers={"Origin": ORIGIN}, timeout=10)
    assert response.status_code == 200 and marker in response.text
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    _has_the_common_headers(response, ORIGIN)
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    host = url.removeprefix("http://")
    assert f"connect-src 'self' ws://{host} wss://{host};" in csp


def test_pages_revalidate_with_their_etag(gateway_url):
    url, _ = gateway_url
    page = requests.get(f"{url}/sign-in", timeout=10)
    again = requests.get(
        f"{url}/sign-in", headers={"If-None-Match": page.headers["ETag"]}, timeout=10
    )
    assert again.status_code == 304


def test_hashed_assets_are_immutable_and_keep_the_security_headers(gateway_url):
    url, _ = gateway_url
    for path, kind in ((ASSET, "text/javascript"), (STYLE, "text/css")):
        response = requests.get(f"{url}/{path}", headers={"Origin": ORIGIN}, timeout=10)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(kind)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        _has_the_common_headers(response, ORIGIN)


def test_scripts_are_gzipped(gateway_url):
    url, _ = gateway_url
    response = requests.get(f"{url}/{ASSET}", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("path", ["/no/such/page", "/admin/secret", "/_next/static/missing.js"])
def test_unknown_web_paths_are_the_404_page(gateway_url, path):
    url, _ = gateway_url
    response = requests.get(f"{url}{path}", headers={"Origin": ORIGIN}, timeout=10)
    assert response.status_code == 404 and "not found page" in response.text
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"  # never cached for good
    _has_the_common_headers(response, ORIGIN)
    assert "Content-Security-Policy" in response.headers


def _raw(url: str, path: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize(
    ("path", "status"),
    [
        # A path that climbs above the root cannot be read as a path at all: 400.
        (b"/../secret.txt", b"400"),
        (b"/../../../../etc/passwd", b"400"),
        (b"/%2e%2e/secret.txt", b"400"),
        (b"/%2e%2e%2fsecret.txt", b"400"),
        (b"/_next/static/%2e%2e/%2e%2e/%2e%2e/secret.txt", b"400"),
        (b"/sign-in%00.html", b"400"),
        # A dotfile is not there for a client: 404.
        (b"/.build-stamp", b"404"),
    ],
)
def test_nothing_outside_the_web_root_nor_a_dotfile_is_served(gateway_url, path, status):
    url, _ = gateway_url
    data = _raw(url, path)
    assert data.split(b"\r\n", 1)[0].split(b" ")[1] == status, data[:200]
    assert b"outside the web root" not in data and b"root:" not in data


def test_without_a_web_application_the_root_is_a_problem_404(tmp_path):
    nowhere = f"127.0.0.1:{free_port()}"
    values = gateway.values_from_env(
        {
            "GATEWAY_LISTEN": "127.0.0.1:{listen_port}",
            "GATEWAY_WEB_ROOT": str(tmp_path / "not-built"),
            "GATEWAY_ERROR_LOG": str(tmp_path / "error.log"),
            "GATEWAY_ACCESS_LOG": str(tmp_path / "access.log"),
            **{
                f"{name}_UPSTREAM": nowhere
                for name in ("AUTH", "TICKET", "COMMUNICATION", "WEBSOCKET", "FILE")
            },
        }
    )
    server = NginxServer(gateway.render(values))
    server.start()
    try:
        for path in ("/", "/sign-in", "/_next/static/x.js"):
            response = requests.get(f"{server.url}{path}", timeout=10)
            assert response.status_code == 404, path
            assert response.headers["Content-Type"] == "application/problem+json", path
            assert response.json()["status"] == 404
    finally:
        server.close()


def test_every_location_with_headers_of_its_own_repeats_the_common_ones():
    """A location's add_header replaces the server's: each one that adds any repeats them."""
    text = gateway.render(gateway.values_from_env({}))
    server = text[text.index("    server {") :]
    blocks = server.split("location ")[1:]
    with_headers = [block for block in blocks if "add_header" in block.split("}")[0]]
    assert len(with_headers) >= 3
    for block in with_headers:
        body = block.split("}")[0]
        for name, _ in gateway.COMMON_HEADERS:
            assert f"add_header {name} " in body, (block.split("{")[0], name)
