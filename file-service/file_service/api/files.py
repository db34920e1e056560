"""/api/files: upload, details, status and download of attachments."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, request, send_file
from flask.views import MethodView
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header

from file_service.extensions import db
from file_service.multipart import receive_upload
from file_service.schemas.files import DownloadArgsSchema, FileSchema, FileStatusSchema
from file_service.services.attachments import (
    Download,
    get_visible_attachment,
    prepare_download,
)
from file_service.services.uploads import accept_upload
from file_service.storage import Storage
from file_service.tasks import enqueue_processing
from hdms_common.api import Blueprint, ProblemSchema
from hdms_common.app import settings_of
from hdms_common.auth import auth_required, current_user
from hdms_common.clients import TicketClient
from hdms_common.errors import NotFound, PayloadTooLarge
from hdms_common.idempotency import idempotency_key

blp = Blueprint("files", __name__, url_prefix="/api/files", description="Files and attachments")

_FILE_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# The multipart envelope around the file: boundaries, part headers, the small text fields.
_MULTIPART_OVERHEAD = 64 * 1024
_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "purpose": {"type": "string", "enum": ["ticket", "chat"], "default": "ticket"},
                    "ticket_id": {"type": "string", "format": "uuid"},
                },
            }
        }
    },
}


def _storage() -> Storage:
    storage: Storage = current_app.extensions["hdms_file_storage"]
    return storage


def _ticket_visible(ticket_id: uuid.UUID) -> bool:
    """Ask ticket-service, with the caller's own token, whether they can see the ticket."""
    client: TicketClient | None = current_app.extensions.get("hdms_ticket_client")
    if client is None:
        client = TicketClient(settings_of(current_app).ticket_service_url)
        current_app.extensions["hdms_ticket_client"] = client
    return bool(client.get_ticket_response(ticket_id).status_code == 200)


def _visible(file_key: str) -> Any:
    if not _FILE_KEY.match(file_key):
        raise NotFound("No such file.")
    return get_visible_attachment(
        session=db.session,
        actor=current_user(),
        file_key=file_key,
        ticket_visible=_ticket_visible,
    )


@blp.route("/upload/")
class Upload(MethodView):
    @auth_required()
    @blp.doc(requestBody=_UPLOAD_BODY)
    @blp.response(201, FileSchema)
    @blp.alt_response(
        404, schema=ProblemSchema, description="ticket_id names a ticket the uploader cannot see"
    )
    @blp.alt_response(413, schema=ProblemSchema, description="Larger than FILE_MAX_BYTES")
    @blp.alt_response(
        415, schema=ProblemSchema, description="A type that is not allowed, or a name that lies"
    )
    @blp.alt_response(
        422, schema=ProblemSchema, description="Empty, unsafe (bombs) or invalid fields"
    )
    @blp.alt_response(
        503,
        schema=ProblemSchema,
        description="ticket-service cannot say whether ticket_id is visible",
    )
    def post(self) -> Any:
        """Upload a file (multipart: file, purpose, ticket_id), streamed to storage."""
        max_bytes = settings_of(current_app).file_max_bytes
        key = idempotency_key()
        length = request.content_length
        if length is not None and length > max_bytes + _MULTIPART_OVERHEAD:
            raise PayloadTooLarge(
                f"The file is larger than the limit of {max_bytes} bytes.",
                errors={"file": [f"At most {max_bytes} bytes."]},
            )
        storage = _storage()
        received = receive_upload(
            request.stream, dict(request.headers), storage=storage, max_bytes=max_bytes
        )
        attachment, replayed = accept_upload(
            session=db.session,
            storage=storage,
            limits=current_app.extensions["hdms_file_limits"],
            actor_id=current_user().id,
            received=received,
            ticket_visible=_ticket_visible,
            idempotency_key=key,
        )
        if replayed:
            return attachment, 201, {"Idempotent-Replayed": "true"}
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            storage.delete(attachment.file_key)
            raise
        enqueue_processing(current_app._get_current_object(), attachment.id)  # type: ignore[attr-defined]
        return attachment, 201


