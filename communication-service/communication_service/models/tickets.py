from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from communication_service.extensions import db
from hdms_common.db import Timestamps


class ChatTicket(Timestamps, db.Model):  # type: ignore[name-defined,misc]
    """What this service knows of a ticket, and the counter that numbers its chat messages.

    Filled from ticket events (or, before the first event arrived, from ticket-service).
    ``last_seq`` is taken with ``UPDATE ... RETURNING`` so that concurrent senders get
    consecutive numbers; ``last_event_at`` orders snapshot updates from events that arrive
    out of order. ``deleted_at`` is set once ticket-service reports the ticket deleted: its chat
    is then closed to everyone.
    """

    __tablename__ = "chat_tickets"
    __table_args__ = (sa.CheckConstraint("last_seq >= 0", name="last_seq_not_negative"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True)
    ticket_number: Mapped[str | None] = mapped_column(sa.String(64))
    title: Mapped[str | None] = mapped_column(sa.String(300))
    department_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    requestor_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    status: Mapped[str | None] = mapped_column(sa.String(32))
    last_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)
    last_event_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()
