from __future__ import annotations

import marshmallow as ma

from hdms_common.api import OPTIONAL, Schema, SingleLineText, no_control_characters, not_blank
from hdms_common.auth import HDMS_ROLES
from hdms_common.pagination import PaginationArgsSchema, page_schema

EMPLOYEE_CODE = ma.validate.Regexp(
    r"^[A-Za-z0-9._-]{1,32}$", error="Letters, digits, . _ - only (1-32)."
)


class GrantSchema(Schema):
    """One HDMS role in one department."""

    role = ma.fields.String(metadata={"enum": list(HDMS_ROLES)})
    department_id = ma.fields.UUID()


#: What every HDMS user may read of anyone: enough to show and pick people.
PUBLIC_CARD_FIELDS = ("id", "employee_code", "name", "department_id", "is_active")
_PRIVATE = {OPTIONAL: True, "description": "Admins and the employee themself only."}


class EmployeeSchema(Schema):
    """An employee: the public card for everyone, the rest for admins and the employee."""

    id = ma.fields.UUID(dump_only=True)
    employee_code = ma.fields.String()
    name = ma.fields.String()
    email = ma.fields.String(allow_none=True, metadata=_PRIVATE)
    department_id = ma.fields.UUID(allow_none=True)
    is_active = ma.fields.Boolean()
    hdms_roles = ma.fields.List(
        ma.fields.String(metadata={"enum": list(HDMS_ROLES)}), metadata=_PRIVATE
    )
    grants = ma.fields.List(ma.fields.Nested(GrantSchema), metadata=_PRIVATE)
    created_at = ma.fields.DateTime(metadata=_PRIVATE)
    updated_at = ma.fields.DateTime(metadata=_PRIVATE)


class EmployeeCreateSchema(Schema):
    employee_code = ma.fields.String(required=True, validate=EMPLOYEE_CODE)
    name = SingleLineText(
        required=True, validate=[ma.validate.Length(1, 200), not_blank, no_control_characters]
    )
    email = ma.fields.Email(load_default=None, allow_none=True)
    department_id = ma.fields.UUID(load_default=None, allow_none=True)
    password = ma.fields.String(required=True, validate=ma.validate.Length(1, 1024), load_only=True)
    is_active = ma.fields.Boolean(load_default=True)


class EmployeeUpdateSchema(Schema):
    name = SingleLineText(validate=[ma.validate.Length(1, 200), not_blank, no_control_characters])
    email = ma.fields.Email(allow_none=True)
    department_id = ma.fields.UUID(allow_none=True)
    password = ma.fields.String(validate=ma.validate.Length(1, 1024), load_only=True)
    is_active = ma.fields.Boolean()

    @ma.validates_schema
    def not_empty(self, data: dict[str, object], **kwargs: object) -> None:
        if not data:
            raise ma.ValidationError("Give at least one field to change.")


class EmployeeQueryArgsSchema(PaginationArgsSchema):
    department_id = ma.fields.UUID()
    role = ma.fields.String(validate=ma.validate.OneOf(HDMS_ROLES))
    role_department_id = ma.fields.UUID()
    is_active = ma.fields.Boolean()
    q = ma.fields.String(validate=ma.validate.Length(1, 100))


EmployeePageSchema = page_schema(EmployeeSchema)
