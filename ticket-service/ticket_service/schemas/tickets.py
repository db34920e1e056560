from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from apispec import APISpec
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from webargs.fields import DelimitedList

from hdms_common.api import Schema, no_control_characters, not_blank
from hdms_common.pagination import PaginationArgsSchema, page_schema
from ticket_service.fsm import TRANSITIONS, Status, public_actions
from ticket_service.models.tickets import PRIORITIES, SLA_STATUSES, STATUSES
from ticket_service.services.tickets import DEFAULT_SORT, SORTS

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
    priority = ma.fields.String(metadata={"enum": list(PRIORITIES)})
    category = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    version = ma.fields.Integer()
    progress = ma.fields.Integer()
    postponed_from = ma.fields.String(allow_none=True, metadata={"enum": list(STATUSES)})
    resume_at = ma.fields.DateTime(allow_none=True)
    acknowledged_at = ma.fields.DateTime(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    resolution_note = ma.fields.String(allow_none=True)
    first_response_due_at = ma.fields.DateTime()
    resolution_due_at = ma.fields.DateTime()
    due_at = ma.fields.DateTime(
        metadata={"description": "When the ticket is due: the same as resolution_due_at."}
    )
    first_response_breached_at = ma.fields.DateTime(allow_none=True)
    resolution_breached_at = ma.fields.DateTime(allow_none=True)
    sla_status = ma.fields.String(metadata={"enum": list(SLA_STATUSES)})
    sla_clock = ma.fields.String(
        allow_none=True,
        metadata={
            "enum": ["first_response", "resolution"],
            "description": "The SLA clock running now; null when none runs.",
        },
    )
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    allowed_actions = ma.fields.List(
        ma.fields.String(metadata={"enum": public_actions()}),
        metadata={"description": "The actions you may try now (POST .../status)."},
    )
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
    sort = ma.fields.String(
        load_default=DEFAULT_SORT,
        validate=ma.validate.OneOf(list(SORTS)),
        metadata={
            "description": "-created_at: newest first (default); created_at: oldest first; "
            "due_at: resolution due soonest first; -priority: critical first, then newest. "
            "A cursor only continues the sort it was made with."
        },
    )


class DeleteArgsSchema(Schema):
    version = ma.fields.Integer(validate=ma.validate.Range(min=1))


class PassThrough(ma.fields.Raw):
    """A field documented here but read unchanged: another schema checks it afterwards."""

    def deserialize(
        self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any
    ) -> Any:
        return value


# Only the basic shape of a payload field is documented when actions constrain it differently.
_SHARED_KEYS = ("type", "format", "items", "enum")


def _payload_fields() -> dict[str, ma.fields.Field[Any]]:
    """Every payload field of every public action, optional, saying which actions use it."""
    spec = APISpec(title="payloads", version="1", openapi_version="3.0.3")
    converter = OpenAPIConverter("3.0.3", None, spec)
    shapes: dict[str, list[dict[str, Any]]] = {}
    required: dict[str, list[str]] = {}
    optional: dict[str, list[str]] = {}
    for transition in TRANSITIONS.values():
        if not transition.public:
            continue
        for name, field in transition.payload._declared_fields.items():
            if name == "version":
                continue
            shapes.setdefault(name, []).append(converter.field2property(field))
            users = required if field.required else optional
            users.setdefault(name, []).append(str(transition.action))
    fields: dict[str, ma.fields.Field[Any]] = {}
    for name, properties in shapes.items():
        shape = properties[0]
        if any(p != shape for p in properties):
            shape = {k: v for k, v in shape.items() if k in _SHARED_KEYS}
        shape.pop("default", None)
        said = []
        if name in required:
            said.append(f"Required by {', '.join(required[name])}")
        if name in optional:
            said.append(f"optional for {', '.join(optional[name])}")
        description = "; ".join(said) + ". Any other action refuses it."
        description = description[0].upper() + description[1:]
        fields[name] = PassThrough(metadata={**shape, "description": description})
    return fields


class _StatusChangeBase(Schema):
    class Meta:
        unknown = ma.INCLUDE
        # Every field an action accepts is documented; the action's schema refuses the rest.
        openapi_additional_properties = False

    action = ma.fields.String(
        required=True,
        metadata={"enum": public_actions(), "description": "The life-cycle action (see /fsm)."},
    )
    version = ma.fields.Integer(
        validate=ma.validate.Range(min=1),
        metadata={"description": "The ticket version the change is based on (or If-Match)."},
    )


StatusChangeSchema = type(
    "StatusChangeSchema",
    (_StatusChangeBase,),
    {
        "__doc__": "{action, version, ...the action's payload}; the payload is checked per "
        "action (unknown fields are refused by the action's own schema).",
        **_payload_fields(),
    },
)


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
