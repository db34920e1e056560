"""Ticket events tell file-service which tickets a file was attached to."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from hdms_common.events import Event, RedisStreamPublisher
from hdms_common.testing.plugin import TestUser, redis_client


def _links(app: Flask, file_key: str) -> list[uuid.UUID]:
    from file_service.extensions import db
    from file_service.models import Attachment, AttachmentTicketLink

    with app.app_context():
        rows = db.session.scalars(
            sa.select(AttachmentTicketLink.ticket_id)
            .join(Attachment, Attachment.id == AttachmentTicketLink.attachment_id)
            .where(Attachment.file_key == file_key)
        ).all()
        db.session.rollback()
        return list(rows)


def _added(ticket_id: uuid.UUID, file_key: str) -> Event:
    return Event(
        type="ticket.attachment_added",
        payload={"ticket_id": str(ticket_id), "file_key": file_key, "status": "new"},
    )


def test_an_attachment_event_links_the_file_to_its_ticket_once(
    app: Flask,
    client: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
) -> None:
    from file_service.ticket_events import handle_ticket_event

    key = send_upload(requestor, "a.txt", b"text\n").get_json()["file_key"]
    first, second = uuid.uuid4(), uuid.uuid4()

    handle_ticket_event(app, _added(first, key))
    handle_ticket_event(app, _added(first, key))  # redelivered
    handle_ticket_event(app, _added(second, key))
    handle_ticket_event(app, _added(second, "x" * 32))  # unknown file: ignored
    handle_ticket_event(app, Event(type="ticket.assigned", payload={"ticket_id": "nonsense"}))

    assert sorted(_links(app, key)) == sorted([first, second])
    details = client.get(f"/api/files/{key}/", headers=requestor.headers).get_json()
    assert details["ticket_id"] == str(first)


def test_the_stream_consumer_links_files_from_the_redis_stream(
    app: Flask,
    redis_server: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
) -> None:
    from file_service.ticket_events import consumer

    key = send_upload(requestor, "a.txt", b"text\n").get_json()["file_key"]
    ticket_id = uuid.uuid4()
    RedisStreamPublisher(redis_client(redis_server)).publish(_added(ticket_id, key))

    follower = consumer(app)
    follower.ensure_group()
    # A group made after the event starts at the stream's beginning: nothing is missed.
    assert follower.run_once(block_ms=100) == 1
    assert _links(app, key) == [ticket_id]


def test_a_created_ticket_links_the_files_its_event_carries_without_asking_ticket_service(
    app: Flask,
    redis_server: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
) -> None:
    """ticket.created names its attachments; ticket-service (a closed port here) is not asked,
    and the events of one read are linked together."""
    from file_service.ticket_events import consumer

    keys = [send_upload(requestor, f"{n}.txt", b"text\n").get_json()["file_key"] for n in range(2)]
    with_files, without_files = uuid.uuid4(), uuid.uuid4()
    publisher = RedisStreamPublisher(redis_client(redis_server))
    for ticket_id, attached in ((with_files, keys), (without_files, [])):
        publisher.publish(
            Event(
                type="ticket.created",
                payload={
                    "ticket_id": str(ticket_id),
                    "status": "new",
                    "attachments": [{"file_key": key, "name": "n.txt"} for key in attached],
                },
            )
        )

    follower = consumer(app)
    follower.ensure_group()
    while follower.run_once(block_ms=100):
        pass
    assert [_links(app, key) for key in keys] == [[with_files], [with_files]]
    pending = redis_client(redis_server).xpending("hdms:events:tickets", "file-service")
    assert pending["pending"] == 0
