"""SLA sweep benchmark: one pass over 1M tickets, and what a pass costs per ticket that changes.

Usage (from the repository root)::

    .venv/bin/python bench/sla_sweep_bench.py                 # 1M tickets
    .venv/bin/python bench/sla_sweep_bench.py --tickets 10000 --changes 10,100

It starts its own PostgreSQL and PgBouncer (transaction pooling) with hdms_run.servers, migrates
ticket-service and bulk-loads tickets with ticket_bulk.py's INSERT ... SELECT (the due dates a
create gives, the default business calendar), then calls the sweep in process, as beat does:

- passes where nothing changes (the steady state: most minutes nothing comes at risk);
- passes after N tickets were brought near their first-response due time (each then comes at
  risk: a history row and a ticket.sla_at_risk event each) and N more past it (a breach each).

It prints each pass in milliseconds, the tickets it changed, and the pass as a multiple of two
references measured in the same run through PgBouncer: a ``SELECT 1`` round trip and a bare
``SELECT count(*) FROM tickets``. The sweep's cost should follow the tickets that change, not
the tickets loaded. Nothing here is part of the test run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import psycopg2
from flask import Flask
from ticket_bulk import load_tickets
from timing import samples_ms

if TYPE_CHECKING:
    from ticket_service.config import TicketPolicy


def median_ms(call: Callable[[], object], count: int) -> float:
    return statistics.median(samples_ms(call, count))


def explain(app: Flask, policy: TicketPolicy) -> None:
    """EXPLAIN ANALYZE of the queries that pick the tickets a pass changes."""
    from ticket_service.extensions import db
    from ticket_service.services import sweep

    now = policy.clock()
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            for statement in (
                sweep._status_changes(policy=policy, now=now),
                sweep._overdue(now=now),
            ):
                compiled = statement.compile(
                    dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
                )
                cursor = connection.cursor()
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", compiled.params)
                print("\n".join(row[0] for row in cursor.fetchall()))
                cursor.close()
            connection.rollback()
        finally:
            connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets loaded (1M)")
    parser.add_argument("--quiet-passes", type=int, default=3, help="passes that change nothing")
    parser.add_argument(
        "--changes", default="10,100,500", help="tickets brought at risk (and as many to breach)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plans of the sweep's two queries"
    )
    args = parser.parse_args(argv)
    logging.getLogger("ticket_service").setLevel(logging.WARNING)

    from flask_migrate import upgrade

    from hdms_run.servers import PgBouncerServer, PostgresServer

    postgres = PostgresServer().start()
    bouncer = PgBouncerServer(postgres).start()
    try:
        from ticket_service import create_app
        from ticket_service.extensions import db
        from ticket_service.services.sweep import sweep_tickets

        app = create_app(
            environ={
                "HDMS_ENV": "stack",
                "DATABASE_URL": postgres.url,
                "PGBOUNCER_URL": bouncer.url,
                "JWT_SECRET_KEY": uuid.uuid4().hex * 2,
                "AUTH_SERVICE_URL": "http://127.0.0.1:9",
                "LOG_FORMAT": "text",
                "LOG_LEVEL": "WARNING",
            }
        )
        with app.app_context():
            upgrade()
        policy = app.extensions["hdms_ticket_policy"]

        direct = psycopg2.connect(postgres.url)
        direct.autocommit = True
        started = time.perf_counter()
        with direct.cursor() as cursor:
            load_tickets(
                cursor,
                first=1,
                last=args.tickets,
                department=str(uuid.uuid4()),
                departments=[str(uuid.uuid4()) for _ in range(9)],
                requestor=str(uuid.uuid4()),
            )
            cursor.execute("VACUUM ANALYZE tickets")
        print(f"loaded {args.tickets:,} tickets in {time.perf_counter() - started:.1f} s")

        through_bouncer = psycopg2.connect(bouncer.url)
        through_bouncer.autocommit = True

        def query(sql: str) -> Callable[[], None]:
            def call() -> None:
                with through_bouncer.cursor() as cursor:
                    cursor.execute(sql)
                    cursor.fetchall()

            return call

        select_one = median_ms(query("SELECT 1"), 200)
        count_all = median_ms(query("SELECT count(*) FROM tickets"), 5)

        def one_pass() -> tuple[float, int]:
            with app.app_context():
                started = time.perf_counter()
                report = sweep_tickets(session=db.session, policy=policy)
                elapsed = (time.perf_counter() - started) * 1000
                db.session.remove()
            return elapsed, len(report.breaches) + report.refreshed

        def bring(count: int, due_in: timedelta | None) -> None:
            """Move the first response due time of ``count`` untouched critical tickets a
            business minute ahead (None: they come at risk) or by ``due_in`` from now."""
            now = policy.clock()
            due = policy.calendar.add(now, 60.0) if due_in is None else now + due_in
            with direct.cursor() as cursor:
                cursor.execute(
                    "UPDATE tickets SET first_response_due_at = %s WHERE id IN ("
                    " SELECT id FROM tickets WHERE priority = 'critical' AND sla_status ="
                    " 'on_track' AND first_response_at_risk_at IS NULL"
                    " AND first_response_due_at > now() LIMIT %s)",
                    (due, count),
                )

        rows: list[tuple[str, float, int]] = []
        settle, changed = one_pass()
        rows.append(("first pass after the load", settle, changed))
        for index in range(args.quiet_passes):
            elapsed, changed = one_pass()
            rows.append((f"pass, nothing due ({index + 1})", elapsed, changed))
        for count in (int(c) for c in args.changes.split(",") if c):
            bring(count, None)
            elapsed, changed = one_pass()
            rows.append((f"pass, {count} come at risk", elapsed, changed))
            bring(count, timedelta(minutes=-1))
            elapsed, changed = one_pass()
            rows.append((f"pass, {count} breach", elapsed, changed))

        if args.explain:
            explain(app, policy)
        print(f"reference SELECT 1 via PgBouncer        {select_one:10.2f} ms")
        print(f"reference SELECT count(*) FROM tickets  {count_all:10.2f} ms")
        print(
            f"{'at ' + format(args.tickets, ',') + ' tickets':<34} {'ms':>10} {'changed':>8}"
            f" {'/SELECT 1':>10} {'/count(*)':>10} {'ms/change':>10}"
        )
        for name, elapsed, changed in rows:
            per_change = f"{elapsed / changed:10.2f}" if changed else f"{'-':>10}"
            print(
                f"{name:<34} {elapsed:10.1f} {changed:8d} {elapsed / select_one:10.1f}"
                f" {elapsed / count_all:10.2f} {per_change}"
            )
        through_bouncer.close()
        direct.close()
    finally:
        bouncer.stop()
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
