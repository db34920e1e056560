"""HDMS against its peer, django-helpdesk 2.6.1, in the same run: ticket create and list.

Usage (from the repository root; `make bench` runs it with the defaults)::

    .venv/bin/python bench/stack_bench.py                    # 1M tickets, 20 s per figure
    .venv/bin/python bench/stack_bench.py --quick            # 10k tickets, 5 s per figure
    .venv/bin/python bench/stack_bench.py --tickets 100000 --duration 10 --no-peer

It starts an HDMS stack as `make stack` does (hdms_run.stack.Supervisor: PostgreSQL, PgBouncer,
Redis, clamd, gunicorn gevent workers, the relay, consumers and Celery, nginx; no web
application), on free ports with its folders under var/bench/, and bulk-loads --tickets
tickets into ticket-service's table (bench/ticket_bulk.py, as tickets_bench.py does) in the
demo company's departments plus eight made through the API. The peer (bench/peer_helpdesk.py)
runs in its own virtualenv with 2 sync gunicorn workers, with a database of its own on the
same PostgreSQL server, loaded with --peer-tickets tickets: its list reads every ticket of the
table on each request, so at 1M tickets one request would outlast the run.

Both are driven by wrk at the same connection count and duration:

- create: POST /api/tickets/ with a unique title (HDMS through nginx, as a requestor);
- list, first page of 20: HDMS as admin, moderator, requestor, admin with a status filter and
  admin with a full-text q; the peer's list.

For each figure: req/s, p50 and p99 (wrk's histogram), errors, and the CPU time per operation
of every process group (utime + stime from /proc of each started process tree, before and
after the load; for creates, after the consumers went quiet, so what they do for each create
counts, and the operations are the tickets the database gained). The idle proportional set size
of each group is read on the fresh stack, before the bulk load, after each demo role has logged in
and listed its tickets (hdms_stack.warm_up, as bench/memory_bench.py reads it); the same is read
again after the last figure and printed for information (the loaded table's pages in PostgreSQL's
shared buffers, the server connections the load opened). Every target of the performance issue
is printed with its measured value and whether it is met. Results go to
var/bench/stack_bench.json (and one file per run); the exit code is 0 whether targets are met
or not, non-zero when the bench itself failed. Everything started here is stopped on exit,
error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import peer_helpdesk
import proc_stats
import wrk_load
from hdms_stack import SERVER_NAMES, Logins, http_json, warm_up
from ticket_bulk import load_tickets

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
HDMS = "HDMS"
PEER = "django-helpdesk"
MIB = 1024

#: The HDMS list figures: name -> (role, query string after ?limit=20).
HDMS_LISTS = {
    "list admin": ("admin", ""),
    "list moderator": ("moderator", ""),
    "list requestor": ("requestor", ""),
    "list status": ("admin", "&status=under_review"),
    "list q": ("admin", "&q=printer%20network"),
}


class Interrupted(Exception):
    """SIGTERM: leave through the finally blocks that stop everything."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10k tickets, 5 s per figure")
    parser.add_argument("--tickets", type=int, help="HDMS tickets to load (1,000,000)")
    parser.add_argument("--peer-tickets", type=int, help="peer tickets (10,000; quick 1,000)")
    parser.add_argument("--duration", type=float, help="seconds per figure (20; quick 5)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--no-peer", action="store_true", help="measure HDMS alone")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="results folder")
    args = parser.parse_args(argv)
    quick = args.quick
    if args.tickets is None:
        args.tickets = 10_000 if quick else 1_000_000
    if args.peer_tickets is None:
        args.peer_tickets = min(args.tickets, 1_000 if quick else 10_000)
    if args.duration is None:
        args.duration = 5.0 if quick else 20.0
    return args


# --- the HDMS stack ----------------------------------------------------------------------------


