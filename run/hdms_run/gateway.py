"""Render the nginx gateway config (nginx/hdms.conf.template) for the stack, compose and tests.

Only %%NAME%% tokens are replaced, so nginx's own $variables and braces pass untouched; an
unknown or missing token is an error rather than a silently broken config. A value of several
lines keeps the indentation of its token.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from hdms_run.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "nginx" / "hdms.conf.template"
_TOKEN = re.compile(r"%%([A-Z_]+)%%")
ACCEL_PREFIX = "/_protected_files/"
#: Where the compose image and the default stack find the web application's static export.
WEB_ROOT = ROOT / "frontend-service" / "out"

#: The headers on every response of the gateway. A location that adds a header of its own
#: loses the server's add_header lines, so each such location repeats these (%%COMMON_HEADERS%%).
#: All are "always": add_header otherwise skips 4xx/5xx, and a CORS header missing on a 413 or
#: 401 hides the real error from the browser.
COMMON_HEADERS = (
    ("X-Request-ID", "$hdms_request_id"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Access-Control-Allow-Origin", "$hdms_cors_origin"),
    ("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"),
    (
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, Range, "
        "X-Request-ID",
    ),
    (
        "Access-Control-Expose-Headers",
        "X-Request-ID, ETag, Content-Disposition, Content-Range, Retry-After, Idempotent-Replayed",
    ),
    ("Access-Control-Max-Age", "600"),
    ("Vary", "Origin"),
)


def content_security_policy(websocket_sources: str) -> str:
    """The web application's CSP. Next.js's static export bootstraps with inline scripts, and
    the chat opens WebSockets to the page's own host (`websocket_sources`: ws://host wss://host,
    which 'self' does not cover in every browser)."""
    connect = " ".join(filter(None, ("'self'", websocket_sources)))
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; media-src 'self' blob:; "
        f"font-src 'self' data:; connect-src {connect}; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def common_headers() -> str:
    return "\n".join(f'add_header {name} "{value}" always;' for name, value in COMMON_HEADERS)


def cors_origin_map(origins: str) -> str:
    """Map lines for each allowed origin: the origin is echoed back only when it is listed."""
    lines = []
    for origin in (o.strip() for o in origins.split(",")):
        if not origin:
            continue
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?", origin):
            raise ValueError(f"CORS_ORIGINS entry is not an origin: {origin!r}")
        lines.append(f'        "{origin}" $http_origin;')
    return "\n".join(lines)


def render(values: Mapping[str, str], template: Path = TEMPLATE) -> str:
    text = template.read_text()
    missing = sorted({m for m in _TOKEN.findall(text) if m not in values})
    if missing:
        raise KeyError(f"gateway template needs values for: {', '.join(missing)}")

    def replace(match: re.Match[str]) -> str:
        value = str(values[match.group(1)])
        indent = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        if indent.strip(" \t"):
            return value
        return value.replace("\n", "\n" + indent)

    return _TOKEN.sub(replace, text)


def upstreams(address: Callable[[str, int], str]) -> dict[str, str]:
    """The template's <NAME>_UPSTREAM values, one per listener of each service in the registry:
    ``address(listener name, documented port)`` gives its host:port."""
    return {
        f"{name.upper()}_UPSTREAM": address(name, port)
        for service in SERVICES
        for name, port in service.ports
    }


def compose_upstreams() -> dict[str, str]:
    """The upstreams in docker-compose.yml: each service's container on its documented ports."""
    hosts = {name: s.directory for s in SERVICES for name, _ in s.ports}
    return upstreams(lambda name, port: f"{hosts[name]}:{port}")


def values_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """The template's values from the stack's environment (see .env.example)."""
    return {
        "LISTEN": env.get("GATEWAY_LISTEN", "127.0.0.1:8080"),
        "ERROR_LOG": env.get("GATEWAY_ERROR_LOG", "/dev/stderr"),
        "ACCESS_LOG": env.get("GATEWAY_ACCESS_LOG", "/dev/stdout"),
        "CORS_ORIGIN_MAP": cors_origin_map(env.get("CORS_ORIGINS", "")),
        **{
            key: env.get(key, default)
            for key, default in upstreams(lambda name, port: f"127.0.0.1:{port}").items()
        },
        "FILE_MAX_BYTES": env.get("FILE_MAX_BYTES", str(1024**3)),
        "FILE_STORAGE_DIR": env.get("FILE_STORAGE_DIR", "/var/lib/hdms/files").rstrip("/"),
        "ACCEL_PREFIX": env.get("FILE_ACCEL_REDIRECT_PREFIX", ACCEL_PREFIX),
        "WEB_ROOT": env.get("GATEWAY_WEB_ROOT", str(WEB_ROOT)).rstrip("/"),
        "COMMON_HEADERS": common_headers(),
        "CONTENT_SECURITY_POLICY": content_security_policy("$hdms_websocket_sources"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", "-o", help="Write here instead of standard output.")
    parser.add_argument(
        "--compose",
        action="store_true",
        help="Upstreams are docker-compose.yml's service containers (the gateway image).",
    )
    args = parser.parse_args(argv)
    env = {**compose_upstreams(), **os.environ} if args.compose else dict(os.environ)
    text = render(values_from_env(env))
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
