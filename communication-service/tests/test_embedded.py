"""The embedded mode: SQLite, no Redis, ticket events on the in-process bus, the same sockets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask

from communication_service import create_app, start_embedded
from communication_service.extensions import db
from hdms_common.events import Event, embedded_bus
from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import migrate_database

from .conftest import WsClient, closed_port_url, ticket_payload


@pytest.fixture(scope="module")
def embedded_app(tmp_path_factory, jwt_secret, auth_service_url) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("embedded")
    app = create_app(
        environ={
            "HDMS_ENV": "embedded",
            "DATABASE_URL": f"sqlite:///{folder / 'communication.db'}",
            "JWT_SECRET_KEY": jwt_secret,
            "AUTH_SERVICE_URL": auth_service_url,
            "TICKET_SERVICE_URL": closed_port_url(),
            "FILE_SERVICE_URL": closed_port_url(),
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
        }
    )
    migrate_database(app, db)
    bus = embedded_bus()
    before = list(bus._handlers)
    start_embedded(app)
    yield app
    bus._handlers[:] = before  # the bus is process-wide; leave it as other suites expect it
    with app.app_context():
        db.engine.dispose()


def test_two_users_chat_in_real_time_without_redis(embedded_app, token_user, department):
    assert embedded_app.extensions["hdms_realtime"].hub.redis_url == ""
    requestor = token_user(roles={"requestor": [department]}, department_id=department)
    assignee = token_user(roles={"assignee": [department]}, department_id=department)
    ticket = uuid.uuid4()
    embedded_bus().publish(
        Event(
            type="ticket.assigned",
            payload=ticket_payload(
                ticket,
                department=department,
                requestor=requestor.id,
                assignee=assignee.id,
                actor=uuid.uuid4(),
            ),
        )
    )
    with LiveServer(embedded_app) as server:
        base = server.url.replace("http://", "ws://") + f"/ws/chat/{ticket}/?token="
        alice, bob = WsClient(base + requestor.token), WsClient(base + assignee.token)
        feed = WsClient(
            server.url.replace("http://", "ws://") + f"/ws/notifications/?token={assignee.token}"
        )
        try:
            assert feed.recv_type("unread_count")["count"] == 1  # "assigned to you"
            alice.recv_type("ready")
            bob.recv_type("ready")
            alice.send(
                {"type": "message", "body": "hello from the embedded mode", "client_msg_id": "e1"}
            )
            assert bob.recv_type("message")["body"] == "hello from the embedded mode"
            bob.send({"type": "typing"})
            assert alice.recv_type("typing")["user_id"] == str(assignee.id)
            bob.close()
            alice.send({"type": "message", "body": "are you there?", "client_msg_id": "e2"})
            alice.recv_type("ack")
            note = feed.recv_type("notification")["notification"]
            assert note["type"] == "chat_message"
            back = WsClient(base + assignee.token + "&after=1")
            assert back.recv_type("message")["body"] == "are you there?"
            back.close()
        finally:
            for ws in (alice, bob, feed):
                ws.close()
