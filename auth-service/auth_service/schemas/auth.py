from __future__ import annotations

import marshmallow as ma

from auth_service.schemas.employees import EmployeeSchema
from hdms_common.api import OPTIONAL, Schema, not_blank

REFRESH_TOKEN = ma.validate.Length(1, 4096)


class LoginSchema(Schema):
    employee_code = ma.fields.String(required=True, validate=[ma.validate.Length(1, 32), not_blank])
    password = ma.fields.String(required=True, validate=ma.validate.Length(1, 1024), load_only=True)


class RefreshSchema(Schema):
    refresh = ma.fields.String(
        validate=REFRESH_TOKEN,
        metadata={"description": "The refresh token; without it the hdms_refresh cookie is used."},
    )


class LogoutSchema(Schema):
    refresh = ma.fields.String(
        validate=REFRESH_TOKEN,
        metadata={
            "description": "The refresh token to revoke; without it the hdms_refresh cookie."
        },
    )


class TokenPairSchema(Schema):
    access = ma.fields.String()
    refresh = ma.fields.String(
        metadata={
            OPTIONAL: True,
            "description": "Left out when the request says X-HDMS-Session: cookie (the token "
            "is then only in the hdms_refresh cookie).",
        }
    )


class LoginResponseSchema(TokenPairSchema):
    user = ma.fields.Nested(EmployeeSchema)
