"""Chat over HTTP: participants post and read, others get a 404, bad input changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from communication_service.extensions import db
from communication_service.models import ChatMessage


def count_messages(app: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(ChatMessage)) or 0)


def test_requestor_and_assignee_chat_and_read_in_order(client, user, open_ticket, post, department):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)

    first = post(ticket, requestor, "My laptop shows a black screen")
    second = post(ticket, assignee, "On my way")

    assert first.status_code == 201, first.json
    assert first.json["seq"] == 1 and first.json["sender_id"] == str(requestor.id)
    assert second.json["seq"] == 2 and second.json["body"] == "On my way"
    page = client.get(f"/api/chat/{ticket}/messages/", headers=requestor.headers).json
    assert [m["body"] for m in page["items"]] == ["On my way", "My laptop shows a black screen"]
    assert page["next_cursor"] is None


def test_non_participant_gets_404_for_every_chat_endpoint(app, client, user, open_ticket, post):
    requestor, stranger = user(), user()
    ticket = open_ticket(requestor)
    post(ticket, requestor, "hello")

    assert post(ticket, stranger, "let me in").status_code == 404
    assert client.get(f"/api/chat/{ticket}/messages/", headers=stranger.headers).status_code == 404
    response = client.get(f"/api/chat/{ticket}/participants/", headers=stranger.headers)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert count_messages(app) == 1


def test_an_invalid_post_by_a_non_participant_is_the_same_404(app, client, user, open_ticket):
    """Whoever may not use a chat learns nothing from the body checks (that the ticket exists)."""
    requestor, stranger = user(), user()
    ticket = open_ticket(requestor)
    for body in ({"body": ""}, {"colour": "red"}, {}):
        response = client.post(f"/api/chat/{ticket}/messages/", json=body, headers=stranger.headers)
        assert response.status_code == 404, (body, response.json)
        assert response.json["type"] == "urn:hdms:problem:not-found"
    assert count_messages(app) == 0


def test_admin_and_department_moderator_may_read_without_being_participants(
    client, user, open_ticket, post, department, token_user
):
    requestor = user()
    ticket = open_ticket(requestor)
    post(ticket, requestor, "hello")
    admin = token_user(roles={"admin": [uuid.uuid4()]})
    moderator = token_user(roles={"moderator": [department]})
    other_moderator = token_user(roles={"moderator": [uuid.uuid4()]})

    assert client.get(f"/api/chat/{ticket}/messages/", headers=admin.headers).status_code == 200
    assert client.get(f"/api/chat/{ticket}/messages/", headers=moderator.headers).status_code == 200
    assert post(ticket, moderator, "Looking into it").status_code == 201
    response = client.get(f"/api/chat/{ticket}/messages/", headers=other_moderator.headers)
    assert response.status_code == 404


def test_without_a_token_is_401(client, user, open_ticket):
    ticket = open_ticket(user())
    response = client.get(f"/api/chat/{ticket}/messages/")
    assert response.status_code == 401
    assert response.json["type"] == "urn:hdms:problem:unauthorized"


def test_unknown_ticket_while_ticket_service_is_down_is_503_not_a_guess(client, user):
    response = client.get(f"/api/chat/{uuid.uuid4()}/messages/", headers=user().headers)
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"


def test_bad_bodies_are_refused_and_store_nothing(app, user, open_ticket, post, client):
    requestor = user()
    ticket = open_ticket(requestor)
    cases: list[tuple[Any, int, str]] = [
        ({"body": "   "}, 422, "body"),
        ({"body": ""}, 422, "body"),
        ({"body": "x" * 4001}, 422, "body"),
        ({}, 422, "body"),
        ({"body": "hi", "colour": "red"}, 422, "colour"),
        ({"body": "hi", "attachments": ["../etc/passwd"]}, 422, "attachments.0"),
        ({"body": "hi", "attachments": ["a", "a"]}, 422, "attachments"),
        ({"body": "hi", "attachments": [f"k{i}" for i in range(11)]}, 422, "attachments"),
        ({"body": "hi", "client_msg_id": "has spaces"}, 422, "client_msg_id"),
        ({"body": 42}, 422, "body"),
        ({"body": "hi\x00there"}, 422, "body"),
    ]
    for body, status, field in cases:
        response = client.post(
            f"/api/chat/{ticket}/messages/", json=body, headers=requestor.headers
        )
        assert response.status_code == status, (body, response.json)
        assert field in response.json["errors"], (body, response.json)
    for raw, status in (
        ("null", 422),
        ("[]", 422),
        ('"text"', 422),
        ("42", 422),
        ("{not json", 400),
    ):
        response = client.post(
            f"/api/chat/{ticket}/messages/",
            data=raw,
            headers={**requestor.headers, "Content-Type": "application/json"},
        )
        assert response.status_code == status, (raw, response.status_code)
        assert response.content_type == "application/problem+json"
    assert count_messages(app) == 0


def test_attachments_need_file_service_and_nothing_is_stored_when_it_is_down(
    app, user, open_ticket, post
):
    requestor = user()
    ticket = open_ticket(requestor)
    response = post(ticket, requestor, "see attached", attachments=["f_abc123"])
    assert response.status_code == 503
    assert count_messages(app) == 0


def test_a_resent_client_msg_id_returns_the_stored_message_once(app, user, open_ticket, post):
    requestor = user()
    ticket = open_ticket(requestor)
    first = post(ticket, requestor, "only once", client_msg_id="c-1")
    again = post(ticket, requestor, "only once", client_msg_id="c-1")
    clash = post(ticket, requestor, "something else", client_msg_id="c-1")

    assert first.status_code == 201 and again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert clash.status_code == 409
    assert count_messages(app) == 1


def test_idempotency_key_replays_the_first_response(app, client, user, open_ticket):
    requestor = user()
    ticket = open_ticket(requestor)
    headers = {**requestor.headers, "Idempotency-Key": "k-1"}
    url = f"/api/chat/{ticket}/messages/"
    first = client.post(url, json={"body": "hello"}, headers=headers)
    replay = client.post(url, json={"body": "hello"}, headers=headers)
    other = client.post(url, json={"body": "another"}, headers=headers)

    assert first.status_code == 201
    assert replay.status_code == 201 and replay.json["id"] == first.json["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert count_messages(app) == 1


def test_after_pages_forward_and_before_pages_back(client, user, open_ticket, post):
    requestor = user()
    ticket = open_ticket(requestor)
    ids = [post(ticket, requestor, f"m{i}").json["id"] for i in range(1, 8)]
    url = f"/api/chat/{ticket}/messages/"

    page = client.get(
        url, query_string={"after": ids[1], "limit": 3}, headers=requestor.headers
    ).json
    assert [m["body"] for m in page["items"]] == ["m3", "m4", "m5"]
    rest = client.get(
        url,
        query_string={"after": ids[1], "limit": 3, "cursor": page["next_cursor"]},
        headers=requestor.headers,
    ).json
    assert [m["body"] for m in rest["items"]] == ["m6", "m7"] and rest["next_cursor"] is None
    by_seq = client.get(url, query_string={"after": "5"}, headers=requestor.headers).json
    assert [m["body"] for m in by_seq["items"]] == ["m6", "m7"]
    back = client.get(
        url, query_string={"before": ids[3], "limit": 2}, headers=requestor.headers
    ).json
    assert [m["body"] for m in back["items"]] == ["m3", "m2"]
    newest = client.get(url, query_string={"limit": 2}, headers=requestor.headers).json
    older = client.get(
        url, query_string={"limit": 2, "cursor": newest["next_cursor"]}, headers=requestor.headers
    ).json
    assert [m["body"] for m in newest["items"] + older["items"]] == ["m7", "m6", "m5", "m4"]


def test_bad_paging_arguments_are_4xx(client, user, open_ticket, post):
    requestor = user()
    ticket = open_ticket(requestor)
    other = open_ticket(requestor)
    foreign = post(other, requestor, "elsewhere").json["id"]
    url = f"/api/chat/{ticket}/messages/"
    for query, status in (
        ({"after": "not-an-id"}, 422),
        ({"after": foreign}, 422),
        ({"after": str(uuid.uuid4())}, 422),
        ({"limit": 0}, 422),
        ({"limit": 101}, 422),
        ({"cursor": "abc"}, 400),
        ({"after": "1", "before": "3"}, 422),
    ):
        response = client.get(url, query_string=query, headers=requestor.headers)
        assert response.status_code == status, (query, response.json)
        assert response.content_type == "application/problem+json"


def test_participants_lists_everyone_on_the_ticket(client, user, open_ticket, department):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)
    response = client.get(f"/api/chat/{ticket}/participants/", headers=assignee.headers)
    assert response.status_code == 200
    roles = {(p["user_id"], p["role"]) for p in response.json["items"]}
    assert roles == {(str(requestor.id), "requestor"), (str(assignee.id), "assignee")}


def test_openapi_documents_the_chat_and_notification_paths(client):
    spec = client.get("/api/chat/openapi.json").json
    assert "/api/chat/{ticket_id}/messages/" in spec["paths"]
    assert "/api/notifications/unread-count" in spec["paths"]


def test_concurrent_senders_get_consecutive_numbers(live, user, open_ticket, department):
    import threading

    import requests

    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)
    seqs: list[int] = []
    failures: list[int] = []

    def send(who, n: int) -> None:
        with requests.Session() as session:
            for i in range(n):
                response = session.post(
                    f"{live.url}/api/chat/{ticket}/messages/",
                    json={"body": f"message {i}"},
                    headers=who.headers,
                    timeout=10,
                )
                if response.status_code == 201:
                    seqs.append(response.json()["seq"])
                else:
                    failures.append(response.status_code)

    threads = [threading.Thread(target=send, args=(who, 10)) for who in (requestor, assignee) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(seqs) == list(range(1, 61))


def test_concurrent_retries_of_one_client_msg_id_store_one_message_and_answer_it(
    live, user, open_ticket, department
):
    import threading

    import requests

    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)
    answers: list[tuple[int, dict]] = []
    start = threading.Barrier(10)

    def send() -> None:
        start.wait()
        response = requests.post(
            f"{live.url}/api/chat/{ticket}/messages/",
            json={"body": "sent once", "client_msg_id": "retry-1"},
            headers=requestor.headers,
            timeout=15,
        )
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 9 + [201], answers
    assert {body["id"] for _, body in answers} == {answers[0][1]["id"]}
    # The number the losers took under the lock is given back: the next message follows on.
    later = requests.post(
        f"{live.url}/api/chat/{ticket}/messages/",
        json={"body": "next"},
        headers=requestor.headers,
        timeout=10,
    ).json()
    assert (answers[0][1]["seq"], later["seq"]) == (1, 2)
