from __future__ import annotations

import marshmallow as ma

from hdms_common.api import Schema


class ParticipantSchema(Schema):
    user_id = ma.fields.UUID()
    role = ma.fields.String()
    joined_at = ma.fields.DateTime()


class ParticipantListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(ParticipantSchema))
    next_cursor = ma.fields.String(allow_none=True)
