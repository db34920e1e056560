"""Create-ticket throughput through the nginx gateway at 50 concurrent clients.

Starts its own stack (scripts/stack.py, free ports, temporary folders), then sends the same
number of POST /api/tickets/ through nginx and straight to ticket-service's gunicorn. The ratio
gateway/direct shows what the gateway costs; the absolute figures depend on the machine.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "stack.py"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))


def run(
    base_url: str, headers: dict[str, str], department_id: str
) -> tuple[float, list[float], int]:
    """Fire REQUESTS creates from CLIENTS threads; returns (requests/s, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS
    barrier = threading.Barrier(CLIENTS + 1)

    def client(number: int) -> None:
        nonlocal errors
        session = requests.Session()
        mine, failed = [], 0
        barrier.wait()
        for i in range(per_client):
            started = time.perf_counter()
            response = session.post(
                f"{base_url}/api/tickets/",
                headers=headers,
                timeout=30,
                json={
                    "title": f"Bench ticket {number}-{i}",
                    "description": "Created by the gateway benchmark.",
                    "department_id": department_id,
                    "priority": "low",
                },
            )
            mine.append(time.perf_counter() - started)
            failed += response.status_code != 201
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies, errors


def describe(name: str, rate: float, latencies: list[float], errors: int) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95)] * 1000
    print(
        f"{name:8} {rate:8.1f} creates/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   errors {errors}"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as base:
        env = {
            **os.environ,
            "HDMS_STACK_DIR": f"{base}/stack",
            "HDMS_LOG_DIR": f"{base}/log",
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        }
        up = subprocess.run([sys.executable, str(STACK), "up", "--auto-ports"], env=env)
        if up.returncode != 0:
            return 1
        try:
            state = json.loads(Path(f"{base}/stack/state.json").read_text())
            gateway = f"http://127.0.0.1:{state['ports']['gateway']}"
            direct = f"http://127.0.0.1:{state['ports']['ticket']}"
            login = requests.post(
                f"{gateway}/api/auth/login-hdms",
                timeout=10,
                json={"employee_code": "REQ001", "password": "demo-requestor-pass"},
            ).json()
            headers = {"Authorization": f"Bearer {login['access']}"}
            departments = requests.get(
                f"{gateway}/api/departments/", headers=headers, timeout=10
            ).json()["items"]
            department_id = next(d["id"] for d in departments if d["code"] == "IT")
            run(gateway, headers, department_id)  # warm-up: connection pools on every hop
            print(
                f"{CLIENTS} concurrent clients, {REQUESTS} creates each way "
                f"(WEB_CONCURRENCY={env['WEB_CONCURRENCY']} gevent workers)"
            )
            # Interleaved rounds, best of each, so that a burst of other load on the machine
            # does not land on one side only.
            rounds = {"direct": [], "gateway": []}
            for _ in range(2):
                rounds["direct"].append(run(direct, headers, department_id))
                rounds["gateway"].append(run(gateway, headers, department_id))
            direct_result = max(rounds["direct"], key=lambda r: r[0])
            gateway_result = max(rounds["gateway"], key=lambda r: r[0])
            describe("direct", *direct_result)
            describe("gateway", *gateway_result)
            print(f"ratio gateway/direct throughput: {gateway_result[0] / direct_result[0]:.2f}")
        finally:
            subprocess.run([sys.executable, str(STACK), "down"], env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
