from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import marshmallow as ma
from webargs.fields import DelimitedList

from hdms_common.api import (
    Instant,
    Schema,
    SingleLineText,
    Version,
    no_control_characters,
    not_blank,
)
from hdms_common.pagination import PaginationArgsSchema, page_schema
from ticket_service.fsm import TRANSITIONS, Action, public_actions
from ticket_service.models.tickets import PRIORITIES, SLA_STATUSES, STATUSES
from ticket_service.services.tickets import DEFAULT_SORT, SORTS
from ticket_service.statuses import Status

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
    title = SingleLineText(required=True, validate=TITLE)
    description = ma.fields.String(required=True, validate=DESCRIPTION)
    department_id = ma.fields.UUID(required=True)
    priority = ma.fields.String(load_default="medium", validate=ma.validate.OneOf(PRIORITIES))
    category = SingleLineText(load_default="", validate=CATEGORY)
    attachments = ma.fields.List(
        ma.fields.String(validate=FILE_KEY), load_default=list, validate=ma.validate.Length(max=20)
    )

    @ma.validates_schema
    def distinct_attachments(self, data: dict[str, Any], **kwargs: Any) -> None:
        keys = data.get("attachments") or []
        if len(set(keys)) != len(keys):
            raise ma.ValidationError("Each file once.", "attachments")


class TicketUpdateSchema(Schema):
    title = SingleLineText(validate=TITLE)
    description = ma.fields.String(validate=DESCRIPTION)
    priority = ma.fields.String(validate=ma.validate.OneOf(PRIORITIES))
    category = SingleLineText(validate=CATEGORY)
    version = Version()

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
    created_after = Instant()
    created_before = Instant()
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
    version = Version()


def _status_variant(action: str) -> type[ma.Schema]:
    """The documented body of POST .../status for one action: its payload schema plus
    ``action`` fixed to that action."""
    transition = TRANSITIONS[Action(action)]
    target = str(transition.target) if transition.target else "the state it was postponed from"
    sources = ", ".join(sorted(str(s) for s in transition.sources))
    roles = ", ".join(sorted(str(r) for r in transition.roles))
    meta = type("Meta", (transition.payload.Meta,), {"openapi_additional_properties": False})
    action_field = ma.fields.String(
        required=True,
        metadata={"enum": [action], "description": f"{action}: {sources} -> {target} ({roles})."},
    )
    name = "StatusChange" + "".join(part.title() for part in action.split("_")) + "Schema"
    return type(name, (transition.payload,), {"Meta": meta, "action": action_field})


#: The documented variants of a status change, one per public action (docs/ticket-life-cycle.md).
STATUS_CHANGE_VARIANTS = {action: _status_variant(action) for action in public_actions()}


class StatusChangeSchema(Schema):
    """{action, version, ...the action's payload}: documented as one variant per action
    (discriminated by ``action``); the payload is checked by the action's own schema, which
    refuses fields the action does not take."""

    class Meta:
        unknown = ma.INCLUDE
        openapi_one_of = ("action", STATUS_CHANGE_VARIANTS)

    action = ma.fields.String(required=True)
    version = Version(
        metadata={"description": "The ticket version the change is based on (or If-Match)."},
    )


class FsmPayloadFieldSchema(Schema):
    required = ma.fields.Boolean()
    type = ma.fields.String(metadata={"description": "The marshmallow field type."})


class FsmTransitionSchema(Schema):
    action = ma.fields.String()
    sources = ma.fields.List(ma.fields.String(), data_key="from", attribute="from")
    to = ma.fields.String(
        metadata={"description": "The target state; postponed_from: where it was postponed from."}
    )
    roles = ma.fields.List(ma.fields.String())
    payload = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Nested(FsmPayloadFieldSchema)
    )
    guards = ma.fields.List(ma.fields.String())
    event = ma.fields.String()
    via_status_endpoint = ma.fields.Boolean()


class FsmSubTicketTransitionSchema(Schema):
    action = ma.fields.String()
    sources = ma.fields.List(ma.fields.String(), data_key="from", attribute="from")
    to = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())


class FsmTableSchema(Schema):
    """GET /api/tickets/fsm: the life-cycle table as data."""

    statuses = ma.fields.List(ma.fields.String(metadata={"enum": [str(s) for s in Status]}))
    terminal = ma.fields.List(ma.fields.String(metadata={"enum": [str(s) for s in Status]}))
    transitions = ma.fields.List(ma.fields.Nested(FsmTransitionSchema))
    sub_ticket_transitions = ma.fields.List(ma.fields.Nested(FsmSubTicketTransitionSchema))


class SlaOverrideSchema(Schema):
    due_at = Instant(required=True)
    reason = ma.fields.String(required=True, validate=[ma.validate.Length(1, 2000), not_blank])
    version = Version()


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


Dumper = Callable[[Any], Any]


def _or_none(convert: Dumper) -> Dumper:
    return lambda value: None if value is None else convert(value)


def _field_dumper(field: ma.fields.Field[Any]) -> Dumper:
    """What ``field`` does to a value when it dumps one, without marshmallow's machinery."""
    if isinstance(field, ma.fields.UUID):
        return _or_none(str)
    if isinstance(field, ma.fields.DateTime) and field.format in (None, "iso", "iso8601"):
        return _or_none(lambda value: value.isoformat())
    if isinstance(field, ma.fields.Integer) and not field.as_string:
        return _or_none(int)
    if type(field) is ma.fields.String:
        return _or_none(str)
    if isinstance(field, ma.fields.List):
        item = _field_dumper(field.inner)
        return _or_none(lambda values: [item(v) for v in values])
    if isinstance(field, ma.fields.Nested) and isinstance(field.schema, ma.Schema):
        return _or_none(_mapping_dumper(field.schema))
    raise TypeError(f"No fast dump for {type(field).__name__}: add one or use the schema.")


def _mapping_dumper(schema: ma.Schema) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    if schema.dump_fields.keys() != schema.fields.keys() or any(
        f.data_key or f.attribute for f in schema.fields.values()
    ):
        raise TypeError(f"{type(schema).__name__} renames or hides fields: no fast dump.")
    fields = [(name, _field_dumper(field)) for name, field in schema.fields.items()]

    def dump(data: Mapping[str, Any]) -> dict[str, Any]:
        return {name: convert(data[name]) for name, convert in fields if name in data}

    return dump


#: The JSON of a ticket exactly as ``TicketSchema().dump`` gives it (same fields, same order,
#: same values), made by converters chosen from the schema's fields once: marshmallow's per-field
#: machinery was a tenth of a list request's CPU, for a page of 20. Built at import, so a field
#: type it does not know fails the start, never a response.
dump_ticket = _mapping_dumper(TicketSchema())
