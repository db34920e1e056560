"""Chat, uploads, CORS, limits and request ids through nginx on the running stack."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import time
import uuid

import requests
import websocket
from e2e_helpers import DEMO, ROOT, department, ok, open_ticket, wait_for
from PIL import Image

from hdms_common.testing.downloads import assert_download_contract, from_requests

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _token(headers):
    return headers["Authorization"].split(" ", 1)[1]


def _ws(stack, path, headers):
    ws_url = stack.url.replace("http://", "ws://") + path
    sep = "&" if "?" in path else "?"
    return websocket.create_connection(f"{ws_url}{sep}token={_token(headers)}", timeout=10)


def _receive_type(connection, wanted, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = json.loads(connection.recv())
        if frame.get("type") == wanted:
            return frame
    raise AssertionError(f"no {wanted} frame")


def test_chat_over_websocket_through_nginx(stack):
    users = {role: stack.login(*credentials) for role, credentials in DEMO.items()}
    ticket = open_ticket(stack, users)
    path = f"/ws/chat/{ticket['id']}/"

    def participants_ready():
        response = requests.get(
            f"{stack.url}/api/chat/{ticket['id']}/participants/",
            headers=users["assignee"],
            timeout=10,
        )
        # The assignee joins when the assignment's event is consumed, after the requestor
        # and the moderators that the creation's event brought in.
        return response.status_code == 200 and ticket["assignee_id"] in {
            item["user_id"] for item in response.json()["items"]
        }

    wait_for(participants_ready)
    requestor = _ws(stack, path, users["requestor"])
    assignee = _ws(stack, path, users["assignee"])
    try:
        _receive_type(requestor, "ready")  # both sockets are live before anything is sent
        _receive_type(assignee, "ready")
        client_id = str(uuid.uuid4())
        requestor.send(
            json.dumps({"type": "message", "body": "Is anyone on it?", "client_msg_id": client_id})
        )
        received = _receive_type(assignee, "message")
        assert received["message"]["body"] if "message" in received else received["body"]
        text = json.dumps(received)
        assert "Is anyone on it?" in text
    finally:
        requestor.close()
        assignee.close()
    line = next(
        json.loads(entry)
        for entry in (stack.log_dir / "nginx-access.log").read_text().splitlines()
        if f"/ws/chat/{ticket['id']}/" in entry
    )
    assert "token=" not in json.dumps(line)  # the access token never reaches the log
    stored = requests.get(
        f"{stack.url}/api/chat/{ticket['id']}/messages/", headers=users["assignee"], timeout=10
    ).json()
    assert [m["body"] for m in stored["items"]] == ["Is anyone on it?"]


def _upload(stack, headers, name, content, ticket_id=None, extra_headers=None):
    data = {"purpose": "ticket"}
    if ticket_id:
        data["ticket_id"] = ticket_id
    return requests.post(
        f"{stack.url}/api/files/upload/",
        headers={**headers, **(extra_headers or {})},
        files={"file": (name, content)},
        data=data,
        timeout=60,
    )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_upload_is_scanned_converted_and_downloaded_through_nginx(stack):
    users = {role: stack.login(*credentials) for role, credentials in DEMO.items()}
    png = _png()
    uploaded = ok(_upload(stack, users["requestor"], "screenshot.png", png), 201)
    key = uploaded["file_key"]

    def ready():
        status = requests.get(
            f"{stack.url}/api/files/{key}/status/", headers=users["requestor"], timeout=10
        ).json()
        return status["status"] if status["status"] in ("ready", "failed", "infected") else None

    assert wait_for(ready, timeout=60) == "ready"
    download = requests.get(
        f"{stack.url}/api/files/{key}/download/", headers=users["requestor"], timeout=30
    )
    assert download.status_code == 200 and download.content == png
    webp = requests.get(
        f"{stack.url}/api/files/{key}/download/?variant=webp",
        headers=users["requestor"],
        timeout=30,
    )
    assert webp.status_code == 200 and webp.content[:4] == b"RIFF" and webp.content[8:12] == b"WEBP"
    ranged = requests.get(
        f"{stack.url}/api/files/{key}/download/",
        headers={**users["requestor"], "Range": "bytes=0-7"},
        timeout=30,
    )
    assert ranged.status_code == 206 and ranged.content == png[:8]
    # What file-service sends when it serves the bytes itself (file-service/tests).
    assert_download_contract(
        lambda headers: from_requests(
            requests.get(
                f"{stack.url}/api/files/{key}/download/",
                headers={**users["requestor"], **headers},
                timeout=30,
            )
        ),
        data=png,
        etag=hashlib.sha256(png).hexdigest(),
        content_type="image/png",
        disposition="attachment; filename=\"screenshot.png\"; filename*=UTF-8''screenshot.png",
    )

    # nginx sent the bytes: file-service's own response to the download carried none of them.
    def download_lines():
        log = (stack.log_dir / "file.log").read_text().splitlines()
        # file-service's access lines (hdms.access) for the downloads above, with their bytes
        found = [
            json.loads(line)
            for line in log
            if '"hdms.access"' in line and f"GET /api/files/{key}/download/ " in line
        ]
        return found if len(found) >= 3 else None

    lines = wait_for(download_lines, timeout=10)
    assert all(line["bytes"] == 0 for line in lines), lines
    beyond = requests.get(
        f"{stack.url}/api/files/{key}/download/",
        headers={**users["requestor"], "Range": f"bytes={len(png) + 10}-"},
        timeout=30,
    )
    assert beyond.status_code == 416
    assert beyond.headers["Content-Type"] == "application/problem+json"
    assert beyond.headers["Content-Range"] == f"bytes */{len(png)}"
    stranger = requests.get(f"{stack.url}/api/files/{key}/", headers=users["assignee"], timeout=10)
    assert stranger.status_code == 404


def test_eicar_upload_is_quarantined_and_never_served(stack):
    users = {role: stack.login(*credentials) for role, credentials in DEMO.items()}
    key = ok(_upload(stack, users["requestor"], "notes.txt", EICAR), 201)["file_key"]

    def settled():
        status = requests.get(
            f"{stack.url}/api/files/{key}/status/", headers=users["requestor"], timeout=10
        ).json()
        return status["status"] if status["status"] in ("ready", "failed", "infected") else None

    assert wait_for(settled, timeout=60) == "infected"
    assert (
        requests.get(
            f"{stack.url}/api/files/{key}/download/", headers=users["requestor"], timeout=10
        ).status_code
        == 410
    )


def test_oversized_upload_is_a_413_from_nginx(stack):
    users = {role: stack.login(*credentials) for role, credentials in DEMO.items()}
    response = _upload(stack, users["requestor"], "big.bin", b"\0" * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_redirect_through_the_gateway_keeps_its_address(stack):
    # A path without its trailing slash is redirected by the service; the Location must lead
    # back through the gateway (host and port the client used), not to port 80.
    users = {role: stack.login(*credentials) for role, credentials in DEMO.items()}
    response = requests.get(
        f"{stack.url}/api/tickets", headers=users["requestor"], timeout=10, allow_redirects=False
    )
    assert response.status_code == 308, response.status_code
    assert response.headers["Location"] == f"{stack.url}/api/tickets/"
    followed = requests.get(f"{stack.url}/api/tickets", headers=users["requestor"], timeout=10)
    assert followed.status_code == 200


def test_cors_preflight_is_answered_by_the_gateway(stack):
    response = requests.options(
        f"{stack.url}/api/tickets/",
        timeout=10,
        headers={"Origin": "https://desk.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://desk.example.com"


def test_one_request_id_is_in_every_log_line_it_caused(stack):
    users = {role: stack.login(*credentials) for role, credentials in DEMO.items()}
    key = ok(_upload(stack, users["requestor"], "shot.png", _png()), 201)["file_key"]
    request_id = f"e2e-{uuid.uuid4().hex}"
    it = department(stack, users["requestor"], "IT")
    ok(
        requests.post(
            f"{stack.url}/api/tickets/",
            timeout=10,
            headers={**users["requestor"], "X-Request-ID": request_id},
            json={
                "title": "With a screenshot",
                "description": "See attached.",
                "department_id": it,
                "attachments": [key],
            },
        ),
        201,
    )
    # ticket-service asked file-service (the attachment) on its behalf; the department's facts
    # came from the cache auth-service keeps in Redis (hdms_common.department_facts).
    for log in ("nginx-access.log", "ticket.log", "file.log"):
        assert wait_for(
            lambda log=log: request_id in (stack.log_dir / log).read_text(), timeout=10
        ), log


def test_the_postman_collection_runs_green_with_newman(stack, tmp_path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "postman.py"),
            "--output-dir",
            str(tmp_path),
            "--base-url",
            stack.url,
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-newman.sh")], check=True, capture_output=True
    )
    newman = ROOT / "var" / "tools" / "newman" / "node_modules" / ".bin" / "newman"
    result = subprocess.run(
        [
            str(newman),
            "run",
            str(tmp_path / "hdms.postman_collection.json"),
            "-e",
            str(tmp_path / "hdms.postman_environment.json"),
            "--reporters",
            "cli",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"assertions\s*│\s*\d+\s*│\s*0", result.stdout), result.stdout[-2000:]
