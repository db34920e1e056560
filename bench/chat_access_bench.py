"""What asking ticket-service who sees the ticket costs a chat post.

Every chat read, post and socket check asks ticket-service who sees the ticket (GET
/api/tickets/{id} with the caller's token), unless a verdict kept from an earlier ask still
holds: the ticket's change counter in Redis has not moved since (docs/communication-service.md).
This starts its own PostgreSQL, PgBouncer and Redis, one gunicorn gevent worker each of
ticket-service and communication-service, opens one ticket, and posts --posts chat messages one
after the other, in two ways:

1. kept: the verdict holds (nothing changed the ticket): the check is one Redis read;
2. asked: the counter is moved before each post, as a change of the ticket does, so every post
   asks ticket-service;

and times, from this client, the two requests the check can make: ticket-service's GET of the
ticket and the Redis read of the counter. The cost of asking is the difference of the medians
of 2 and 1; the steady-state cost is the Redis read.

    .venv/bin/python bench/chat_access_bench.py [--posts 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import gunicorn_service
import redis
import requests
from timing import percentile

from hdms_common.realtime import ticket_version_key
from hdms_common.testing.plugin import make_token_user
from hdms_run.servers import PgBouncerServer, PostgresServer, RedisServer, free_port


def seed(environ: dict[str, str], requestor_id: uuid.UUID, department: uuid.UUID) -> uuid.UUID:
    """A ticket at ticket-service, and its ticket.created applied to the chat's copy."""
    from flask_migrate import upgrade

    from communication_service import create_app as create_chat_app
    from communication_service.extensions import db as chat_db
    from communication_service.services.events import apply_ticket_event
    from hdms_common.auth import CurrentUser
    from hdms_common.db import utcnow
    from ticket_service import create_app as create_ticket_app
    from ticket_service.extensions import db as ticket_db
    from ticket_service.services.tickets import create_ticket

    direct = {**environ, "PGBOUNCER_URL": ""}
    ticket_app = create_ticket_app(environ=direct)
    with ticket_app.app_context():
        upgrade()
        requestor = CurrentUser(
            id=requestor_id,
            employee_code="B0001",
            name="Bench Requestor",
            department_id=department,
            roles=frozenset({"requestor"}),
            scopes={"requestor": frozenset({department})},
        )
        ticket = create_ticket(
            session=ticket_db.session,
            actor=requestor,
            data={
                "title": "bench",
                "description": "bench",
                "department_id": department,
                "priority": "medium",
                "category": "",
                "attachments": [],
            },
            policy=ticket_app.extensions["hdms_ticket_policy"],
        )
        ticket_id: uuid.UUID = ticket.id
        ticket_db.session.commit()
        ticket_db.engine.dispose()
    chat_app = create_chat_app(environ=direct)
    with chat_app.app_context():
        upgrade()
        apply_ticket_event(
            session=chat_db.session,
            event_id=str(uuid.uuid4()),
            event_type="ticket.created",
            occurred_at=utcnow(),
            payload={
                "ticket_id": str(ticket_id),
                "ticket_number": "B-1",
                "title": "bench",
                "department_id": str(department),
                "requestor_id": str(requestor_id),
                "assignee_id": None,
                "status": "new",
                "priority": "medium",
                "actor_id": str(requestor_id),
            },
            moderator_ids=set(),
        )
        chat_db.session.commit()
        chat_db.engine.dispose()
    return ticket_id


def start(app: str, environ: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"chat_access_bench_{port}.log"
    process = gunicorn_service.start(app, environ, port=port, log=log, workers=1)
    url = f"http://127.0.0.1:{port}/healthz"
    gunicorn_service.wait_ready(process, url, what=app, timeout=30, log=log)
    return process


def timed(session: requests.Session, count: int, send: object) -> list[float]:
    durations = []
    for n in range(count):
        started = time.perf_counter()
        response = send(session, n)  # type: ignore[operator]
        durations.append(time.perf_counter() - started)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
    return durations


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=300)
    args = parser.parse_args()
    secret = "bench-" + uuid.uuid4().hex * 2
    department = uuid.uuid4()
    requestor = make_token_user(secret, roles={"requestor": [department]}, department_id=department)
    headers = requestor.headers
    with (
        PostgresServer() as postgres,
        PgBouncerServer(postgres, default_pool_size=20) as bouncer,
        RedisServer() as redis_server,
    ):
        ticket_port, chat_port = free_port(), free_port()
        environ = {
            "HDMS_ENV": "stack",
            "DATABASE_URL": postgres.url,
            "PGBOUNCER_URL": bouncer.url,
            "REDIS_URL": redis_server.url,
            "JWT_SECRET_KEY": secret,
            "LOG_LEVEL": "ERROR",
            "LOG_FORMAT": "text",
            "AUTH_SERVICE_URL": "http://127.0.0.1:9",
            "TICKET_SERVICE_URL": f"http://127.0.0.1:{ticket_port}",
            "FILE_SERVICE_URL": "http://127.0.0.1:9",
        }
        ticket = seed(environ, requestor.id, department)
        tickets = start("ticket_service:create_app()", environ, ticket_port)
        chat = start("communication_service:create_app()", environ, chat_port)
        chat_url = f"http://127.0.0.1:{chat_port}/api/chat/{ticket}/messages/"
        ticket_url = f"http://127.0.0.1:{ticket_port}/api/tickets/{ticket}"

        versions = redis.Redis.from_url(redis_server.url_for(1))

        def post(session: requests.Session, n: int) -> requests.Response:
            return session.post(chat_url, json={"body": f"m{n}"}, headers=headers, timeout=10)

        def post_after_a_change(session: requests.Session, n: int) -> requests.Response:
            versions.incr(ticket_version_key(ticket))
            return post(session, n)

        def look(session: requests.Session, n: int) -> requests.Response:
            return session.get(ticket_url, headers=headers, timeout=10)

        try:
            with requests.Session() as session:
                timed(session, 30, post_after_a_change)  # warm up both workers and their pools
                kept = timed(session, args.posts, post)
                asked = timed(session, args.posts, post_after_a_change)
                alone = timed(session, args.posts, look)
            counter = []
            for _ in range(args.posts):
                started = time.perf_counter()
                versions.get(ticket_version_key(ticket))
                counter.append(time.perf_counter() - started)
        finally:
            versions.close()
            gunicorn_service.stop(chat)
            gunicorn_service.stop(tickets)

    ms = 1000.0

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name}: p50 {percentile(values, 0.5) * ms:6.2f} ms, "
            f"p95 {percentile(values, 0.95) * ms:6.2f} ms, "
            f"mean {statistics.fmean(values) * ms:6.2f} ms"
        )

    print(line("chat post, verdict kept (1 Redis read)", kept))
    print(line("chat post, ticket-service asked       ", asked))
    print(line("ticket-service GET of the ticket alone", alone))
    print(line("Redis read of the counter alone       ", counter))
    cost = (percentile(asked, 0.5) - percentile(kept, 0.5)) * ms
    print(
        f"cost per post: {percentile(counter, 0.5) * ms:.2f} ms while the verdict holds; "
        f"{cost:+.2f} ms at the median when the ticket changed and ticket-service is asked "
        f"(x{percentile(asked, 0.5) / percentile(kept, 0.5):.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
