"""Chat delivery latency over WebSocket with 1,000 concurrent clients on one gevent worker.

Starts its own PostgreSQL, PgBouncer and Redis (hdms_run.servers), one gunicorn
gevent worker of communication-service, opens --clients WebSocket clients spread over --rooms
tickets, and has one client per ticket send chat messages over its socket at --rate messages
per second in total for --duration seconds. The latency of a delivery is the time from the
sender's send() to a client's receipt (sender and receivers live in this process, one clock).

The reference, measured in the same run on the same machine and client process: a plain Redis
PUBLISH -> subscriber round trip at the same rate. The ratio says what storing the message in
PostgreSQL (through PgBouncer), fanning it out through Redis pub/sub and writing it to every
socket costs on top of the bare transport.

    .venv/bin/python bench/ws_bench.py [--clients 1000] [--rooms 100] [--rate 100] [--duration 10]
"""

from __future__ import annotations

# Clients are greenlets: patch before anything imports sockets or psycopg2.
import hdms_common.gevent_patch  # noqa: F401

# isort: split
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import gevent
import gevent.pool
import redis
import requests
import websocket

from hdms_common.testing.plugin import make_token_user
from hdms_run.servers import PgBouncerServer, PostgresServer, RedisServer, free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process used so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def raise_fd_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def seed_tickets(environ: dict[str, str], rooms: int, secret: str) -> list[tuple[uuid.UUID, list]]:
    """Migrate and put two users (requestor, assignee) on each ticket, as ticket events would."""
    from flask_migrate import upgrade

    from communication_service import create_app
    from communication_service.extensions import db
    from communication_service.services.events import apply_ticket_event
    from hdms_common.db import utcnow

    app = create_app(
        environ={**environ, "PGBOUNCER_URL": "", "DATABASE_URL": environ["DATABASE_URL"]}
    )
    with app.app_context():
        upgrade()
        department = uuid.uuid4()
        tickets = []
        for _ in range(rooms):
            ticket = uuid.uuid4()
            requestor = make_token_user(
                secret, roles={"requestor": [department]}, department_id=department
            )
            assignee = make_token_user(
                secret, roles={"assignee": [department]}, department_id=department
            )
            apply_ticket_event(
                session=db.session,
                event_id=str(uuid.uuid4()),
                event_type="ticket.assigned",
                occurred_at=utcnow(),
                payload={
                    "ticket_id": str(ticket),
                    "ticket_number": "B-1",
                    "title": "bench",
                    "department_id": str(department),
                    "requestor_id": str(requestor.id),
                    "assignee_id": str(assignee.id),
                    "status": "assigned",
                    "priority": "low",
                    "actor_id": str(uuid.uuid4()),
                },
                moderator_ids=set(),
            )
            tickets.append((ticket, [requestor, assignee]))
        db.session.commit()
        db.engine.dispose()
    return tickets


def start_gunicorn(environ: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, **environ, "WORKER_CONNECTIONS": "4000"}
    output = log.open("wb")
    process = subprocess.Popen(  # noqa: S603
        [
            str(GUNICORN),
            "-c",
            "python:hdms_common.gunicorn_conf",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "communication_service:create_app()",
        ],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)


