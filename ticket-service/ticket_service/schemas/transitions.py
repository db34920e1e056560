"""Payload schemas of the life-cycle actions (docs/ticket-life-cycle.md, "Transitions").

The same schemas validate POST /api/tickets/{id}/status and the dedicated action endpoints;
``version`` travels beside them (body or If-Match).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from hdms_common.api import Instant, Schema, Version, not_blank

REASON = ma.fields.String(required=True, validate=[ma.validate.Length(1, 2000), not_blank])
VERSION = Version(
    metadata={"description": "The ticket version the change is based on (or If-Match)."},
)


class VersionOnlySchema(Schema):
    version = VERSION


class AssignSchema(Schema):
    assignee_id = ma.fields.UUID(required=True)
    version = VERSION


class ReasonSchema(Schema):
    reason = REASON
    version = VERSION


class OptionalReasonSchema(Schema):
    reason = ma.fields.String(validate=[ma.validate.Length(1, 2000), not_blank])
    version = VERSION


class PostponeSchema(Schema):
    reason = REASON
    resume_at = Instant(required=True, default_timezone=None)
    version = VERSION


class ProgressSchema(Schema):
    percent = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=100))
    note = ma.fields.String(validate=[ma.validate.Length(1, 2000), not_blank])
    version = VERSION


class RequestApprovalSchema(Schema):
    approver_ids = ma.fields.List(
        ma.fields.UUID(), required=True, validate=ma.validate.Length(min=1, max=20)
    )
    mode = ma.fields.String(load_default="all", validate=ma.validate.OneOf(["all", "any"]))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    version = VERSION

    @ma.validates_schema
    def distinct_approvers(self, data: dict[str, Any], **kwargs: Any) -> None:
        ids = data.get("approver_ids") or []
        if len(set(ids)) != len(ids):
            raise ma.ValidationError("Each approver once.", "approver_ids")


class ResolveSchema(Schema):
    resolution_note = ma.fields.String(
        required=True, validate=[ma.validate.Length(1, 4000), not_blank]
    )
    version = VERSION