@blp.route("/<string:file_key>/")
class FileByKey(MethodView):
    @auth_required()
    @blp.response(200, FileSchema)
    def get(self, file_key: str) -> Any:
        """Details of a file: name, size, sha256, type, status, scan, variants."""
        return _visible(file_key)


@blp.route("/<string:file_key>/status/")
class FileStatusByKey(MethodView):
    @auth_required()
    @blp.response(200, FileStatusSchema)
    def get(self, file_key: str) -> Any:
        """Where the file is: pending, scanning, processing, ready, infected or failed."""
        return _visible(file_key)


@blp.route("/<string:file_key>/download/")
class FileDownload(MethodView):
    @auth_required()
    @blp.arguments(DownloadArgsSchema, location="query")
    @blp.response(200, description="The bytes (206 for a Range, 304 when the ETag matches)")
    @blp.alt_response(
        409, schema=ProblemSchema, description="Not scanned and processed yet, or failed"
    )
    @blp.alt_response(410, schema=ProblemSchema, description="Infected: never served")
    def get(self, args: dict[str, Any], file_key: str) -> Any:
        """Download a clean file or one of its variants (original, webp, mp4, thumbnail)."""
        storage = _storage()
        download = prepare_download(
            attachment=_visible(file_key), variant=args["variant"], storage=storage
        )
        return _send(storage, file_key, download)


def content_disposition(filename: str, *, inline: bool) -> str:
    """RFC 6266: an ASCII fallback in filename, the exact name in filename* (RFC 8187)."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._ ()\[\]+-]", "_", fallback).strip() or "download"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _check_range(size: int, *, served_by_nginx: bool) -> None:
    """Answer a bad Range here, the same in both modes, as problem+json with
    ``Content-Range: bytes */size``: a bytes range that cannot be parsed or lies beyond the
    end is a 416. Another unit is ignored (RFC 9110 14.1.1), and so are several ranges when
    Flask sends the file itself (nginx answers them as multipart/byteranges)."""
    header = request.headers.get("Range")
    if header is None:
        return
    if not header.strip().lower().startswith("bytes="):
        request.environ.pop("HTTP_RANGE", None)
        return
    parsed = parse_range_header(header)
    if parsed is not None and len(parsed.ranges) > 1:
        if not served_by_nginx:
            request.environ.pop("HTTP_RANGE", None)
        return
    if parsed is None or parsed.range_for_length(size) is None:
        raise RequestedRangeNotSatisfiable(length=size)


def _send(storage: Storage, file_key: str, download: Download) -> Response:
    """The download answer, the same whoever sends the bytes (file-service or nginx).

    If-None-Match is answered here in both modes, before Range (RFC 9110 13.2.2): nginx only
    knows its own ETag, and across X-Accel-Redirect it would send the whole file again.
    """
    prefix = current_app.extensions["hdms_file_limits"].accel_redirect_prefix
    if request.if_none_match.contains_weak(download.etag):
        response = Response(status=304)
        response.set_etag(download.etag)
    else:
        _check_range(download.size, served_by_nginx=bool(prefix))
        if prefix:
            # nginx serves the bytes itself (Range, sendfile) from its internal location,
            # and repeats the headers below (nginx/hdms.conf.template).
            response = Response(status=200, mimetype=download.content_type)
            response.headers["X-Accel-Redirect"] = (
                prefix.rstrip("/") + "/" + storage.relative_path(file_key, download.variant)
            )
            response.set_etag(download.etag)
        else:
            response = send_file(
                storage.path(file_key, download.variant),
                mimetype=download.content_type,
                conditional=True,
                etag=download.etag,
                max_age=0,
            )
    response.headers["Content-Disposition"] = content_disposition(
        download.filename, inline=download.variant != "original"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
