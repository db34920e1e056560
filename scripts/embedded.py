"""The embedded mode (`make run`): every HDMS service in one gevent process on SQLite.

Each installed service's app is built with HDMS_ENV=embedded, migrated, and mounted behind one
dispatcher with the gateway's routes (docs/architecture.md), WebSockets included. Events and tasks
stay in-process. A new service plugs in with one SERVICES line.

The web application is served at / from its static export, built first when its sources
changed (scripts/build_frontend.py, which needs Node.js 20+); without it the API is served alone.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import secrets
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade

# Monkey patching must happen before anything imports sockets, threads or psycopg2.
import hdms_common.gevent_patch  # noqa: F401, I001
from hdms_common.errors import PROBLEM_MIMETYPE

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_frontend  # noqa: E402
from static_site import StaticSite, web_root_from  # noqa: E402

log = logging.getLogger("hdms.embedded")


@dataclass(frozen=True)
class ServiceMount:
    name: str
    package: str
    prefixes: tuple[str, ...]


SERVICES = (
    ServiceMount(
        "auth", "auth_service", ("/api/auth", "/api/employees", "/api/departments", "/api/hdms")
    ),
    ServiceMount(
        "ticket", "ticket_service", ("/api/tickets", "/api/sub-tickets", "/api/approvals")
    ),
    ServiceMount(
        "communication", "communication_service", ("/api/chat", "/api/notifications", "/ws/")
    ),
    ServiceMount("file", "file_service", ("/api/files",)),
)


def installed_services() -> list[ServiceMount]:
    """The services whose packages are importable here (later ones plug in when they exist)."""
    return [s for s in SERVICES if importlib.util.find_spec(s.package) is not None]


def _not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = (
        b'{"type":"urn:hdms:problem:not-found","title":"Not Found","status":404,'
        b'"detail":"No HDMS service serves this path."}'
    )
    start_response(
        "404 Not Found", [("Content-Type", PROBLEM_MIMETYPE), ("Content-Length", str(len(body)))]
    )
    return [body]


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
                return app(environ, start_response)
        if self.site is not None and not is_api_path(path):
            return self.site(environ, start_response)
        return self.fallback(environ, start_response)


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
    environ.update(
        HDMS_ENV="embedded",
        HDMS_VAR_DIR=str(var_dir),
        JWT_SECRET_KEY=secret_file.read_text().strip(),
        AUTH_SERVICE_URL=base_url,
        TICKET_SERVICE_URL=base_url,
        FILE_SERVICE_URL=base_url,
        COMMUNICATION_SERVICE_URL=base_url,
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

    with apps["auth"].app_context():
        logins = seed_demo_company()
    for name, app in apps.items():
        seeder = getattr(importlib.import_module(app.import_name), "seed_embedded_demo", None)
        if seeder is not None and name != "auth":
            seeder(app)
    return logins


def build_dispatcher(apps: dict[str, Flask], web_root: Path | None = None) -> PathDispatcher:
    by_name = {s.name: s for s in SERVICES}
    mounts = [(prefix, app) for name, app in apps.items() for prefix in by_name[name].prefixes]
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
    lines = [
        "",
        web,
        f"HDMS is running at http://localhost:{port}  (services: {', '.join(services)})",
        f"API docs: http://localhost:{port}/api/<auth|tickets|chat|files>/docs",
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

    from gevent import pywsgi

    environ = embedded_environ(Path(args.var_dir).resolve(), args.port)
    apps = build_apps(environ)
    logins = seed_demo(apps)
    if args.migrate_only:
        print(f"migrated and seeded: {', '.join(apps)}")
        return 0
    server = pywsgi.WSGIServer((args.host, args.port), log=None)
    server.init_socket()  # fail now, before the build and the banner, if the port is taken
    web_root, web_problem = prepare_web(args.web_root, build=not args.no_web)
    server.application = build_dispatcher(apps, web_root)

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
