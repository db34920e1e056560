"""flask commands of ticket-service: sla-sweep, outbox-relay, consume-access-events,
verify-audit, seed-demo-tickets."""

from __future__ import annotations

import json
import signal
import time
import uuid

import click
from flask import Flask

from ticket_service.background import publisher_for, run_once
from ticket_service.extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("sla-sweep")
    def sla_sweep() -> None:
        """Resume due postponed tickets, auto-close resolved ones, mark SLA breaches (once)."""
        from ticket_service.services.sweep import sweep_tickets

        report = sweep_tickets(session=db.session, policy=app.extensions["hdms_ticket_policy"])
        click.echo(json.dumps(report.as_dict()))

    @app.cli.command("outbox-relay")
    @click.option("--once", is_flag=True, help="Relay what is pending, then exit.")
    @click.option("--interval", default=0.5, show_default=True, help="Seconds between polls.")
    def outbox_relay(once: bool, interval: float) -> None:
        """Publish outbox events to the Redis stream (or the embedded bus without Redis)."""
        publisher = publisher_for(app)
        while True:
            relayed = run_once(app, publisher, sweep=False)
            if once:
                click.echo(f"relayed {relayed} event(s)")
                return
            time.sleep(interval)

    @app.cli.command("consume-access-events")
    @click.option("--consumer", default=None, help="Consumer name in the group (default: random).")
    @click.option("--once", is_flag=True, help="Apply what is waiting, then exit.")
    def consume_access_events(consumer: str | None, once: bool) -> None:
        """Drop approvers who lost HDMS access out of open rounds (access stream, until stopped)."""
        from ticket_service.access_events import build_access_consumer

        runner = build_access_consumer(app, consumer=consumer)
        if once:
            runner.ensure_group()
            handled = 0
            while count := runner.run_once(block_ms=100):
                handled += count
            click.echo(f"applied {handled} access change(s)")
            return
        signal.signal(signal.SIGTERM, lambda *_: runner.stop())
        click.echo(f"consuming {runner.stream} as {runner.group}/{runner.consumer}")
        try:
            runner.run_forever()
        except KeyboardInterrupt:
            runner.stop()

    @app.cli.command("verify-audit")
    @click.option("--ticket", "ticket_id", type=click.UUID, help="Only this ticket.")
    def verify_audit(ticket_id: uuid.UUID | None) -> None:
        """Check every ticket's history hash chain; exit 1 when one is broken."""
        from ticket_service.services.audit import verify_all_chains, verify_chain

        if ticket_id:
            report = verify_chain(session=db.session, ticket_id=ticket_id)
            broken = [] if report.ok else [report]
        else:
            broken = verify_all_chains(session=db.session)
        for report in broken:
            click.echo(
                f"BROKEN ticket {report.ticket_id}: {json.dumps(report.as_dict())}", err=True
            )
        if broken:
            raise SystemExit(1)
        click.echo("audit chains ok")

    @app.cli.command("seed-demo-tickets")
    @click.option("--per-department", default=3, show_default=True)
    def seed_demo(per_department: int) -> None:
        """Open demo tickets for the demo company (needs auth-service's demo seed)."""
        from ticket_service.demo import seed_demo_tickets

        created = seed_demo_tickets(app, per_department=per_department)
        click.echo(f"created {created} demo ticket(s)")
