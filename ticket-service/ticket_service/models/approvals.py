from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdms_common.db import Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow
from ticket_service.extensions import db


class Approval(UUIDPrimaryKey, Timestamps, db.Model):  # type: ignore[name-defined,misc]
    """An approval round: named approvers, all or any of whom must approve."""

    __tablename__ = "approvals"

    ticket_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    mode: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    approver_ids: Mapped[list[Any]] = mapped_column(nullable=False)
    #: Approvers who lost HDMS access while the round was open: they no longer decide it.
    dropped_approver_ids: Mapped[list[Any]] = mapped_column(
        nullable=False, default=list, server_default=sa.text("'[]'")
    )
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="pending")
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    requested_by: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    decided_at: Mapped[datetime | None]

    decisions: Mapped[list[ApprovalDecision]] = relationship(
        back_populates="approval", order_by="ApprovalDecision.created_at", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint("mode IN ('all', 'any')", name="mode_known"),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'declined', 'cancelled')", name="status_known"
        ),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="decided_at_iff_decided"
        ),
        # One open round per ticket at a time.
        sa.Index(
            "uq_approvals_one_pending_per_ticket",
            "ticket_id",
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
        # The rounds naming someone (every list and read of a non-admin asks), by containment
        # on PostgreSQL (services.visibility.json_list_contains).
        sa.Index(
            "ix_approvals_approver_ids",
            "approver_ids",
            postgresql_using="gin",
            postgresql_ops={"approver_ids": "jsonb_path_ops"},
        ).ddl_if(dialect="postgresql"),
    )


class ApprovalDecision(UUIDPrimaryKey, db.Model):  # type: ignore[name-defined,misc]
    """One approver's decision in a round; each approver decides once."""

    __tablename__ = "approval_decisions"

    approval_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("approvals.id", ondelete="RESTRICT"), nullable=False
    )
    approver_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    decision: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    comment: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    approval: Mapped[Approval] = relationship(back_populates="decisions")

    __table_args__ = (
        sa.UniqueConstraint("approval_id", "approver_id"),
        sa.CheckConstraint("decision IN ('approve', 'decline')", name="decision_known"),
    )
