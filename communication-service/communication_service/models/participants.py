from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from communication_service.extensions import db
from hdms_common.db import UUIDPrimaryKey, utcnow

#: Why a user is on a ticket: one row per (ticket, user, role).
PARTICIPANT_ROLES = ("requestor", "assignee", "moderator", "sub_assignee", "approver")


class TicketParticipant(UUIDPrimaryKey, db.Model):  # type: ignore[name-defined,misc]
    """A user who may read and write a ticket's chat, and why."""

    __tablename__ = "ticket_participants"
    __table_args__ = (
        sa.UniqueConstraint("ticket_id", "user_id", "role"),
        sa.CheckConstraint(
            "role IN (" + ", ".join(f"'{r}'" for r in PARTICIPANT_ROLES) + ")", name="role_known"
        ),
        sa.Index("ix_ticket_participants_user_id", "user_id"),
    )

    ticket_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class ChatSubTicket(db.Model):  # type: ignore[name-defined,misc]
    """Who holds each sub-ticket of a ticket, so that a replaced sub-ticket assignee leaves the
    parent's chat (unless they hold another of its sub-tickets)."""

    __tablename__ = "chat_sub_tickets"
    __table_args__ = (sa.Index("ix_chat_sub_tickets_ticket_id", "ticket_id"),)

    sub_ticket_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    last_event_at: Mapped[datetime] = mapped_column(nullable=False)