def start_stack(stack_dir: Path, log_dir: Path) -> Any:
    """A `make stack` of its own (free ports, no web application); returns its Supervisor."""
    from hdms_run.stack import Supervisor, choose_ports

    web_root = stack_dir / "no-web"
    web_root.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(
        choose_ports(True), web_root=web_root, stack_dir=stack_dir, log_dir=log_dir
    )
    try:
        supervisor.start_servers()
        supervisor.start_services()
        supervisor.wait_ready(timeout=240)
    except BaseException:
        supervisor.stop()
        raise
    return supervisor


def server(supervisor: Any, kind: str) -> Any:
    return next(s for s in supervisor.servers if SERVER_NAMES.get(type(s).__name__) == kind)


def hdms_groups(supervisor: Any, exclude: Callable[[], set[int]]) -> proc_stats.Groups:
    """Every process tree the stack started, by name: the web processes and background
    workers of each service, then the servers. `exclude` names pids that are not HDMS's (the
    peer's PostgreSQL backends)."""
    groups: dict[str, Callable[[], list[int]]] = {}
    for name, process in supervisor.processes.items():
        groups[name] = proc_stats.tree_group(process.pid)
    for each in supervisor.servers:
        name = SERVER_NAMES.get(type(each).__name__, type(each).__name__)
        tree = proc_stats.tree_group(each.pid)
        if name == "postgres":
            groups[name] = lambda tree=tree: [p for p in tree() if p not in exclude()]
        else:
            groups[name] = tree
    return groups


def bulk_load(supervisor: Any, logins: Logins, tickets: int) -> dict[str, Any]:
    """Load `tickets` tickets: a tenth in the moderator's department (IT), the rest spread over
    Facilities and eight departments made here, a thousandth the requestor's own."""
    import psycopg2

    gateway = logins.gateway
    admin = logins.headers("admin")
    departments = {
        d["code"]: d["id"]
        for d in http_json("GET", f"{gateway}/api/departments/?limit=100", headers=admin)["items"]
    }
    for number in range(1, 9):
        code = f"BENCH{number}"
        if code not in departments:
            made = http_json(
                "POST",
                f"{gateway}/api/departments/",
                {"name": f"Bench {number}", "code": code},
                admin,
            )
            departments[code] = made["id"]
    others = [departments["FAC"]] + [departments[f"BENCH{n}"] for n in range(1, 9)]
    started = time.perf_counter()
    connection = psycopg2.connect(server(supervisor, "postgres").url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tickets")
            present = cursor.fetchone()[0]
            if present:
                raise RuntimeError(f"the new stack already holds {present} tickets")
            if tickets:
                load_tickets(
                    cursor,
                    first=1,
                    last=tickets,
                    department=departments["IT"],
                    departments=others,
                    requestor=logins.user("requestor")["id"],
                )
                # Now rather than by autovacuum in the middle of a figure (its CPU would count
                # as the server's), and with the full-text index's pending entries merged.
                cursor.execute("VACUUM (ANALYZE) tickets")
    finally:
        connection.close()
    return {
        "tickets": tickets,
        "seconds": time.perf_counter() - started,
        "department": departments["FAC"],
    }


def count_rows(postgres: Any, database: str, table: str, title_prefix: str) -> int:
    output = postgres.execute_sql(
        f"SELECT count(*) FROM {table} WHERE title LIKE '{title_prefix}%'", database=database
    )
    return int(output.strip())


# --- one figure --------------------------------------------------------------------------------


def measure(
    *,
    side: str,
    name: str,
    url: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, Any] | None,
    groups: proc_stats.Groups,
    args: argparse.Namespace,
    idle: dict[str, float] | None = None,
    created: Callable[[str], int] | None = None,
    settle_after: float = 0.0,
) -> dict[str, Any]:
    """Run one load and return wrk's figures with the CPU per operation of each group.

    For creates (`created` counts the rows whose title starts with the run's tag) the CPU is
    read after the groups went quiet (at most `settle_after` s), and the operations are the
    rows the database gained; for lists, right after wrk, over the requests it completed. The
    groups' `idle` CPU (cores) over the same time is subtracted.
    """
    idle = idle or {}
    idle_cores = sum(idle.values())
    proc_stats.settle(groups, idle_cores=idle_cores, timeout=30)
    tag = f"{'hdms' if side == HDMS else 'peer'}-{name.replace(' ', '-')}-{int(time.time())}"
    before = proc_stats.cpu_snapshot(groups)
    started = time.monotonic()
    figures = wrk_load.run(
        url,
        path,
        script_dir=args.out / "wrk",
        name=tag,
        headers=headers,
        body=body,
        connections=args.connections,
        duration=args.duration,
        threads=args.threads,
    )
    settled = 0.0
    if settle_after:
        settled = proc_stats.settle(groups, idle_cores=idle_cores, timeout=settle_after)
    raw = proc_stats.cpu_delta(before, proc_stats.cpu_snapshot(groups))
    elapsed = time.monotonic() - started
    used = {g: max(seconds - idle.get(g, 0.0) * elapsed, 0.0) for g, seconds in raw.items()}
    operations = created(f"Bench {tag} ") if created else figures["requests"]
    # None when nothing completed (a peer list slower than the whole run): no cost to divide.
    per_op = {g: seconds * 1000 / operations if operations else None for g, seconds in used.items()}
    total = sum(v for v in per_op.values() if v is not None) if operations else None
    result = {
        "side": side,
        "name": name,
        "path": path,
        **figures,
        "operations": operations,
        "settle_s": settled,
        "cpu_ms_per_op": per_op,
        "cpu_ms_per_op_total": total,
        # Before the idle CPU is subtracted, and the idle CPU itself, to check the subtraction.
        "cpu_s_raw": raw,
        "window_s": elapsed,
    }
    print(
        f"  {side:15} {name:15} {figures['req_per_s']:8.1f} req/s  p50 "
        f"{figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms  errors "
        f"{figures['error_count']}  CPU {_ms(total)} ms/op",
        flush=True,
    )
    return result


