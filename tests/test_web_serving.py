"""The web application served at / by `make run`'s dispatcher (hdms_run/static_site.py) and
built by hdms_run/build_frontend.py. nginx's side is in test_gateway.py."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from web_export import ASSET, STYLE, make_fake_export
from werkzeug.test import Client

from hdms_run import build_frontend
from hdms_run.embedded_process import start_embedded
from hdms_run.static_site import IMMUTABLE, StaticSite

ROOT = Path(__file__).resolve().parent.parent


def _problem_404(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "application/problem+json")])
    return [b'{"status":404}']


@pytest.fixture
def export(tmp_path) -> Path:
    return make_fake_export(tmp_path / "out")


@pytest.fixture
def client(export) -> Client:
    return Client(StaticSite(export, _problem_404))


# --- the WSGI app ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", "home page"),
        ("/index.html", "home page"),
        ("/sign-in", "sign-in page"),
        ("/sign-in/", "sign-in page"),
        ("/sign-in.html", "sign-in page"),
        ("/tickets/view?id=7f3c", "ticket view page"),
    ],
)
def test_pages_are_their_html_files(client, path, marker):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert marker in response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_csp_lets_the_page_open_websockets_to_its_own_host(client):
    response = client.get("/", headers={"Host": "desk.example:8080"})
    csp = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' ws://desk.example:8080 wss://desk.example:8080;" in csp
    odd = client.get("/", headers={"Host": "evil;script-src *"})
    assert "connect-src 'self';" in odd.headers["Content-Security-Policy"]


def test_hashed_assets_are_cached_for_good_with_their_types(client, export):
    script = client.get(f"/{ASSET}")
    assert script.status_code == 200
    assert script.headers["Cache-Control"] == IMMUTABLE
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.get_data() == (export / ASSET).read_bytes()  # several chunks, in order
    assert int(script.headers["Content-Length"]) == (export / ASSET).stat().st_size
    style = client.get(f"/{STYLE}")
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"
    assert style.headers["Cache-Control"] == IMMUTABLE
    payload = client.get("/sign-in.txt")
    assert payload.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert payload.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/no/such/page", "/tickets", "/_next/static/missing.js"])
def test_unknown_paths_get_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"  # never the immutable one
    assert "not found page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/_next/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/sign-in%00.html",
        "/..\\secret.txt",
        "/%2e%2e%5csecret.txt",
        "/.build-stamp",
        "/%2ebuild-stamp",
    ],
)
def test_nothing_outside_the_export_nor_a_dotfile_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "outside the web root" not in response.get_data(as_text=True)
    assert "0000" not in response.get_data(as_text=True)


def test_a_link_out_of_the_export_is_not_followed(client, export):
    (export / "escape.html").symlink_to(export.parent / "secret.txt")
    response = client.get("/escape")
    assert response.status_code == 404
    assert "outside the web root" not in response.get_data(as_text=True)


def test_head_and_conditional_requests(client):
    head = client.head("/sign-in")
    assert head.status_code == 200 and head.get_data() == b""
    assert int(head.headers["Content-Length"]) > 0
    page = client.get("/sign-in")
    etag, modified = page.headers["ETag"], page.headers["Last-Modified"]
    assert client.get("/sign-in", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/sign-in", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/sign-in", headers={"If-None-Match": '"other"'}).status_code == 200


def test_other_methods_are_left_to_the_fallback(client):
    response = client.post("/sign-in")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_without_a_404_page_the_fallback_answers(export):
    (export / "404.html").unlink()
    response = Client(StaticSite(export, _problem_404)).get("/nowhere")
    assert response.headers["Content-Type"] == "application/problem+json"


# --- make run's server ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded_web(tmp_path_factory):
    """`scripts/embedded.py` serving a fake export (HDMS_WEB_ROOT: no build)."""
    var_dir = tmp_path_factory.mktemp("var")
    export = make_fake_export(tmp_path_factory.mktemp("web") / "out")
    os.environ["HDMS_WEB_ROOT"] = str(export)
    try:
        server = start_embedded(var_dir, var_dir / "server.log")
    finally:
        del os.environ["HDMS_WEB_ROOT"]
    yield server
    server.stop()


def test_the_banner_starts_with_the_web_application_url(embedded_web):
    lines = [line for line in embedded_web.banner.splitlines() if line.strip()]
    port = embedded_web.url.rsplit(":", 1)[1]
    first = next(i for i, line in enumerate(lines) if line.startswith("Web application:"))
    assert lines[first] == f"Web application: http://localhost:{port}/"
    assert all(not line.startswith(("HDMS is running", "ADM001")) for line in lines[:first])
    assert "ADM001" in embedded_web.banner and "Press Ctrl-C to stop." in lines[-1]


@pytest.mark.parametrize(
    ("path", "marker"),
    [("/", "home page"), ("/sign-in", "sign-in page"), ("/tickets/view?id=42", "ticket view")],
)
def test_embedded_serves_the_pages(embedded_web, path, marker):
    response = requests.get(f"{embedded_web.url}{path}", timeout=10)
    assert response.status_code == 200 and marker in response.text
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" in response.headers


def test_embedded_serves_assets_and_the_404_page(embedded_web):
    asset = requests.get(f"{embedded_web.url}/{ASSET}", timeout=10)
    assert asset.status_code == 200 and asset.headers["Cache-Control"] == IMMUTABLE
    assert len(asset.content) == int(asset.headers["Content-Length"]) > 64 * 1024
    missing = requests.get(f"{embedded_web.url}/admin/nothing-here", timeout=10)
    assert missing.status_code == 404 and "not found page" in missing.text
    assert missing.headers["Content-Type"] == "text/html; charset=utf-8"


def test_embedded_api_paths_are_unchanged(embedded_web):
    spec = requests.get(f"{embedded_web.url}/api/auth/openapi.json", timeout=10)
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.")
    for path in ("/api/no-such-service/x", "/api", "/ws/nothing"):
        response = requests.get(f"{embedded_web.url}{path}", timeout=10)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"] == "application/problem+json", path
    assert requests.get(f"{embedded_web.url}/healthz", timeout=10).status_code == 200
    me = requests.get(f"{embedded_web.url}/api/auth/me", timeout=10)
    assert me.status_code == 401 and me.headers["Content-Type"] == "application/problem+json"


def _raw_status(url: str, path: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert b"outside the web root" not in data
    return data.split(b"\r\n", 1)[0]


@pytest.mark.parametrize(
    "path",
    [
        b"/../secret.txt",
        b"/../../../../etc/passwd",
        b"/%2e%2e/secret.txt",
        b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        b"/_next/static/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        b"/sign-in%00",
        b"/.build-stamp",
    ],
)
def test_embedded_refuses_traversal(embedded_web, path):
    # Sent as is (HTTP clients would normalise the dots away).
    assert _raw_status(embedded_web.url, path).split(b" ")[1] in (b"400", b"404")


def test_embedded_without_an_export_says_why_and_serves_the_api(tmp_path):
    os.environ["HDMS_WEB_ROOT"] = str(tmp_path / "nothing")
    try:
        server = start_embedded(tmp_path, tmp_path / "server.log")
    finally:
        del os.environ["HDMS_WEB_ROOT"]
    try:
        lines = [line for line in server.banner.splitlines() if line.startswith("Web application")]
        assert len(lines) == 1 and "not available" in lines[0] and "API" in lines[0]
        root = requests.get(f"{server.url}/", timeout=10)
        assert root.status_code == 404
        assert root.headers["Content-Type"] == "application/problem+json"
        assert requests.get(f"{server.url}/api/auth/openapi.json", timeout=10).status_code == 200
    finally:
        server.stop()


# --- the build --------------------------------------------------------------------------------


def _fake_application(folder: Path) -> Path:
    (folder / "src" / "app").mkdir(parents=True)
    (folder / "src" / "app" / "page.tsx").write_text("export default function Page() {}\n")
    (folder / "package.json").write_text('{"name": "web"}\n')
    (folder / "package-lock.json").write_text("{}\n")
    return folder


def test_an_up_to_date_export_is_used_without_node(tmp_path, monkeypatch):
    app = _fake_application(tmp_path / "app")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("home")
    (out / build_frontend.STAMP).write_text(build_frontend.source_hash(app) + "\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no node, no npm: nothing may run
    said: list[str] = []
    started = time.monotonic()
    assert build_frontend.ensure_web_build(out, frontend=app, say=said.append) == out.resolve()
    assert time.monotonic() - started < 1 and said == []


def test_a_source_change_means_a_new_hash(tmp_path):
    app = _fake_application(tmp_path / "app")
    hashes = [build_frontend.source_hash(app)]
    (app / "src" / "app" / "page.tsx").write_text("export default function Page() { return 1 }\n")
    hashes.append(build_frontend.source_hash(app))
    (app / "src" / "app" / "new.tsx").write_text("")
    hashes.append(build_frontend.source_hash(app))
    assert len(set(hashes)) == 3


def test_without_node_it_says_so_in_one_line_and_returns_none(tmp_path, monkeypatch):
    app = _fake_application(tmp_path / "app")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    said: list[str] = []
    assert build_frontend.ensure_web_build(tmp_path / "out", frontend=app, say=said.append) is None
    assert len(said) == 1 and "Node.js" in said[0]


def test_linked_stale_packages_are_never_reinstalled(tmp_path):
    """`npm ci` through a node_modules link would empty the folder it points to."""
    app = _fake_application(tmp_path / "app")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep").write_text("someone else's package")
    (app / "node_modules").symlink_to(elsewhere)
    with pytest.raises(build_frontend.WebBuildError):
        build_frontend.install_dependencies(app, say=lambda line: None)
    assert (elsewhere / "keep").exists()


def _fake_node(bin_dir: Path, next_build_exit: int) -> Path:
    """node 20, npm and an npx whose `next build` (counted) exits with `next_build_exit`, or
    on success writes an index.html to $HDMS_WEB_OUT and rewrites tsconfig.json as Next.js
    does."""
    bin_dir.mkdir()
    calls = bin_dir / "calls"
    build = (
        'mkdir -p "$HDMS_WEB_OUT" && echo home > "$HDMS_WEB_OUT/index.html"'
        " && printf '{\\n  \"include\": []\\n}\\n' > tsconfig.json"
        if next_build_exit == 0
        else f"exit {next_build_exit}"
    )
    scripts = {
        "node": "echo v20.19.0",
        "npm": "exit 0",
        "npx": f'echo "$@" >> {calls}; {build}',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return calls


def test_a_failed_build_is_not_retried_for_the_same_sources(tmp_path, monkeypatch):
    app = _fake_application(tmp_path / "app")
    (app / "node_modules").mkdir()
    (app / "node_modules" / ".package-lock.json").write_text("{}")
    calls = _fake_node(tmp_path / "bin", next_build_exit=1)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setenv("HDMS_WEB_BUILD_LOCK", str(tmp_path / "var" / "web-build.lock"))
    monkeypatch.setenv("HDMS_WEB_BUILD_LOG", str(tmp_path / "var" / "web-build.log"))
    out = tmp_path / "out"
    said: list[str] = []
    assert build_frontend.ensure_web_build(out, frontend=app, say=said.append) is None
    assert "next build failed" in said[-1] and calls.read_text().count("next build") == 1
    said.clear()
    assert build_frontend.ensure_web_build(out, frontend=app, say=said.append) is None
    assert len(said) == 1 and "last build failed" in said[0]
    assert calls.read_text().count("next build") == 1  # not run again
    assert build_frontend.ensure_web_build(out, frontend=app, retry=True, say=said.append) is None
    assert calls.read_text().count("next build") == 2
    (app / "src" / "app" / "page.tsx").write_text("export default function Page() { return 2 }\n")
    assert build_frontend.ensure_web_build(out, frontend=app, say=said.append) is None
    assert calls.read_text().count("next build") == 3  # new sources: tried again
    assert not out.exists()  # nothing half-built replaced the export


def test_a_build_replaces_the_export_and_the_next_call_is_cached(tmp_path, monkeypatch):
    app = _fake_application(tmp_path / "app")
    (app / "tsconfig.json").write_text('{"include": []}')
    (app / "node_modules").mkdir()
    (app / "node_modules" / ".package-lock.json").write_text("{}")
    calls = _fake_node(tmp_path / "bin", next_build_exit=0)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setenv("HDMS_WEB_BUILD_LOCK", str(tmp_path / "var" / "web-build.lock"))
    monkeypatch.setenv("HDMS_WEB_BUILD_LOG", str(tmp_path / "var" / "web-build.log"))
    out = app / "out"
    out.mkdir()
    (out / "old.html").write_text("from the previous build")
    said: list[str] = []
    assert build_frontend.ensure_web_build(out, frontend=app, say=said.append) == out
    assert (out / "index.html").read_text() == "home\n" and not (out / "old.html").exists()
    assert [p.name for p in app.iterdir() if p.name.startswith(".next-")] == []
    # tsconfig.json was rewritten by the build: that alone does not call for another one.
    assert calls.read_text().count("next build") == 1
    assert build_frontend.ensure_web_build(out, frontend=app, say=said.append) == out
    assert calls.read_text().count("next build") == 1
    assert build_frontend.ensure_web_build(out, frontend=app, force=True, say=said.append) == out
    assert calls.read_text().count("next build") == 2


@pytest.mark.slow
def test_the_real_build_then_a_cached_second_call(tmp_path):
    """next build of the working tree's web application, in a copy (its own .next and out);
    the second call finds the stamp and costs well under a second."""
    if shutil.which("node") is None:
        pytest.fail("Node.js 20+ is needed for the web application (see README)")
    source = build_frontend.FRONTEND
    app = tmp_path / "frontend-service"
    app.mkdir()
    for name in os.listdir(source):
        if name in ("node_modules", "out", "test-results", "playwright-report") or name.startswith(
            ".next"
        ):
            continue
        path = source / name
        if path.is_dir():
            shutil.copytree(path, app / name)
        else:
            shutil.copy2(path, app / name)
    if (source / "node_modules").is_dir():
        (app / "node_modules").symlink_to(source / "node_modules")
    out = app / "out"
    said: list[str] = []
    started = time.monotonic()
    built = build_frontend.ensure_web_build(out, frontend=app, say=said.append)
    fresh = time.monotonic() - started
    log = build_frontend.log_path()
    tail = log.read_text()[-3000:] if log.exists() else ""
    assert built == out.resolve(), f"{said}\n{tail}"
    for page in ("index.html", "sign-in.html", "404.html"):
        assert (out / page).is_file(), page
    assert any((out / "_next" / "static").rglob("*.js"))
    started = time.monotonic()
    assert build_frontend.ensure_web_build(out, frontend=app, say=said.append) == built
    cached = time.monotonic() - started
    assert cached < 1.0, cached
    print(f"fresh build {fresh:.1f} s, cached {cached * 1000:.0f} ms")
    # What was built serves: the embedded site maps its routes.
    client = Client(StaticSite(out, _problem_404))
    assert client.get("/sign-in").status_code == 200
    assert client.get("/no-such-page").status_code == 404


def test_the_cli_reports_a_missing_node_and_fails(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path), "HDMS_WEB_OUT": str(tmp_path / "out")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "run" / "hdms_run" / "build_frontend.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.count("\n") == 1 and "Node.js" in result.stdout
