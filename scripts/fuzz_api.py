"""Property-based fuzzing of every service's OpenAPI document with schemathesis (`make fuzz`).

Starts the embedded mode (`make run`'s server) on a free port with a throwaway ./var; with
``--stack`` (`make fuzz-stack`) starts the production-shaped stack instead (`make stack`'s
scripts/stack.py, on free ports in the same throwaway folder: PostgreSQL behind PgBouncer, where
NUL bytes and invalid text reach a real database that SQLite would have stored); with ``--url``
it uses a running system. It logs in as each demo role and runs schemathesis' fuzzing and
stateful phases against each service's documented operations with that role's token. The
check is the contract's "bad input gets a 4xx, never a 500": any 5xx answer (schemathesis'
check, the gateway's access log, the embedded server's log) or a traceback fails the run.
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hdms_run import services as registry
from hdms_run.embedded_process import start_embedded

SCHEMATHESIS = Path(sys.executable).with_name("st")
STACK = Path(__file__).resolve().parent / "stack.py"
#: The API segment of each service's documents (/api/<segment>/openapi.json).
SERVICES = tuple(service.api for service in registry.SERVICES)
ROLES = registry.demo_logins()
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


@dataclass
class FuzzRun:
    """One schemathesis run: a role against a service's operations."""

    role: str
    service: str
    passed: bool
    cases: int
    seconds: float
    output: str

    def line(self) -> str:
        verdict = "ok" if self.passed else "FAILED"
        return (
            f"{self.role:<10} {self.service:<8} {self.cases:>6} cases  "
            f"{self.seconds:5.1f} s  {verdict}"
        )

    def reproductions(self) -> list[str]:
        """The curl commands schemathesis prints for the failing cases (route and input)."""
        return [line.strip() for line in self.output.splitlines() if "curl " in line]


def fuzz(
    base: str,
    service: str,
    token: str,
    seconds: int,
    work: Path,
    workers: int = 2,
    max_examples: int | None = None,
    phases: str = "fuzzing,stateful",
) -> tuple[bool, int, str]:
    """One schemathesis run in ``work`` (its caches stay out of the checkout); returns
    (passed, cases generated, its output). ``max_examples`` caps the cases per operation, so
    that a short run reaches every operation instead of spending its time on the first ones."""
    limit = ["--max-examples", str(max_examples)] if max_examples else []
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
            phases,
            "--max-time",
            str(seconds),
            "--workers",
            str(workers),
            "--warnings",
            "off",
            *limit,
        ],
        capture_output=True,
        text=True,
        cwd=work,
        env={**os.environ, "NO_COLOR": "1"},
    )
    generated = re.search(r"(\d+) generated", run.stdout)
    return run.returncode == 0, int(generated.group(1)) if generated else 0, run.stdout


def fuzz_all(
    base: str,
    tokens: dict[str, str],
    *,
    services: tuple[str, ...] = SERVICES,
    seconds: int,
    work: Path,
    parallel: bool = False,
    max_examples: int | None = None,
    phases: str = "fuzzing,stateful",
    workers: int = 2,
) -> list[FuzzRun]:
    """Every role against every service, one after the other or (``parallel``) all services
    of a role at once, each run within ``seconds``. ``phases``: schemathesis' phases, such as
    "coverage" (boundary and wrong-type values for every field of every operation, the same
    each time) or "fuzzing,stateful" (random, and chains of calls)."""

    def one(role: str, service: str) -> FuzzRun:
        started = time.monotonic()
        folder = work / f"{role}-{service}"
        folder.mkdir(parents=True, exist_ok=True)
        passed, cases, output = fuzz(
            base,
            service,
            tokens[role],
            seconds,
            folder,
            workers=1 if parallel else workers,
            max_examples=max_examples,
            phases=phases,
        )
        return FuzzRun(role, service, passed, cases, time.monotonic() - started, output)

    runs: list[FuzzRun] = []
    for role in tokens:
        if parallel:
            with ThreadPoolExecutor(max_workers=len(services)) as pool:
                runs.extend(pool.map(one, [role] * len(services), services))
        else:
            runs.extend(one(role, service) for service in services)
    return runs


def gateway_server_errors(access_log: Path, offset: int = 0) -> list[dict[str, object]]:
    """The 5xx answers in the gateway's JSON access log from byte ``offset`` on."""
    if not access_log.exists():
        return []
    with access_log.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode("utf-8", "replace").splitlines()
    found = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and int(entry.get("status", 0)) >= 500:
            found.append(entry)
    return found


