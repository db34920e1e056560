"""Property-based fuzzing of every service's OpenAPI document with schemathesis (`make fuzz`).

Starts the embedded mode (`make run`'s server) on a free port with a throwaway ./var (or, with
``--url``, uses a running system such as `make stack`'s gateway), logs in as each demo role,
and runs schemathesis' fuzzing and stateful phases against each service's documented
operations with that role's token. The check is the contract's "bad input gets a 4xx, never a
500": any 5xx answer, or a traceback in the embedded server's log, fails the run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from embedded_process import start_embedded

SCHEMATHESIS = Path(sys.executable).with_name("st")
SERVICES = ("auth", "tickets", "chat", "files")
ROLES = {
    "admin": ("ADM001", "demo-admin-pass"),
    "moderator": ("MOD001", "demo-moderator-pass"),
    "assignee": ("ASG001", "demo-assignee-pass"),
    "requestor": ("REQ001", "demo-requestor-pass"),
}
SERVER_ERROR_LINE = re.compile(r" (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+ 5\d\d$")


def login(base: str, code: str, password: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/auth/login-hdms",
        data=json.dumps({"employee_code": code, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["access"])


def fuzz(base: str, service: str, token: str, seconds: int, work: Path) -> tuple[bool, int, str]:
    """One schemathesis run in ``work`` (its caches stay out of the checkout); returns
    (passed, cases generated, its output)."""
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{base}/api/{service}/openapi.json",
            "--url",
            base,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error",
            "--phases",
            "fuzzing,stateful",
            "--max-time",
            str(seconds),
            "--workers",
            "2",
            "--warnings",
            "off",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        env={**os.environ, "NO_COLOR": "1"},
    )
    generated = re.search(r"(\d+) generated", run.stdout)
    return run.returncode == 0, int(generated.group(1)) if generated else 0, run.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="time budget per run (30)")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated demo roles")
    parser.add_argument("--url", help="a running HDMS (e.g. http://localhost:8080 of make stack)")
    args = parser.parse_args()
    if not SCHEMATHESIS.exists():
        raise SystemExit("schemathesis is not installed here: run `make fuzz`")

    work = Path(tempfile.mkdtemp(prefix="hdms-fuzz-"))
    log_path = work / "server.log"
    server = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        try:
            server = start_embedded(work, log_path, web=False)  # the API is fuzzed, not the pages
        except RuntimeError as error:
            raise SystemExit(str(error)) from None
        base = server.url
    failed = False
    total = 0
    try:
        roles = [role.strip() for role in args.roles.split(",") if role.strip()]
        tokens = {role: login(base, *ROLES[role]) for role in roles}
        for role in roles:
            for service in SERVICES:
                started = time.monotonic()
                passed, cases, output = fuzz(base, service, tokens[role], args.seconds, work)
                total += cases
                verdict = "ok" if passed else "FAILED"
                print(
                    f"{role:<10} {service:<8} {cases:>6} cases  "
                    f"{time.monotonic() - started:5.1f} s  {verdict}",
                    flush=True,
                )
                if not passed:
                    failed = True
                    print(output[-4000:])
    finally:
        if server is not None:
            server.stop()
    log = log_path.read_text() if server is not None else ""
    server_errors = [line for line in log.splitlines() if SERVER_ERROR_LINE.search(line)]
    tracebacks = log.count("Traceback (most recent call last)")
    print(f"{total} cases; 5xx answers: {len(server_errors)}; tracebacks: {tracebacks}")
    for line in server_errors[:20]:
        print("  " + line)
    if failed or server_errors or tracebacks:
        print(f"server log kept: {log_path}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
