from __future__ import annotations

import uuid
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


class SlaAlert(db.Model):  # type: ignore[name-defined,misc]
    """An SLA alert already sent for one clock of a ticket: the primary key makes it once only.

    ``clock`` is the SLA kind and its due time: a due time moved by an override or a pause is
    a new clock, which may be at risk or breached again.
    """

    __tablename__ = "communication_sla_alerts"

    ticket_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True)
    alert: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    clock: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