def measure_websocket(
    url: str,
    tickets: list,
    clients: int,
    rate: float,
    duration: float,
    worker: int,
    reference: Callable[[], list[float]],
) -> dict[str, object]:
    """Open the clients, wait until every one is live, send, and collect every delivery."""
    per_room = max(1, clients // len(tickets))
    latencies: list[float] = []
    sockets: list[tuple[uuid.UUID, websocket.WebSocket]] = []
    received: dict[int, list[int]] = {}
    ready = 0
    refused: list[str] = []
    closed_early: list[str] = []
    errors = 0
    finished = False

    def connect(ticket: uuid.UUID, token: str) -> None:
        nonlocal errors
        for _attempt in range(3):
            try:
                ws = websocket.create_connection(
                    f"{url}/ws/chat/{ticket}/?token={token}", timeout=60, enable_multithread=True
                )
                sockets.append((ticket, ws))
                return
            except Exception:  # noqa: BLE001 - counted, retried
                gevent.sleep(0.2)
        errors += 1

    def receive(ws: websocket.WebSocket) -> None:
        nonlocal ready
        ws.settimeout(None)
        seqs = received.setdefault(id(ws), [])
        while True:
            try:
                data = ws.recv()
            except Exception as exc:  # noqa: BLE001 - closed at the end
                if not finished:
                    closed_early.append(repr(exc))
                return
            if not data:
                if not finished:
                    closed_early.append(f"closed by the server ({ws.status})")
                return
            now = time.perf_counter()
            frame = json.loads(data)
            kind = frame.get("type")
            if kind == "message":
                latencies.append(now - float(frame["body"]))
                seqs.append(frame["seq"])
            elif kind == "ready":
                ready += 1
            elif kind == "error":
                refused.append(f"{frame.get('code')}: {frame.get('detail')}")

    connect_started = time.perf_counter()
    pool = gevent.pool.Pool(50)
    for index in range(clients):
        ticket, users = tickets[(index // per_room) % len(tickets)]
        pool.spawn(connect, ticket, users[index % 2].token)
    pool.join()
    readers = [gevent.spawn(receive, ws) for _, ws in sockets]
    deadline = time.perf_counter() + 120
    while ready < len(sockets) and time.perf_counter() < deadline:
        gevent.sleep(0.05)
    connect_seconds = time.perf_counter() - connect_started
    print(f"  {len(sockets)} sockets live in {connect_seconds:.1f} s ({errors} failed)", flush=True)

    senders: dict[uuid.UUID, websocket.WebSocket] = {}
    receivers_per_room: dict[uuid.UUID, int] = {}
    for ticket, ws in sockets:
        senders.setdefault(ticket, ws)
        receivers_per_room[ticket] = receivers_per_room.get(ticket, 0) + 1
    rooms = list(senders.items())
    idle_cpu = cpu_seconds(worker)
    gevent.sleep(5)
    idle_cpu = (cpu_seconds(worker) - idle_cpu) / 5
    total = int(rate * duration)
    expected = 0
    busy_cpu = cpu_seconds(worker)
    started = time.perf_counter()
    for n in range(total):
        ticket, ws = rooms[n % len(rooms)]
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            gevent.sleep(delay)
        ws.send(json.dumps({"type": "message", "body": f"{time.perf_counter():.9f}"}))
        expected += receivers_per_room[ticket]
    deadline = time.perf_counter() + 30
    while len(latencies) < expected and time.perf_counter() < deadline:
        gevent.sleep(0.1)
    finished = True
    busy_cpu = (cpu_seconds(worker) - busy_cpu) / (time.perf_counter() - started)
    # The reference runs in this same process while its 1,000 sockets are still open, so both
    # figures carry the same client-side costs (scheduling, garbage collection).
    reference_latencies = reference()
    gapped = 0
    for _ticket, ws in sockets:
        seqs = received.get(id(ws), [])
        if seqs != list(range(1, len(seqs) + 1)):
            gapped += 1
    for _, ws in sockets:
        try:
            ws.close(timeout=0.5)
        except Exception:  # noqa: BLE001
            pass
    gevent.killall(readers, timeout=2)
    return {
        "reference": reference_latencies,
        "idle_cpu": idle_cpu,
        "busy_cpu": busy_cpu,
        "latencies": latencies,
        "expected": expected,
        "connect_failures": errors,
        "connect_seconds": connect_seconds,
        "out_of_order_or_gapped": gapped,
        "refused": refused,
        "closed_early": closed_early,
    }


def measure_redis(redis_url: str, rate: float, duration: float) -> list[float]:
    client = redis.Redis.from_url(redis_url)
    pubsub = client.pubsub()
    pubsub.subscribe("bench:reference")
    while pubsub.get_message(timeout=1) is None:
        pass
    latencies: list[float] = []

    def receive() -> None:
        while True:
            message = pubsub.get_message(timeout=1)
            if message and message["type"] == "message":
                latencies.append(time.perf_counter() - float(message["data"]))

    reader = gevent.spawn(receive)
    publisher = redis.Redis.from_url(redis_url)
    total = int(rate * duration)
    started = time.perf_counter()
    for n in range(total):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            gevent.sleep(delay)
        publisher.publish("bench:reference", f"{time.perf_counter():.9f}")
    deadline = time.perf_counter() + 5
    while len(latencies) < total and time.perf_counter() < deadline:
        gevent.sleep(0.05)
    reader.kill()
    pubsub.close()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--rate", type=float, default=100.0, help="messages per second, in total")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending")
    args = parser.parse_args()
    raise_fd_limit(args.clients * 2 + 1000)

    secret = "bench-" + uuid.uuid4().hex * 2
    with (
        PostgresServer() as postgres,
        PgBouncerServer(postgres, default_pool_size=20) as bouncer,
        RedisServer() as redis_server,
    ):
        environ = {
            "HDMS_ENV": "stack",
            "DATABASE_URL": postgres.url,
            "PGBOUNCER_URL": bouncer.url,
            "REDIS_URL": redis_server.url,
            "JWT_SECRET_KEY": secret,
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "text",
            "COMMUNICATION_WS_FRAMES_PER_SECOND": "50",
            "AUTH_SERVICE_URL": "http://127.0.0.1:9",
            "TICKET_SERVICE_URL": "http://127.0.0.1:9",
            "FILE_SERVICE_URL": "http://127.0.0.1:9",
        }
        tickets = seed_tickets(environ, args.rooms, secret)
        port = free_port()
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"ws_bench_gunicorn_{port}.log"
        process = start_gunicorn(environ, port, log)
        try:
            print(
                f"communication-service: 1 gevent worker, {args.clients} clients in {args.rooms} "
                f"tickets, {args.rate:g} msg/s for {args.duration:g} s",
                flush=True,
            )
            result = measure_websocket(
                f"ws://127.0.0.1:{port}",
                tickets,
                args.clients,
                args.rate,
                args.duration,
                worker_pid(process.pid),
                lambda: measure_redis(redis_server.url_for(1), args.rate, args.duration),
            )
            reference: list[float] = result["reference"]  # type: ignore[assignment]
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    ws_latencies: list[float] = result["latencies"]  # type: ignore[assignment]
    expected = result["expected"]
    ms = 1000.0
    p50, p99 = percentile(ws_latencies, 50) * ms, percentile(ws_latencies, 99) * ms
    r50, r99 = percentile(reference, 50) * ms, percentile(reference, 99) * ms
    mean = statistics.fmean(ws_latencies) * ms if ws_latencies else float("nan")
    print(
        f"websocket delivery : {len(ws_latencies)}/{expected} delivered, p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms, max {max(ws_latencies, default=0) * ms:.2f} ms, mean {mean:.2f} ms"
    )
    print(f"redis publish->sub : {len(reference)} delivered, p50 {r50:.3f} ms, p99 {r99:.3f} ms")
    print(f"ratio (websocket / redis reference): p50 x{p50 / r50:.1f}, p99 x{p99 / r99:.1f}")
    print(
        f"sockets with a gap or disorder: {result['out_of_order_or_gapped']}, "
        f"refused sends: {len(result['refused'])}, closed early: {len(result['closed_early'])}, "
        f"connect failures: {result['connect_failures']}"
    )
    print(
        f"worker CPU: {result['idle_cpu']:.0%} of a core with every socket idle, "
        f"{result['busy_cpu']:.0%} while sending"
    )
    ok = (
        len(ws_latencies) == expected
        and not result["out_of_order_or_gapped"]
        and not result["connect_failures"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
