"""Chat input that is not text, and many posts at once: an error frame that keeps the socket, one
unread chat notification per user and ticket however many messages arrive together."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import requests
import sqlalchemy as sa

from communication_service.extensions import db
from communication_service.models import ChatMessage, Notification


@pytest.fixture
def pair(user, open_ticket, department):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    return open_ticket(requestor, assignee), requestor, assignee


def test_a_lone_surrogate_over_the_socket_gets_an_error_frame_and_the_socket_stays(
    pair, ws_connect, client, app
):
    ticket, requestor, _ = pair
    ws = ws_connect(f"/ws/chat/{ticket}/", requestor.token)
    ws.recv_type("ready")

    ws.send(json.dumps({"type": "message", "body": "\ud800", "client_msg_id": "s-1"}))

    error = ws.recv_type("error")
    assert error["code"] == "invalid"
    assert error["client_msg_id"] == "s-1"
    assert set(error["errors"]) == {"body"}
    ws.send(json.dumps({"type": "message", "body": "ok \ud83d", "client_msg_id": "s-2"}))
    assert ws.recv_type("error")["client_msg_id"] == "s-2"
    ws.send({"type": "message", "body": "plain text", "client_msg_id": "s-3"})
    assert ws.recv_type("ack")["client_msg_id"] == "s-3"
    with app.app_context():
        bodies = list(db.session.scalars(sa.select(ChatMessage.body)))
        db.session.remove()
    assert bodies == ["plain text"]


def test_sixty_concurrent_posts_leave_one_unread_chat_notification_per_user(
    live, user, open_ticket, department, create_user, app
):
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)
    start = threading.Barrier(60)
    statuses: list[int] = []

    def send(who, n: int) -> None:
        with requests.Session() as session:
            start.wait()
            response = session.post(
                f"{live.url}/api/chat/{ticket}/messages/",
                json={"body": f"message {n}"},
                headers=who.headers,
                timeout=30,
            )
            statuses.append(response.status_code)

    threads = [
        threading.Thread(target=send, args=((requestor, assignee)[n % 2], n)) for n in range(60)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 60
    with app.app_context():
        rows = db.session.execute(
            sa.select(Notification.user_id, sa.func.count())
            .where(
                Notification.ticket_id == ticket,
                Notification.type == "chat_message",
                Notification.read_at.is_(None),
            )
            .group_by(Notification.user_id)
        )
        unread = {row[0]: row[1] for row in rows}
        db.session.remove()
    assert unread == {requestor.id: 1, assignee.id: 1, moderator.id: 1}


def test_a_read_chat_notification_is_followed_by_a_new_one(pair, post, client, user):
    ticket, requestor, assignee = pair
    assert post(ticket, requestor, "first").status_code == 201

    def unread_chat():
        items = client.get("/api/notifications/?unread=true", headers=assignee.headers).json
        return [n for n in items["items"] if n["type"] == "chat_message"]

    [note] = unread_chat()
    read = client.post(f"/api/notifications/{note['id']}/read", headers=assignee.headers)
    assert read.status_code == 200
    assert post(ticket, requestor, "second").status_code == 201
    unread = unread_chat()
    assert [n["body"] for n in unread] == ["Test User: second"]
    assert unread[0]["id"] != note["id"]
    assert uuid.UUID(unread[0]["id"])
