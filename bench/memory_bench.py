"""Memory of the idle stack: processes and proportional set size (PSS) per service group.

Starts `make stack`'s stack (scripts/stack.py up, free ports, its folders under
var/bench/memory/), waits until it has been idle for a few seconds, then reads every process
of it (the supervisor, what it started and their children) from /proc and prints, per group,
the processes and the sum of their PSS (/proc/PID/smaps_rollup: shared pages are divided
among the processes that map them, so the sum is what the stack really holds). The total is
compared with the target (docs/stack.md, "Processes and memory"); clamd is listed but left
out of the total, since its signature database (a few MiB here, about 1 GiB with the full
one) is not HDMS's memory.

`--load SECONDS` then drives ticket create and list through nginx (CONCURRENCY clients, half
each) and prints the requests per second and the CPU time per request of every group (utime +
stime from /proc/PID/stat before and after, over the requests done), so that a layout that
saves memory can be checked not to cost throughput. Absolute req/s depend on the machine and
its other load; CPU per request much less so.

    python bench/memory_bench.py [--load 20] [--concurrency 16] [--keep]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "stack.py"
BASE = ROOT / "var" / "bench" / "memory"
#: docs/stack.md ("Processes and memory"): the idle stack, clamd aside.
TARGET_MIB = 600.0
#: Server class (state.json "servers") -> group name.
SERVER_GROUPS = {
    "PostgresServer": "postgres",
    "PgBouncerServer": "pgbouncer",
    "RedisServer": "redis",
    "NginxServer": "nginx",
    "ClamdServer": "clamd",
}
#: Listed, not counted in the total.
OUTSIDE_TOTAL = {"clamd"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children() -> dict[int, list[int]]:
    """Every process's direct children, from /proc/PID/stat."""
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree[parent].append(int(entry))
    return tree


