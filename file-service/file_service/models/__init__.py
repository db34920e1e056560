from file_service.models.attachments import (
    FINAL,
    IN_FLIGHT,
    Attachment,
    AttachmentTicketLink,
    FileStatus,
    Purpose,
)
from file_service.models.idempotency import IdempotencyKey

__all__ = [
    "FINAL",
    "IN_FLIGHT",
    "Attachment",
    "AttachmentTicketLink",
    "FileStatus",
    "IdempotencyKey",
    "Purpose",
]