# --- report ------------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue with its measured value and whether it is met."""
    figures = {(f["side"], f["name"]): f for f in results["figures"]}
    rows: list[dict[str, Any]] = []

    def add(what: str, value: str, target: str, met: bool | None) -> None:
        rows.append({"target": what, "measured": value, "goal": target, "met": met})

    def clean(figure: dict[str, Any]) -> bool:
        return figure["error_count"] == 0 and figure["requests"] > 0

    create = figures.get((HDMS, "create"))
    peer_create = figures.get((PEER, "create"))
    if create and peer_create:
        ratio = create["req_per_s"] / max(peer_create["req_per_s"], 1e-9)
        add(
            "create throughput, HDMS/peer",
            f"{ratio:.2f}" if peer_create["req_per_s"] else "peer completed none",
            ">= 3.00",
            ratio >= 3 and clean(create) and clean(peer_create),
        )
    elif create:
        add("create throughput, HDMS/peer", "no peer", ">= 3.00", None)
    if create:
        add("create p99", f"{create['p99_ms']:.1f} ms", "< 100 ms", create["p99_ms"] < 100)
        total = create["cpu_ms_per_op_total"]
        add(
            "create CPU, all HDMS processes",
            f"{_ms(total)} ms/op",
            "<= 5 ms",
            total is not None and total <= 5,
        )
    size = f" at {results['tickets']:,} tickets"
    for name in ("list admin", "list moderator", "list requestor", "list status"):
        figure = figures.get((HDMS, name))
        if figure:
            add(
                name + size,
                f"{figure['req_per_s']:.0f} req/s, p99 {figure['p99_ms']:.1f} ms",
                ">= 400 req/s, p99 < 100 ms",
                figure["req_per_s"] >= 400 and figure["p99_ms"] < 100 and clean(figure),
            )
    figure = figures.get((HDMS, "list q"))
    if figure:
        add(
            "list q" + size,
            f"p99 {figure['p99_ms']:.1f} ms",
            "p99 < 150 ms",
            figure["p99_ms"] < 150 and clean(figure),
        )
    whole = _pss_less_clamd(results["idle_pss"][HDMS])
    add("idle PSS, whole stack less clamd", f"{whole:.0f} MiB", "< 600 MiB", whole < 600)
    return rows


