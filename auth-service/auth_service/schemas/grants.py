from __future__ import annotations

import marshmallow as ma

from hdms_common.api import Schema
from hdms_common.auth import HDMS_ROLES


class GrantAccessSchema(Schema):
    employee_id = ma.fields.UUID(required=True)
    roles = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(HDMS_ROLES)),
        required=True,
        validate=ma.validate.Length(min=1, max=len(HDMS_ROLES)),
    )
    department_ids = ma.fields.List(
        ma.fields.UUID(), required=True, validate=ma.validate.Length(min=1, max=100)
    )
