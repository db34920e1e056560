"""flask commands of file-service: sweep-stale, consume-ticket-events, process."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from file_service.extensions import db
from file_service.models import Attachment
from file_service.pipeline import process_file
from file_service.tasks import sweep_stale_files
from hdms_common.app import settings_of


def register_cli(app: Flask) -> None:
    @app.cli.command("sweep-stale")
    def sweep_stale() -> None:
        """Retry files stuck before ready (or fail them after too many attempts)."""
        retried, failed = sweep_stale_files(current_app._get_current_object())  # type: ignore[attr-defined]
        click.echo(f"retried {retried}, failed {failed}")

    @app.cli.command("consume-ticket-events")
    def consume_ticket_events() -> None:
        """Follow ticket events (Redis stream) to learn which tickets files are attached to."""
        from file_service.ticket_events import consumer

        if not settings_of(current_app).redis_url:
            raise click.ClickException("REDIS_URL is not set (the embedded mode needs no consumer)")
        click.echo("following ticket events; Ctrl-C to stop")
        consumer(current_app._get_current_object()).run_forever()  # type: ignore[attr-defined]

    @app.cli.command("process")
    @click.argument("file_key")
    def process(file_key: str) -> None:
        """Scan and convert one file now, in this process."""
        attachment_id = db.session.scalar(
            sa.select(Attachment.id).where(Attachment.file_key == file_key)
        )
        db.session.rollback()
        if attachment_id is None:
            raise click.ClickException(f"no file {file_key}")
        process_file(current_app._get_current_object(), attachment_id, last_attempt=True)  # type: ignore[attr-defined]
        click.echo("done")
