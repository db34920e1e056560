"""Who may see a file, and reading one for details, status and download."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from file_service.models import Attachment, FileStatus
from file_service.services.links import ticket_ids_of
from file_service.storage import VARIANT_NAMES, Storage
from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession
from hdms_common.errors import Conflict, Gone, NotFound

#: Answers whether the caller can see a ticket (ticket-service decides, with their token).
TicketVisibility = Callable[[uuid.UUID], bool]


def get_visible_attachment(
    *, session: DbSession, actor: CurrentUser, file_key: str, ticket_visible: TicketVisibility
) -> Attachment:
    """The attachment if ``actor`` may see it: its uploader, an admin, or someone who can
    see its ticket or one it was attached to. Anything else is a 404, exactly like an unknown
    key (no existence leak).

    The returned object is detached from the session: when ticket-service must be asked, the
    read transaction is ended first so that no connection is held during the HTTP call.
    """
    attachment: Attachment | None = session.scalar(
        sa.select(Attachment).filter_by(file_key=file_key)
    )
    if attachment is None:
        raise NotFound("No such file.")
    if attachment.uploader_id == actor.id or actor.is_admin:
        return attachment
    ticket_ids = ticket_ids_of(session=session, attachment=attachment)
    if not ticket_ids:
        raise NotFound("No such file.")
    session.expunge(attachment)
    session.rollback()
    if not any(ticket_visible(ticket_id) for ticket_id in ticket_ids):
        raise NotFound("No such file.")
    return attachment


@dataclass(frozen=True)
class Download:
    """What to send for a download: which stored variant, as which type and name."""

    variant: str
    content_type: str
    filename: str
    etag: str
    size: int


def prepare_download(*, attachment: Attachment, variant: str, storage: Storage) -> Download:
    """Refuse what must not be served (409 not ready, 410 infected, 404 no such variant)."""
    if attachment.status == FileStatus.INFECTED:
        raise Gone("The file was found infected and will never be served.")
    if attachment.status == FileStatus.FAILED:
        raise Conflict(
            "The file could not be processed and is not served.",
            file_status=attachment.status,
        )
    if attachment.status != FileStatus.READY:
        raise Conflict(
            "The file is still being scanned or processed; try again shortly.",
            headers={"Retry-After": "5"},
            file_status=attachment.status,
        )
    if variant not in VARIANT_NAMES:
        raise NotFound("No such variant.")
    if variant == "original":
        content_type, size = attachment.content_type, attachment.size
    else:
        details = attachment.variants.get(variant)
        if not details:
            raise NotFound(f"This file has no {variant} variant.")
        content_type, size = str(details["content_type"]), int(details["size"])
    if not storage.exists(attachment.file_key, variant):
        raise NotFound("The file's bytes are missing.")
    filename = attachment.original_name
    if variant != "original":
        stem = filename.rsplit(".", 1)[0] if "." in filename else filename
        suffix = {"webp": ".webp", "thumbnail": ".thumbnail.webp", "mp4": ".mp4"}[variant]
        filename = stem + suffix
    etag = attachment.sha256 if variant == "original" else f"{attachment.sha256}-{variant}"
    return Download(variant, content_type, filename, etag, size)