class StackProcess:
    """`make stack`'s stack on free ports, with its data and logs in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.env = {
            **os.environ,
            "HDMS_STACK_DIR": str(folder / "stack"),
            "HDMS_LOG_DIR": str(folder / "log"),
            "WEB_CONCURRENCY": "1",
            # Every role logs in from 127.0.0.1.
            "AUTH_LOGIN_ATTEMPTS_PER_ADDRESS": "100000",
        }
        self.log_dir = folder / "log"
        started = subprocess.run(
            [sys.executable, str(STACK), "up", "--auto-ports", "--no-web", "--timeout", "180"],
            env=self.env,
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            self.stop()
            raise RuntimeError(f"the stack did not start:\n{started.stdout}{started.stderr}")
        state = json.loads((folder / "stack" / "state.json").read_text())
        self.url = f"http://127.0.0.1:{state['ports']['gateway']}"

    def tracebacks(self) -> int:
        return sum(
            path.read_text(errors="replace").count("Traceback (most recent call last)")
            for path in self.log_dir.glob("*.log")
        )

    def stop(self) -> None:
        subprocess.run([sys.executable, str(STACK), "down"], env=self.env, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="time budget per run (30)")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated demo roles")
    parser.add_argument("--services", default=",".join(SERVICES), help="comma-separated APIs")
    parser.add_argument(
        "--parallel", action="store_true", help="fuzz the services of a role at the same time"
    )
    parser.add_argument("--max-examples", type=int, help="cases per operation (no cap)")
    parser.add_argument(
        "--phases", default="fuzzing,stateful", help="schemathesis phases (fuzzing,stateful)"
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--url", help="a running HDMS (e.g. http://localhost:8080 of make stack)")
    target.add_argument(
        "--stack", action="store_true", help="start the stack (PostgreSQL, PgBouncer, nginx...)"
    )
    args = parser.parse_args()
    if not SCHEMATHESIS.exists():
        raise SystemExit("schemathesis is not installed here: run `make fuzz`")

    work = Path(tempfile.mkdtemp(prefix="hdms-fuzz-"))
    log_path = work / "server.log"
    server = None
    stack = None
    if args.url:
        base = args.url.rstrip("/")
    elif args.stack:
        print("starting the stack (PostgreSQL, PgBouncer, Redis, clamd, nginx, gunicorn)...")
        try:
            stack = StackProcess(work)
        except RuntimeError as error:
            raise SystemExit(str(error)) from None
        base = stack.url
    else:
        try:
            server = start_embedded(work, log_path, web=False)  # the API is fuzzed, not the pages
        except RuntimeError as error:
            raise SystemExit(str(error)) from None
        base = server.url
    try:
        roles = [role.strip() for role in args.roles.split(",") if role.strip()]
        services = tuple(s.strip() for s in args.services.split(",") if s.strip())
        tokens = {role: login(base, *ROLES[role]) for role in roles}
        runs = fuzz_all(
            base,
            tokens,
            services=services,
            seconds=args.seconds,
            work=work,
            parallel=args.parallel,
            max_examples=args.max_examples,
            phases=args.phases,
        )
        for run in runs:
            print(run.line(), flush=True)
            if not run.passed:
                print(run.output[-4000:])
        if stack is not None:
            server_errors = [
                f"{e['status']} {e['method']} {e['uri']} request_id={e['request_id']}"
                for e in gateway_server_errors(stack.log_dir / "nginx-access.log")
            ]
            tracebacks = stack.tracebacks()
    finally:
        if server is not None:
            server.stop()
        if stack is not None:
            stack.stop()
    if server is not None:
        log = log_path.read_text()
        server_errors = [line for line in log.splitlines() if SERVER_ERROR_LINE.search(line)]
        tracebacks = log.count("Traceback (most recent call last)")
    elif stack is None:
        server_errors, tracebacks = [], 0
    total = sum(run.cases for run in runs)
    print(f"{total} cases; 5xx answers: {len(server_errors)}; tracebacks: {tracebacks}")
    for line in server_errors[:20]:
        print("  " + line)
    if any(not run.passed for run in runs) or server_errors or tracebacks:
        print(f"logs kept: {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
