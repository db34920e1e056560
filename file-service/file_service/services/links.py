"""Which tickets a file is attached to: its participants may see it."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from file_service.models import Attachment, AttachmentTicketLink
from hdms_common.db import DbSession

#: The most tickets checked with ticket-service when deciding whether someone sees a file.
MAX_TICKETS_CHECKED = 10


def link_attachment(*, session: DbSession, file_key: str, ticket_id: uuid.UUID) -> bool:
    """Record that the file was attached to the ticket; idempotent. False for unknown files.

    The first ticket also becomes the file's ``ticket_id`` when it was uploaded without one.
    """
    attachment: Attachment | None = session.scalar(
        sa.select(Attachment).filter_by(file_key=file_key).with_for_update()
    )
    if attachment is None:
        return False
    exists = session.scalar(
        sa.select(AttachmentTicketLink.id).filter_by(
            attachment_id=attachment.id, ticket_id=ticket_id
        )
    )
    if exists is None:
        session.add(AttachmentTicketLink(attachment_id=attachment.id, ticket_id=ticket_id))
    if attachment.ticket_id is None:
        attachment.ticket_id = ticket_id
    session.flush()
    return True


def ticket_ids_of(*, session: DbSession, attachment: Attachment) -> list[uuid.UUID]:
    """The tickets whose participants may see ``attachment``: its own, then linked ones."""
    linked = session.scalars(
        sa.select(AttachmentTicketLink.ticket_id)
        .filter_by(attachment_id=attachment.id)
        .order_by(AttachmentTicketLink.created_at)
        .limit(MAX_TICKETS_CHECKED)
    ).all()
    ordered = [attachment.ticket_id] if attachment.ticket_id else []
    ordered += [t for t in linked if t not in ordered]
    return ordered[:MAX_TICKETS_CHECKED]
