"""Create, read, list, edit and delete tickets; idempotency; who sees what."""

from __future__ import annotations

import re
import uuid

import pytest

# --- create ------------------------------------------------------------------------------------


def test_create_opens_a_new_ticket_with_number_sla_history_and_event(api, cast, fetch):
    ticket = api.create(priority="critical")
    assert re.fullmatch(r"HD-\d{6}", ticket["number"])
    assert ticket["status"] == "new"
    assert ticket["version"] == 1
    assert ticket["requestor_id"] == str(cast.requestor.id)
    assert ticket["sla_status"] == "on_track"
    assert ticket["sla_clock"] == "first_response"
    assert ticket["first_response_due_at"] < ticket["resolution_due_at"]
    assert ticket["allowed_actions"] == ["cancel"]
    second = api.create()
    assert int(second["number"][3:]) == int(ticket["number"][3:]) + 1
    history = api.history(ticket, cast.requestor)["items"]
    assert [row["action"] for row in history] == ["create"]
    assert history[0]["changes"]["title"] == [None, "Laptop does not boot"]
    (event_type, payload), *_ = fetch(
        "SELECT event_type, payload FROM ticket_outbox WHERE payload->>'ticket_id' = %s",
        ticket["id"],
    )
    assert event_type == "ticket.created"
    assert payload["ticket_number"] == ticket["number"]
    assert payload["assignee_id"] is None
    assert payload["actor_id"] == str(cast.requestor.id)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "\n\t "}, "description"),
        ({"priority": "urgent"}, "priority"),
        ({"department_id": "sales"}, "department_id"),
        ({"attachments": "abc"}, "attachments"),
        ({"attachments": ["../etc/passwd"]}, "attachments"),
        ({"status": "closed"}, "status"),
        ({"requestor_id": str(uuid.uuid4())}, "requestor_id"),
        ({"description": "Paper\x00jam"}, "description"),
        ({"category": "hard\x00ware"}, "category"),
    ],
)
def test_create_refuses_bad_fields(client, cast, fetch, overrides, field):
    body = {
        "title": "Printer",
        "description": "Jammed",
        "department_id": str(cast.department),
        **overrides,
    }
    response = client.post("/api/tickets/", json=body, headers=cast.requestor.headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in {name.split(".")[0] for name in response.get_json()["errors"]}
    assert fetch("SELECT count(*) FROM tickets") == [(0,)]


def test_create_refuses_an_unknown_or_inactive_department(client, cast, fetch, auth_app):
    body = {"title": "Printer", "description": "Jammed", "department_id": str(uuid.uuid4())}
    response = client.post("/api/tickets/", json=body, headers=cast.requestor.headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"department_id": ["Unknown department."]}

    from auth_service.extensions import db as auth_db
    from auth_service.services.departments import deactivate_department

    with auth_app.app_context():
        deactivate_department(session=auth_db.session, department_id=cast.other_department)
        auth_db.session.commit()
    body["department_id"] = str(cast.other_department)
    response = client.post("/api/tickets/", json=body, headers=cast.requestor.headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"department_id": ["Inactive department."]}
    assert fetch("SELECT count(*) FROM tickets") == [(0,)]


def test_create_with_attachments_needs_file_service(client, cast, fetch):
    body = {
        "title": "Printer",
        "description": "Jammed",
        "department_id": str(cast.department),
        "attachments": ["f1"],
    }
    response = client.post("/api/tickets/", json=body, headers=cast.requestor.headers)
    assert response.status_code == 503
    assert fetch("SELECT count(*) FROM tickets") == [(0,)]


def test_create_needs_a_token_with_hdms_access(client, cast, token_user):
    body = {"title": "Printer", "description": "Jammed", "department_id": str(cast.department)}
    assert client.post("/api/tickets/", json=body).status_code == 401
    nobody = token_user(roles={"visitor": [cast.department]})
    assert client.post("/api/tickets/", json=body, headers=nobody.headers).status_code == 403


def test_idempotency_key_replays_the_first_response_and_refuses_another_body(client, cast, fetch):
    body = {"title": "Printer", "description": "Jammed", "department_id": str(cast.department)}
    headers = {**cast.requestor.headers, "Idempotency-Key": "create-printer-1"}
    first = client.post("/api/tickets/", json=body, headers=headers)
    again = client.post("/api/tickets/", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    other = client.post("/api/tickets/", json={**body, "title": "Scanner"}, headers=headers)
    assert other.status_code == 422
    assert fetch("SELECT count(*) FROM tickets") == [(1,)]
    # The key belongs to the user: someone else's same key creates their own ticket.
    theirs = client.post(
        "/api/tickets/",
        json=body,
        headers={**cast.other_requestor.headers, "Idempotency-Key": "create-printer-1"},
    )
    assert theirs.status_code == 201
    assert theirs.get_json()["id"] != first.get_json()["id"]


def test_an_idempotency_key_with_control_characters_is_422_and_creates_nothing(client, cast, fetch):
    body = {"title": "Printer", "description": "Jammed", "department_id": str(cast.department)}
    headers = {**cast.requestor.headers, "Idempotency-Key": "create\x01printer"}
    response = client.post("/api/tickets/", json=body, headers=headers)
    assert response.status_code == 422
    assert "headers.Idempotency-Key" in response.get_json()["errors"]
    assert fetch("SELECT count(*) FROM tickets") == [(0,)]


# --- read and edit -----------------------------------------------------------------------------


def test_get_unknown_ticket_is_404(client, cast):
    response = client.get(f"/api/tickets/{uuid.uuid4()}", headers=cast.admin.headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert client.get("/api/tickets/not-a-uuid", headers=cast.admin.headers).status_code == 404


def test_requestor_edits_while_new_then_only_triage_may(api, cast, client, snapshot):
    ticket = api.create()
    url = f"/api/tickets/{ticket['id']}"
    response = client.patch(
        url, json={"title": "Laptop dead", "version": 1}, headers=cast.requestor.headers
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "Laptop dead"
    assert response.get_json()["version"] == 2
    api.do(ticket, "review", cast.moderator)
    ticket = api.get(ticket)
    before = snapshot(ticket)
    response = client.patch(url, json={"title": "Mine"}, headers=cast.requestor.headers)
    assert response.status_code == 403
    assert snapshot(ticket) == before
    response = client.patch(url, json={"priority": "low"}, headers=cast.moderator.headers)
    assert response.status_code == 200
    changed = response.get_json()
    assert changed["priority"] == "low"
    assert changed["resolution_due_at"] > ticket["resolution_due_at"]
    history = api.history(ticket)["items"]
    assert [r["action"] for r in history] == ["create", "update", "review", "update"]
    assert history[-1]["changes"]["priority"] == ["high", "low"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"version": 1},
        {"status": "closed"},
        {"title": " "},
        {"priority": "now"},
        {"assignee_id": str(uuid.uuid4())},
        {"title": "Printer\x00", "version": 1},
    ],
)
def test_patch_refuses_bad_bodies(api, cast, client, snapshot, body):
    ticket = api.create()
    before = snapshot(ticket)
    response = client.patch(
        f"/api/tickets/{ticket['id']}", json=body, headers=cast.moderator.headers
    )
    assert response.status_code == 422
    assert snapshot(ticket) == before


def test_patch_with_a_stale_version_is_412(api, cast, client, snapshot):
    ticket = api.create()
    api.do(ticket, "review", cast.moderator)
    before = snapshot(ticket)
    response = client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"title": "x", "version": 1},
        headers=cast.moderator.headers,
    )
    assert response.status_code == 412
    assert snapshot(ticket) == before


