from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from communication_service.extensions import db
from hdms_common.db import UUIDPrimaryKey, utcnow

MAX_BODY_LENGTH = 4000
MAX_ATTACHMENTS = 10


class ChatMessage(UUIDPrimaryKey, db.Model):  # type: ignore[name-defined,misc]
    """One chat message of a ticket; ``seq`` numbers a ticket's messages 1, 2, 3 ... with no gap."""

    __tablename__ = "chat_messages"
    __table_args__ = (
        sa.UniqueConstraint("ticket_id", "seq"),
        sa.UniqueConstraint("sender_id", "client_msg_id"),
        sa.CheckConstraint("seq > 0", name="seq_positive"),
        sa.CheckConstraint(f"length(body) <= {MAX_BODY_LENGTH}", name="body_length"),
        sa.CheckConstraint(
            "deleted_at IS NOT NULL OR length(trim(body)) > 0", name="body_not_blank"
        ),
    )

    ticket_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    seq: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sender_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    sender_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    attachments: Mapped[list[Any]] = mapped_column(default=list, nullable=False)
    client_msg_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()
