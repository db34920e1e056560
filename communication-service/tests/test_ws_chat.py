"""/ws/chat/{ticket_id}/ with real WebSocket clients against the app on a live server."""

from __future__ import annotations

import threading
import time
import uuid

import pytest


@pytest.fixture
def pair(user, open_ticket, department):
    """A ticket with its requestor and assignee."""
    requestor, assignee = user(), user(roles={"assignee": [department]})
    return open_ticket(requestor, assignee), requestor, assignee


def chat_path(ticket: uuid.UUID) -> str:
    return f"/ws/chat/{ticket}/"


def test_live_delivery_between_two_users(pair, ws_connect, post):
    ticket, requestor, assignee = pair
    alice = ws_connect(chat_path(ticket), requestor.token)
    bob = ws_connect(chat_path(ticket), assignee.token)
    assert alice.recv_type("ready") == {"type": "ready", "ticket_id": str(ticket), "last_seq": 0}
    bob.recv_type("ready")

    alice.send({"type": "message", "body": "Screen is black", "client_msg_id": "a-1"})
    ack = alice.recv_type("ack")
    got = bob.recv_type("message")
    assert got["body"] == "Screen is black" and got["sender_id"] == str(requestor.id)
    assert ack == {"type": "ack", "client_msg_id": "a-1", "id": got["id"], "seq": got["seq"]}
    assert alice.recv_type("message")["id"] == got["id"]  # the sender sees it in order too

    assert post(ticket, assignee, "Try holding the power button").status_code == 201
    assert alice.recv_type("message")["body"] == "Try holding the power button"


def test_typing_and_read_receipts_are_live_only_and_not_echoed(pair, ws_connect, client):
    ticket, requestor, assignee = pair
    alice = ws_connect(chat_path(ticket), requestor.token)
    bob = ws_connect(chat_path(ticket), assignee.token)
    alice.recv_type("ready")
    bob.recv_type("ready")

    alice.send({"type": "typing"})
    typing = bob.recv_type("typing")
    assert typing["user_id"] == str(requestor.id)
    message_id = str(uuid.uuid4())
    bob.send({"type": "read", "message_id": message_id})
    assert alice.recv_type("read") == {
        "type": "read",
        "ticket_id": str(ticket),
        "user_id": str(assignee.id),
        "message_id": message_id,
    }
    alice.nothing_more("typing", wait=0.3)
    history = client.get(f"/api/chat/{ticket}/messages/", headers=requestor.headers).json
    assert history["items"] == []


def test_resume_with_after_replays_the_missed_messages_then_goes_live(pair, ws_connect, post):
    ticket, requestor, assignee = pair
    seen = [post(ticket, requestor, f"m{i}").json for i in range(1, 4)]
    for i in range(4, 7):
        post(ticket, assignee, f"m{i}")  # sent while the requestor was away

    back = ws_connect(chat_path(ticket), requestor.token, after=seen[-1]["id"])
    replayed = back.messages(3)
    assert [m["body"] for m in replayed] == ["m4", "m5", "m6"]
    post(ticket, assignee, "m7")
    assert back.recv_type("message")["body"] == "m7"
    back.nothing_more(wait=0.3)

    by_seq = ws_connect(chat_path(ticket), requestor.token, after=5)
    assert [m["seq"] for m in by_seq.messages(2)] == [6, 7]


def test_messages_sent_during_the_reconnect_arrive_once_and_in_order(pair, ws_connect, post):
    ticket, requestor, assignee = pair
    first = post(ticket, requestor, "before").json
    stop = threading.Event()
    sent: list[int] = []

    def keep_posting() -> None:
        n = 0
        while not stop.is_set() and n < 60:
            n += 1
            response = post(ticket, assignee, f"during {n}")
            assert response.status_code == 201
            sent.append(response.json["seq"])

    sender = threading.Thread(target=keep_posting)
    sender.start()
    try:
        time.sleep(0.05)
        watcher = ws_connect(chat_path(ticket), requestor.token, after=first["id"])
        time.sleep(0.3)
    finally:
        stop.set()
        sender.join()
    expected = list(range(2, 2 + len(sent)))
    assert sorted(sent) == expected
    received = [m["seq"] for m in watcher.messages(len(sent), timeout=10)]
    assert received == expected
    watcher.nothing_more(wait=0.3)


