"""Render the nginx gateway config (nginx/hdms.conf.template) for the stack, compose and tests.

Only %%NAME%% tokens are replaced, so nginx's own $variables and braces pass untouched; an
unknown or missing token is an error rather than a silently broken config.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "nginx" / "hdms.conf.template"
_TOKEN = re.compile(r"%%([A-Z_]+)%%")
ACCEL_PREFIX = "/_protected_files/"


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
    return _TOKEN.sub(lambda m: str(values[m.group(1)]), text)


def values_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """The template's values from the stack's environment (see .env.example)."""
    return {
        "LISTEN": env.get("GATEWAY_LISTEN", "127.0.0.1:8080"),
        "ERROR_LOG": env.get("GATEWAY_ERROR_LOG", "/dev/stderr"),
        "ACCESS_LOG": env.get("GATEWAY_ACCESS_LOG", "/dev/stdout"),
        "CORS_ORIGIN_MAP": cors_origin_map(env.get("CORS_ORIGINS", "")),
        "AUTH_UPSTREAM": env.get("AUTH_UPSTREAM", "127.0.0.1:8000"),
        "TICKET_UPSTREAM": env.get("TICKET_UPSTREAM", "127.0.0.1:8002"),
        "COMMUNICATION_UPSTREAM": env.get("COMMUNICATION_UPSTREAM", "127.0.0.1:8003"),
        "WEBSOCKET_UPSTREAM": env.get("WEBSOCKET_UPSTREAM", "127.0.0.1:8004"),
        "FILE_UPSTREAM": env.get("FILE_UPSTREAM", "127.0.0.1:8005"),
        "FILE_MAX_BYTES": env.get("FILE_MAX_BYTES", str(1024**3)),
        "FILE_STORAGE_DIR": env.get("FILE_STORAGE_DIR", "/var/lib/hdms/files").rstrip("/"),
        "ACCEL_PREFIX": env.get("FILE_ACCEL_REDIRECT_PREFIX", ACCEL_PREFIX),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", "-o", help="Write here instead of standard output.")
    args = parser.parse_args(argv)
    text = render(values_from_env(os.environ))
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
