"""CPU per ticket create of every stack process, and of the event pipeline after the request.

Starts its own stack (scripts/stack.py, free ports, temporary folders), creates tickets through
nginx from BENCH_CLIENTS threads and reads utime+stime of every process from /proc before and
after (a service's gunicorn workers and PostgreSQL's backends count with their parent). Two
measurements, one after the other:

- live: BENCH_CREATES creates with everything running, until the outbox relay and both event
  consumers have caught up; CPU per create of each process.
- pipeline: the background process (the relay and the event consumers) is paused (SIGSTOP) while
  BENCH_CREATES more creates are made, then resumed; CPU per create of each process from then
  until the events are handled, i.e. what the events of a create cost after its request, in
  every process (Redis, PgBouncer, PostgreSQL, services called back included). A backlog
  batches better than live traffic, so this is the lower bound of the background share.

Every BENCH_ATTACH_EVERY-th create carries an uploaded attachment (0: none). The figures go
to stdout and as JSON to var/bench/event_cpu.json. BENCH_STACK_STATE=<its state.json> measures
a stack that runs already instead.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import proc_stats
import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "stack.py"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
CREATES = int(os.environ.get("BENCH_CREATES", "2000"))
ATTACH_EVERY = int(os.environ.get("BENCH_ATTACH_EVERY", "10"))
#: The stack's process whose work starts after the create's response: the outbox relay and
#: both ticket event consumers are threads of it (docs/stack.md, "Processes and memory").
PIPELINE = ("background",)
STREAM = "hdms:events:tickets"
GROUPS = ("communication-service", "file-service")


def sample(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each process tree (the root and its descendants)."""
    parent_of = proc_stats.parents()
    return {
        name: proc_stats.cpu_seconds(proc_stats.tree(pid, parent_of)) for name, pid in roots.items()
    }


def signal_tree(root: int, signum: int) -> None:
    for pid in proc_stats.tree(root):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


