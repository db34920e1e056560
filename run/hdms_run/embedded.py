"""The embedded mode (`make run`): every HDMS service in one gevent process on SQLite.

Each installed service's app is built with HDMS_ENV=embedded, migrated, and mounted behind one
dispatcher with the gateway's routes (docs/architecture.md), WebSockets included. Events and tasks
stay in-process. The services and their paths come from the registry (hdms_run.services).

The web application is served at / from its static export, built first when its sources
changed (hdms_run/build_frontend.py, which needs Node.js 20+); without it the API is served alone.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import secrets
import signal
import socket
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from gevent import pywsgi  # noqa: E402 - after the monkey patching
from werkzeug.exceptions import RequestEntityTooLarge  # noqa: E402

# Monkey patching must happen before anything imports sockets, threads or psycopg2.
import hdms_common.gevent_patch  # noqa: F401, I001
from hdms_common.errors import PROBLEM_MIMETYPE
from hdms_run import build_frontend  # noqa: E402
from hdms_run import services as registry  # noqa: E402
from hdms_run.static_site import StaticSite, web_root_from  # noqa: E402

log = logging.getLogger("hdms.embedded")


def installed_services() -> list[registry.Service]:
    """The services whose packages are importable here (later ones plug in when they exist)."""
    return registry.installed_services()


def problem_body(status: int, title: str, detail: str) -> bytes:
    """A problem+json body written without Flask (the dispatcher and the HTTP server's own
    answers), the same shape as hdms_common.errors.problem_response."""
    slug = title.lower().replace(" ", "-")
    problem = {"type": f"urn:hdms:problem:{slug}", "title": title, "status": status}
    return json.dumps({**problem, "detail": detail}).encode()


def _not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = problem_body(404, "Not Found", "No HDMS service serves this path.")
    start_response(
        "404 Not Found", [("Content-Type", PROBLEM_MIMETYPE), ("Content-Length", str(len(body)))]
    )
    return [body]


#: The body sizes of the stack's nginx (nginx/hdms.conf.template): 1 MiB for the API, the
#: FILE_MAX_BYTES of file-service for uploads, which stream to it.
API_BODY_LIMIT = 1024 * 1024
UPLOAD_PATH = "/api/files/upload/"
#: Set in the WSGI environ when the connection must end with this request (a body refused
#: before it was read: what follows on the connection is not a request).
CLOSE_AFTER = "hdms.close_connection"


def is_websocket(environ: dict[str, Any]) -> bool:
    return str(environ.get("HTTP_UPGRADE", "")).lower() == "websocket"


class LimitedInput:
    """A chunked request body that stops at ``limit`` bytes: reading past it is a 413 (and the
    connection is closed after the answer, as the rest of the body is never read)."""

    def __init__(self, stream: Any, limit: int, environ: dict[str, Any]) -> None:
        self.stream = stream
        self.limit = limit
        self.environ = environ
        self.read_so_far = 0

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            self.environ[CLOSE_AFTER] = True
            raise RequestEntityTooLarge(f"The request body is larger than {self.limit} bytes.")
        return data

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.limit + 1 - self.read_so_far if size is None or size < 0 else size
        return self._count(self.stream.read(max(0, min(wanted, self.limit + 1))))

    def readline(self, size: int | None = -1) -> bytes:
        wanted = self.limit + 1 - self.read_so_far if size is None or size < 0 else size
        return self._count(self.stream.readline(max(0, min(wanted, self.limit + 1))))

    def __iter__(self) -> Iterable[bytes]:
        while line := self.readline():
            yield line


class BodyLimit:
    """The gateway's body limits in front of the dispatcher: a Content-Length past the limit
    is a 413 before a byte of the body is read; a chunked body is cut off at the limit."""

    def __init__(self, app: Any, *, limit: int, upload_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        limit = self.upload_limit if environ.get("PATH_INFO") == UPLOAD_PATH else self.limit
        length = str(environ.get("CONTENT_LENGTH") or "")
        if length.isdigit() and int(length) > limit:
            environ[CLOSE_AFTER] = True
            body = problem_body(
                413, "Payload Too Large", f"The request body is larger than {limit} bytes."
            )
            start_response(
                "413 Payload Too Large",
                [
                    ("Content-Type", PROBLEM_MIMETYPE),
                    ("Content-Length", str(len(body))),
                    ("Connection", "close"),
                ],
            )
            return [body]
        chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
        if chunked and not is_websocket(environ):
            environ["wsgi.input"] = LimitedInput(environ["wsgi.input"], limit, environ)
        answer: Iterable[bytes] = self.app(environ, start_response)
        return answer


def _raw_problem(status: int, reason: str, detail: str) -> bytes:
    body = problem_body(status, reason, detail)
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_MIMETYPE}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


#: What the HTTP server answers itself, before any app sees the request.
SERVER_PROBLEMS = {
    "400": _raw_problem(400, "Bad Request", "The request is not valid HTTP."),
    "414": _raw_problem(414, "URI Too Long", "The request line is too long."),
}


class EmbeddedHandler(pywsgi.WSGIHandler):  # type: ignore[misc]
    """gevent's handler, made to behave like the stack's gateway:

    - the requests it refuses itself (a bad request line, a URI that is too long, unreadable
      input) are answered with problem+json bodies, not empty ones;
    - a connection ends with its WebSocket (accepted, refused or closed): the bytes a client
      sends after it are never read as a new HTTP request;
    - a connection whose body was refused unread (413) is closed rather than drained.
    """

    def handle_one_request(self) -> Any:
        result = super().handle_one_request()
        if isinstance(result, tuple):
            status = str(result[0])
            return status, SERVER_PROBLEMS.get(status, SERVER_PROBLEMS["400"])
        return result

    def run_application(self) -> None:
        try:
            super().run_application()
        finally:
            if is_websocket(self.environ) or self.environ.get(CLOSE_AFTER):
                self.close_connection = True
                # Nothing more is read: not the rest of a refused body, nor what follows a
                # WebSocket (gevent would otherwise drain it or parse it as a request).
                self.wsgi_input._chunked_input_error = True
                if is_websocket(self.environ):
                    # The WebSocket ran on a duplicate of this socket: shutting the
                    # connection down ends both.
                    try:
                        self.socket.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def _send_error_response_if_possible(self, error_code: int) -> None:
        if self.response_length:
            self.close_connection = True
            return
        status, reason = (400, "Bad Request") if error_code == 400 else (500, "Server Error")
        detail = "The request could not be read." if error_code == 400 else "Unexpected error."
        body = problem_body(status, reason if status == 400 else "Internal Server Error", detail)
        headers = [
            ("Content-Type", PROBLEM_MIMETYPE),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ]
        try:
            self.start_response(f"{status} {reason}", headers)
            self.write(body)
        except OSError:
            self.close_connection = True


def is_api_path(path: str) -> bool:
    """Paths that belong to the API: an unknown one is a problem+json 404, never a web page."""
    return path == "/api" or path.startswith(("/api/", "/ws/"))


class PathDispatcher:
    """Sends each request to the app that owns its path prefix, leaving the path untouched.

    Unlike werkzeug's DispatcherMiddleware it does not move the prefix into SCRIPT_NAME: every
    service already routes on the full gateway path. Other paths outside the API go to `site`
    (the web application) when there is one.
    """

    def __init__(
        self, mounts: list[tuple[str, Any]], fallback: Any = _not_found, site: Any = None
    ) -> None:
        # Longest prefix first, so that /api/tickets never shadows a longer one.
        self.mounts = sorted(mounts, key=lambda m: len(m[0]), reverse=True)
        self.fallback = fallback
        self.site = site

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for prefix, app in self.mounts:
            bare = prefix.rstrip("/")
            if path == bare or path.startswith(bare + "/"):
                answer: Iterable[bytes] = app(environ, start_response)
                return answer
        if self.site is not None and not is_api_path(path):
            page: Iterable[bytes] = self.site(environ, start_response)
            return page
        missing: Iterable[bytes] = self.fallback(environ, start_response)
        return missing


def embedded_environ(var_dir: Path, port: int) -> dict[str, str]:
    """The environment every app of the process is built with."""
    var_dir.mkdir(parents=True, exist_ok=True)
    secret_file = var_dir / "jwt-secret"
    if not secret_file.exists():
        # A random secret per installation, so that no token is valid across machines.
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    base_url = f"http://127.0.0.1:{port}"
    environ = dict(os.environ)
    environ.update({s.url_variable: base_url for s in registry.SERVICES})
    environ.update(
        HDMS_ENV="embedded",
        HDMS_VAR_DIR=str(var_dir),
        JWT_SECRET_KEY=secret_file.read_text().strip(),
        FILE_STORAGE_DIR=str(var_dir / "files"),
        REDIS_URL="",
    )
    for key in ("DATABASE_URL", "PGBOUNCER_URL"):
        environ.pop(key, None)
    environ.setdefault("LOG_FORMAT", "text")
    return environ


def build_apps(environ: dict[str, str], *, migrate: bool = True) -> dict[str, Flask]:
    """Create (and migrate) every installed service's app."""
    apps: dict[str, Flask] = {}
    for service in installed_services():
        module = importlib.import_module(service.package)
        app = module.create_app(environ=environ)
        if migrate:
            with app.app_context():
                upgrade()
        apps[service.name] = app
    return apps


