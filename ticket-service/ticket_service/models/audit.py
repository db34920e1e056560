from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hdms_common.db import UTCDateTime, UUIDPrimaryKey, utcnow
from ticket_service.extensions import db


class AuditLog(UUIDPrimaryKey, db.Model):  # type: ignore[name-defined,misc]
    """One append-only history row of a ticket, chained to the previous one by its hash.

    A database trigger refuses UPDATE and DELETE on PostgreSQL (see the migration).
    """

    __tablename__ = "audit_logs"

    ticket_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="RESTRICT"), nullable=False
    )
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    actor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(nullable=False, default=dict)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("ticket_id", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
    )
