from __future__ import annotations

import marshmallow as ma

from communication_service.models.participants import PARTICIPANT_ROLES
from hdms_common.api import Schema


class ParticipantSchema(Schema):
    user_id = ma.fields.UUID()
    role = ma.fields.String(metadata={"enum": list(PARTICIPANT_ROLES)})
    joined_at = ma.fields.DateTime()


class ParticipantListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(ParticipantSchema))
    next_cursor = ma.fields.String(allow_none=True)
