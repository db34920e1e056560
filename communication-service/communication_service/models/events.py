from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from communication_service.extensions import db
from hdms_common.db import utcnow


class ProcessedEvent(db.Model):  # type: ignore[name-defined,misc]
    """Ticket events already applied: written in the same transaction as their effects."""

    __tablename__ = "communication_processed_events"

    event_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
