"""Smoke tests of the embedded mode (`make run`): SQLite, one process, the gateway's paths."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from e2e_helpers import Entry
from scenarios import assignment_notifies_the_assignee, full_life_cycle

from hdms_common.auth import encode_token
from hdms_run import services as registry
from hdms_run.embedded_process import start_embedded

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED = ROOT / "scripts" / "embedded.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(url, *, method="GET", body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return (
                response.status,
                response.headers.get("Content-Type"),
                json.loads(response.read() or b"null"),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    """`scripts/embedded.py` as `make run` starts it, on a free port and a fresh ./var."""
    var_dir = tmp_path_factory.mktemp("var")
    server = start_embedded(var_dir, var_dir / "server.log")
    yield server.url, server.banner, var_dir, server.process
    server.stop()


def _demo_login(output: str, code: str) -> str:
    for line in output.splitlines():
        parts = line.split()
        if parts and parts[0] == code:
            return parts[1]
    raise AssertionError(f"{code} not printed")


def test_make_run_prints_demo_logins_that_get_tokens_me_accepts(embedded_server):
    base, output, _, _ = embedded_server
    for code in ("ADM001", "MOD001", "ASG001", "REQ001"):
        assert code in output
    status, _, body = _request(
        f"{base}/api/auth/login-hdms",
        method="POST",
        body={"employee_code": "REQ001", "password": _demo_login(output, "REQ001")},
    )
    assert status == 200
    status, _, me = _request(f"{base}/api/auth/me", token=body["access"])
    assert status == 200 and me["employee_code"] == "REQ001"


def test_token_signed_with_another_key_is_401_problem(embedded_server):
    base, _, _, _ = embedded_server
    forged = encode_token(
        subject="00000000-0000-0000-0000-000000000001",
        claims={"hdms_roles": ["admin"]},
        secret="another-key" * 4,
    )
    status, content_type, body = _request(f"{base}/api/auth/me", token=forged)
    assert status == 401 and content_type == "application/problem+json" and body["status"] == 401


def test_unknown_path_is_a_problem_404_from_the_dispatcher(embedded_server):
    base, _, _, _ = embedded_server
    status, content_type, _ = _request(f"{base}/api/no-such-service/x")
    assert status == 404 and content_type == "application/problem+json"


def test_every_installed_service_answers_on_its_gateway_path(embedded_server):
    base, _, _, _ = embedded_server
    for service in registry.installed_services():
        status, _, spec_body = _request(f"{base}{service.openapi_path}")
        assert status == 200 and spec_body["openapi"].startswith("3."), service.name


def test_every_swagger_ui_page_loads_its_scripts_and_styles_from_hdms_itself(embedded_server):
    """The docs open on a machine with no internet: every file the page loads is served here."""
    base, _, _, _ = embedded_server
    for prefix in ("/api/auth", "/api/tickets", "/api/chat", "/api/files"):
        with urllib.request.urlopen(f"{base}{prefix}/docs", timeout=10) as response:
            page = response.read().decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert len(assets) == 3, (prefix, assets)
        for asset in assets:
            assert asset.startswith(f"{prefix}/docs/assets/"), asset
            with urllib.request.urlopen(f"{base}{asset}", timeout=10) as response:
                kind = response.headers["Content-Type"]
                assert response.status == 200 and len(response.read()) > 10_000, asset
            assert kind.startswith("text/css" if asset.endswith(".css") else "text/javascript")
        status, kind, _ = _request(f"{base}{prefix}/docs/assets/index.html")
        assert (status, kind) == (404, "application/problem+json")


def test_the_whole_ticket_life_cycle_runs_on_the_embedded_default(embedded_server):
    """The journey of tests/e2e, here on SQLite with in-process events and tasks."""
    base, _, _, _ = embedded_server
    full_life_cycle(Entry(base))


def test_an_assignment_notifies_the_assignee_in_process(embedded_server):
    base, _, _, _ = embedded_server
    assignment_notifies_the_assignee(Entry(base))


def test_two_websocket_clients_chat_in_real_time_on_a_ticket(embedded_server):
    import websocket

    base, output, _, _ = embedded_server
    tokens = {}
    for code in ("REQ001", "MOD001"):
        _, _, body = _request(
            f"{base}/api/auth/login-hdms",
            method="POST",
            body={"employee_code": code, "password": _demo_login(output, code)},
        )
        tokens[code] = body["access"]
    _, _, departments = _request(f"{base}/api/departments/", token=tokens["REQ001"])
    it = next(d["id"] for d in departments["items"] if d["code"] == "IT")
    status, _, ticket = _request(
        f"{base}/api/tickets/",
        method="POST",
        token=tokens["REQ001"],
        body={"title": "Chat please", "description": "Let us talk.", "department_id": it},
    )
    assert status == 201
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # participants arrive with the ticket's events
        status, _, _ = _request(
            f"{base}/api/chat/{ticket['id']}/participants/", token=tokens["MOD001"]
        )
        if status == 200:
            break
        time.sleep(0.3)
    ws_base = base.replace("http://", "ws://")
    moderator = websocket.create_connection(
        f"{ws_base}/ws/chat/{ticket['id']}/?token={tokens['MOD001']}", timeout=10
    )
    requestor = websocket.create_connection(
        f"{ws_base}/ws/chat/{ticket['id']}/?token={tokens['REQ001']}", timeout=10
    )
    try:
        requestor.send(
            json.dumps({"type": "message", "body": "Hello from tab one", "client_msg_id": "tab-1"})
        )
        deadline = time.monotonic() + 10
        received = None
        while time.monotonic() < deadline and received is None:
            frame = json.loads(moderator.recv())
            if frame.get("type") == "message":
                received = frame
        assert received is not None and "Hello from tab one" in json.dumps(received)
    finally:
        moderator.close()
        requestor.close()


def _login(base, output, code, password=None):
    status, _, body = _request(
        f"{base}/api/auth/login-hdms",
        method="POST",
        body={"employee_code": code, "password": password or _demo_login(output, code)},
    )
    assert status == 200, body
    return body["access"]


def test_access_taken_away_stops_tokens_and_sockets_at_once_and_the_approver_drops_out(
    embedded_server,
):
    """One process, no Redis: the stamp and the event travel in-process."""
    import websocket

    base, output, _, _ = embedded_server
    admin, moderator, assignee = (_login(base, output, c) for c in ("ADM001", "MOD001", "ASG001"))
    _, _, departments = _request(f"{base}/api/departments/", token=admin)
    it = next(d["id"] for d in departments["items"] if d["code"] == "IT")
    status, _, approver = _request(
        f"{base}/api/employees/",
        method="POST",
        token=admin,
        body={
            "employee_code": "APR777",
            "name": "Ann Approver",
            "password": "approver-password",
            "department_id": it,
        },
    )
    assert status == 201, approver
    status, _, _ = _request(
        f"{base}/api/hdms/grant-access",
        method="POST",
        token=admin,
        body={"employee_id": approver["id"], "roles": ["requestor"], "department_ids": [it]},
    )
    assert status == 200
    approver_token = _login(base, output, "APR777", "approver-password")

    status, _, ticket = _request(
        f"{base}/api/tickets/",
        method="POST",
        token=moderator,
        body={"title": "New monitor", "description": "Needs a sign-off.", "department_id": it},
    )
    assert status == 201, ticket
    _, _, me = _request(f"{base}/api/auth/me", token=assignee)
    for token, body in (
        (moderator, {"action": "assign", "assignee_id": me["id"]}),
        (assignee, {"action": "acknowledge"}),
    ):
        _, _, current = _request(f"{base}/api/tickets/{ticket['id']}", token=admin)
        status, _, changed = _request(
            f"{base}/api/tickets/{ticket['id']}/status",
            method="POST",
            token=token,
            body={**body, "version": current["version"]},
        )
        assert status == 200, changed
    _, _, current = _request(f"{base}/api/tickets/{ticket['id']}", token=admin)
    status, _, approval = _request(
        f"{base}/api/tickets/{ticket['id']}/approvals/",
        method="POST",
        token=assignee,
        body={"approver_ids": [approver["id"]], "mode": "all", "version": current["version"]},
    )
    assert status == 201, approval
    feed = websocket.create_connection(
        f"{base.replace('http://', 'ws://')}/ws/notifications/?token={approver_token}", timeout=10
    )
    try:
        assert json.loads(feed.recv())["type"] == "unread_count"
        status, _, _ = _request(
            f"{base}/api/employees/{approver['id']}", method="DELETE", token=admin
        )
        assert status == 204

        status, kind, _ = _request(
            f"{base}/api/tickets/",
            method="POST",
            token=approver_token,
            body={"title": "Still here?", "description": "No.", "department_id": it},
        )
        assert (status, kind) == (401, "application/problem+json")
        assert _request(f"{base}/api/auth/me", token=approver_token)[0] == 401
        frames, close_code = [], None
        while close_code is None:
            opcode, frame = feed.recv_data_frame()
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                close_code = int.from_bytes(frame.data[:2], "big")
            else:
                frames.append(json.loads(frame.data))
        assert [f.get("code") for f in frames] == ["unauthorized"]
        assert close_code == 4401
    finally:
        feed.close()
        feed.shutdown()  # the server closed first: close() alone leaves the socket open

    _, _, after = _request(f"{base}/api/tickets/{ticket['id']}", token=admin)
    assert after["status"] == "in_progress"
    _, _, rounds = _request(f"{base}/api/tickets/{ticket['id']}/approvals/", token=admin)
    assert [(r["status"], r["dropped_approver_ids"]) for r in rounds["items"]] == [
        ("cancelled", [approver["id"]])
    ]


# Last: it stops the server the other tests share.
def test_data_is_kept_in_sqlite_under_var_and_reused_by_a_second_run(embedded_server):
    base, output, var_dir, process = embedded_server
    assert (var_dir / "auth.db").exists()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0  # Ctrl-C stops it cleanly
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "PGBOUNCER_URL", "REDIS_URL")
    }
    again = subprocess.run(
        [
            sys.executable,
            str(EMBEDDED),
            "--port",
            str(port),
            "--var-dir",
            str(var_dir),
            "--migrate-only",
        ],
        cwd=var_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert (var_dir / "jwt-secret").read_text()  # the same secret: earlier tokens stay valid
