"""Workers killed mid-task: Celery (scan, transcode) and gunicorn (live WebSockets).

The file-service's own tests (file-service/tests/test_worker_crash.py, test_sweep.py) show the
mechanisms on a worker they start; here the stack's own worker is killed while it works on a
file uploaded through nginx, and the file must still end ready or infected within a bound.
A gunicorn worker of communication-service is killed under WebSocket load: its clients come
back with ?after= and miss nothing.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import requests
from chaos_helpers import (
    ROOT,
    UNAVAILABLE,
    ChaosStack,
    ChatPoster,
    ChatReader,
    chat_report,
    children_of,
    token_of,
    wait_for,
    write_report,
)
from PIL import Image, ImageChops

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
FINISHED = ("ready", "infected", "failed")
FILE_LIMIT = 40.0


def _video(frames: int = 120) -> bytes:
    """A few seconds of 640x360 MPEG-4 that the worker takes a while to turn into H.264."""
    noise = [Image.effect_noise((640, 360), 60 + 10 * k).convert("RGB") for k in range(4)]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream: Any = out.add_stream("mpeg4", rate=Fraction(25, 1))
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.bit_rate = 2_000_000
        for index in range(frames):
            image = ImageChops.offset(noise[index % 4], index * 7, index * 3)
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def _upload(stack: ChaosStack, headers: dict[str, str], name: str, content: bytes) -> str:
    response = requests.post(
        f"{stack.url}/api/files/upload/",
        headers=headers,
        files={"file": (name, content)},
        data={"purpose": "ticket"},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["file_key"])


def _status(stack: ChaosStack, headers: dict[str, str], key: str) -> str:
    response = requests.get(f"{stack.url}/api/files/{key}/status/", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def _attempts(stack: ChaosStack, key: str) -> int:
    return int(stack.sql("SELECT attempts FROM attachments WHERE file_key = %s", (key,))[0][0])


def _await_end(stack: ChaosStack, headers: dict[str, str], key: str) -> tuple[str, float]:
    started = time.monotonic()
    status = wait_for(
        lambda: (s := _status(stack, headers, key)) in FINISHED and s,
        FILE_LIMIT,
        0.2,
        "the file to finish",
    )
    return status, time.monotonic() - started


def test_celery_pool_killed_mid_scan_the_file_still_ends_infected(stack: ChaosStack) -> None:
    stack.wait_healthy()
    requestor = stack.login("requestor")
    clamd = stack.server("ClamdServer")
    worker = stack.process("file-celery-worker")
    # clamd paused: the scan is held open, so the kill lands in the middle of it.
    os.kill(clamd.pid, signal.SIGSTOP)
    try:
        key = _upload(stack, requestor, "invoice.txt", b"prefix " + EICAR + b" suffix\n")
        wait_for(lambda: _status(stack, requestor, key) == "scanning", 20, 0.05, "the scan")
        killed = stack.kill_children("file-celery-worker")
    finally:
        os.kill(clamd.pid, signal.SIGCONT)
    assert killed, "the Celery worker had no pool process"
    status, seconds = _await_end(stack, requestor, key)
    attempts = _attempts(stack, key)
    print(
        f"celery kill -9 mid-scan: killed pool pids {killed}; ended {status} after "
        f"{seconds:.2f} s, {attempts} attempts"
    )
    assert status == "infected"
    assert attempts == 2  # the killed scan and the redelivered one
    assert worker.poll() is None  # the worker itself replaced its pool processes
    wait_for(lambda: len(children_of(worker.pid)) == 2, 20, 0.2, "the pool to be refilled")


def test_celery_worker_killed_mid_transcode_the_file_still_ends_ready(stack: ChaosStack) -> None:
    stack.wait_healthy()
    requestor = stack.login("requestor")
    video = _video()
    worker = stack.process("file-celery-worker")
    key = _upload(stack, requestor, "walkthrough.mp4", video)
    wait_for(lambda: _status(stack, requestor, key) == "processing", 30, 0.05, "the transcode")
    processing_since = time.monotonic()
    # The whole worker dies (an OOM kill, a lost host): pool processes first, then the worker.
    pool = children_of(worker.pid)
    for pid in [*pool, worker.pid]:
        os.kill(pid, signal.SIGSTOP)
    assert _status(stack, requestor, key) == "processing"  # stopped before it could finish
    for pid in [*pool, worker.pid]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(10)
    killed_at = time.monotonic()
    stack.supervisor.respawn("file-celery-worker")
    # The task stays unacknowledged in Redis until its visibility timeout (longer than any
    # task may run); the periodic sweep is what notices the file. It is run now, as beat would,
    # once the file has been processing for longer than the sweep's FILE_STALE_AFTER_SECONDS.
    time.sleep(max(0.0, 1.5 - (time.monotonic() - processing_since)))
    swept = subprocess.run(
        [str(Path(sys.executable).with_name("hdms")), "files-sweep"],
        env={**stack.supervisor.env, "FILE_STALE_AFTER_SECONDS": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert swept.returncode == 0, swept.stderr
    assert "retried 1, failed 0" in swept.stdout, swept.stdout
    status, _ = _await_end(stack, requestor, key)
    seconds = time.monotonic() - killed_at
    details = requests.get(f"{stack.url}/api/files/{key}/", headers=requestor, timeout=10).json()
    attempts = _attempts(stack, key)
    print(
        f"celery kill -9 mid-transcode: killed worker and pool {[worker.pid, *pool]}; ended "
        f"{status} {seconds:.2f} s after the kill, {attempts} attempts"
    )
    assert status == "ready"
    assert set(details["variants"]) == {"mp4", "thumbnail"}
    assert attempts == 2
    stack.wait_healthy()


def test_gunicorn_worker_killed_under_websocket_load_loses_nothing(stack: ChaosStack) -> None:
    stack.wait_healthy()
    users = stack.users()
    ticket = stack.open_chat_ticket(users)
    ticket_id = ticket["id"]
    # Readers stop only once they have everything; posters first.
    stop = threading.Event()
    posting = threading.Event()
    roles = ["requestor", "assignee", "moderator"] * 3
    readers = [
        ChatReader(stack.ws_url, token_of(users[role]), ticket_id, stop).start() for role in roles
    ]
    for reader in readers:
        assert reader.ready.wait(20), "a chat socket never became ready"
    posters = [
        ChatPoster(stop=posting, url=stack.url, headers=users[role], ticket_id=ticket_id).start()
        for role in ("requestor", "assignee")
    ]
    time.sleep(1.0)
    master = stack.process("communication")
    workers = stack.websocket_workers()
    victim = max(workers, key=lambda pid: workers[pid])
    assert workers[victim] > 0, workers
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    time.sleep(3.0)
    posting.set()
    for poster in posters:
        poster.join(60)
    stored = stack.stored_messages(ticket_id)
    last = stored[-1][0]
    for reader in readers:
        wait_for(lambda r=reader: r.last_seq >= last, 15, 0.1, f"message {last} to arrive")
    stop.set()
    for reader in readers:
        reader.join(10)
    report = write_report(posters, Counter(client for _, _, client in stored), killed_at)
    reconnected = sum(1 for r in readers if r.connections > 1)
    print(
        f"gunicorn worker kill -9 ({workers[victim]} of {sum(workers.values())} sockets on it): "
        f"{report.line()}; {reconnected} readers reconnected; {chat_report(readers, stored)}"
    )

    assert [e for p in posters for e in p.errors] == []
    assert report.lost == [] and report.duplicated == {} and report.abandoned == [], report.line()
    # A request the dying worker was serving gets nginx's 502; anything else is a 503 at most.
    in_flight = [a for a in report.failed_attempts if a.started <= killed_at <= a.ended]
    assert [a for a in in_flight if a.status not in (502, UNAVAILABLE)] == []
    others = [a for a in report.failed_attempts if a not in in_flight]
    assert [f"{a.status}: {a.detail}" for a in others if a.status != UNAVAILABLE] == []
    assert reconnected >= workers[victim]
    expected = [seq for seq, _, _ in stored]
    assert expected == list(range(1, len(expected) + 1))
    for reader in readers:
        assert reader.seqs() == expected
    # gunicorn replaced the worker.
    wait_for(lambda: len(children_of(master.pid)) == 2, 30, 0.2, "a new gunicorn worker")
    stack.wait_healthy()
