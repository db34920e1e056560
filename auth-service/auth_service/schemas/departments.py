from __future__ import annotations

import marshmallow as ma

from hdms_common.api import Schema, SingleLineText, no_control_characters, not_blank
from hdms_common.pagination import PaginationArgsSchema, page_schema


class DepartmentSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String()
    code = ma.fields.String()
    description = ma.fields.String()
    is_active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class DepartmentCreateSchema(Schema):
    name = SingleLineText(
        required=True, validate=[ma.validate.Length(1, 120), not_blank, no_control_characters]
    )
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(
            r"^[A-Z0-9_-]{1,20}$", error="Upper-case letters, digits, _ - (1-20)."
        ),
    )
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class DepartmentUpdateSchema(Schema):
    name = SingleLineText(validate=[ma.validate.Length(1, 120), not_blank, no_control_characters])
    description = ma.fields.String(validate=ma.validate.Length(max=2000))
    is_active = ma.fields.Boolean()

    @ma.validates_schema
    def not_empty(self, data: dict[str, object], **kwargs: object) -> None:
        if not data:
            raise ma.ValidationError("Give at least one field to change.")


class DepartmentQueryArgsSchema(PaginationArgsSchema):
    include_inactive = ma.fields.Boolean(load_default=False)


DepartmentPageSchema = page_schema(DepartmentSchema)
