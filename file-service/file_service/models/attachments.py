from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from file_service.extensions import db
from hdms_common.db import Timestamps, UUIDPrimaryKey, utcnow


class FileStatus(enum.StrEnum):
    """pending -> scanning -> processing -> ready; or infected; or failed (with a reason)."""

    PENDING = "pending"
    SCANNING = "scanning"
    PROCESSING = "processing"
    READY = "ready"
    INFECTED = "infected"
    FAILED = "failed"


class Purpose(enum.StrEnum):
    TICKET = "ticket"
    CHAT = "chat"


#: Statuses a file can still move out of; the sweep looks for the in-flight ones.
IN_FLIGHT = (FileStatus.SCANNING, FileStatus.PROCESSING)
FINAL = (FileStatus.READY, FileStatus.INFECTED, FileStatus.FAILED)

_STATUSES = ", ".join(f"'{s.value}'" for s in FileStatus)
_PURPOSES = ", ".join(f"'{p.value}'" for p in Purpose)


class Attachment(UUIDPrimaryKey, Timestamps, db.Model):  # type: ignore[name-defined,misc]
    """One uploaded file: its bytes live in storage under ``file_key``, never in the table."""

    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        sa.CheckConstraint(f"purpose IN ({_PURPOSES})", name="purpose_known"),
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        sa.CheckConstraint(
            "(status = 'failed') = (failure_reason IS NOT NULL)", name="failed_has_reason"
        ),
        sa.CheckConstraint(
            "status NOT IN ('infected', 'processing', 'ready') OR scanned_at IS NOT NULL",
            name="scanned_before_use",
        ),
        sa.CheckConstraint(
            "status <> 'infected' OR scan_result IS NOT NULL", name="infected_has_signature"
        ),
        sa.CheckConstraint(
            "(status = 'ready') = (processed_at IS NOT NULL)", name="ready_has_processed_at"
        ),
        sa.CheckConstraint(
            "status = 'ready' OR conversion_error IS NULL", name="conversion_error_when_ready"
        ),
        sa.Index("ix_attachments_status_changed", "status", "status_changed_at"),
    )

    file_key: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    uploader_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False, index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid(), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    original_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    declared_content_type: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(127), nullable=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default=FileStatus.PENDING)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Why a ready file has no variants: the conversion failed, the clean original is served.
    conversion_error: Mapped[str | None] = mapped_column(sa.Text)
    scan_result: Mapped[str | None] = mapped_column(sa.String(255))
    scan_engine: Mapped[str | None] = mapped_column(sa.String(255))
    scanned_at: Mapped[datetime | None] = mapped_column()
    processed_at: Mapped[datetime | None] = mapped_column()
    #: Processing runs started (the sweep retries a stale file until this reaches the limit).
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: name -> {size, content_type}; bytes are in storage under the same name.
    variants: Mapped[dict[str, Any]] = mapped_column(nullable=False, default=dict)


class AttachmentTicketLink(db.Model):  # type: ignore[name-defined,misc]
    """A ticket a file was attached to (learnt from ticket-service's events).

    Its participants may see the file. One file can be attached to several tickets.
    """

    __tablename__ = "attachment_ticket_links"
    __table_args__ = (sa.UniqueConstraint("attachment_id", "ticket_id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True, default=uuid.uuid4)
    attachment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("attachments.id", ondelete="CASCADE"), nullable=False
    )
    ticket_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
