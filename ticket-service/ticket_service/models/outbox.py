from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hdms_common.db import UTCDateTime, UUIDPrimaryKey, utcnow
from ticket_service.extensions import db


class OutboxEvent(UUIDPrimaryKey, db.Model):  # type: ignore[name-defined,misc]
    """A domain event written with the change that caused it; the relay publishes it."""

    __tablename__ = "ticket_outbox"

    event_type: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(nullable=False)
    request_id: Mapped[str | None] = mapped_column(sa.String(128))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        sa.Index(
            "ix_ticket_outbox_unsent",
            "occurred_at",
            "id",
            postgresql_where=sa.text("sent_at IS NULL"),
            sqlite_where=sa.text("sent_at IS NULL"),
        ),
    )