def test_without_after_only_new_messages_arrive(pair, ws_connect, post):
    ticket, requestor, assignee = pair
    post(ticket, requestor, "old")
    fresh = ws_connect(chat_path(ticket), assignee.token)
    assert fresh.recv_type("ready")["last_seq"] == 1
    post(ticket, requestor, "new")
    assert fresh.recv_type("message")["body"] == "new"


def test_token_in_first_frame_works_and_a_bad_one_closes_4401(pair, ws_connect, jwt_secret):
    ticket, requestor, _ = pair
    late = ws_connect(chat_path(ticket))
    late.send({"type": "auth", "token": requestor.token})
    late.send({"type": "ping"})
    assert late.recv_type("pong") == {"type": "pong"}

    for token in ("garbage", requestor.token[:-3] + "abc"):
        assert ws_connect(chat_path(ticket), token).wait_closed() == 4401
    silent = ws_connect(chat_path(ticket))
    assert silent.wait_closed(timeout=5) == 4401  # no auth frame in time
    wrong_first = ws_connect(chat_path(ticket))
    wrong_first.send({"type": "message", "body": "hi"})
    assert wrong_first.wait_closed() == 4401


def test_refresh_token_is_refused(pair, ws_connect, jwt_secret):
    from hdms_common.auth import encode_token

    ticket, requestor, _ = pair
    refresh = encode_token(subject=requestor.id, claims={}, secret=jwt_secret, token_type="refresh")
    assert ws_connect(chat_path(ticket), refresh).wait_closed() == 4401


def test_non_participant_is_closed_4403(pair, ws_connect, user):
    ticket, _, _ = pair
    assert ws_connect(chat_path(ticket), user().token).wait_closed() == 4403
    assert ws_connect("/ws/chat/not-a-uuid/", user().token).wait_closed() == 4403


def test_bad_after_closes_4400(pair, ws_connect):
    ticket, requestor, _ = pair
    assert ws_connect(chat_path(ticket), requestor.token, after="nope").wait_closed() == 4400
    missing = ws_connect(chat_path(ticket), requestor.token, after=str(uuid.uuid4()))
    assert missing.wait_closed() == 4400


def test_bad_frames_get_error_frames_and_store_nothing(pair, ws_connect, client):
    ticket, requestor, _ = pair
    ws = ws_connect(chat_path(ticket), requestor.token)
    cases = [
        ("{not json", "malformed"),
        ("[1, 2]", "malformed"),
        ("null", "malformed"),
        ({"type": 7}, "malformed"),
        ({"type": "dance"}, "unknown_type"),
        ({"type": "message", "body": "   "}, "invalid"),
        ({"type": "message", "body": "x", "extra": 1}, "invalid"),
        ({"type": "message"}, "invalid"),
        ({"type": "message", "body": "hi\x00there"}, "invalid"),
        ({"type": "read", "message_id": "nope"}, "invalid"),
        ("[" * 15000, "malformed"),
        ('{"type": "message", "body": "hi\\ud800"}', "invalid"),
        ({"type": "message", "body": "\u200b\u2060\ufeff"}, "invalid"),
    ]
    for frame, code in cases:
        ws.send(frame)
        error = ws.recv_type("error")
        assert error["code"] == code, (frame, error)
    ws.ws.send_binary(b"\x00\x01")
    assert ws.recv_type("error")["code"] == "malformed"
    ws.send({"type": "ping"})
    assert ws.recv_type("pong")
    history = client.get(f"/api/chat/{ticket}/messages/", headers=requestor.headers).json
    assert history["items"] == []


def test_too_many_bad_frames_close_4400(pair, ws_connect, app):
    ticket, requestor, _ = pair
    ws = ws_connect(chat_path(ticket), requestor.token)
    for _ in range(app.extensions["hdms_realtime"].limits.max_bad_frames):
        ws.send("nonsense")
    assert ws.wait_closed() == 4400


def test_oversized_frame_closes_1009_and_the_server_goes_on(pair, ws_connect, app, post):
    ticket, requestor, assignee = pair
    ws = ws_connect(chat_path(ticket), requestor.token)
    limit = app.extensions["hdms_realtime"].limits.max_message_size
    ws.send({"type": "message", "body": "x" * (limit + 10)})
    assert ws.wait_closed() == 1009
    other = ws_connect(chat_path(ticket), assignee.token)
    other.recv_type("ready")
    assert post(ticket, requestor, "still here").status_code == 201
    assert other.recv_type("message")["body"] == "still here"