def seed_demo(apps: dict[str, Flask]) -> list[tuple[str, str, str, str]]:
    """Seed the demo company (idempotent) and return its logins."""
    from auth_service.cli import seed_demo_company

    logins: list[tuple[str, str, str, str]]
    with apps["auth"].app_context():
        logins = seed_demo_company()
    for name, app in apps.items():
        seeder = getattr(importlib.import_module(app.import_name), "seed_embedded_demo", None)
        if seeder is not None and name != "auth":
            seeder(app)
    return logins


def upload_limit(apps: dict[str, Flask]) -> int:
    """file-service's FILE_MAX_BYTES (with room for the multipart envelope), as nginx has it."""
    file_app = apps.get("file")
    settings = file_app.config.get("HDMS_SETTINGS") if file_app is not None else None
    max_bytes = getattr(settings, "file_max_bytes", 1024**3)
    return int(max_bytes) + 64 * 1024


def build_dispatcher(apps: dict[str, Flask], web_root: Path | None = None) -> PathDispatcher:
    mounts = [
        (prefix, app) for name, app in apps.items() for prefix in registry.by_name(name).prefixes
    ]
    mounts.append(("/healthz", apps["auth"]))
    mounts.append(("/readyz", apps["auth"]))
    site = StaticSite(web_root, _not_found) if web_root is not None else None
    return PathDispatcher(mounts, site=site)


