"""Chat delivery latency over WebSocket with 1,000 concurrent clients on one gevent worker.

Starts its own PostgreSQL, PgBouncer and Redis (hdms_run.servers), a stand-in for
ticket-service (it shows every ticket to whoever asks, as ticket-service does to a ticket's
requestor and assignee), one gunicorn gevent worker of communication-service, opens --clients
WebSocket clients spread over --rooms tickets, and has one client per ticket send chat messages
over its socket. Each rate of --rates runs for --duration seconds on the same sockets. The
latency of a delivery is the time from the sender's send() to a client's receipt (sender and
receivers live in this process, one clock).

The reference, measured right after each rate in the same run, on the same machine and in the
same client process: a plain Redis PUBLISH -> subscriber round trip at the same rate. The ratio
says what storing the message in PostgreSQL (through PgBouncer), fanning it out through Redis
pub/sub and writing it to every socket costs on top of the bare transport.

Targets (docs/communication-service.md): at 100 messages/s, p99 delivery at most 3 times the
reference's p99; at 300 messages/s the worker keeps up (every frame delivered, and the latency
does not grow over the run: the least-squares slope of latency against send time, times the
run's duration, stays under 50 ms).

    .venv/bin/python bench/ws_bench.py [--clients 1000] [--rooms 100] [--rates 100,300]
                                       [--duration 10]
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
from dataclasses import dataclass, field
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
#: p99 delivery at 100 messages/s may be this many times the Redis round trip's p99.
LATENCY_TARGET_RATIO = 3.0
#: Latency growth over a run (slope x duration) above this means the worker falls behind.
LAG_GROWTH_LIMIT_MS = 50.0
#: Sockets opened at once: a herd larger than the worker's database pool (15) waits on it.
CONNECT_CONCURRENCY = 20
CONNECT_ATTEMPTS = 20

# The stand-in ticket-service: GET /api/tickets/<id> answers 200 with the ticket's id. It runs
# in its own process so that its work is not charged to the clients' clock.
TICKET_STANDIN = """
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        ticket_id = self.path.rstrip("/").rsplit("/", 1)[-1]
        body = json.dumps({"id": ticket_id}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


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


def wait_for_http(url: str, process: subprocess.Popen, describe: Callable[[], str]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(describe())
        time.sleep(0.2)


def start_ticket_standin(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", TICKET_STANDIN, str(port)], start_new_session=True
    )
    wait_for_http(
        f"http://127.0.0.1:{port}/api/tickets/{uuid.uuid4()}",
        process,
        lambda: "the ticket-service stand-in did not start",
    )
    return process


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
    wait_for_http(
        f"http://127.0.0.1:{port}/healthz",
        process,
        lambda: "gunicorn did not start:\n" + log.read_text()[-3000:],
    )
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Phase:
    """One rate's deliveries: (send time, latency) pairs and what the worker spent on them."""

    rate: float
    duration: float
    sent: int = 0
    expected: int = 0
    deliveries: list[tuple[float, float]] = field(default_factory=list)
    worker_cpu: float = 0.0
    wall: float = 0.0
    reference: list[float] = field(default_factory=list)
    idle_cpu: float = 0.0  # share of a core the worker spends with every socket idle
    started: float = 0.0  # perf_counter when sending began

    @property
    def latencies(self) -> list[float]:
        return [latency for _, latency in self.deliveries]

    def lag_growth(self) -> float:
        """Least-squares slope of latency against send time (s/s), times the run's duration."""
        if len(self.deliveries) < 2:
            return float("nan")
        xs = [sent for sent, _ in self.deliveries]
        ys = self.latencies
        mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
        var = sum((x - mean_x) ** 2 for x in xs)
        if var == 0:
            return 0.0
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
        return slope * self.duration

    def by_second(self) -> list[tuple[int, float, float]]:
        """(second of the run, p50, p99) of the deliveries of messages sent in that second."""
        buckets: dict[int, list[float]] = {}
        for sent, latency in self.deliveries:
            buckets.setdefault(int(sent), []).append(latency)
        return [
            (second, percentile(values, 50), percentile(values, 99))
            for second, values in sorted(buckets.items())
        ]


class Clients:
    """The open sockets, their readers, and where each delivery is recorded."""

    def __init__(self, url: str, tickets: list, clients: int) -> None:
        self.url = url
        self.tickets = tickets
        self.clients = clients
        self.sockets: list[tuple[uuid.UUID, websocket.WebSocket]] = []
        self.received: dict[int, list[int]] = {}
        self.ready = 0
        self.refused: list[str] = []
        self.closed_early: list[str] = []
        self.errors = 0
        self.turned_away = 0
        self.finished = False
        self.phases: list[Phase] = []
        self.readers: list[gevent.Greenlet] = []

    def connect(self, ticket: uuid.UUID, token: str) -> None:
        """Open one socket and wait for its ``ready``; a socket the worker turned away (4503:
        its database pool was busy with the herd of handshakes) tries again, as clients do."""
        for _attempt in range(CONNECT_ATTEMPTS):
            try:
                ws = websocket.create_connection(
                    f"{self.url}/ws/chat/{ticket}/?token={token}",
                    timeout=60,
                    enable_multithread=True,
                )
                while True:
                    data = ws.recv()
                    if not data:
                        self.turned_away += 1
                        break
                    if json.loads(data).get("type") == "ready":
                        self.sockets.append((ticket, ws))
                        self.ready += 1
                        # Read from now on: the worker drops a peer that does not answer pings.
                        self.readers.append(gevent.spawn(self.receive, ws))
                        return
            except Exception:  # noqa: BLE001 - counted, retried
                self.turned_away += 1
            gevent.sleep(0.5)
        self.errors += 1

    def receive(self, ws: websocket.WebSocket) -> None:
        ws.settimeout(None)
        seqs = self.received.setdefault(id(ws), [])
        while True:
            try:
                data = ws.recv()
            except Exception as exc:  # noqa: BLE001 - closed at the end
                if not self.finished:
                    self.closed_early.append(repr(exc))
                return
            if not data:
                if not self.finished:
                    self.closed_early.append(f"closed by the server ({ws.status})")
                return
            now = time.perf_counter()
            frame = json.loads(data)
            kind = frame.get("type")
            if kind == "message":
                # The body says which rate's run sent it and when: "<run>:<perf_counter>".
                run, _, sent_text = frame["body"].partition(":")
                phase = self.phases[int(run)]
                sent = float(sent_text)
                phase.deliveries.append((sent - phase.started, now - sent))
                seqs.append(frame["seq"])
            elif kind == "error":
                self.refused.append(f"{frame.get('code')}: {frame.get('detail')}")

    def open(self) -> float:
        started = time.perf_counter()
        per_room = max(1, self.clients // len(self.tickets))
        pool = gevent.pool.Pool(CONNECT_CONCURRENCY)
        for index in range(self.clients):
            ticket, users = self.tickets[(index // per_room) % len(self.tickets)]
            pool.spawn(self.connect, ticket, users[index % 2].token)
        pool.join()
        return time.perf_counter() - started

    def run(self, phase: Phase, worker: int) -> None:
        """Send at ``phase.rate`` (one sender per ticket, in turn) and wait for every delivery."""
        senders: dict[uuid.UUID, websocket.WebSocket] = {}
        receivers: dict[uuid.UUID, int] = {}
        for ticket, ws in self.sockets:
            senders.setdefault(ticket, ws)
            receivers[ticket] = receivers.get(ticket, 0) + 1
        rooms = list(senders.items())
        total = int(phase.rate * phase.duration)
        busy_cpu = cpu_seconds(worker)
        run = len(self.phases)
        self.phases.append(phase)
        started = phase.started = time.perf_counter()
        for n in range(total):
            ticket, ws = rooms[n % len(rooms)]
            delay = started + n / phase.rate - time.perf_counter()
            if delay > 0:
                gevent.sleep(delay)
            body = f"{run}:{time.perf_counter():.9f}"
            ws.send(json.dumps({"type": "message", "body": body}))
            phase.expected += receivers[ticket]
            phase.sent += 1
        deadline = time.perf_counter() + 30
        while len(phase.deliveries) < phase.expected and time.perf_counter() < deadline:
            gevent.sleep(0.1)
        phase.wall = time.perf_counter() - started
        phase.worker_cpu = cpu_seconds(worker) - busy_cpu

    def gapped(self) -> int:
        """Sockets whose message numbers are not 1, 2, 3... with no gap or disorder."""
        count = 0
        for _ticket, ws in self.sockets:
            seqs = self.received.get(id(ws), [])
            if seqs != list(range(1, len(seqs) + 1)):
                count += 1
        return count

    def close(self) -> None:
        self.finished = True
        for _, ws in self.sockets:
            try:
                ws.close(timeout=0.5)
            except Exception:  # noqa: BLE001, S110 - the bench is over
                pass
        gevent.killall(self.readers, timeout=2)


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


def report(phase: Phase, clients: int) -> tuple[bool, bool]:
    """Print one rate's figures; (latency target met, kept up)."""
    ms = 1000.0
    latencies = phase.latencies
    p50, p99 = percentile(latencies, 50) * ms, percentile(latencies, 99) * ms
    r50, r99 = percentile(phase.reference, 50) * ms, percentile(phase.reference, 99) * ms
    growth = phase.lag_growth() * ms
    delivered = len(latencies)
    print(f"\n--- {phase.rate:g} messages/s for {phase.duration:g} s, {clients} clients")
    print(
        f"websocket delivery : {delivered}/{phase.expected} delivered, p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms, max {max(latencies, default=0) * ms:.2f} ms"
    )
    print(
        f"redis publish->sub : {len(phase.reference)} delivered, p50 {r50:.3f} ms, p99 {r99:.3f} ms"
    )
    print(f"ratio (websocket / redis reference): p50 x{p50 / r50:.1f}, p99 x{p99 / r99:.1f}")
    trend = ", ".join(f"{s}s {a * ms:.1f}/{b * ms:.1f}" for s, a, b in phase.by_second())
    print(f"lag trend (second of sending: p50/p99 ms): {trend}")
    print(f"lag growth over the run (slope x duration): {growth:+.1f} ms")
    # Net of what the idle sockets cost meanwhile (the run includes waiting for stragglers).
    net = max(0.0, phase.worker_cpu - phase.idle_cpu * phase.wall)
    per_message = net / phase.sent * ms if phase.sent else float("nan")
    per_delivery = net / delivered * 1e6 if delivered else float("nan")
    print(
        f"worker CPU: {phase.worker_cpu / phase.wall:.0%} of a core over {phase.wall:.1f} s; "
        f"net of the idle sockets {per_message:.2f} ms per message, {per_delivery:.0f} us per "
        "delivery"
    )
    kept_up = delivered == phase.expected and growth < LAG_GROWTH_LIMIT_MS
    fast = delivered == phase.expected and p99 <= LATENCY_TARGET_RATIO * r99
    return fast, kept_up


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument(
        "--rates", default="100,300", help="messages per second, in total, one run each"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending")
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",") if rate]
    raise_fd_limit(args.clients * 2 + 1000)

    secret = "bench-" + uuid.uuid4().hex * 2
    phases = [Phase(rate=rate, duration=args.duration) for rate in rates]
    with (
        PostgresServer() as postgres,
        PgBouncerServer(postgres, default_pool_size=20) as bouncer,
        RedisServer() as redis_server,
    ):
        standin_port = free_port()
        standin = start_ticket_standin(standin_port)
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
            "TICKET_SERVICE_URL": f"http://127.0.0.1:{standin_port}",
            "FILE_SERVICE_URL": "http://127.0.0.1:9",
        }
        tickets = seed_tickets(environ, args.rooms, secret)
        port = free_port()
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"ws_bench_gunicorn_{port}.log"
        process = start_gunicorn(environ, port, log)
        clients = Clients(f"ws://127.0.0.1:{port}", tickets, args.clients)
        try:
            worker = worker_pid(process.pid)
            print(
                f"communication-service: 1 gevent worker (pid {worker}), {args.clients} clients "
                f"in {args.rooms} tickets, {args.rates} msg/s for {args.duration:g} s each",
                flush=True,
            )
            connect_seconds = clients.open()
            print(
                f"  {clients.ready}/{len(clients.sockets)} sockets ready in "
                f"{connect_seconds:.1f} s ({clients.errors} failed, {clients.turned_away} "
                "attempts turned away and retried)",
                flush=True,
            )
            idle_cpu = cpu_seconds(worker)
            gevent.sleep(5)
            idle_share = (cpu_seconds(worker) - idle_cpu) / 5
            print(f"  worker CPU with every socket idle: {idle_share:.0%} of a core")
            for phase in phases:
                phase.idle_cpu = idle_share
                print(f"  sending at {phase.rate:g} msg/s", flush=True)
                clients.run(phase, worker)
                # The reference runs in this same process while the sockets are still open, so
                # both figures carry the same client-side costs (scheduling, garbage collection).
                phase.reference = measure_redis(redis_server.url_for(1), phase.rate, phase.duration)
            gapped = clients.gapped()
            clients.close()
        finally:
            stop(process)
            stop(standin)

    verdicts = [report(phase, args.clients) for phase in phases]
    print(
        f"\nsockets with a gap or disorder: {gapped}, refused sends: {len(clients.refused)}, "
        f"closed early: {len(clients.closed_early)}, connect failures: {clients.errors}"
    )
    print("\ntargets:")
    for phase, (fast, kept_up) in zip(phases, verdicts, strict=True):
        if phase.rate == 100:
            print(
                f"  p99 at 100 msg/s <= {LATENCY_TARGET_RATIO:g} x Redis p99: "
                f"{'met' if fast else 'NOT MET'}"
            )
        if phase.rate == 300:
            print(
                f"  one worker keeps up with 300 msg/s (lag growth < {LAG_GROWTH_LIMIT_MS:g} ms): "
                f"{'met' if kept_up else 'NOT MET'}"
            )
    ok = not gapped and not clients.errors and all(kept for _, kept in verdicts)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
