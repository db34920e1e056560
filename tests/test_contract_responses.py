"""The services answer what their OpenAPI documents say.

A short scenario per service drives every operation of its document with a valid request
against the real services (tests/contract_stack.py), and each answer's body is validated
against the operation's documented response schema for that status. Each scenario also checks
that it made every operation of its document succeed at least once, so an operation added
without coverage here fails this test.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contract_stack import Caller, World, services_fixture  # noqa: F401


@pytest.fixture
def world(services, create_user, create_department):
    return World(services, Caller(services), create_user, create_department)


def assert_agrees_and_covers(world: World, service: str) -> None:
    """No answer disagreed with its document, and every operation of ``service`` succeeded."""
    assert world.call.problems() == [], "\n".join(world.call.problems())
    documented = {op.key for op in world.services.documents.of(service)}
    missing = sorted(documented - world.call.succeeded())
    assert missing == [], f"operations of {service} never exercised with success: {missing}"


def test_auth_service_answers_as_documented(world):
    call, admin, requestor = world.call, world["admin"], world["requestor"]
    login = call(
        "POST /api/auth/login-hdms",
        json_body={"employee_code": requestor.employee_code, "password": requestor.password},
    )
    assert login.status_code == 200
    refreshed = call("POST /api/auth/refresh", json_body={"refresh": login.get_json()["refresh"]})
    assert refreshed.status_code == 200
    assert call("POST /api/auth/logout", json_body={"refresh": refreshed.get_json()["refresh"]})
    assert call("GET /api/auth/me", requestor).status_code == 200

    assert call("GET /api/departments/", requestor).status_code == 200
    created = call("POST /api/departments/", admin, json_body={"name": "Facilities", "code": "FAC"})
    assert created.status_code == 201
    department = {"department_id": created.get_json()["id"]}
    assert call("GET /api/departments/{department_id}", requestor, params=department)
    patched = call(
        "PATCH /api/departments/{department_id}",
        admin,
        params=department,
        json_body={"description": "Buildings"},
    )
    assert patched.status_code == 200
    assert call("DELETE /api/departments/{department_id}", admin, params=department)

    assert call("GET /api/employees/", requestor).status_code == 200
    assert call("GET /api/employees/", admin, query={"role": "assignee"}).status_code == 200
    employee = call(
        "POST /api/employees/",
        admin,
        json_body={
            "employee_code": "C00001",
            "name": "New Hire",
            "email": "new.hire@example.com",
            "department_id": str(world.own_department),
            "password": "long-enough-password",
        },
    )
    assert employee.status_code == 201
    target = {"employee_id": employee.get_json()["id"]}
    assert call("GET /api/employees/{employee_id}", requestor, params=target).status_code == 200
    assert call("GET /api/employees/{employee_id}", admin, params=target).status_code == 200
    grant = {
        "employee_id": target["employee_id"],
        "roles": ["assignee"],
        "department_ids": [str(world.own_department)],
    }
    assert call("POST /api/hdms/grant-access", admin, json_body=grant).status_code == 200
    assert call("DELETE /api/hdms/grant-access", admin, json_body=grant).status_code == 200
    patched = call(
        "PATCH /api/employees/{employee_id}", admin, params=target, json_body={"name": "Renamed"}
    )
    assert patched.status_code == 200
    assert call("DELETE /api/employees/{employee_id}", admin, params=target).status_code == 204
    assert_agrees_and_covers(world, "auth")


def test_ticket_service_answers_as_documented(world):
    call = world.call
    requestor, moderator, assignee = world["requestor"], world["moderator"], world["assignee"]
    admin, approver = world["admin"], world["approver"]
    ticket = world.ticket("new")
    one = {"ticket_id": ticket["id"]}
    assert call("GET /api/tickets/", requestor).status_code == 200
    listed = call("GET /api/tickets/", moderator, query={"status": "new", "q": "printer"})
    assert listed.status_code == 200
    assert call("GET /api/tickets/fsm", requestor).status_code == 200
    assert call("GET /api/tickets/{ticket_id}", requestor, params=one).status_code == 200
    edited = call(
        "PATCH /api/tickets/{ticket_id}", requestor, params=one, json_body={"title": "Jams"}
    )
    assert edited.status_code == 200
    version = edited.get_json()["version"]

    def shortcut(name, user, **payload):
        nonlocal version
        response = call(
            f"POST /api/tickets/{{ticket_id}}/{name}",
            user,
            params=one,
            json_body={"version": version, **payload},
        )
        assert response.status_code == 200, (name, response.get_json())
        version = response.get_json()["version"]
        return response

    shortcut("assign", moderator, assignee_id=str(assignee.id))
    shortcut("acknowledge", assignee)
    shortcut("progress", assignee, percent=30, note="Ordered the part")
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    shortcut("postpone", moderator, reason="Waiting for the part", resume_at=later)
    resumed = call(
        "POST /api/tickets/{ticket_id}/status",
        moderator,
        params=one,
        json_body={"action": "resume", "version": version},
    )
    assert resumed.status_code == 200
    version = resumed.get_json()["version"]
    due = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    sla = call(
        "PATCH /api/tickets/{ticket_id}/sla",
        moderator,
        params=one,
        json_body={"due_at": due, "reason": "Agreed with the requestor"},
    )
    assert sla.status_code == 200
    version = sla.get_json()["version"]
    # in_progress again (resume returns to where it was postponed from: in_progress)
    sub = call(
        "POST /api/tickets/{ticket_id}/sub-tickets/",
        assignee,
        params=one,
        json_body={
            "title": "Order a drum",
            "department_id": str(world.own_department),
            "assignee_id": str(world["second_assignee"].id),
        },
    )
    assert sub.status_code == 201
    sub_one = {"sub_ticket_id": sub.get_json()["id"]}
    assert call("GET /api/tickets/{ticket_id}/sub-tickets/", requestor, params=one)
    assert call("GET /api/sub-tickets/{sub_ticket_id}", requestor, params=sub_one)
    sub_edit = call(
        "PATCH /api/sub-tickets/{sub_ticket_id}",
        moderator,
        params=sub_one,
        json_body={"description": "Two drums"},
    )
    assert sub_edit.status_code == 200
    started = call(
        "POST /api/sub-tickets/{sub_ticket_id}/status",
        world["second_assignee"],
        params=sub_one,
        json_body={"action": "start"},
    )
    assert started.status_code == 200
    version = call("GET /api/tickets/{ticket_id}", admin, params=one).get_json()["version"]
    round_ = call(
        "POST /api/tickets/{ticket_id}/approvals/",
        assignee,
        params=one,
        json_body={"approver_ids": [str(approver.id)], "mode": "any", "version": version},
    )
    assert round_.status_code == 201, round_.get_json()
    assert call("GET /api/tickets/{ticket_id}/approvals/", requestor, params=one)
    assert call("GET /api/approvals/", approver, query={"pending": "true"}).status_code == 200
    decided = call(
        "POST /api/approvals/{approval_id}/decision",
        approver,
        params={"approval_id": round_.get_json()["id"]},
        json_body={"decision": "approve", "comment": "Fine"},
    )
    assert decided.status_code == 200
    file_key = world.upload(requestor)
    attached = call(
        "POST /api/tickets/{ticket_id}/attachments/",
        requestor,
        params=one,
        json_body={"file_key": file_key},
    )
    assert attached.status_code == 201, attached.get_json()
    assert call("GET /api/tickets/{ticket_id}/attachments/", assignee, params=one)
    assert call("GET /api/tickets/{ticket_id}/history", requestor, params=one)
    verified = call(
        "GET /api/tickets/{ticket_id}/history", admin, params=one, query={"verify": "1"}
    )
    assert verified.get_json()["verification"]["ok"] is True
    other = world.ticket("new")
    rejected = call(
        "POST /api/tickets/{ticket_id}/reject",
        moderator,
        params={"ticket_id": other["id"]},
        json_body={"reason": "Duplicate", "version": other["version"]},
    )
    assert rejected.status_code == 200
    deleted = call("DELETE /api/tickets/{ticket_id}", admin, params={"ticket_id": other["id"]})
    assert deleted.status_code == 204
    assert_agrees_and_covers(world, "ticket")


def test_communication_service_answers_as_documented(world):
    call, requestor, assignee = world.call, world["requestor"], world["assignee"]
    ticket = world.ticket("assigned")
    one = {"ticket_id": ticket["id"]}
    posted = world.message(ticket, requestor, "Is anyone on it?")
    retried = call(
        "POST /api/chat/{ticket_id}/messages/",
        requestor,
        params=one,
        json_body={"body": "Is anyone on it?", "client_msg_id": posted["client_msg_id"]},
    )
    assert retried.status_code == 200
    world.message(ticket, assignee, "Yes, today.")
    assert call("GET /api/chat/{ticket_id}/messages/", requestor, params=one).status_code == 200
    after = call(
        "GET /api/chat/{ticket_id}/messages/", assignee, params=one, query={"after": posted["id"]}
    )
    assert [m["body"] for m in after.get_json()["items"]] == ["Yes, today."]
    assert call("GET /api/chat/{ticket_id}/participants/", requestor, params=one)
    world.services.deliver_events()
    notifications = call("GET /api/notifications/", assignee, query={"unread": "true"})
    assert notifications.status_code == 200
    items = notifications.get_json()["items"]
    assert {n["type"] for n in items} >= {"ticket_assigned"}
    assert call("GET /api/notifications/unread-count", assignee).get_json()["count"] == len(items)
    read = call(
        "POST /api/notifications/{notification_id}/read",
        assignee,
        params={"notification_id": items[0]["id"]},
    )
    assert read.status_code == 200
    assert call("POST /api/notifications/read-all", assignee).status_code == 200
    assert_agrees_and_covers(world, "communication")


def test_file_service_answers_as_documented(world):
    call, requestor, moderator = world.call, world["requestor"], world["moderator"]
    ticket = world.ticket("new")
    key = world.upload(requestor, ticket_id=ticket["id"], ready=True)
    one = {"file_key": key}
    details = call("GET /api/files/{file_key}/", moderator, params=one)
    assert details.status_code == 200
    assert details.get_json()["status"] == "ready"
    assert call("GET /api/files/{file_key}/status/", requestor, params=one).status_code == 200
    download = call("GET /api/files/{file_key}/download/", requestor, params=one)
    assert download.status_code == 200
    thumbnail = call(
        "GET /api/files/{file_key}/download/", requestor, params=one, query={"variant": "webp"}
    )
    assert thumbnail.status_code == 200
    missing = call("GET /api/files/{file_key}/", requestor, params={"file_key": uuid.uuid4().hex})
    assert missing.status_code == 404
    assert_agrees_and_covers(world, "file")
