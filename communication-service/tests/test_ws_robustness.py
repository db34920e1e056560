"""Sockets that misbehave: slow readers, dead peers, Redis going away. None may hurt the others."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
import uuid

import pytest

from .conftest import WsClient, ticket_payload


@pytest.fixture
def pair(user, open_ticket, department):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    return open_ticket(requestor, assignee), requestor, assignee


@pytest.fixture
def limits(app):
    """Change the real-time limits for one test (new sockets use them)."""
    realtime = app.extensions["hdms_realtime"]
    original = realtime.limits

    def change(**values):
        realtime.limits = dataclasses.replace(original, **values)

    yield change
    realtime.limits = original


def test_a_slow_reader_is_cut_off_4408_and_never_slows_the_others(
    pair, ws_connect, live, post, limits
):
    ticket, requestor, assignee = pair
    limits(send_queue_size=8, socket_send_buffer=8192, slow_close_grace=20)
    path = f"/ws/chat/{ticket}/?token={requestor.token}"
    slow = WsClient(
        live.url.replace("http://", "ws://") + path,
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),),
    )
    try:
        fast = ws_connect(f"/ws/chat/{ticket}/", assignee.token)
        fast.recv_type("ready")
        count = 60
        received: list[dict] = []
        reader = threading.Thread(target=lambda: received.extend(fast.messages(count, timeout=15)))
        reader.start()
        started = time.monotonic()
        for i in range(count):
            assert post(ticket, assignee, f"{i:03d} " + "x" * 3900).status_code == 201
        reader.join()
        assert [m["seq"] for m in received] == list(range(1, count + 1))
        assert time.monotonic() - started < 15

        got = []
        while (frame := slow.recv(timeout=10)) is not None:
            got.append(frame)
        assert slow.close_code == 4408
        assert 0 < len(got) < count
    finally:
        slow.close()


def test_a_peer_that_stops_answering_pings_is_dropped(pair, ws_connect, app):
    ticket, requestor, _ = pair
    realtime = app.extensions["hdms_realtime"]
    options = app.config["SOCK_SERVER_OPTIONS"]
    before = realtime.hub.local_count()
    original = options["ping_interval"]
    options["ping_interval"] = 0.3
    try:
        dead = ws_connect(f"/ws/chat/{ticket}/", requestor.token)
        time.sleep(0.2)
        assert realtime.hub.local_count() == before + 1
        time.sleep(2.0)  # the client reads nothing, so it answers no ping
    finally:
        options["ping_interval"] = original
    deadline = time.monotonic() + 5
    while realtime.hub.local_count() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert realtime.hub.local_count() == before
    # A ping-timeout close frame (1008) may sit behind pings the client now answers into a
    # closed socket; either way the connection is over.
    assert dead.wait_closed() in (1006, 1008)


def test_notifications_are_pushed_live(ws_connect, user, events, department):
    requestor, assignee, bystander = user(), user(roles={"assignee": [department]}), user()
    feed = ws_connect("/ws/notifications/", assignee.token)
    assert feed.recv_type("unread_count") == {"type": "unread_count", "count": 0}
    ticket = uuid.uuid4()
    events.publish(
        "ticket.assigned",
        ticket_payload(
            ticket,
            department=department,
            requestor=requestor.id,
            assignee=assignee.id,
            actor=uuid.uuid4(),
        ),
    )
    pushed = feed.recv_type("notification")
    assert pushed["notification"]["type"] == "ticket_assigned"
    assert pushed["notification"]["ticket_id"] == str(ticket)
    other = ws_connect("/ws/notifications/", bystander.token)
    assert other.recv_type("unread_count")["count"] == 0
    other.nothing_more("notification", wait=0.3)


def test_notifications_socket_refuses_bad_tokens_and_frames(ws_connect, user):
    assert ws_connect("/ws/notifications/", "nope").wait_closed() == 4401
    feed = ws_connect("/ws/notifications/", user().token)
    feed.recv_type("unread_count")
    feed.send({"type": "message", "body": "hi"})
    assert feed.recv_type("error")["code"] == "unknown_type"
    feed.send({"type": "ping"})
    assert feed.recv_type("pong")


def test_a_chat_message_for_an_absent_participant_is_pushed_to_their_feed(pair, ws_connect, post):
    ticket, requestor, assignee = pair
    feed = ws_connect("/ws/notifications/", requestor.token)
    feed.recv_type("unread_count")
    post(ticket, assignee, "Your laptop is ready")
    pushed = feed.recv_type("notification")["notification"]
    assert pushed["type"] == "chat_message" and "Your laptop is ready" in pushed["body"]


def test_redis_outage_posting_still_works_and_nothing_is_lost(
    pair, ws_connect, post, redis_server, app, client
):
    ticket, requestor, assignee = pair
    first = post(ticket, requestor, "before the outage").json
    watcher = ws_connect(f"/ws/chat/{ticket}/", requestor.token, after=first["id"])
    assert watcher.recv_type("ready")["last_seq"] == 1
    redis_server.stop()
    try:
        during = [post(ticket, assignee, f"during {i}") for i in range(3)]
        assert [r.status_code for r in during] == [201, 201, 201]
        # A client that reconnects with ?after= while Redis is still down gets everything.
        late = ws_connect(f"/ws/chat/{ticket}/", requestor.token, after=first["id"])
        assert [m["body"] for m in late.messages(3, timeout=10)] == [
            "during 0",
            "during 1",
            "during 2",
        ]
    finally:
        redis_server.start()
    hub = app.extensions["hdms_realtime"].hub
    assert hub.subscribed.wait(10), "the hub did not subscribe again"
    assert post(ticket, assignee, "after the outage").status_code == 201
    bodies = [m["body"] for m in watcher.messages(4, timeout=10)]
    assert bodies == ["during 0", "during 1", "during 2", "after the outage"]
    fresh = ws_connect(f"/ws/chat/{ticket}/", assignee.token)
    fresh.recv_type("ready")
    post(ticket, requestor, "live again")
    assert fresh.recv_type("message", timeout=5)["body"] == "live again"
    history = client.get(
        f"/api/chat/{ticket}/messages/", query_string={"after": "0"}, headers=requestor.headers
    ).json["items"]
    assert [m["seq"] for m in history] == [1, 2, 3, 4, 5, 6]


def test_database_outage_is_a_503_and_a_4503_and_service_resumes(
    pair, ws_connect, client, pgbouncer_server
):
    ticket, requestor, _ = pair
    pgbouncer_server.stop()
    try:
        response = client.get(f"/api/chat/{ticket}/messages/", headers=requestor.headers)
        assert response.status_code == 503
        assert response.content_type == "application/problem+json"
        assert ws_connect(f"/ws/chat/{ticket}/", requestor.token).wait_closed(10) == 4503
    finally:
        pgbouncer_server.start()
    deadline = time.monotonic() + 10
    while client.get(f"/api/chat/{ticket}/messages/", headers=requestor.headers).status_code != 200:
        assert time.monotonic() < deadline, "the service did not come back"
        time.sleep(0.2)
    assert ws_connect(f"/ws/chat/{ticket}/", requestor.token).recv_type("ready")


def test_a_socket_of_someone_taken_off_the_ticket_is_closed_4403(
    user, events, department, ws_connect, limits
):
    limits(presence_ttl=0.6, idle_wakeup=0.1)
    requestor, first, second = user(), user(), user()
    ticket = uuid.uuid4()
    base = ticket_payload(ticket, department=department, requestor=requestor.id)
    events.publish("ticket.assigned", {**base, "assignee_id": str(first.id)})
    socket_of_first = ws_connect(f"/ws/chat/{ticket}/", first.token)
    socket_of_first.recv_type("ready")

    events.publish("ticket.assigned", {**base, "assignee_id": str(second.id)})

    assert socket_of_first.recv_type("error", timeout=5)["code"] == "forbidden"
    assert socket_of_first.wait_closed() == 4403