def prepare_web(web_root: str | None, build: bool) -> tuple[Path | None, str]:
    """The export folder to serve (None: the API alone) and, without one, why not."""
    if web_root:
        root = web_root_from(web_root)
        return root, "" if root else f"{web_root} has no index.html"
    if not build:
        return None, "not built (--no-web)"
    said: list[str] = []

    def say(line: str) -> None:
        said.append(line)
        print(line, flush=True)

    root = build_frontend.ensure_web_build(say=say)
    return root, "" if root else (said[-1] if said else "not built")


def start_background(apps: dict[str, Flask]) -> None:
    """Start each service's in-process background work (relays, consumers, task runners)."""
    for app in apps.values():
        starter = getattr(importlib.import_module(app.import_name), "start_embedded", None)
        if starter is not None:
            starter(app)


def print_banner(
    port: int,
    logins: list[tuple[str, str, str, str]],
    services: list[str],
    web_problem: str | None = None,
) -> None:
    if web_problem:
        web = f"Web application: not available ({web_problem}); the API is still served."
    else:
        web = f"Web application: http://localhost:{port}/"
    apis = "|".join(s.api for s in registry.SERVICES)
    lines = [
        "",
        web,
        f"HDMS is running at http://localhost:{port}  (services: {', '.join(services)})",
        f"API docs: http://localhost:{port}/api/<{apis}>/docs",
        "",
        "Demo logins (sign in at the web application; API: POST /api/auth/login-hdms):",
    ]
    lines += [
        f"  {code:8} {password:22} {name:18} {roles}" for code, password, name, roles in logins
    ]
    lines += ["", "Press Ctrl-C to stop.", ""]
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("HDMS_PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("HDMS_HOST", "127.0.0.1"))
    parser.add_argument("--var-dir", default=os.environ.get("HDMS_VAR_DIR", "var"))
    parser.add_argument("--migrate-only", action="store_true", help="Migrate and seed, then exit.")
    parser.add_argument(
        "--web-root",
        default=os.environ.get("HDMS_WEB_ROOT"),
        help="Serve this static export at / as it is (no build).",
    )
    parser.add_argument(
        "--no-web", action="store_true", help="Serve the API alone (no web application build)."
    )
    args = parser.parse_args(argv)

    environ = embedded_environ(Path(args.var_dir).resolve(), args.port)
    apps = build_apps(environ)
    logins = seed_demo(apps)
    if args.migrate_only:
        print(f"migrated and seeded: {', '.join(apps)}")
        return 0
    server = pywsgi.WSGIServer((args.host, args.port), log=None, handler_class=EmbeddedHandler)
    server.init_socket()  # fail now, before the build and the banner, if the port is taken
    web_root, web_problem = prepare_web(args.web_root, build=not args.no_web)
    server.application = BodyLimit(
        build_dispatcher(apps, web_root), limit=API_BODY_LIMIT, upload_limit=upload_limit(apps)
    )

    def stop(signum: int, frame: Any) -> None:
        print("\nstopping HDMS...", flush=True)
        server.stop(timeout=5)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    start_background(apps)
    print_banner(args.port, logins, list(apps), web_problem or None)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