def test_only_admin_deletes_and_the_ticket_disappears_for_everyone(api, cast, client, fetch):
    ticket = api.create()
    url = f"/api/tickets/{ticket['id']}"
    assert client.delete(url, headers=cast.moderator.headers).status_code == 403
    assert client.delete(url, headers=cast.admin.headers).status_code == 204
    for user in (cast.admin, cast.requestor, cast.moderator):
        assert client.get(url, headers=user.headers).status_code == 404
        assert client.get("/api/tickets/", headers=user.headers).get_json()["items"] == []
    ((deleted_at, actions),) = fetch(
        "SELECT t.deleted_at, array_agg(a.action ORDER BY a.seq) FROM tickets t "
        "JOIN audit_logs a ON a.ticket_id = t.id WHERE t.id = %s GROUP BY t.deleted_at",
        ticket["id"],
    )
    assert deleted_at is not None
    assert actions == ["create", "delete"]


# --- lists -------------------------------------------------------------------------------------


def test_list_pages_newest_first_with_a_stable_cursor(api, cast, client):
    created = [api.create(title=f"Ticket {i}") for i in range(5)]
    seen = []
    url = "/api/tickets/?limit=2"
    while url:
        page = client.get(url, headers=cast.requestor.headers).get_json()
        seen.extend(t["id"] for t in page["items"])
        if page["next_cursor"] and len(seen) == 2:
            api.create(title="Arrived meanwhile")  # must not shift the next pages
        url = f"/api/tickets/?limit=2&cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert seen == [t["id"] for t in reversed(created)]


