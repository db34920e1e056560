"""Under gunicorn with two gevent workers, a message reaches sockets held by either worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from hdms_run.servers import free_port

from .conftest import WsClient

GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture(scope="module")
def gunicorn(app, comm_environ, tmp_path_factory) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {**os.environ, **comm_environ}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(GUNICORN),
                "-c",
                "python:hdms_common.gunicorn_conf",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "communication_service:create_app()",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def worker_holding(client: WsClient, workers: list[int], server_port: int) -> int | None:
    """Which worker process holds the server side of ``client``'s connection (from /proc)."""
    client_port = client.ws.sock.getsockname()[1]
    inodes: dict[str, int] = {}
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[8:-1]] = pid
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        remote_port = int(fields[2].split(":")[1], 16)
        if local_port == server_port and remote_port == client_port and fields[9] in inodes:
            return inodes[fields[9]]
    return None


def test_a_message_reaches_clients_on_both_workers(gunicorn, user, open_ticket, department):
    url, process = gunicorn
    port = int(url.rsplit(":", 1)[1])
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)
    workers = workers_of(process.pid)
    assert len(workers) == 2
    clients: list[WsClient] = []
    by_worker: dict[int, list[WsClient]] = {}
    try:
        while len(by_worker) < 2 and len(clients) < 30:
            ws = WsClient(
                url.replace("http://", "ws://") + f"/ws/chat/{ticket}/?token={requestor.token}"
            )
            clients.append(ws)
            ws.send({"type": "ping"})
            ws.recv_type("pong")
            pid = worker_holding(ws, workers, port)
            assert pid is not None
            by_worker.setdefault(pid, []).append(ws)
        assert len(by_worker) == 2, "every connection landed on one worker"

        response = requests.post(
            f"{url}/api/chat/{ticket}/messages/",
            json={"body": "over HTTP"},
            headers=assignee.headers,
            timeout=5,
        )
        assert response.status_code == 201
        for ws in clients:
            assert ws.recv_type("message")["body"] == "over HTTP"

        sender = by_worker[workers[0]][0]
        sender.send({"type": "message", "body": "over a socket", "client_msg_id": "g-1"})
        for ws in clients:
            assert ws.recv_type("message")["body"] == "over a socket"
    finally:
        for ws in clients:
            ws.close()
