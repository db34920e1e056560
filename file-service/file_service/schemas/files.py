from __future__ import annotations

import marshmallow as ma

from file_service.models import FileStatus
from file_service.storage import VARIANT_NAMES
from hdms_common.api import Schema


class VariantSchema(Schema):  # type: ignore[misc,unused-ignore]
    size = ma.fields.Integer()
    content_type = ma.fields.String()


class FileSchema(Schema):  # type: ignore[misc,unused-ignore]
    file_key = ma.fields.String()
    #: The sanitised original file name (the contract's word); ``original_name`` is the same
    #: value under its earlier name, kept for the clients that read it.
    name = ma.fields.String(attribute="original_name", dump_only=True)
    original_name = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    content_type = ma.fields.String()
    declared_content_type = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": [s.value for s in FileStatus]})
    failure_reason = ma.fields.String(allow_none=True)
    conversion_error = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Set on a ready file whose previews could not be made: only the "
            "original is served."
        },
    )
    purpose = ma.fields.String()
    ticket_id = ma.fields.UUID(allow_none=True)
    uploader_id = ma.fields.UUID()
    scan_result = ma.fields.String(allow_none=True)
    scan_engine = ma.fields.String(allow_none=True)
    scanned_at = ma.fields.DateTime(allow_none=True)
    processed_at = ma.fields.DateTime(allow_none=True)
    variants = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(VariantSchema))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class FileStatusSchema(Schema):  # type: ignore[misc,unused-ignore]
    file_key = ma.fields.String()
    status = ma.fields.String(metadata={"enum": [s.value for s in FileStatus]})
    failure_reason = ma.fields.String(allow_none=True)


class UploadFormSchema(Schema):  # type: ignore[misc,unused-ignore]
    """Documents the multipart body (parsed as a stream, not by this schema)."""

    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    purpose = ma.fields.String(
        load_default="ticket", validate=ma.validate.OneOf(["ticket", "chat"])
    )
    ticket_id = ma.fields.UUID(allow_none=True)


class DownloadArgsSchema(Schema):  # type: ignore[misc,unused-ignore]
    variant = ma.fields.String(
        load_default="original", validate=ma.validate.OneOf(list(VARIANT_NAMES))
    )
