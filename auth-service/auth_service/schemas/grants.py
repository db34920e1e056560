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


class RevokeAccessSchema(Schema):
    """The grant body, where an omitted list means every one: without ``roles`` every role in
    the departments named, without ``department_ids`` the roles named in every department."""

    employee_id = ma.fields.UUID(required=True)
    roles = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(HDMS_ROLES)),
        load_default=None,
        validate=ma.validate.Length(min=1, max=len(HDMS_ROLES)),
        metadata={"description": "Omitted: every role."},
    )
    department_ids = ma.fields.List(
        ma.fields.UUID(),
        load_default=None,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "Omitted: every department."},
    )
