from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hdms_common.db import Timestamps, UUIDPrimaryKey
from ticket_service.extensions import db
from ticket_service.statuses import SubTicketStatus


class SubTicket(UUIDPrimaryKey, Timestamps, db.Model):  # type: ignore[name-defined,misc]
    """A piece of a ticket's work for one department and assignee."""

    __tablename__ = "sub_tickets"

    parent_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    department_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid(), index=True)
    status: Mapped[str] = mapped_column(
        sa.String(16), nullable=False, default=SubTicketStatus.OPEN.value
    )
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    created_by: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('open', 'assigned', 'in_progress', 'done', 'cancelled')",
            name="status_known",
        ),
        sa.CheckConstraint(
            "status NOT IN ('assigned', 'in_progress', 'done') OR assignee_id IS NOT NULL",
            name="worked_has_assignee",
        ),
    )