def test_list_filters(api, cast, client):
    low = api.create(priority="low", title="Mouse squeaks")
    high = api.create(priority="high", title="Server room flooded", description="Water everywhere")
    api.do(high, "assign", cast.moderator, assignee_id=str(cast.assignee.id))
    other = api.create(department_id=str(cast.other_department), title="Chair broken")

    def ids(query, user=cast.admin):
        response = client.get(f"/api/tickets/?{query}", headers=user.headers)
        assert response.status_code == 200, response.get_json()
        return {t["id"] for t in response.get_json()["items"]}

    assert ids("priority=low") == {low["id"]}
    assert ids("status=assigned") == {high["id"]}
    assert ids("status=new,assigned") == {low["id"], high["id"], other["id"]}
    assert ids(f"department_id={cast.other_department}") == {other["id"]}
    assert ids(f"assignee_id={cast.assignee.id}") == {high["id"]}
    assert ids(f"requestor_id={cast.requestor.id}") == {low["id"], high["id"], other["id"]}
    assert ids("sla_status=on_track") == {low["id"], high["id"], other["id"]}
    assert ids("q=flooded") == {high["id"]}
    assert ids("q=water") == {high["id"]}
    assert ids("q=squeaking mouse") == {low["id"]}
    assert ids(f"created_after={high['created_at'].replace('+', '%2B')}") == {
        high["id"],
        other["id"],
    }


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("limit=0", 422),
        ("limit=101", 422),
        ("status=lost", 422),
        ("priority=x", 422),
        ("cursor=%%%", 400),  # a cursor that cannot be read is malformed, not an invalid field
        ("department_id=1", 422),
        ("created_after=yesterday", 422),
        ("sla_status=late", 422),
        ("q=%20", 422),
        ("q=printer%00", 422),
        ("category=%00", 422),
        ("colour=red", 422),
    ],
)
def test_list_refuses_bad_query_arguments(client, cast, query, status):
    response = client.get(f"/api/tickets/?{query}", headers=cast.requestor.headers)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"


# --- visibility --------------------------------------------------------------------------------


def test_visibility_matrix(api, cast, client, token_user, snapshot):
    c = cast
    own = api.create(c.requestor, title="Own")
    worked = api.create(c.other_requestor, title="Worked")
    api.do(worked, "assign", c.moderator, assignee_id=str(c.assignee.id))
    response = client.post(
        f"/api/tickets/{worked['id']}/sub-tickets/",
        json={
            "title": "Cable",
            "department_id": str(c.department),
            "assignee_id": str(c.second_assignee.id),
        },
        headers=c.moderator.headers,
    )
    assert response.status_code == 201
    stranger = token_user(
        roles={"requestor": [c.other_department]}, department_id=c.other_department
    )
    elsewhere = api.create(stranger, title="Elsewhere", department_id=str(c.other_department))
    tickets = {"own": own, "worked": worked, "elsewhere": elsewhere}
    before = {name: snapshot(ticket) for name, ticket in tickets.items()}
    sees = {
        "requestor": {"own"},
        "other_requestor": {"worked"},
        "assignee": {"worked"},
        "second_assignee": {"worked"},
        "moderator": {"own", "worked"},
        "other_moderator": {"elsewhere"},
        "admin": {"own", "worked", "elsewhere"},
    }
    for role, visible in sees.items():
        user = c.role(role)
        listed = {
            t["title"].lower()
            for t in client.get("/api/tickets/", headers=user.headers).get_json()["items"]
        }
        assert listed == visible, role
        for name, ticket in tickets.items():
            url = f"/api/tickets/{ticket['id']}"
            expected = 200 if name in visible else 404
            assert client.get(url, headers=user.headers).status_code == expected, (role, name)
            assert client.get(f"{url}/history", headers=user.headers).status_code == expected, (
                role,
                name,
            )
            assert client.get(f"{url}/sub-tickets/", headers=user.headers).status_code == expected
            assert client.get(f"{url}/approvals/", headers=user.headers).status_code == expected
            assert client.get(f"{url}/attachments/", headers=user.headers).status_code == expected
            if name in visible:
                continue
            # Every mutation of a ticket one cannot see is a 404, and changes nothing.
            version = ticket["version"]
            assert (
                client.patch(url, json={"title": "Hijack"}, headers=user.headers).status_code == 404
            )
            for action, payload in (("review", {}), ("cancel", {}), ("reject", {"reason": "no"})):
                response = client.post(
                    f"{url}/status",
                    json={"action": action, "version": version, **payload},
                    headers=user.headers,
                )
                assert response.status_code == 404, (role, name, action)
            response = client.patch(
                f"{url}/sla",
                json={"due_at": "2099-01-01T00:00:00+00:00", "reason": "x"},
                headers=user.headers,
            )
            assert response.status_code == 404, (role, name)
            response = client.post(
                f"{url}/sub-tickets/",
                json={"title": "x", "department_id": str(c.department)},
                headers=user.headers,
            )
            assert response.status_code == 404
            response = client.post(
                f"{url}/attachments/", json={"file_key": "abc"}, headers=user.headers
            )
            assert response.status_code == 404
    assert {name: snapshot(ticket) for name, ticket in tickets.items()} == before


