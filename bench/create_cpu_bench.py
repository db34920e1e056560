"""CPU time per ticket create, per process of the stack, through the nginx gateway.

Starts its own stack (scripts/stack.py, free ports, temporary folders) unless
``BENCH_STACK_STATE`` names the state.json of a running one. Sends ``BENCH_REQUESTS`` creates
from ``BENCH_CLIENTS`` threads and reads each stack process's utime+stime from /proc before and
after (waiting for the event consumers to go quiet), so the figure is the CPU the stack spent,
which other load on the machine changes far less than requests per second. The reference is
the whole stack's CPU per create; the target is at most 5 ms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "stack.py"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, utime+stime in ticks, name) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), _name(args)


def _name(args: list[bytes]) -> str:
    text = " ".join(a.decode(errors="replace") for a in args if a)
    for marker, name in (
        ("auth_service:create_app", "auth-service web"),
        ("ticket_service:create_app", "ticket-service web"),
        ("communication_service:create_app", "communication-service web"),
        ("file_service:create_app", "file-service web"),
        ("outbox-relay", "ticket outbox relay"),
        ("ticket-access-events", "ticket access events"),
        ("events-consume", "communication event consumer"),
        ("files-ticket-events", "file ticket-event consumer"),
        ("ticket_service.tasks", "ticket celery"),
        ("file_service.tasks", "file celery"),
        ("postgres", "postgresql"),
        ("pgbouncer", "pgbouncer"),
        ("redis-server", "redis"),
        ("nginx", "nginx"),
        ("clamd", "clamd"),
    ):
        if marker in text:
            return name
    return text[:40]


def stack_cpu(root_pid: int) -> dict[str, float]:
    """CPU seconds per process name of every descendant of ``root_pid``."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            table[int(entry)] = stat
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (ppid, _, _) in table.items():
        children[ppid].append(pid)
    totals: dict[str, float] = defaultdict(float)
    todo = list(children[root_pid])
    while todo:
        pid = todo.pop()
        todo.extend(children[pid])
        totals[table[pid][2]] += table[pid][1] / TICKS
    return totals


def create_many(base_url: str, headers: dict[str, str], department_id: str, count: int) -> int:
    """``count`` creates from CLIENTS threads; returns the number that did not answer 201."""
    errors = 0
    lock = threading.Lock()

    def client(number: int) -> None:
        nonlocal errors
        session = requests.Session()
        failed = 0
        for i in range(count // CLIENTS):
            response = session.post(
                f"{base_url}/api/tickets/",
                headers=headers,
                timeout=30,
                json={
                    "title": f"CPU bench ticket {number}-{i}",
                    "description": "Created by the CPU-per-create benchmark.",
                    "department_id": department_id,
                    "priority": "low",
                },
            )
            failed += response.status_code != 201
        with lock:
            errors += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def quiet(root_pid: int, *, idle_ms_per_s: float = 30.0, limit_s: float = 60.0) -> None:
    """Wait until the stack's CPU use drops to idle (the consumers caught up)."""
    deadline = time.monotonic() + limit_s
    before = sum(stack_cpu(root_pid).values())
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = sum(stack_cpu(root_pid).values())
        if (now - before) * 1000 < idle_ms_per_s:
            return
        before = now


def measure(state: dict) -> int:
    gateway = f"http://127.0.0.1:{state['ports']['gateway']}"
    login = requests.post(
        f"{gateway}/api/auth/login-hdms",
        timeout=10,
        json={"employee_code": "REQ001", "password": "demo-requestor-pass"},
    ).json()
    headers = {"Authorization": f"Bearer {login['access']}"}
    departments = requests.get(f"{gateway}/api/departments/", headers=headers, timeout=10).json()
    department_id = next(d["id"] for d in departments["items"] if d["code"] == "IT")
    root = int(state["pid"])
    create_many(gateway, headers, department_id, CLIENTS * 10)  # warm-up: pools on every hop
    quiet(root)
    before = stack_cpu(root)
    started = time.perf_counter()
    errors = create_many(gateway, headers, department_id, REQUESTS)
    elapsed = time.perf_counter() - started
    done = (REQUESTS // CLIENTS) * CLIENTS
    quiet(root)
    after = stack_cpu(root)
    print(
        f"{done} creates from {CLIENTS} clients in {elapsed:.1f} s "
        f"({done / elapsed:.0f}/s), errors {errors}"
    )
    rows = sorted(
        ((name, (after[name] - before.get(name, 0.0)) * 1000 / done) for name in after),
        key=lambda row: -row[1],
    )
    for name, ms in rows:
        if ms >= 0.005:
            print(f"  {name:32} {ms:6.2f} ms CPU per create")
    print(f"  {'whole stack':32} {sum(ms for _, ms in rows):6.2f} ms CPU per create (target 5)")
    return 1 if errors else 0


def main() -> int:
    running = os.environ.get("BENCH_STACK_STATE")
    if running:
        return measure(json.loads(Path(running).read_text()))
    with tempfile.TemporaryDirectory() as base:
        env = {**os.environ, "HDMS_STACK_DIR": f"{base}/stack", "HDMS_LOG_DIR": f"{base}/log"}
        up = subprocess.run([sys.executable, str(STACK), "up", "--auto-ports", "--no-web"], env=env)
        if up.returncode != 0:
            return 1
        try:
            return measure(json.loads(Path(f"{base}/stack/state.json").read_text()))
        finally:
            subprocess.run([sys.executable, str(STACK), "down"], env=env)


if __name__ == "__main__":
    sys.exit(main())
