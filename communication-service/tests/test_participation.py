"""Participation follows the ticket at once: the real ticket-service on a live port decides who
sees a ticket, and the chat agrees with it as soon as ticket-service has answered the change,
before its events reach this service (they are relayed afterwards, as its relay does)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from communication_service.extensions import db
from communication_service.models import TicketParticipant

from .conftest import EventFeed, TicketService


def participants_of(app: Any, ticket_id: str) -> set[tuple[uuid.UUID, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(TicketParticipant.user_id, TicketParticipant.role).where(
                TicketParticipant.ticket_id == uuid.UUID(ticket_id)
            )
        )
        result = {(r.user_id, r.role) for r in rows}
        db.session.remove()
        return result


class Desk:
    """Calls to the live ticket-service as its users make them."""

    def __init__(self, service: TicketService, events: EventFeed) -> None:
        self.service = service
        self.events = events

    def call(self, method: str, path: str, who: Any, **kwargs: Any) -> requests.Response:
        return requests.request(
            method, f"{self.service.url}{path}", headers=who.headers, timeout=10, **kwargs
        )

    def open(self, requestor: Any, department: uuid.UUID) -> str:
        response = self.call(
            "POST",
            "/api/tickets/",
            requestor,
            json={
                "title": "VPN drops every hour",
                "description": "Since Monday.",
                "department_id": str(department),
                "priority": "high",
                "category": "network",
            },
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def version(self, ticket: str, who: Any) -> int:
        return int(self.call("GET", f"/api/tickets/{ticket}", who).json()["version"])

    def act(self, ticket: str, who: Any, action: str, **payload: Any) -> dict[str, Any]:
        payload = {"action": action, "version": self.version(ticket, who), **payload}
        response = self.call("POST", f"/api/tickets/{ticket}/status", who, json=payload)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def sees(self, ticket: str, who: Any) -> int:
        return self.call("GET", f"/api/tickets/{ticket}", who).status_code

    def deliver_events(self) -> None:
        """ticket-service's relay, then this service's consumer, run to idle."""
        self.events.consumer.ensure_group()
        self.service.relay()
        self.events.drain()


@pytest.fixture
def desk(via_ticket_service: None, ticket_service: TicketService, events: EventFeed) -> Desk:
    return Desk(ticket_service, events)


@pytest.fixture
def cast(create_user: Any, department: uuid.UUID) -> dict[str, Any]:
    return {
        "requestor": create_user(roles={"requestor": [department]}, department_id=department),
        "moderator": create_user(roles={"moderator": [department]}, department_id=department),
        "first": create_user(roles={"assignee": [department]}, department_id=department),
        "second": create_user(roles={"assignee": [department]}, department_id=department),
        "admin": create_user(roles={"admin": [department]}, department_id=department),
    }


def chat(client: Any, ticket: str, who: Any, body: str | None = None) -> int:
    if body is None:
        return int(client.get(f"/api/chat/{ticket}/messages/", headers=who.headers).status_code)
    return int(
        client.post(
            f"/api/chat/{ticket}/messages/", json={"body": body}, headers=who.headers
        ).status_code
    )


def assigned_ticket(desk: Desk, cast: dict[str, Any], department: uuid.UUID) -> str:
    """A ticket assigned to ``first``, every event of it applied here."""
    ticket = desk.open(cast["requestor"], department)
    desk.act(ticket, cast["moderator"], "assign", assignee_id=str(cast["first"].id))
    desk.deliver_events()
    return ticket


def test_a_reassignment_moves_the_chat_at_once_both_ways(
    desk, cast, department, client, ws_connect, app
):
    ticket = assigned_ticket(desk, cast, department)
    first, second, requestor = cast["first"], cast["second"], cast["requestor"]
    assert chat(client, ticket, first, "On it") == 201
    socket_of_first = ws_connect(f"/ws/chat/{ticket}/", first.token)
    socket_of_first.recv_type("ready")

    desk.act(ticket, cast["moderator"], "reassign", assignee_id=str(second.id))

    # ticket.assigned still waits in ticket-service's outbox: nothing was relayed yet.
    assert desk.sees(ticket, first) == 404
    assert chat(client, ticket, first) == 404
    assert chat(client, ticket, first, "Still here?") == 404
    assert chat(client, ticket, second) == 200
    assert chat(client, ticket, second, "Taking over") == 201
    assert chat(client, ticket, requestor, "Thanks") == 201
    error = socket_of_first.recv()
    assert error is not None, f"closed with {socket_of_first.close_code} and no error frame"
    assert error["type"] == "error" and error["code"] == "forbidden", error
    assert socket_of_first.wait_closed() == 4403
    assert socket_of_first.close_reason == "Not a participant"
    bodies = [
        m["body"]
        for m in client.get(f"/api/chat/{ticket}/messages/", headers=requestor.headers).json[
            "items"
        ]
    ]
    assert bodies == ["Thanks", "Taking over", "On it"]

    desk.deliver_events()
    people = participants_of(app, ticket)
    assert (second.id, "assignee") in people and (first.id, "assignee") not in people
    assert chat(client, ticket, first) == 404


def test_the_new_assignee_can_open_the_chat_socket_at_once(desk, cast, department, ws_connect):
    ticket = assigned_ticket(desk, cast, department)
    desk.act(ticket, cast["moderator"], "reassign", assignee_id=str(cast["second"].id))

    socket_of_second = ws_connect(f"/ws/chat/{ticket}/", cast["second"].token)
    assert socket_of_second.recv_type("ready")["ticket_id"] == ticket
    socket_of_second.send({"type": "message", "body": "Hello", "client_msg_id": "c-1"})
    assert socket_of_second.recv_type("ack")["client_msg_id"] == "c-1"
    socket_of_first = ws_connect(f"/ws/chat/{ticket}/", cast["first"].token)
    assert socket_of_first.wait_closed() == 4403


def test_a_replaced_sub_ticket_assignee_loses_the_parent_chat(
    desk, cast, department, client, ws_connect, app, create_user
):
    ticket = assigned_ticket(desk, cast, department)
    helper = create_user(roles={"assignee": [department]}, department_id=department)
    other = create_user(roles={"assignee": [department]}, department_id=department)
    created = desk.call(
        "POST",
        f"/api/tickets/{ticket}/sub-tickets/",
        cast["moderator"],
        json={
            "title": "Swap the router",
            "department_id": str(department),
            "assignee_id": str(helper.id),
        },
    )
    assert created.status_code == 201, created.text
    desk.deliver_events()
    assert chat(client, ticket, helper, "Router ordered") == 201
    socket_of_helper = ws_connect(f"/ws/chat/{ticket}/", helper.token)
    socket_of_helper.recv_type("ready")

    replaced = desk.call(
        "PATCH",
        f"/api/sub-tickets/{created.json()['id']}",
        cast["moderator"],
        json={"assignee_id": str(other.id), "version": created.json()["version"]},
    )
    assert replaced.status_code == 200, replaced.text

    assert desk.sees(ticket, helper) == 404
    assert chat(client, ticket, helper) == 404
    assert chat(client, ticket, helper, "Anyone?") == 404
    assert chat(client, ticket, other, "I have the router now") == 201
    assert socket_of_helper.recv_type("error")["code"] == "forbidden"
    assert socket_of_helper.wait_closed() == 4403

    desk.deliver_events()
    people = participants_of(app, ticket)
    assert (other.id, "sub_assignee") in people
    assert (helper.id, "sub_assignee") not in people
    assert chat(client, ticket, helper) == 404


def test_the_chat_of_a_deleted_ticket_reads_404_for_everyone_and_takes_no_post(
    desk, cast, department, client, ws_connect, app
):
    ticket = assigned_ticket(desk, cast, department)
    requestor, admin = cast["requestor"], cast["admin"]
    assert chat(client, ticket, requestor, "Any news?") == 201
    socket_of_requestor = ws_connect(f"/ws/chat/{ticket}/", requestor.token)
    socket_of_requestor.recv_type("ready")
    socket_of_admin = ws_connect(f"/ws/chat/{ticket}/", admin.token)
    socket_of_admin.recv_type("ready")

    version = desk.version(ticket, admin)
    deleted = desk.call("DELETE", f"/api/tickets/{ticket}?version={version}", admin)
    assert deleted.status_code == 204, deleted.text

    for who in (requestor, cast["first"], cast["moderator"], admin):
        assert chat(client, ticket, who) == 404
        assert chat(client, ticket, who, "Hello?") == 404
    assert socket_of_requestor.recv_type("error")["code"] == "forbidden"
    assert socket_of_requestor.wait_closed() == 4403
    assert socket_of_admin.wait_closed() == 4403

    desk.deliver_events()  # once the event is applied, the chat refuses even without ticket-service
    app.extensions["hdms_ticket_client"] = type(app.extensions["hdms_ticket_client"])(
        "http://127.0.0.1:9"
    )
    for who in (requestor, cast["first"], cast["moderator"], admin):
        assert chat(client, ticket, who) == 404
        assert chat(client, ticket, who, "Hello?") == 404
