"""The other services this one calls, built once per app from its settings."""

from __future__ import annotations

from flask import current_app

from hdms_common.app import settings_of
from hdms_common.clients import FileClient, TicketClient


def ticket_client() -> TicketClient:
    client = current_app.extensions.get("hdms_ticket_client")
    if client is None:
        settings = settings_of(current_app)
        client = TicketClient(
            settings.ticket_service_url, retries=1, versions_redis_url=settings.redis_url
        )
        current_app.extensions["hdms_ticket_client"] = client
    assert isinstance(client, TicketClient)
    return client


def file_client() -> FileClient:
    client = current_app.extensions.get("hdms_file_client")
    if client is None:
        client = FileClient(settings_of(current_app).file_service_url, retries=1)
        current_app.extensions["hdms_file_client"] = client
    assert isinstance(client, FileClient)
    return client
