"""The domain events' types and payloads (docs/events.md), shared by producers and consumers.

ticket-service writes these types and payloads, auth-service writes the access change, and
communication-service and file-service read them: each name is spelt here once, so a producer
and a consumer cannot drift apart. :class:`EventType` members are strings, so they compare equal
to the ``type`` of an :class:`~hdms_common.events.Event` read from a stream; a type not listed
here is simply not one of them, and consumers ignore it.
"""

from __future__ import annotations

import enum
from typing import TypedDict


class EventType(enum.StrEnum):
    """Every event type HDMS publishes."""

    TICKET_CREATED = "ticket.created"
    TICKET_UPDATED = "ticket.updated"
    TICKET_ASSIGNED = "ticket.assigned"
    TICKET_STATUS_CHANGED = "ticket.status_changed"
    TICKET_SLA_BREACHED = "ticket.sla_breached"
    TICKET_SLA_AT_RISK = "ticket.sla_at_risk"
    TICKET_ATTACHMENT_ADDED = "ticket.attachment_added"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_DECIDED = "approval.decided"
    SUB_TICKET_CREATED = "sub_ticket.created"
    SUB_TICKET_ASSIGNED = "sub_ticket.assigned"
    SUB_TICKET_STATUS_CHANGED = "sub_ticket.status_changed"
    EMPLOYEE_ACCESS_CHANGED = "employee.access_changed"

    @classmethod
    def parse(cls, value: str) -> EventType | None:
        """The member named by ``value``, or None for a type this version does not know."""
        try:
            return cls(value)
        except ValueError:
            return None


class TicketFields(TypedDict):
    """What every ticket event's payload carries: the ticket as it is after the change."""

    ticket_id: str
    ticket_number: str
    title: str
    department_id: str
    requestor_id: str
    assignee_id: str | None
    status: str
    priority: str
    #: Who made the change (a service's id for automatic ones).
    actor_id: str


class AttachmentSummary(TypedDict):
    """One file on a ticket, as the ticket lists it."""

    file_key: str
    name: str | None
    size: int | None
    content_type: str | None


class CreatedFields(TypedDict):
    """ticket.created: the files it was opened with (their consumers need not ask for them)."""

    attachments: list[AttachmentSummary]


class UpdatedFields(TypedDict):
    """ticket.updated: the names of the fields that changed."""

    changed: list[str]


class AssignedFields(TypedDict):
    """ticket.assigned."""

    previous_assignee_id: str | None


class StatusChangedFields(TypedDict, total=False):
    """ticket.status_changed: the life-cycle action and the move it made."""

    action: str
    from_status: str
    to_status: str
    reason: str


class SlaFields(TypedDict):
    """ticket.sla_breached and ticket.sla_at_risk: which clock and when it is (was) due."""

    sla_kind: str  # first_response or resolution
    due_at: str


class AttachmentAddedFields(TypedDict):
    """ticket.attachment_added: the file attached."""

    file_key: str


class ApprovalRequestedFields(TypedDict):
    """approval.requested: the round and whom it asks."""

    approval_id: str
    approver_ids: list[str]
    mode: str


class ApprovalDecidedFields(TypedDict, total=False):
    """approval.decided: a decision, or a round ended by a drop-out or cancelled (no approver_id
    or decision then, and a reason)."""

    approval_id: str
    approver_id: str
    decision: str
    outcome: str  # pending, approved, declined or cancelled
    reason: str


class SubTicketFields(TypedDict):
    """sub_ticket.created, sub_ticket.assigned and sub_ticket.status_changed."""

    sub_ticket_id: str
    sub_ticket_assignee_id: str | None
    sub_ticket_department_id: str
    sub_ticket_status: str


class AccessChangedPayload(TypedDict):
    """employee.access_changed, on auth-service's access stream."""

    employee_id: str
    active: bool
    hdms_roles: list[str]
    #: ISO 8601 UTC with milliseconds: access tokens issued before it are refused.
    tokens_valid_after: str
