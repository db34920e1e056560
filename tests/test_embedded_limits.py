"""The embedded server (`make run`) keeps the gateway's limits: bodies past nginx's sizes are a
413 before they are read, connections end with their WebSocket, and what the HTTP server
refuses itself is problem+json too (docs/architecture.md, "Three ways to run the same code")."""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from hdms_run.embedded_process import EmbeddedServer, start_embedded

ROOT = Path(__file__).resolve().parent.parent

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    var_dir = tmp_path_factory.mktemp("var")
    running = start_embedded(var_dir, var_dir / "server.log", web=False)
    yield running
    running.stop()


def _connect(server: EmbeddedServer, timeout: float = 10.0) -> socket.socket:
    parts = urlsplit(server.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=timeout)


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP response (headers, then Content-Length bytes of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body[:length]


def _read_until_closed(sock: socket.socket, timeout: float = 5.0) -> bytes:
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        data += b"<still open>"
    except ConnectionResetError:
        pass
    return data


def _assert_problem(status: int, headers: dict[str, str], body: bytes, expected: int) -> Any:
    assert status == expected, body[:300]
    assert headers["content-type"].startswith("application/problem+json"), headers
    problem = json.loads(body)
    assert problem["status"] == expected
    return problem


def _login_token(server: EmbeddedServer) -> str:
    import urllib.request

    password = next(
        line.split()[1] for line in server.banner.splitlines() if line.split()[:1] == ["REQ001"]
    )
    request = urllib.request.Request(
        f"{server.url}/api/auth/login-hdms",
        data=json.dumps({"employee_code": "REQ001", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        token: str = json.load(response)["access"]
        return token


def test_a_body_announced_past_the_limit_is_a_413_before_it_is_sent(
    server: EmbeddedServer,
) -> None:
    with _connect(server, timeout=5) as sock:
        sock.sendall(
            b"POST /api/auth/login-hdms HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 300000000\r\n\r\n"
        )
        status, headers, body = _read_response(sock)  # no body sent: must not wait for it
        _assert_problem(status, headers, body, 413)
        assert _read_until_closed(sock) == b""


def test_a_chunked_body_past_the_limit_is_a_413_and_is_not_read_on(
    server: EmbeddedServer,
) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"POST /api/auth/login-hdms HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b'{"employee_code": "' + b"a" * (256 * 1024)
        sent = 0
        try:
            while sent < 4 * MiB:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                chunk = b"a" * (256 * 1024)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, headers, body = _read_response(sock)
        _assert_problem(status, headers, body, 413)


def test_uploads_keep_their_own_larger_limit(server: EmbeddedServer) -> None:
    with _connect(server, timeout=5) as sock:
        sock.sendall(
            b"POST /api/files/upload/ HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: %d\r\n\r\n" % (5 * MiB)
        )
        status, _, _ = _read_response(sock)
        assert status == 401  # past the 1 MiB API limit, but an upload: file-service decides


def test_a_bad_request_line_is_a_400_problem(server: EmbeddedServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        _assert_problem(*_read_response(sock), 400)


def test_a_too_long_uri_is_a_414_problem(server: EmbeddedServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /api/tickets/?q=" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        _assert_problem(*_read_response(sock), 414)


def _upgrade(path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def _masked_frame(opcode: int, payload: bytes) -> bytes:
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


@pytest.mark.parametrize("path", ["/ws/notifications/?token=not-a-token", "/ws/chat/not-a-ticket/"])
def test_the_connection_ends_with_its_websocket(server: EmbeddedServer, path: str) -> None:
    with _connect(server) as sock:
        sock.sendall(_upgrade(path))
        time.sleep(1.0)  # the socket is refused or closed by the server
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = _read_until_closed(sock)
    assert b"<still open>" not in data
    assert b'"status":"ok"' not in data.replace(b" ", b"")
    assert data.count(b"HTTP/1.1 ") <= 1


def test_a_websocket_close_reason_never_carries_exception_text(server: EmbeddedServer) -> None:
    token = _login_token(server)
    with _connect(server) as sock:
        sock.sendall(_upgrade(f"/ws/notifications/?token={token}"))
        status, _, _ = _read_response(sock)
        assert status == 101
        time.sleep(0.5)
        sock.sendall(_masked_frame(0x1, b"\xff\xfe not UTF-8"))
        data = _read_until_closed(sock)
    close_at = data.rfind(b"\x88")
    assert close_at >= 0, data
    length = data[close_at + 1] & 0x7F
    frame = data[close_at + 2 : close_at + 2 + length]
    code = struct.unpack("!H", frame[:2])[0]
    reason = frame[2:].decode()
    assert code == 1007
    assert reason == "Invalid frame payload data"
