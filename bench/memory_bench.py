"""Memory of the idle stack: processes and proportional set size (PSS) per service group.

Starts `make stack`'s stack (scripts/stack.py up, free ports, its folders under
var/bench/memory/), warms it up (hdms_stack.warm_up: each demo role logs in and lists its
tickets, as stack_bench.py does before its own reading), waits until it has been idle for a few
seconds, then reads every process
of it (the supervisor, what it started and their children) from /proc and prints, per group,
the processes and the sum of their PSS (/proc/PID/smaps_rollup: shared pages are divided
among the processes that map them, so the sum is what the stack really holds). The total is
compared with the target (docs/stack.md, "Processes and memory"); clamd is listed but left
out of the total, since its signature database (a few MiB here, about 1 GiB with the full
one) is not HDMS's memory.

`--load SECONDS` then drives ticket create and list through nginx with wrk (wrk_load.py;
CONCURRENCY connections, half each, both at once) and prints the requests per second, p50/p99
and the CPU time per request of every group (utime + stime from /proc/PID/stat before and
after, over the requests done), so that a layout that saves memory can be checked not to cost
throughput. Absolute req/s depend on the machine and its other load; CPU per request much less
so.

    python bench/memory_bench.py [--load 20] [--concurrency 16] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import proc_stats
import wrk_load
from hdms_stack import SERVER_NAMES, Logins, http_json, warm_up

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "stack.py"
BASE = ROOT / "var" / "bench" / "memory"
#: docs/stack.md ("Processes and memory"): the idle stack, clamd aside.
TARGET_MIB = 600.0
#: Listed, not counted in the total.
OUTSIDE_TOTAL = {"clamd"}


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
    parent_of = proc_stats.parents()
    groups: dict[str, list[int]] = defaultdict(list)
    owned: set[int] = set()
    for name, pid in state["processes"].items():
        pids = proc_stats.tree(pid, parent_of)
        groups[group_of(name, service_names)].extend(pids)
        owned.update(pids)
    for kind, pid in state["servers"].items():
        if pid is None:
            continue
        pids = proc_stats.tree(pid, parent_of)
        groups[SERVER_NAMES.get(kind, kind)].extend(pids)
        owned.update(pids)
    supervisor = proc_stats.tree(state["pid"], parent_of)
    groups["supervisor"] = [pid for pid in supervisor if pid not in owned]
    return dict(groups)


def report_memory(groups: dict[str, list[int]], verbose: bool) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    total_kib = total_processes = 0
    print(f"\n{'group':16} {'processes':>9} {'PSS MiB':>9}")
    for group in sorted(groups, key=lambda g: -sum(proc_stats.pss_kib(p) for p in groups[g])):
        pids = groups[group]
        sizes = {pid: proc_stats.pss_kib(pid) for pid in pids}
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


def run_load(
    gateway: str, groups: dict[str, list[int]], seconds: float, concurrency: int
) -> dict[str, Any]:
    """Creates (requestor) and first-page lists (moderator) through nginx with wrk, half the
    connections each, at the same time, for `seconds`; then each group's CPU per request."""
    logins = Logins(gateway)
    requestor = logins.headers("requestor")
    departments = http_json("GET", f"{gateway}/api/departments/?limit=100", headers=requestor)
    department = next(d["id"] for d in departments["items"] if d["code"] == "IT")
    loads: dict[str, dict[str, Any]] = {
        "create": {
            "path": "/api/tickets/",
            "headers": requestor,
            "body": {
                "title": "",
                "description": "Created by the memory benchmark.",
                "department_id": department,
                "priority": "low",
            },
            "connections": (concurrency + 1) // 2,
        },
        "list": {
            "path": "/api/tickets/?limit=20",
            "headers": logins.headers("moderator"),
            "body": None,
            "connections": concurrency // 2,
        },
    }
    loads = {kind: load for kind, load in loads.items() if load["connections"]}

    def drive(kind: str) -> dict[str, Any]:
        return wrk_load.run(
            gateway,
            script_dir=BASE / "wrk",
            name=f"memory-{kind}",
            duration=seconds,
            **loads[kind],
        )

    pids = {group: list(p) for group, p in groups.items()}
    before = {group: proc_stats.cpu_seconds(ps, reaped=False) for group, ps in pids.items()}
    began = time.monotonic()
    with ThreadPoolExecutor(len(loads)) as pool:
        figures = dict(zip(loads, pool.map(drive, loads), strict=True))
    elapsed = time.monotonic() - began
    after = {group: proc_stats.cpu_seconds(ps, reaped=False) for group, ps in pids.items()}
    requests = sum(f["requests"] for f in figures.values())
    result: dict[str, Any] = {"seconds": round(elapsed, 1), "concurrency": concurrency}
    print(f"\nload: {concurrency} connections through nginx for {elapsed:.0f} s")
    for kind, f in figures.items():
        print(
            f"  {kind:7} {f['req_per_s']:7.1f} req/s  p50 {f['p50_ms']:6.1f} ms  "
            f"p99 {f['p99_ms']:6.1f} ms  errors {f['error_count']}"
        )
        result[kind] = {
            "per_second": round(f["req_per_s"], 1),
            "p50_ms": round(f["p50_ms"], 1),
            "p99_ms": round(f["p99_ms"], 1),
            "errors": f["error_count"],
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
    if args.load:
        wrk_load.wrk_binary()  # before the stack starts: it says how to install wrk
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
        state = json.loads((BASE / "stack" / "state.json").read_text())
        gateway = f"http://127.0.0.1:{state['ports']['gateway']}"
        warm_up(Logins(gateway))
        time.sleep(args.idle)
        groups = stack_groups(state)
        result: dict[str, Any] = {"idle": report_memory(groups, args.verbose)}
        if args.load:
            result["load"] = run_load(gateway, groups, args.load, args.concurrency)
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
