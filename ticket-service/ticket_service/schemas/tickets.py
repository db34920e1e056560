from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from webargs.fields import DelimitedList

from hdms_common.api import Schema, no_control_characters, not_blank
from hdms_common.pagination import PaginationArgsSchema, page_schema
from ticket_service.fsm import Status
from ticket_service.models.tickets import PRIORITIES, SLA_STATUSES

Validators = list[Callable[[Any], Any]]
TITLE: Validators = [ma.validate.Length(1, 200), not_blank, no_control_characters]
DESCRIPTION: Validators = [ma.validate.Length(1, 20000), not_blank]
CATEGORY: Validators = [ma.validate.Length(max=64), no_control_characters]
FILE_KEY = ma.validate.Regexp(r"^[A-Za-z0-9_-]{1,128}$", error="Not a valid file_key.")


class AttachmentSchema(Schema):
    file_key = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    size = ma.fields.Integer(allow_none=True)
    content_type = ma.fields.String(allow_none=True)


class TicketSchema(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    department_id = ma.fields.UUID()
    requestor_id = ma.fields.UUID()
    assignee_id = ma.fields.UUID(allow_none=True)
    priority = ma.fields.String()
    category = ma.fields.String()
    status = ma.fields.String()
    version = ma.fields.Integer()
    progress = ma.fields.Integer()
    postponed_from = ma.fields.String(allow_none=True)
    resume_at = ma.fields.DateTime(allow_none=True)
    acknowledged_at = ma.fields.DateTime(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    resolution_note = ma.fields.String(allow_none=True)
    first_response_due_at = ma.fields.DateTime()
    resolution_due_at = ma.fields.DateTime()
    first_response_breached_at = ma.fields.DateTime(allow_none=True)
    resolution_breached_at = ma.fields.DateTime(allow_none=True)
    sla_status = ma.fields.String()
    sla_clock = ma.fields.String(allow_none=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    allowed_actions = ma.fields.List(ma.fields.String())
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class TicketCreateSchema(Schema):
    title = ma.fields.String(required=True, validate=TITLE)
    description = ma.fields.String(required=True, validate=DESCRIPTION)
    department_id = ma.fields.UUID(required=True)
    priority = ma.fields.String(load_default="medium", validate=ma.validate.OneOf(PRIORITIES))
    category = ma.fields.String(load_default="", validate=CATEGORY)
    attachments = ma.fields.List(
        ma.fields.String(validate=FILE_KEY), load_default=list, validate=ma.validate.Length(max=20)
    )

    @ma.validates_schema
    def distinct_attachments(self, data: dict[str, Any], **kwargs: Any) -> None:
        keys = data.get("attachments") or []
        if len(set(keys)) != len(keys):
            raise ma.ValidationError("Each file once.", "attachments")


class TicketUpdateSchema(Schema):
    title = ma.fields.String(validate=TITLE)
    description = ma.fields.String(validate=DESCRIPTION)
    priority = ma.fields.String(validate=ma.validate.OneOf(PRIORITIES))
    category = ma.fields.String(validate=CATEGORY)
    version = ma.fields.Integer(validate=ma.validate.Range(min=1))

    @ma.validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not set(data) - {"version"}:
            raise ma.ValidationError("Give at least one field to change.")


class TicketQueryArgsSchema(PaginationArgsSchema):
    status = DelimitedList(ma.fields.String(validate=ma.validate.OneOf([str(s) for s in Status])))
    priority = DelimitedList(ma.fields.String(validate=ma.validate.OneOf(PRIORITIES)))
    department_id = ma.fields.UUID()
    assignee_id = ma.fields.UUID()
    requestor_id = ma.fields.UUID()
    sla_status = ma.fields.String(validate=ma.validate.OneOf(SLA_STATUSES))
    q = ma.fields.String(validate=[ma.validate.Length(1, 200), not_blank])
    created_after = ma.fields.AwareDateTime()
    created_before = ma.fields.AwareDateTime()


class DeleteArgsSchema(Schema):
    version = ma.fields.Integer(validate=ma.validate.Range(min=1))


class StatusChangeSchema(Schema):
    """{action, version, ...the action's payload}; the payload is checked per action."""

    class Meta:
        unknown = ma.INCLUDE

    action = ma.fields.String(required=True)
    version = ma.fields.Integer(validate=ma.validate.Range(min=1))


class SlaOverrideSchema(Schema):
    due_at = ma.fields.AwareDateTime(required=True)
    reason = ma.fields.String(required=True, validate=[ma.validate.Length(1, 2000), not_blank])
    version = ma.fields.Integer(validate=ma.validate.Range(min=1))


class AuditRowSchema(Schema):
    id = ma.fields.UUID()
    seq = ma.fields.Integer()
    actor_id = ma.fields.UUID()
    action = ma.fields.String()
    from_state = ma.fields.String(allow_none=True)
    to_state = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict()
    reason = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    prev_hash = ma.fields.String()
    hash = ma.fields.String()


class ChainSchema(Schema):
    ok = ma.fields.Boolean()
    rows = ma.fields.Integer()
    broken_seq = ma.fields.Integer(allow_none=True)
    broken_id = ma.fields.String(allow_none=True)
    problem = ma.fields.String(allow_none=True)


class HistorySchema(Schema):
    ticket_id = ma.fields.UUID()
    items = ma.fields.List(ma.fields.Nested(AuditRowSchema))
    verification = ma.fields.Nested(ChainSchema, allow_none=True)


class HistoryArgsSchema(Schema):
    verify = ma.fields.Boolean(load_default=False)


class AttachmentCreateSchema(Schema):
    file_key = ma.fields.String(required=True, validate=FILE_KEY)


class AttachmentListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(AttachmentSchema))


TicketPageSchema = page_schema(TicketSchema)