def with_descendants(pid: int, tree: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def command_of(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [w.decode(errors="replace") for w in raw if w]
    return " ".join(Path(words[0]).name.split() + words[1:])[:90] if words else "?"


def group_of(name: str, service_names: dict[str, str]) -> str:
    """A supervisor process's group: its service (by the registry), else its own name."""
    return service_names.get(name, name)


def stack_groups(state: dict[str, Any]) -> dict[str, list[int]]:
    """Group name -> pids (each process with its children) of the running stack."""
    from hdms_run import services

    service_names = {s.name: s.name for s in services.SERVICES}
    for service in services.SERVICES:
        for process in service.background:
            service_names[process.name] = service.name
    # The stack's one process of every service's loops is a group of its own ("background").
    tree = children()
    groups: dict[str, list[int]] = defaultdict(list)
    owned: set[int] = set()
    for name, pid in state["processes"].items():
        pids = with_descendants(pid, tree)
        groups[group_of(name, service_names)].extend(pids)
        owned.update(pids)
    for kind, pid in state["servers"].items():
        if pid is None:
            continue
        pids = with_descendants(pid, tree)
        groups[SERVER_GROUPS.get(kind, kind)].extend(pids)
        owned.update(pids)
    groups["supervisor"] = [pid for pid in with_descendants(state["pid"], tree) if pid not in owned]
    return dict(groups)


def report_memory(groups: dict[str, list[int]], verbose: bool) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    total_kib = total_processes = 0
    print(f"\n{'group':16} {'processes':>9} {'PSS MiB':>9}")
    for group in sorted(groups, key=lambda g: -sum(pss_kib(p) for p in groups[g])):
        pids = groups[group]
        sizes = {pid: pss_kib(pid) for pid in pids}
        kib = sum(sizes.values())
        outside = group in OUTSIDE_TOTAL
        note = "  (not in the total)" if outside else ""
        print(f"{group:16} {len(pids):9} {kib / 1024:9.1f}{note}")
        if verbose:
            for pid in pids:
                print(f"    {pid:7} {sizes[pid] / 1024:7.1f}  {command_of(pid)}")
        rows[group] = {"processes": len(pids), "pss_mib": round(kib / 1024, 1)}
        if not outside:
            total_kib += kib
            total_processes += len(pids)
    total = total_kib / 1024
    verdict = "met" if total < TARGET_MIB else "NOT met"
    print(
        f"{'total':16} {total_processes:9} {total:9.1f}   target < {TARGET_MIB:.0f} MiB: {verdict}"
    )
    return {"groups": rows, "total_mib": round(total, 1), "processes": total_processes}


class Client:
    """One keep-alive HTTP connection to the gateway."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> int:
        data = json.dumps(body).encode() if body is not None else None
        self.connection.request(method, path, body=data, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        return response.status


def login(port: int, code: str, password: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"employee_code": code, "password": password})
    connection.request(
        "POST", "/api/auth/login-hdms", body=body, headers={"Content-Type": "application/json"}
    )
    return str(json.loads(connection.getresponse().read())["access"])


def run_load(
    port: int, groups: dict[str, list[int]], seconds: float, concurrency: int
) -> dict[str, Any]:
    """Creates (requestor) and first-page lists (moderator) through nginx, half the clients
    each, for `seconds`; then each group's CPU per request."""
    from hdms_run import services

    logins = services.demo_logins()
    requestor = login(port, *logins["requestor"])
    moderator = login(port, *logins["moderator"])
    probe = Client(port, requestor)
    probe.connection.request("GET", "/api/departments/?limit=100", headers=probe.headers)
    departments = json.loads(probe.connection.getresponse().read())["items"]
    department = next(d["id"] for d in departments if d["code"] == "IT")
    counts: dict[str, list[int]] = {"create": [0, 0], "list": [0, 0]}  # done, failed
    latencies: dict[str, list[float]] = {"create": [], "list": []}
    lock = threading.Lock()
    stop_at = [0.0]
    start = threading.Barrier(concurrency + 1)

    def work(kind: str, number: int) -> None:
        client = Client(port, requestor if kind == "create" else moderator)
        done = failed = 0
        mine: list[float] = []
        start.wait()
        while time.monotonic() < stop_at[0]:
            began = time.perf_counter()
            if kind == "create":
                status = client.call(
                    "POST",
                    "/api/tickets/",
                    {
                        "title": f"Memory bench {number}-{done}",
                        "description": "Created by the memory benchmark.",
                        "department_id": department,
                        "priority": "low",
                    },
                )
                failed += status != 201
            else:
                failed += client.call("GET", "/api/tickets/?limit=20") != 200
            mine.append(time.perf_counter() - began)
            done += 1
        with lock:
            counts[kind][0] += done
            counts[kind][1] += failed
            latencies[kind].extend(mine)

    kinds = ["create" if n % 2 == 0 else "list" for n in range(concurrency)]
    threads = [threading.Thread(target=work, args=(k, n)) for n, k in enumerate(kinds)]
    for thread in threads:
        thread.start()
    pids = {group: list(p) for group, p in groups.items()}
    before = {group: sum(cpu_seconds(p) for p in ps) for group, ps in pids.items()}
    stop_at[0] = time.monotonic() + seconds
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    after = {group: sum(cpu_seconds(p) for p in ps) for group, ps in pids.items()}
    requests = counts["create"][0] + counts["list"][0]
    result: dict[str, Any] = {"seconds": round(elapsed, 1), "concurrency": concurrency}
    print(f"\nload: {concurrency} clients through nginx for {elapsed:.0f} s")
    for kind in ("create", "list"):
        ordered = sorted(latencies[kind]) or [0.0]
        rate = counts[kind][0] / elapsed
        p50 = ordered[len(ordered) // 2] * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        print(
            f"  {kind:7} {rate:7.1f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
            f"errors {counts[kind][1]}"
        )
        result[kind] = {
            "per_second": round(rate, 1),
            "p50_ms": round(p50, 1),
            "p99_ms": round(p99, 1),
            "errors": counts[kind][1],
        }
    print(f"  CPU ms per request (create and list together, {requests} requests):")
    cpu: dict[str, float] = {}
    for group in sorted(pids, key=lambda g: before[g] - after[g]):
        used = after[group] - before[group]
        cpu[group] = round(used * 1000 / max(requests, 1), 2)
        print(f"    {group:16} {cpu[group]:6.2f}")
    total = sum(v for g, v in cpu.items() if g not in OUTSIDE_TOTAL)
    print(f"    {'total':16} {total:6.2f}")
    result["cpu_ms_per_request"] = cpu
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=float, default=10.0, help="seconds idle before reading")
    parser.add_argument("--load", type=float, default=0.0, help="seconds of create/list load")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--verbose", "-v", action="store_true", help="every process")
    parser.add_argument("--keep", action="store_true", help="leave the stack running")
    args = parser.parse_args(argv)
    env = {
        **os.environ,
        "HDMS_STACK_DIR": str(BASE / "stack"),
        "HDMS_LOG_DIR": str(BASE / "log"),
    }
    # A stack a previous run kept (--keep) is stopped before its folder is replaced.
    subprocess.run([sys.executable, str(STACK), "down"], env=env, stdout=subprocess.DEVNULL)
    shutil.rmtree(BASE, ignore_errors=True)
    BASE.mkdir(parents=True)
    up = subprocess.run(
        [sys.executable, str(STACK), "up", "--auto-ports", "--no-web", "--timeout", "300"], env=env
    )
    if up.returncode != 0:
        return 1
    try:
        time.sleep(args.idle)
        state = json.loads((BASE / "stack" / "state.json").read_text())
        groups = stack_groups(state)
        result: dict[str, Any] = {"idle": report_memory(groups, args.verbose)}
        if args.load:
            result["load"] = run_load(
                state["ports"]["gateway"], groups, args.load, args.concurrency
            )
            print("\nafter the load:")
            result["after_load"] = report_memory(stack_groups(state), args.verbose)
        (BASE / "result.json").write_text(json.dumps(result, indent=2))
        print(f"\nresult: {BASE / 'result.json'}")
    finally:
        if not args.keep:
            subprocess.run([sys.executable, str(STACK), "down"], env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
