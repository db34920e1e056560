"""flask commands of communication-service: consume-events."""

from __future__ import annotations

import signal
from typing import Any

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("consume-events")
    @click.option(
        "--consumer", default=None, help="Consumer name in the group (default: host-random)."
    )
    @click.option(
        "--claim-idle-ms", default=60_000, show_default=True, help="Reclaim entries idle this long."
    )
    @click.option("--once", is_flag=True, help="Apply what is waiting, then exit.")
    def consume_events(consumer: str | None, claim_idle_ms: int, once: bool) -> None:
        """Apply ticket events from the Redis stream until stopped (SIGTERM or Ctrl-C)."""
        from communication_service.consumers.ticket_events import build_consumer

        runner = build_consumer(app, consumer=consumer, claim_idle_ms=claim_idle_ms)
        if once:
            runner.ensure_group()
            handled = 0
            while count := runner.run_once(block_ms=100):
                handled += count
            click.echo(f"applied {handled} events")
            return

        def stop(*_: Any) -> None:
            runner.stop()

        signal.signal(signal.SIGTERM, stop)
        click.echo(f"consuming {runner.stream} as {runner.group}/{runner.consumer}")
        try:
            runner.run_forever()
        except KeyboardInterrupt:
            runner.stop()