def print_report(results: dict[str, Any]) -> None:
    figures = results["figures"]
    print(
        f"\n{results['connections']} connections, {results['duration']:g} s per figure; "
        f"HDMS at {results['tickets']:,} tickets, the peer at {results['peer_tickets']:,}"
    )
    header = (
        f"{'figure':36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'CPU ms/op':>10}"
    )
    print(header)
    print("-" * len(header))
    by_key = {(f["side"], f["name"]): f for f in figures}
    for figure in figures:
        print(
            f"{figure['side'] + ' ' + figure['name']:36} {figure['req_per_s']:9.1f} "
            f"{figure['p50_ms']:8.1f} {figure['p99_ms']:8.1f} {figure['error_count']:7d} "
            f"{_ms(figure['cpu_ms_per_op_total']):>10}"
        )
    peer_list = by_key.get((PEER, "list"))
    ratios = []
    if (PEER, "create") in by_key and (HDMS, "create") in by_key:
        ratios.append(("create", by_key[(HDMS, "create")], by_key[(PEER, "create")]))
    if peer_list:
        for name in HDMS_LISTS:
            if (HDMS, name) in by_key:
                ratios.append((name, by_key[(HDMS, name)], peer_list))
    if ratios:
        print("\nratio HDMS/peer (req/s)")
        for name, ours, theirs in ratios:
            if theirs["req_per_s"]:
                print(f"  {name:34} {ours['req_per_s'] / theirs['req_per_s']:9.2f}")
            else:  # fewer than one completed in the whole run
                bound = ours["req_per_s"] * theirs["seconds"]
                print(f"  {name:34} {'>' + format(bound, '.0f'):>9}  (the peer completed none)")

    print("\nCPU ms per operation by process group")
    columns = list(figures)
    names: list[str] = []
    for figure in columns:
        names += [n for n in figure["cpu_ms_per_op"] if n not in names]
    print(f"{'group':24}" + "".join(f"{_short(f):>11}" for f in columns))
    for name in names:
        cells = [f["cpu_ms_per_op"].get(name) for f in columns]
        if all(c is None or c < 0.005 for c in cells):  # idle in every figure
            continue
        print(f"{name:24}" + "".join(f"{_ms(c, ''):>11}" for c in cells))
    print(f"{'total':24}" + "".join(f"{_ms(f['cpu_ms_per_op_total']):>11}" for f in columns))

    print("\nidle proportional set size")
    for side, groups in results["idle_pss"].items():
        total = sum(g["pss_kib"] for g in groups.values())
        count = sum(g["processes"] for g in groups.values())
        print(f"  {side}: {total / MIB:.0f} MiB in {count} processes")
        servers = {n: g for n, g in groups.items() if n in SERVER_NAMES.values()}
        if servers:
            own = total - sum(g["pss_kib"] for g in servers.values())
            own_count = count - sum(g["processes"] for g in servers.values())
            print(
                f"    of which HDMS's own processes {own / MIB:.0f} MiB in {own_count}, "
                f"servers ({', '.join(servers)}) {(total - own) / MIB:.0f} MiB"
            )
        for name, group in groups.items():
            print(f"    {name:24} {group['pss_kib'] / MIB:8.1f} MiB  {group['processes']:3d} proc")
    after = results.get("after_load_pss", {}).get(HDMS)
    if after:
        postgres = after.get("postgres", {"pss_kib": 0, "processes": 0})
        print(
            f"  HDMS after the load (information, not the target): "
            f"{_pss_less_clamd(after):.0f} MiB less clamd in "
            f"{sum(g['processes'] for n, g in after.items() if n != 'clamd')} processes, "
            f"of which postgres "
            f"{postgres['pss_kib'] / MIB:.0f} MiB in {postgres['processes']}"
        )

    print("\ntargets")
    for row in results["targets"]:
        verdict = {True: "met", False: "NOT MET", None: "n/a"}[row["met"]]
        print(f"  {row['target']:44} {row['measured']:>28}  {row['goal']:>28}  {verdict}")


