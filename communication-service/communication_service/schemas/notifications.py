from __future__ import annotations

import marshmallow as ma

from communication_service.models.notifications import NOTIFICATION_TYPES
from hdms_common.api import Schema
from hdms_common.pagination import PaginationArgsSchema, page_schema


class NotificationSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    type = ma.fields.String(metadata={"enum": list(NOTIFICATION_TYPES)})
    title = ma.fields.String()
    body = ma.fields.String()
    link = ma.fields.String()
    ticket_id = ma.fields.UUID(allow_none=True)
    read_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class NotificationQueryArgsSchema(PaginationArgsSchema):
    unread = ma.fields.Boolean()


class UnreadCountSchema(Schema):
    count = ma.fields.Integer()


class ReadAllResultSchema(Schema):
    marked = ma.fields.Integer()


NotificationPageSchema = page_schema(NotificationSchema)