def test_a_list_item_is_the_same_json_as_the_ticket_read_alone(api, cast, client):
    """The list is dumped without marshmallow (schemas.tickets.dump_ticket): each of its items
    must still be exactly what GET /api/tickets/{id} (dumped by TicketSchema) answers, for
    every kind of value a ticket holds: null and set dates, an assignee, a resolution note,
    a postponement, attachments."""
    states = ["new", "in_progress", "postponed", "resolved", "closed", "rejected"]
    tickets = [api.in_state(state) for state in states]
    attached = [{"file_key": "abc", "name": "a.png", "size": 3, "content_type": "image/png"}]
    with client.application.app_context():
        from ticket_service.extensions import db
        from ticket_service.models import Ticket

        db.session.get(Ticket, uuid.UUID(tickets[0]["id"])).attachments = attached
        db.session.commit()
    for user in (cast.admin, cast.moderator, cast.requestor, cast.assignee):
        page = client.get("/api/tickets/?limit=100", headers=user.headers)
        assert page.status_code == 200
        assert page.content_type == "application/json"
        listed = {item["id"]: item for item in page.get_json()["items"]}
        if user is not cast.assignee:  # the assignee holds only some of them
            assert set(listed) == {t["id"] for t in tickets}
        for ticket_id, item in listed.items():
            alone = client.get(f"/api/tickets/{ticket_id}", headers=user.headers).get_json()
            assert list(item) == list(alone)  # the same fields in the same order
            assert item == alone
    first = client.get("/api/tickets/?limit=100", headers=cast.admin.headers).get_json()
    assert {t["id"]: t for t in first["items"]}[tickets[0]["id"]]["attachments"] == attached


def test_the_fast_dump_follows_the_schema():
    """dump_ticket gives what TicketSchema().dump gives, field by field and in order."""
    from datetime import UTC, datetime

    from ticket_service.schemas.tickets import TicketSchema, dump_ticket

    now = datetime(2026, 3, 29, 1, 30, 5, 123456, tzinfo=UTC)
    view = {
        name: None
        for name in TicketSchema().fields
        if name not in ("attachments", "allowed_actions")
    }
    view.update(
        id=uuid.uuid4(),
        department_id=uuid.uuid4(),
        requestor_id=uuid.uuid4(),
        assignee_id=uuid.uuid4(),
        number="HD-000001",
        title="Printer",
        description="Jammed, ünïcode ✓",
        priority="high",
        category="",
        status="postponed",
        version=3,
        progress=40,
        postponed_from="in_progress",
        resume_at=now,
        first_response_due_at=now,
        resolution_due_at=now,
        due_at=now,
        created_at=now,
        updated_at=now,
        sla_status="paused",
        attachments=[{"file_key": "k", "name": None, "size": 12, "content_type": "text/plain"}],
        allowed_actions=["resume", "cancel"],
        unknown_extra="not shown",
    )
    assert dump_ticket(view) == TicketSchema().dump(view)
    assert list(dump_ticket(view)) == list(TicketSchema().dump(view))
