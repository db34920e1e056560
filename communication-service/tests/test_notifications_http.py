"""/api/notifications: a user sees, counts and marks only their own notifications."""

from __future__ import annotations

import uuid

from .conftest import ticket_payload


def assign(events, department, requestor, assignee) -> uuid.UUID:
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
    return ticket


def test_list_count_and_mark_read(client, events, department, user):
    requestor, assignee = user(), user()
    tickets = [assign(events, department, requestor, assignee) for _ in range(3)]
    headers = assignee.headers

    listed = client.get("/api/notifications/", headers=headers).json
    assert [n["ticket_id"] for n in listed["items"]] == [str(t) for t in reversed(tickets)]
    assert client.get("/api/notifications/unread-count", headers=headers).json == {"count": 3}

    first = listed["items"][0]["id"]
    read = client.post(f"/api/notifications/{first}/read", headers=headers)
    assert read.status_code == 200 and read.json["read_at"] is not None
    assert client.post(f"/api/notifications/{first}/read", headers=headers).status_code == 200
    unread = client.get(
        "/api/notifications/", query_string={"unread": "true"}, headers=headers
    ).json
    assert len(unread["items"]) == 2 and first not in {n["id"] for n in unread["items"]}

    assert client.post("/api/notifications/read-all", headers=headers).json == {"marked": 2}
    assert client.get("/api/notifications/unread-count", headers=headers).json == {"count": 0}


def test_pages_with_a_cursor(client, events, department, user):
    requestor, assignee = user(), user()
    for _ in range(5):
        assign(events, department, requestor, assignee)
    first = client.get(
        "/api/notifications/", query_string={"limit": 3}, headers=assignee.headers
    ).json
    rest = client.get(
        "/api/notifications/",
        query_string={"limit": 3, "cursor": first["next_cursor"]},
        headers=assignee.headers,
    ).json
    ids = [n["id"] for n in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 5 and rest["next_cursor"] is None


def test_someone_elses_notification_is_404_and_stays_unread(client, events, department, user):
    requestor, assignee, other = user(), user(), user()
    assign(events, department, requestor, assignee)
    note = client.get("/api/notifications/", headers=assignee.headers).json["items"][0]["id"]

    assert client.post(f"/api/notifications/{note}/read", headers=other.headers).status_code == 404
    assert (
        client.post(f"/api/notifications/{uuid.uuid4()}/read", headers=other.headers).status_code
        == 404
    )
    assert client.get("/api/notifications/", headers=other.headers).json["items"] == []
    assert client.get("/api/notifications/unread-count", headers=assignee.headers).json == {
        "count": 1
    }


def test_bad_query_is_4xx(client, user):
    headers = user().headers
    for query, status in (
        ({"unread": "maybe"}, 422),
        ({"limit": "x"}, 422),
        ({"cursor": "%%%"}, 400),
    ):
        response = client.get("/api/notifications/", query_string=query, headers=headers)
        assert response.status_code == status, (query, response.json)
    assert client.get("/api/notifications/").status_code == 401
