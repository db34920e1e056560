"""The service documents itself: OpenAPI 3 with every documented path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


# What each action of POST /api/tickets/{id}/status takes besides action and version
# (docs/ticket-life-cycle.md, "Transitions"): (required fields, optional fields).
STATUS_PAYLOADS: dict[str, tuple[set[str], set[str]]] = {
    "review": (set(), set()),
    "assign": ({"assignee_id"}, set()),
    "reassign": ({"assignee_id"}, set()),
    "reject": ({"reason"}, set()),
    "postpone": ({"reason", "resume_at"}, set()),
    "resume": (set(), {"reason"}),
    "acknowledge": (set(), set()),
    "progress": ({"percent"}, {"note"}),
    "request_approval": ({"approver_ids"}, {"mode", "note"}),
    "resolve": ({"resolution_note"}, set()),
    "close": (set(), set()),
    "reopen": ({"reason"}, set()),
    "cancel": (set(), set()),
    "cancel_approval": ({"reason"}, set()),
}


def _status_variants(client):
    """action -> its documented schema, following the discriminator's mapping."""
    schemas = _schemas(client)
    union = schemas["StatusChange"]
    assert union["discriminator"]["propertyName"] == "action"
    mapping = union["discriminator"]["mapping"]
    assert sorted(ref["$ref"] for ref in union["oneOf"]) == sorted(mapping.values())
    prefix = "#/components/schemas/"
    assert all(ref.startswith(prefix) for ref in mapping.values())
    return {action: schemas[ref.removeprefix(prefix)] for action, ref in mapping.items()}


def test_the_status_change_is_one_documented_variant_per_action(client):
    variants = _status_variants(client)
    assert set(variants) == set(STATUS_PAYLOADS)
    for action, (required, optional) in STATUS_PAYLOADS.items():
        variant = variants[action]
        properties = variant["properties"]
        assert variant["additionalProperties"] is False, action
        assert properties["action"]["enum"] == [action], action
        assert set(properties) == {"action", "version"} | required | optional, action
        assert set(variant["required"]) == {"action"} | required, action
    assign = variants["assign"]["properties"]
    assert assign["assignee_id"]["format"] == "uuid"
    approval = variants["request_approval"]["properties"]
    assert approval["approver_ids"]["items"]["format"] == "uuid"
    assert approval["approver_ids"]["minItems"] == 1
    assert approval["mode"]["enum"] == ["all", "any"]
    assert variants["postpone"]["properties"]["resume_at"]["format"] == "date-time"
    assert variants["progress"]["properties"]["percent"] == {
        "maximum": 100,
        "minimum": 0,
        "type": "integer",
    }
    assert variants["review"]["properties"]["version"]["minimum"] == 1


def _ready_for(api, cast, action):
    """(ticket in a state the action starts from, who may do it, a full documented payload)."""
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    plans = {
        "review": ("new", cast.moderator, {}),
        "assign": ("new", cast.moderator, {"assignee_id": str(cast.assignee.id)}),
        "reassign": ("assigned", cast.moderator, {"assignee_id": str(cast.second_assignee.id)}),
        "reject": ("new", cast.moderator, {"reason": "Not for us"}),
        "postpone": ("new", cast.moderator, {"reason": "Parts", "resume_at": later}),
        "resume": ("postponed", cast.moderator, {"reason": "Parts arrived"}),
        "acknowledge": ("assigned", cast.assignee, {}),
        "progress": ("in_progress", cast.assignee, {"percent": 40, "note": "Half way"}),
        "request_approval": (
            "in_progress",
            cast.assignee,
            {"approver_ids": [str(cast.admin.id)], "mode": "any", "note": "Costly part"},
        ),
        "resolve": ("in_progress", cast.assignee, {"resolution_note": "Replaced the disk"}),
        "close": ("resolved", cast.requestor, {}),
        "reopen": ("resolved", cast.requestor, {"reason": "It broke again"}),
        "cancel": ("new", cast.requestor, {}),
        "cancel_approval": ("waiting_approval", cast.assignee, {"reason": "Not needed"}),
    }
    state, user, payload = plans[action]
    return api.in_state(state), user, payload


def test_each_action_refuses_exactly_its_documented_required_fields_when_missing(client, api, cast):
    """One test over every action (one cast of users, made once: real employees are slow)."""
    variants = _status_variants(client)
    for action in STATUS_PAYLOADS:
        variant = variants[action]
        documented_required = set(variant["required"]) - {"action"}
        ticket, user, payload = _ready_for(api, cast, action)
        # Every documented field is sent: the documented payload is what the endpoint takes.
        assert set(payload) == set(variant["properties"]) - {"action", "version"}, action
        for missing in sorted(documented_required):
            partial = {k: v for k, v in payload.items() if k != missing}
            response = api.act(ticket, action, user, **partial)
            assert response.status_code == 422, (action, missing, response.get_json())
            assert response.get_json()["errors"] == {
                missing: ["Missing data for required field."]
            }, action
        for left_out in sorted(set(payload) - documented_required):
            partial = {k: v for k, v in payload.items() if k != left_out}
            response = api.act(ticket, action, user, **partial, version=999)
            # Optional: the payload is accepted and the request goes on to the version check.
            assert response.status_code == 412, (action, left_out, response.get_json())
        assert api.get(ticket)["version"] == ticket["version"], action
        response = api.act(ticket, action, user, **payload)
        assert response.status_code == 200, (action, response.get_json())


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