def _pss_less_clamd(groups: dict[str, dict[str, int]]) -> float:
    """MiB of every group but clamd (its signature database is not HDMS's memory)."""
    return sum(g["pss_kib"] for name, g in groups.items() if name != "clamd") / MIB


def _ms(value: float | None, missing: str = "n/a") -> str:
    return missing if value is None else f"{value:.2f}"


def _short(figure: dict[str, Any]) -> str:
    side = "H" if figure["side"] == HDMS else "P"
    return f"{side}:{figure['name'].removeprefix('list ')}"[:10]


# --- main --------------------------------------------------------------------------------------


def claim(out: Path) -> Path:
    """One run at a time: the pid file of the run holding var/bench/stack."""
    out.mkdir(parents=True, exist_ok=True)
    lock = out / "stack_bench.pid"
    try:
        holder = int(lock.read_text())
        os.kill(holder, 0)
    except (OSError, ValueError):
        lock.write_text(str(os.getpid()))
        return lock
    raise RuntimeError(f"another stack bench runs (pid {holder}); wait for it")


def run(args: argparse.Namespace) -> dict[str, Any]:
    out: Path = args.out
    stack_dir, log_dir = out / "stack", out / "log"
    shutil.rmtree(stack_dir, ignore_errors=True)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "connections": args.connections,
        "duration": args.duration,
        "tickets": args.tickets,
        "peer_tickets": 0 if args.no_peer else args.peer_tickets,
        "figures": [],
        "idle_pss": {},
    }
    peer_bin = None if args.no_peer else peer_helpdesk.ensure_venv(out / "peer-venv")
    print(f"starting the HDMS stack (folders in {out})", flush=True)
    started = time.monotonic()
    supervisor = start_stack(stack_dir, log_dir)
    peer: peer_helpdesk.Peer | None = None
    try:
        print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
        postgres = server(supervisor, "postgres")
        gateway = f"http://127.0.0.1:{supervisor.ports['gateway']}"
        logins = Logins(gateway)
        peer_pids: set[int] = set()
        groups = hdms_groups(supervisor, exclude=lambda: peer_pids)
        warm_up(logins)
        proc_stats.settle(groups, timeout=60)
        results["idle_pss"][HDMS] = proc_stats.memory(groups)
        print(f"loading {args.tickets:,} tickets", flush=True)
        loaded = bulk_load(supervisor, logins, args.tickets)
        print(f"  loaded in {loaded['seconds']:.0f} s", flush=True)
        results["bulk_load_s"] = loaded["seconds"]

        if peer_bin is not None:
            from hdms_run.servers import free_port

            peer = peer_helpdesk.Peer(
                bin_dir=peer_bin,
                postgres=postgres,
                port=free_port(),
                log_dir=log_dir,
                media_dir=out / "peer-media",
            )
            print(f"preparing the peer ({args.peer_tickets:,} tickets)", flush=True)
            peer.prepare(args.peer_tickets)
            peer.start()
        peer_groups: proc_stats.Groups = {}
        if peer is not None:
            peer_groups = {
                "peer-gunicorn": proc_stats.tree_group(peer.pid),
                # The whole server, as for HDMS: HDMS is idle while the peer is measured.
                "postgres": proc_stats.tree_group(postgres.pid),
            }

        hdms_create_body = {
            "title": "",
            "description": "Created by the stack bench",
            "department_id": loaded["department"],
            "priority": "medium",
        }
        peer_create_body = {
            "title": "",
            "description": "Created by the stack bench",
            "queue": peer.queue if peer else 0,
            "priority": 3,
        }

        def hdms_create(**run: Any) -> dict[str, Any]:
            """HDMS's create load: the warm-up runs the very load that is measured."""
            return measure(
                side=HDMS,
                url=gateway,
                path="/api/tickets/",
                headers=logins.headers("requestor"),
                body=hdms_create_body,
                groups=groups,
                **run,
            )

        def peer_create(**run: Any) -> dict[str, Any]:
            assert peer is not None
            return measure(
                side=PEER,
                url=peer.url,
                path="/api/tickets/",
                headers=peer.headers,
                body=peer_create_body,
                **run,
            )

        print("warming up", flush=True)
        warm = argparse.Namespace(**{**vars(args), "duration": max(2.0, args.duration / 4)})
        hdms_create(name="warm-up", args=warm, settle_after=60)
        if peer is not None:
            peer_create(name="warm-up", groups=peer_groups, args=warm, settle_after=60)
            peer_pids.update(peer.backend_pids())
            peer_groups = {**peer_groups, "peer-postgres-backends": lambda: sorted(peer_pids)}
        proc_stats.settle({**groups, **peer_groups}, timeout=60)
        hdms_idle = proc_stats.idle_rate(groups)
        results["idle_cpu_cores"] = {HDMS: hdms_idle}
        peer_cpu = {k: v for k, v in peer_groups.items() if k != "peer-postgres-backends"}
        peer_idle = proc_stats.idle_rate(peer_cpu) if peer is not None else {}
        if peer is not None:
            results["idle_cpu_cores"][PEER] = peer_idle
            results["idle_pss"][PEER] = proc_stats.memory(
                {k: v for k, v in peer_groups.items() if k != "postgres"}
            )

        print("measuring", flush=True)
        figures = results["figures"]
        figures.append(
            hdms_create(
                name="create",
                args=args,
                idle=hdms_idle,
                created=lambda prefix: count_rows(postgres, postgres.database, "tickets", prefix),
                settle_after=120,
            )
        )
        if peer is not None:
            figures.append(
                peer_create(
                    name="create",
                    groups=peer_cpu,
                    args=args,
                    idle=peer_idle,
                    created=lambda prefix: count_rows(
                        postgres, peer_helpdesk.DATABASE, "helpdesk_ticket", prefix
                    ),
                    settle_after=60,
                )
            )
        for name, (role, query) in HDMS_LISTS.items():
            figures.append(
                measure(
                    side=HDMS,
                    name=name,
                    url=gateway,
                    path=f"/api/tickets/?limit=20{query}",
                    headers=logins.headers(role),
                    body=None,
                    groups=groups,
                    args=args,
                    idle=hdms_idle,
                )
            )
        if peer is not None:
            # Last: requests still queued when wrk stops are left to the peer's shutdown.
            figures.append(
                measure(
                    side=PEER,
                    name="list",
                    url=peer.url,
                    path="/api/tickets/?page_size=20",
                    headers=peer.headers,
                    body=None,
                    groups=peer_cpu,
                    args=args,
                    idle=peer_idle,
                )
            )
        results["after_load_pss"] = {HDMS: proc_stats.memory(groups)}
    finally:
        if peer is not None:
            peer.stop()
        supervisor.stop()
    results["targets"] = targets(results)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out = args.out.resolve()

    def on_term(signum: int, frame: Any) -> None:
        raise Interrupted

    signal.signal(signal.SIGTERM, on_term)
    # Also when started in the background, where SIGINT would be ignored from the start.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    lock = claim(args.out)
    try:
        results = run(args)
    except (KeyboardInterrupt, Interrupted):
        print("stack bench interrupted; everything it started is stopped", file=sys.stderr)
        return 130
    finally:
        lock.unlink(missing_ok=True)
    print_report(results)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, indent=2)
    (args.out / f"stack_bench-{stamp}.json").write_text(text)
    (args.out / "stack_bench.json").write_text(text)
    print(f"\nresults: {args.out / 'stack_bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
