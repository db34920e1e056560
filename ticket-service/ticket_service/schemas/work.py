"""Schemas of sub-tickets and approval rounds."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from hdms_common.api import Schema, SingleLineText, Version, not_blank
from hdms_common.pagination import PaginationArgsSchema, page_schema
from ticket_service.fsm import SubTicketAction
from ticket_service.models.tickets import PRIORITIES, STATUSES
from ticket_service.schemas.tickets import DESCRIPTION, TITLE
from ticket_service.statuses import SubTicketStatus

APPROVAL_MODES = ["all", "any"]
APPROVAL_STATUSES = ["pending", "approved", "declined", "cancelled"]
DECISIONS = ["approve", "decline"]

VERSION = Version()


class SubTicketSchema(Schema):
    id = ma.fields.UUID()
    parent_id = ma.fields.UUID()
    title = ma.fields.String()
    description = ma.fields.String()
    department_id = ma.fields.UUID()
    assignee_id = ma.fields.UUID(allow_none=True)
    status = ma.fields.String(metadata={"enum": [str(s) for s in SubTicketStatus]})
    version = ma.fields.Integer()
    created_by = ma.fields.UUID()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class SubTicketCreateSchema(Schema):
    title = SingleLineText(required=True, validate=TITLE)
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=20000))
    department_id = ma.fields.UUID(required=True)
    assignee_id = ma.fields.UUID(load_default=None, allow_none=True)


class SubTicketUpdateSchema(Schema):
    title = SingleLineText(validate=TITLE)
    description = ma.fields.String(validate=DESCRIPTION)
    assignee_id = ma.fields.UUID()
    version = VERSION

    @ma.validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not set(data) - {"version"}:
            raise ma.ValidationError("Give at least one field to change.")


class SubTicketStatusSchema(Schema):
    action = ma.fields.String(
        required=True, validate=ma.validate.OneOf([str(a) for a in SubTicketAction])
    )
    reason = ma.fields.String(validate=[ma.validate.Length(1, 2000), not_blank])
    version = VERSION


class SubTicketListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(SubTicketSchema))


class DecisionSchema(Schema):
    approver_id = ma.fields.UUID()
    decision = ma.fields.String(metadata={"enum": DECISIONS})
    comment = ma.fields.String()
    created_at = ma.fields.DateTime()


class ApprovalSchema(Schema):
    id = ma.fields.UUID()
    ticket_id = ma.fields.UUID()
    mode = ma.fields.String(metadata={"enum": APPROVAL_MODES})
    approver_ids = ma.fields.List(ma.fields.UUID())
    dropped_approver_ids = ma.fields.List(
        ma.fields.UUID(),
        metadata={
            "description": "Approvers who lost HDMS access while the round was open; the "
            "others decide it."
        },
    )
    status = ma.fields.String(metadata={"enum": APPROVAL_STATUSES})
    note = ma.fields.String()
    requested_by = ma.fields.UUID()
    decided_at = ma.fields.DateTime(allow_none=True)
    decisions = ma.fields.List(ma.fields.Nested(DecisionSchema))
    created_at = ma.fields.DateTime()


class ApprovalListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(ApprovalSchema))


class ApprovalTicketSchema(Schema):
    """What a list of rounds shows of each round's ticket."""

    id = ma.fields.UUID()
    number = ma.fields.String()
    title = ma.fields.String()
    priority = ma.fields.String(metadata={"enum": list(PRIORITIES)})
    status = ma.fields.String(metadata={"enum": list(STATUSES)})


class ApprovalWithTicketSchema(ApprovalSchema):
    ticket = ma.fields.Nested(ApprovalTicketSchema)


class ApprovalQueryArgsSchema(PaginationArgsSchema):
    pending = ma.fields.Boolean(
        metadata={
            "description": "true: the pending rounds you have not decided yet; false: the "
            "others (decided by you, or ended)."
        }
    )


ApprovalPageSchema = page_schema(ApprovalWithTicketSchema, "ApprovalPageSchema")


class DecisionCreateSchema(Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(DECISIONS))
    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))

    @ma.validates_schema
    def decline_explained(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("decision") == "decline" and not (data.get("comment") or "").strip():
            raise ma.ValidationError("Say why the request is declined.", "comment")
