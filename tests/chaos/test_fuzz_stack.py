"""Bad input through the stack: a real PostgreSQL behind PgBouncer, not SQLite, stores the text.

SQLite keeps a NUL byte or a lone UTF-16 surrogate that PostgreSQL (or psycopg2's encoder)
refuses, so input that is harmless in the embedded mode can be a 500 here. Two parts: a fixed
set of hostile strings sent into the text fields and query parameters of the main operations,
and a short schemathesis run (`make fuzz-stack` runs a long one). Both require 0 answers of 5xx.
Runs after the fault tests (the `after_faults` mark, ordered by conftest.py): the fuzzer writes
whatever it likes as its users.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from chaos_helpers import ROOT, ChaosStack


def _load_fuzz_script() -> Any:
    """scripts/fuzz_api.py (`make fuzz`), a script rather than a package module."""
    spec = importlib.util.spec_from_file_location("hdms_fuzz_api", ROOT / "scripts" / "fuzz_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


fuzz_api = _load_fuzz_script()

pytestmark = pytest.mark.after_faults

#: Seconds per API. Schemathesis' coverage phase (boundary and wrong-type values for every field
#: of every operation, the same each run) reaches every operation within it; its random phases
#: are `make fuzz-stack`'s.
FUZZ_SECONDS = 6
FUZZ_PHASES = "coverage"
#: JSON string escapes (as a client would send them) that a database must never see raw.
HOSTILE_JSON = {"NUL": "\\u0000", "lone surrogate": "\\ud800", "surrogate pair half": "\\udfff"}
#: Percent-encoded query values: NUL, an encoded surrogate (invalid UTF-8), stray bytes.
HOSTILE_QUERY = {"NUL": "a%00b", "encoded surrogate": "%ED%A0%80", "invalid UTF-8": "%FF%FE"}


def _send_json(
    url: str, method: str, headers: dict[str, str], body: dict[str, Any], field: str, value: str
) -> requests.Response:
    """`body` with `field` set to the raw JSON escape `value` (json.dumps would escape it)."""
    text = json.dumps({**body, field: "@@HOSTILE@@"}).replace("@@HOSTILE@@", value)
    return requests.request(
        method,
        url,
        headers={**headers, "Content-Type": "application/json"},
        data=text.encode(),
        timeout=10,
        allow_redirects=False,
    )


def test_hostile_text_gets_4xx_never_5xx(stack: ChaosStack) -> None:
    stack.wait_healthy()
    users = stack.users()
    requestor, admin = users["requestor"], users["admin"]
    it = stack.department(requestor, "IT")
    ticket = requests.post(
        f"{stack.url}/api/tickets/",
        headers=requestor,
        json={"title": "Hostile text", "description": "x", "department_id": it},
        timeout=10,
    ).json()
    tid = ticket["id"]
    writes: list[tuple[str, str, dict[str, str], dict[str, Any]]] = [
        (
            "POST",
            "/api/tickets/",
            requestor,
            {"title": "t", "description": "d", "department_id": it},
        ),
        ("PATCH", f"/api/tickets/{tid}", requestor, {"title": "t", "version": 1}),
        ("POST", f"/api/tickets/{tid}/reject", admin, {"reason": "r", "version": 1}),
        ("POST", f"/api/chat/{tid}/messages/", requestor, {"body": "b", "client_msg_id": "c"}),
        ("POST", "/api/auth/login-hdms", {}, {"employee_code": "e", "password": "p"}),
        ("POST", "/api/auth/refresh", {}, {"refresh": "r"}),
        ("POST", "/api/departments/", admin, {"name": "n", "code": "c"}),
        (
            "POST",
            "/api/employees/",
            admin,
            {"employee_code": "e", "name": "n", "password": "long-enough-pass-1"},
        ),
    ]
    reads = [
        "/api/tickets/?q=",
        "/api/tickets/?category=",
        "/api/tickets/?cursor=",
        "/api/employees/?q=",
        f"/api/chat/{tid}/messages/?after=",
        "/api/notifications/?cursor=",
        f"/api/tickets/{tid}/history?cursor=",
    ]
    server_errors: list[str] = []
    sent = 0
    for method, path, headers, body in writes:
        for field, example in body.items():
            if not isinstance(example, str) or field == "department_id":
                continue
            for name, value in HOSTILE_JSON.items():
                response = _send_json(stack.url + path, method, headers, body, field, value)
                sent += 1
                if response.status_code >= 500:
                    server_errors.append(f"{response.status_code} {method} {path} {field}={name}")
    for path in reads:
        for name, value in HOSTILE_QUERY.items():
            response = requests.get(
                stack.url + path + value, headers=admin, timeout=10, allow_redirects=False
            )
            sent += 1
            if response.status_code >= 500:
                server_errors.append(f"{response.status_code} GET {path}{value} ({name})")
    print(f"hostile text: {sent} requests, {len(server_errors)} answered 5xx")
    for line in server_errors:
        print("  " + line)
    assert server_errors == []


def test_a_short_fuzz_through_the_stack_finds_no_5xx(stack: ChaosStack, tmp_path: Path) -> None:
    stack.wait_healthy()
    access_log = stack.log_dir / "nginx-access.log"
    offset = access_log.stat().st_size
    token = stack.login("requestor")["Authorization"].split(" ", 1)[1]
    runs = fuzz_api.fuzz_all(
        stack.url,
        {"requestor": token},
        seconds=FUZZ_SECONDS,
        work=tmp_path,
        phases=FUZZ_PHASES,
        workers=1,
    )
    server_errors = fuzz_api.gateway_server_errors(access_log, offset)
    print(f"fuzz through the stack: {sum(r.cases for r in runs)} cases")
    for run in runs:
        print("  " + run.line())
        for reproduction in run.reproductions()[:5]:
            print("    " + reproduction)
    for entry in server_errors[:20]:
        print(f"  {entry['status']} {entry['method']} {entry['uri']}")
    assert all(run.passed for run in runs), [r.output[-3000:] for r in runs if not r.passed]
    assert all(run.cases > 0 for run in runs), [r.output[-3000:] for r in runs]
    assert server_errors == []
