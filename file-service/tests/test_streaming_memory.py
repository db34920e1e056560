"""A 512 MiB upload through gunicorn: the worker's peak memory barely moves."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from hdms_common.testing.plugin import TestUser
from hdms_run.servers import free_port

MIB = 1024 * 1024
UPLOAD_MIB = 512
# Everything the worker may add while receiving 512 MiB: chunk buffers, the 256 KiB sniffing
# head, allocator slack. Holding the file would add 512 MiB.
GROWTH_BOUND_MIB = 64
REPO = Path(__file__).resolve().parents[2]


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def start_gunicorn(
    file_environ: dict[str, str], app: Any
) -> Iterator[Callable[..., tuple[str, int]]]:
    """``start_gunicorn(**env)``: file-service under gunicorn with one gevent worker, as in
    the stack; returns its URL and the worker's pid."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> tuple[str, int]:
        port = free_port()
        env = {
            **os.environ,
            **file_environ,
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            **extra,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:hdms_common.gunicorn_conf",
                "file_service:create_app()",
            ],
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:  # refused while binding, or a slow first answer
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        return url, int(children[0])

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def _body(boundary: str, size: int, digest: Any) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.log"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    line = b"2026-11-25 12:00:00 INFO the printer on floor 3 is out of toner again\n"
    block = (line * (MIB // len(line) + 1))[:MIB]
    for _ in range(size // MIB):
        digest.update(block)
        yield block
    yield f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.slow
def test_a_512_mib_upload_streams_without_growing_the_worker(
    start_gunicorn: Callable[..., tuple[str, int]],
    requestor: TestUser,
) -> None:
    url, worker_pid = start_gunicorn()
    headers = {**requestor.headers, "Content-Type": "multipart/form-data; boundary=xyzzy"}
    # Warm up: the first upload imports and allocates what every upload needs.
    warm = hashlib.sha256()
    first = requests.post(
        f"{url}/api/files/upload/", data=_body("xyzzy", MIB, warm), headers=headers, timeout=60
    )
    assert first.status_code == 201, first.text
    before = _peak_rss_mib(worker_pid)

    digest = hashlib.sha256()
    response = requests.post(
        f"{url}/api/files/upload/",
        data=_body("xyzzy", UPLOAD_MIB * MIB, digest),  # a generator: sent chunked
        headers=headers,
        timeout=300,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["size"] == UPLOAD_MIB * MIB
    assert body["sha256"] == digest.hexdigest()
    growth = _peak_rss_mib(worker_pid) - before
    assert growth < GROWTH_BOUND_MIB, f"peak RSS grew by {growth:.0f} MiB"


def test_gunicorn_answers_413_to_a_chunked_upload_over_the_limit_and_keeps_nothing(
    start_gunicorn: Callable[..., tuple[str, int]],
    requestor: TestUser,
    files_on_disk: Callable[[], list[Path]],
    count_attachments: Callable[[], int],
) -> None:
    url, _ = start_gunicorn(FILE_MAX_BYTES=str(MIB))
    headers = {**requestor.headers, "Content-Type": "multipart/form-data; boundary=xyzzy"}
    response = requests.post(
        f"{url}/api/files/upload/",
        data=_body("xyzzy", 50 * MIB, hashlib.sha256()),
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert files_on_disk() == []
    assert count_attachments() == 0
