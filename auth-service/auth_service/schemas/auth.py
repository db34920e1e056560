from __future__ import annotations

import marshmallow as ma

from auth_service.schemas.employees import EmployeeSchema
from hdms_common.api import Schema, not_blank


class LoginSchema(Schema):
    employee_code = ma.fields.String(required=True, validate=[ma.validate.Length(1, 32), not_blank])
    password = ma.fields.String(required=True, validate=ma.validate.Length(1, 1024), load_only=True)


class RefreshSchema(Schema):
    refresh = ma.fields.String(required=True, validate=ma.validate.Length(1, 4096))


class TokenPairSchema(Schema):
    access = ma.fields.String()
    refresh = ma.fields.String()


class LoginResponseSchema(TokenPairSchema):
    user = ma.fields.Nested(EmployeeSchema)
