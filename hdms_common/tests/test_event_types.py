"""The event types and payload fields in hdms_common.event_types are the ones docs/events.md
documents: producers and consumers name them from there, so the two must not drift apart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_type_hints

from hdms_common.event_types import (
    AccessChangedPayload,
    ApprovalRequestedFields,
    AttachmentAddedFields,
    EventType,
    SlaFields,
    SubTicketFields,
    TicketFields,
    UpdatedFields,
)
from hdms_common.events import Event

EVENTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


EVENT_NAME = r"(?:ticket|approval|sub_ticket|employee)\.[a-z_]+"


def documented_types() -> set[str]:
    """Every type docs/events.md names: in the first column of its tables, or in backquotes."""
    text = EVENTS_DOC.read_text()
    types: set[str] = set()
    for line in text.splitlines():
        if line.startswith("| "):
            types.update(re.findall(rf"\b{EVENT_NAME}\b", line.split("|")[1]))
    types.update(re.findall(rf"`({EVENT_NAME})`", text))
    return types


def test_every_documented_event_type_is_declared_once_and_no_other():
    assert {t.value for t in EventType} == documented_types()


def test_a_type_this_version_does_not_know_parses_to_none():
    assert EventType.parse("ticket.created") is EventType.TICKET_CREATED
    assert EventType.parse("ticket.unknown_kind") is None


def test_event_types_travel_as_their_plain_names():
    fields = Event(type=EventType.TICKET_SLA_AT_RISK, payload={}).to_fields()
    assert fields["type"] == "ticket.sla_at_risk"
    assert type(fields["type"]) is str
    assert Event.from_fields(fields).type == EventType.TICKET_SLA_AT_RISK


def test_payload_fields_are_the_documented_ones():
    assert set(get_type_hints(TicketFields)) == {
        "ticket_id",
        "ticket_number",
        "title",
        "department_id",
        "requestor_id",
        "assignee_id",
        "status",
        "priority",
        "actor_id",
    }
    assert set(get_type_hints(UpdatedFields)) == {"changed"}
    assert set(get_type_hints(SlaFields)) == {"sla_kind", "due_at"}
    assert set(get_type_hints(AttachmentAddedFields)) == {"file_key"}
    assert set(get_type_hints(ApprovalRequestedFields)) == {"approval_id", "approver_ids", "mode"}
    assert set(get_type_hints(SubTicketFields)) == {
        "sub_ticket_id",
        "sub_ticket_assignee_id",
        "sub_ticket_department_id",
        "sub_ticket_status",
    }
    assert set(get_type_hints(AccessChangedPayload)) == {
        "employee_id",
        "active",
        "hdms_roles",
        "tokens_valid_after",
    }
