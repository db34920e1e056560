from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from communication_service.extensions import db
from hdms_common.db import UUIDPrimaryKey, utcnow

NOTIFICATION_TYPES = (
    "ticket_assigned",
    "sub_ticket_assigned",
    "ticket_rejected",
    "ticket_resolved",
    "approval_requested",
    "sla_breached",
    "chat_message",
    "ticket_created",
    "ticket_in_progress",
    "ticket_postponed",
    "ticket_resumed",
    "ticket_closed",
    "ticket_reopened",
    "approval_approved",
    "approval_declined",
    "sla_at_risk",
)

#: The rows of the one unread chat notification a user has per ticket (a partial unique index).
UNREAD_CHAT = sa.text("type = 'chat_message' AND read_at IS NULL")


class Notification(UUIDPrimaryKey, db.Model):  # type: ignore[name-defined,misc]
    """Something a user should know about; unread until ``read_at`` is set."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.CheckConstraint(
            "type IN (" + ", ".join(f"'{t}'" for t in NOTIFICATION_TYPES) + ")", name="type_known"
        ),
        sa.Index("ix_notifications_user_id_created_at", "user_id", "created_at", "id"),
        sa.Index(
            "uq_notifications_unread_chat",
            "user_id",
            "ticket_id",
            unique=True,
            postgresql_where=UNREAD_CHAT,
            sqlite_where=UNREAD_CHAT,
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    type: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    link: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    event_id: Mapped[str | None] = mapped_column(sa.String(64))
    read_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
