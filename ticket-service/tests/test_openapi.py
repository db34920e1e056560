"""The service documents itself: OpenAPI 3 with every documented path."""

from __future__ import annotations

import pytest


def test_openapi_lists_every_ticket_service_path(client):
    response = client.get("/api/tickets/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    expected = {
        "/api/tickets/",
        "/api/tickets/{ticket_id}",
        "/api/tickets/fsm",
        "/api/tickets/{ticket_id}/status",
        "/api/tickets/{ticket_id}/assign",
        "/api/tickets/{ticket_id}/reject",
        "/api/tickets/{ticket_id}/postpone",
        "/api/tickets/{ticket_id}/acknowledge",
        "/api/tickets/{ticket_id}/progress",
        "/api/tickets/{ticket_id}/sla",
        "/api/tickets/{ticket_id}/history",
        "/api/tickets/{ticket_id}/sub-tickets/",
        "/api/sub-tickets/{sub_ticket_id}",
        "/api/sub-tickets/{sub_ticket_id}/status",
        "/api/tickets/{ticket_id}/approvals/",
        "/api/approvals/{approval_id}/decision",
        "/api/tickets/{ticket_id}/attachments/",
        "/api/approvals/",
    }
    assert expected <= paths
    assert spec["paths"]["/api/tickets/"]["post"]["summary"].startswith("Open a ticket")


def test_unknown_paths_and_methods_are_problems(client, cast):
    response = client.get("/api/tickets/nothing/here", headers=cast.requestor.headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    response = client.put("/api/tickets/", headers=cast.requestor.headers)
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


def _schemas(client):
    return client.get("/api/tickets/openapi.json").get_json()["components"]["schemas"]


def test_the_status_change_documents_every_payload_field_of_every_action(client):
    from ticket_service import fsm

    schema = _schemas(client)["StatusChange"]
    properties = schema["properties"]
    assert schema["required"] == ["action"]
    assert schema["additionalProperties"] is False
    assert properties["action"]["enum"] == fsm.public_actions()
    payload_fields = {
        name for t in fsm.TRANSITIONS.values() if t.public for name in t.payload().fields
    }
    assert set(properties) == payload_fields | {"action"}
    assert {
        "assignee_id",
        "reason",
        "resume_at",
        "percent",
        "note",
        "resolution_note",
        "approver_ids",
        "mode",
        "version",
    } <= set(properties)
    assert properties["assignee_id"]["format"] == "uuid"
    assert "assign, reassign" in properties["assignee_id"]["description"]
    assert "optional for resume" in properties["reason"]["description"]
    assert properties["approver_ids"]["items"]["format"] == "uuid"
    assert properties["mode"]["enum"] == ["all", "any"]
    assert properties["resume_at"]["format"] == "date-time"


@pytest.mark.parametrize(
    ("action", "payload", "field"),
    [
        ("review", {"assignee_id": "00000000-0000-0000-0000-000000000001"}, "assignee_id"),
        ("acknowledge", {"percent": 10}, "percent"),
        ("reject", {"reason": "No", "resolution_note": "x"}, "resolution_note"),
        ("review", {"colour": "red"}, "colour"),
    ],
)
def test_a_field_the_action_does_not_take_is_still_refused(api, cast, action, payload, field):
    ticket = api.in_state("new" if action != "acknowledge" else "assigned")
    user = cast.assignee if action == "acknowledge" else cast.moderator
    response = api.act(ticket, action, user, **payload)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {field: ["Unknown field."]}


def test_an_unknown_action_is_still_a_422_listing_the_actions(api, cast):
    ticket = api.in_state("new")
    response = api.act(ticket, "teleport", cast.moderator)
    assert response.status_code == 422
    assert response.get_json()["errors"]["action"][0].startswith("One of: review, assign")


def test_response_schemas_list_their_fields_as_required_with_enums(client):
    from ticket_service.models.tickets import PRIORITIES, SLA_STATUSES, STATUSES

    schemas = _schemas(client)
    ticket = schemas["Ticket"]
    assert set(ticket["required"]) == set(ticket["properties"])
    assert ticket["properties"]["status"]["enum"] == list(STATUSES)
    assert ticket["properties"]["priority"]["enum"] == list(PRIORITIES)
    assert ticket["properties"]["sla_status"]["enum"] == list(SLA_STATUSES)
    assert ticket["properties"]["assignee_id"]["nullable"] is True
    assert schemas["SubTicket"]["properties"]["status"]["enum"] == [
        "open",
        "assigned",
        "in_progress",
        "done",
        "cancelled",
    ]
    approval = schemas["Approval"]
    assert set(approval["required"]) == set(approval["properties"])
    assert approval["properties"]["mode"]["enum"] == ["all", "any"]
    assert approval["properties"]["status"]["enum"] == [
        "pending",
        "approved",
        "declined",
        "cancelled",
    ]
    assert schemas["ApprovalWithTicket"]["required"][-1] == "ticket"
    assert schemas["TicketPage"]["required"] == ["items", "next_cursor"]
    # Request schemas keep only their truly required fields.
    assert schemas["TicketCreate"]["required"] == ["department_id", "description", "title"]
    assert "required" not in schemas["TicketUpdate"]


def test_the_list_documents_its_sort_orders(client):
    spec = client.get("/api/tickets/openapi.json").get_json()
    parameters = spec["paths"]["/api/tickets/"]["get"]["parameters"]
    (sort,) = [p for p in parameters if p["name"] == "sort"]
    assert sort["schema"]["enum"] == ["-created_at", "created_at", "due_at", "-priority"]
    assert sort["schema"]["default"] == "-created_at"
