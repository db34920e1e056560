from __future__ import annotations

import marshmallow as ma

from communication_service.models.messages import MAX_ATTACHMENTS, MAX_BODY_LENGTH
from hdms_common.api import Schema, not_blank
from hdms_common.pagination import PaginationArgsSchema, page_schema

CLIENT_MSG_ID = ma.validate.Regexp(
    r"^[A-Za-z0-9._:-]{1,64}$", error="Letters, digits, . _ : - only (1-64)."
)
FILE_KEY = ma.validate.Regexp(r"^[A-Za-z0-9._-]{1,128}$", error="Not a file_key.")


class MessageSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    ticket_id = ma.fields.UUID()
    seq = ma.fields.Integer()
    sender_id = ma.fields.UUID()
    sender_name = ma.fields.String()
    body = ma.fields.String()
    attachments = ma.fields.List(ma.fields.String())
    client_msg_id = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    edited_at = ma.fields.DateTime(allow_none=True)
    deleted_at = ma.fields.DateTime(allow_none=True)


class MessageCreateSchema(Schema):
    body = ma.fields.String(
        required=True, validate=[ma.validate.Length(1, MAX_BODY_LENGTH), not_blank]
    )
    attachments = ma.fields.List(
        ma.fields.String(validate=FILE_KEY),
        load_default=list,
        validate=ma.validate.Length(max=MAX_ATTACHMENTS),
    )
    client_msg_id = ma.fields.String(load_default=None, allow_none=True, validate=CLIENT_MSG_ID)

    @ma.validates("attachments")
    def distinct(self, value: list[str], **kwargs: object) -> None:
        if len(set(value)) != len(value):
            raise ma.ValidationError("An attachment is listed twice.")


class MessageQueryArgsSchema(PaginationArgsSchema):
    after = ma.fields.String(validate=ma.validate.Length(1, 64))
    before = ma.fields.String(validate=ma.validate.Length(1, 64))

    @ma.validates_schema
    def one_direction(self, data: dict[str, object], **kwargs: object) -> None:
        if "after" in data and "before" in data:
            raise ma.ValidationError("Give after or before, not both.", "after")


MessagePageSchema = page_schema(MessageSchema)