class Stack:
    """The API and the Redis and database of one running stack."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.gateway = f"http://127.0.0.1:{state['ports']['gateway']}"
        self.redis = redis.Redis.from_url(state["env"]["REDIS_URL"])
        login = requests.post(
            f"{self.gateway}/api/auth/login-hdms",
            timeout=10,
            json={"employee_code": "REQ001", "password": "demo-requestor-pass"},
        ).json()
        self.headers = {"Authorization": f"Bearer {login['access']}"}
        departments = requests.get(
            f"{self.gateway}/api/departments/", headers=self.headers, timeout=10
        ).json()["items"]
        self.department_id = next(d["id"] for d in departments if d["code"] == "IT")

    def roots(self) -> dict[str, int]:
        roots = dict(self.state["processes"])
        roots.update(
            {
                name.removesuffix("Server").lower(): pid
                for name, pid in self.state["servers"].items()
            }
        )
        return roots

    def upload(self) -> str:
        response = requests.post(
            f"{self.gateway}/api/files/upload/",
            headers=self.headers,
            files={"file": ("note.txt", b"attached by the event cpu bench\n", "text/plain")},
            timeout=30,
        )
        response.raise_for_status()
        return str(response.json()["file_key"])

    def create(self, count: int) -> int:
        """``count`` creates from CLIENTS threads; returns how many failed."""
        keys = [self.upload() for _ in range(count // ATTACH_EVERY)] if ATTACH_EVERY else []
        errors = 0
        lock = threading.Lock()
        numbers = iter(range(count))

        def client() -> None:
            nonlocal errors
            session = requests.Session()
            while True:
                with lock:
                    number = next(numbers, None)
                    key = (
                        keys.pop()
                        if keys and number is not None and (number % ATTACH_EVERY == 0)
                        else None
                    )
                if number is None:
                    return
                body: dict[str, Any] = {
                    "title": f"Event bench ticket {number}",
                    "description": "Created by the event CPU benchmark.",
                    "department_id": self.department_id,
                    "priority": "low",
                }
                if key:
                    body["attachments"] = [key]
                response = session.post(
                    f"{self.gateway}/api/tickets/", headers=self.headers, json=body, timeout=30
                )
                if response.status_code != 201:
                    with lock:
                        errors += 1

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    def stream_length(self) -> int:
        return int(self.redis.xlen(STREAM))

    def caught_up(self, expected_length: int) -> bool:
        """Whether the stream holds every event and both groups have handled all of them."""
        if self.stream_length() < expected_length:
            return False
        for group in self.redis.xinfo_groups(STREAM):
            name = group["name"].decode() if isinstance(group["name"], bytes) else group["name"]
            if name in GROUPS and (group.get("lag") or group.get("pending")):
                return False
        return True

    def wait_caught_up(self, expected_length: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not self.caught_up(expected_length):
            if time.monotonic() > deadline:
                raise RuntimeError("the event pipeline did not catch up")
            time.sleep(0.05)


def per_create(before: dict[str, float], after: dict[str, float], creates: int) -> dict[str, float]:
    """CPU milliseconds per create of each process tree."""
    return {name: (after[name] - before[name]) * 1000 / creates for name in before if name in after}


def report(title: str, figures: dict[str, float]) -> None:
    print(f"\n{title}")
    for name, value in sorted(figures.items(), key=lambda item: -item[1]):
        if value >= 0.005:
            print(f"  {name:26} {value:7.2f} ms")
    pipeline = sum(figures.get(name, 0.0) for name in PIPELINE)
    print(f"  {'(relay and consumers)':26} {pipeline:7.2f} ms")
    print(f"  {'(all processes)':26} {sum(figures.values()):7.2f} ms")


def measure(stack: Stack) -> dict[str, dict[str, float]]:
    roots = stack.roots()
    stack.create(100)  # warm-up: connection pools on every hop
    stack.wait_caught_up(stack.stream_length())
    time.sleep(2.5)  # a relay round in flight ends

    expected = stack.stream_length() + CREATES
    before = sample(roots)
    started = time.perf_counter()
    errors = stack.create(CREATES)
    stack.wait_caught_up(expected - errors)
    elapsed = time.perf_counter() - started
    live = per_create(before, sample(roots), CREATES - errors)
    print(f"live: {CREATES} creates ({errors} failed) handled in {elapsed:.1f} s")
    report("live: CPU per create, everything running", live)

    time.sleep(2.5)
    for name in PIPELINE:
        if name in roots:
            signal_tree(roots[name], signal.SIGSTOP)
    expected = stack.stream_length() + CREATES
    errors = stack.create(CREATES)
    before = sample(roots)
    for name in PIPELINE:
        if name in roots:
            signal_tree(roots[name], signal.SIGCONT)
    started = time.perf_counter()
    stack.wait_caught_up(expected - errors)
    elapsed = time.perf_counter() - started
    pipeline = per_create(before, sample(roots), CREATES - errors)
    print(f"\npipeline: the events of {CREATES} creates handled in {elapsed:.1f} s")
    report("pipeline: CPU per create after the responses", pipeline)
    return {"live": live, "pipeline": pipeline}


def main() -> int:
    running = os.environ.get("BENCH_STACK_STATE")
    if running:  # a stack started beforehand (its state.json): measure it, leave it running
        print(json.dumps(measure(Stack(json.loads(Path(running).read_text())))))
        return 0
    with tempfile.TemporaryDirectory() as base:
        env = {**os.environ, "HDMS_STACK_DIR": f"{base}/stack", "HDMS_LOG_DIR": f"{base}/log"}
        up = subprocess.run([sys.executable, str(STACK), "up", "--auto-ports", "--no-web"], env=env)
        if up.returncode != 0:
            return 1
        try:
            state = json.loads(Path(f"{base}/stack/state.json").read_text())
            figures = measure(Stack(state))
            out = ROOT / "var" / "bench"
            out.mkdir(parents=True, exist_ok=True)
            (out / "event_cpu.json").write_text(json.dumps(figures, indent=2))
        finally:
            subprocess.run([sys.executable, str(STACK), "down"], env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