def test_a_flood_gets_an_error_frame_then_close_4429(pair, ws_connect, app):
    ticket, requestor, _ = pair
    ws = ws_connect(chat_path(ticket), requestor.token)
    burst = app.extensions["hdms_realtime"].limits.frame_burst
    for _ in range(burst + 20):
        try:
            ws.send({"type": "typing"})
        except Exception:  # noqa: BLE001 - the server may already have closed
            break
    assert ws.recv_type("error", timeout=5)["code"] == "rate_limited"
    assert ws.wait_closed() == 4429


def test_absent_participant_gets_one_chat_notification_connected_one_none(
    pair, ws_connect, post, client
):
    ticket, requestor, assignee = pair
    ws_connect(chat_path(ticket), requestor.token).recv_type("ready")
    post(ticket, assignee, "first")
    post(ticket, assignee, "second")

    items = client.get("/api/notifications/", headers=requestor.headers).json["items"]
    assert [n for n in items if n["type"] == "chat_message"] == []
    post(ticket, requestor, "reply one")
    post(ticket, requestor, "reply two")
    items = client.get("/api/notifications/", headers=assignee.headers).json["items"]
    notes = [n for n in items if n["type"] == "chat_message"]
    assert len(notes) == 1 and notes[0]["ticket_id"] == str(ticket)
    assert "reply two" in notes[0]["body"]


def test_a_socket_post_reads_live_as_in_history_and_a_resend_is_not_stored_twice(
    pair, ws_connect, client
):
    """A socket's message is stored by one statement and its frame built from plain values:
    the frame must read exactly as the HTTP history dumps the stored row, numbers must follow
    on, and a client_msg_id sent again must answer with the stored message (or conflict)."""
    ticket, requestor, assignee = pair
    alice = ws_connect(chat_path(ticket), requestor.token)
    bob = ws_connect(chat_path(ticket), assignee.token)
    alice.recv_type("ready")
    bob.recv_type("ready")

    alice.send({"type": "message", "body": "one", "client_msg_id": "r-1"})
    alice.send({"type": "message", "body": "two"})
    live = bob.messages(2)
    first_ack, second_ack = alice.recv_type("ack"), alice.recv_type("ack")
    assert [m["seq"] for m in live] == [1, 2]
    assert second_ack == {"type": "ack", "client_msg_id": None, "id": live[1]["id"], "seq": 2}
    history = client.get(f"/api/chat/{ticket}/messages/?after=0", headers=requestor.headers)
    assert [{"type": "message", **item} for item in history.json["items"]] == live

    alice.send({"type": "message", "body": "one", "client_msg_id": "r-1"})
    assert alice.recv_type("ack") == first_ack
    alice.send({"type": "message", "body": "not one", "client_msg_id": "r-1"})
    assert alice.recv_type("error")["client_msg_id"] == "r-1"
    alice.send({"type": "message", "body": "three"})
    assert bob.recv_type("message")["seq"] == 3  # the resend and the conflict took no number
    assert alice.recv_type("ack")["seq"] == 3


def test_the_workers_sweep_refreshes_presence_and_closes_who_the_copy_dropped(
    app, pair, ws_connect
):
    """Presence and the copy's participation check run once per worker for all its chat
    sockets (Realtime.sweep): a user taken off the ticket with no announcement heard is
    checked again (ticket-service is down here, so the copy decides) and closed 4403."""
    from communication_service.extensions import db
    from communication_service.models import TicketParticipant

    ticket, requestor, assignee = pair
    alice = ws_connect(chat_path(ticket), requestor.token)
    bob = ws_connect(chat_path(ticket), assignee.token)
    alice.recv_type("ready")
    bob.recv_type("ready")
    realtime = app.extensions["hdms_realtime"]
    with app.app_context():
        db.session.query(TicketParticipant).filter_by(
            ticket_id=ticket, user_id=assignee.id
        ).delete()
        db.session.commit()
    key = f"hdms:rt:presence:{ticket}"
    realtime.presence._redis().delete(key)

    realtime.sweep()

    assert realtime.presence.connected(ticket) == {requestor.id, assignee.id}
    assert bob.recv_type("error")["code"] == "forbidden"
    assert bob.wait_closed() == 4403
    alice.nothing_more("error", wait=0.3)
