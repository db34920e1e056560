"""ticket-service benchmark: p50/p95 of create and list against PostgreSQL through PgBouncer.

Usage (from the repository root)::

    .venv/bin/python bench/tickets_bench.py                      # 10k, then 1M tickets
    .venv/bin/python bench/tickets_bench.py --sizes 10000 --requests 300

It starts its own PostgreSQL and PgBouncer (transaction pooling) with
hdms_run.servers, serves auth-service and ticket-service on loopback ports (werkzeug,
threaded; ticket-service reaches the database through PgBouncer, as in the stack), bulk-loads
tickets with INSERT ... SELECT generate_series for each size, then times real HTTP requests:

- reference: a bare ``SELECT 1`` round trip through PgBouncer (psycopg2), measured in the same run;
- create: POST /api/tickets/ (includes the department check with auth-service over HTTP);
- list as an admin (everything), a moderator (one department), a requestor (own tickets), with
  a status filter and with a full-text ``q``; each a first page of 20;
- one pass of the SLA sweep, called in process (5 runs).

It prints p50/p95 in milliseconds and each p50 as a multiple of the reference, and, when several
sizes run, the ratio of each list's p50 at the largest size to the smallest. The PostgreSQL the
tests use is tuned for speed over durability (no fsync), so absolute figures are optimistic;
the ratios are the point. Nothing here is part of the test run.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg2
import requests
from ticket_bulk import load_tickets

ROOT = Path(__file__).resolve().parent.parent


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(call: Callable[[], object], count: int, warmup: int = 5) -> tuple[float, float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return percentile(samples, 0.5), percentile(samples, 0.95)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000", help="ticket counts, ascending")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per figure")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from flask_migrate import upgrade

    from hdms_common.auth import build_claims, encode_token
    from hdms_common.testing.live import LiveServer
    from hdms_run.servers import PgBouncerServer, PostgresServer

    secret = uuid.uuid4().hex * 2
    postgres = PostgresServer().start()
    bouncer = PgBouncerServer(postgres).start()
    try:
        from auth_service import create_app as create_auth_app
        from auth_service.extensions import db as auth_db
        from auth_service.services.departments import create_department

        environ = {
            "HDMS_ENV": "stack",
            "DATABASE_URL": postgres.url,
            "PGBOUNCER_URL": bouncer.url,
            "JWT_SECRET_KEY": secret,
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
        }
        auth_app = create_auth_app(
            environ={k: v for k, v in environ.items() if k != "PGBOUNCER_URL"}
        )
        with auth_app.app_context():
            upgrade()
            department = create_department(
                session=auth_db.session, data={"name": "Bench", "code": "BENCH"}
            ).id
            auth_db.session.commit()
        auth_server = LiveServer(auth_app).start()

        from ticket_service import create_app
        from ticket_service.extensions import db

        ticket_app = create_app(environ={**environ, "AUTH_SERVICE_URL": auth_server.url})
        with ticket_app.app_context():
            upgrade()
            assert db.engine.url.port == bouncer.port  # the service goes through PgBouncer
        server = LiveServer(ticket_app).start()

        def token(
            roles: dict[str, list[uuid.UUID]], user_id: uuid.UUID | None = None
        ) -> dict[str, str]:
            subject = user_id or uuid.uuid4()
            grants = [(role, d) for role, departments in roles.items() for d in departments]
            claims = build_claims(
                user_id=subject,
                employee_code="BENCH",
                name="Bench",
                department_id=department,
                grants=grants,
            )
            signed = encode_token(subject=subject, claims=claims, secret=secret)
            return {"Authorization": f"Bearer {signed}"}

        requestor_id = uuid.uuid4()
        users = {
            "admin": token({"admin": [department]}),
            "moderator": token({"moderator": [department]}),
            "requestor": token({"requestor": [department]}, requestor_id),
        }
        other_departments = [str(uuid.uuid4()) for _ in range(9)]
        http = requests.Session()
        bouncer_connection = psycopg2.connect(bouncer.url)
        bouncer_connection.autocommit = True
        direct = psycopg2.connect(postgres.url)
        direct.autocommit = True

        def select_one() -> None:
            with bouncer_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()

        def get(path: str, who: str) -> Callable[[], None]:
            def call() -> None:
                response = http.get(f"{server.url}{path}", headers=users[who], timeout=60)
                assert response.status_code == 200, response.text

            return call

        counter = iter(range(10**9))

        def create() -> None:
            body = {
                "title": f"Bench ticket {next(counter)}",
                "description": "Created by the benchmark",
                "department_id": str(department),
                "priority": "medium",
            }
            response = http.post(
                f"{server.url}/api/tickets/", json=body, headers=users["requestor"], timeout=60
            )
            assert response.status_code == 201, response.text

        def sweep() -> None:
            from ticket_service.services.sweep import sweep_tickets

            with ticket_app.app_context():
                policy = ticket_app.extensions["hdms_ticket_policy"]
                sweep_tickets(session=db.session, policy=policy)

        figures: dict[int, dict[str, tuple[float, float]]] = {}
        loaded = 0
        for size in sizes:
            started = time.perf_counter()
            with direct.cursor() as cursor:
                load_tickets(
                    cursor,
                    first=loaded + 1,
                    last=size,
                    department=str(department),
                    departments=other_departments,
                    requestor=str(requestor_id),
                )
            loaded = size
            print(f"\nloaded {size:,} tickets in {time.perf_counter() - started:.1f} s", flush=True)
            runs = {
                "SELECT 1 via PgBouncer (reference)": select_one,
                "create POST /api/tickets/": create,
                "list admin (all)": get("/api/tickets/?limit=20", "admin"),
                "list moderator (1 department)": get("/api/tickets/?limit=20", "moderator"),
                "list requestor (own)": get("/api/tickets/?limit=20", "requestor"),
                "list admin status=under_review": get(
                    "/api/tickets/?limit=20&status=under_review", "admin"
                ),
                "list admin q=printer network": get(
                    "/api/tickets/?limit=20&q=printer%20network", "admin"
                ),
            }
            figures[size] = {name: timed(call, args.requests) for name, call in runs.items()}
            figures[size]["sla sweep, one pass (in process)"] = timed(sweep, 5, warmup=1)
            reference = figures[size]["SELECT 1 via PgBouncer (reference)"][0]
            print(f"{'at ' + format(size, ','):<38} {'p50 ms':>9} {'p95 ms':>9} {'p50/ref':>9}")
            for name, (p50, p95) in figures[size].items():
                print(f"{name:<38} {p50:9.2f} {p95:9.2f} {p50 / reference:9.1f}")
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            print(f"\np50 at {large:,} / p50 at {small:,}")
            for name in figures[small]:
                print(f"{name:<38} {figures[large][name][0] / figures[small][name][0]:9.2f}")
        server.stop()
        auth_server.stop()
        bouncer_connection.close()
        direct.close()
    finally:
        bouncer.stop()
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
