from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from hdms_common.db import Timestamps, UUIDPrimaryKey
from ticket_service.extensions import db
from ticket_service.statuses import ACTIVE, Status

STATUSES = tuple(status.value for status in Status)
PRIORITIES = ("low", "medium", "high", "critical")
SLA_STATUSES = ("on_track", "at_risk", "breached", "paused")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


#: The expression the full-text index is built on; queries must use exactly the same one.
SEARCH_DOCUMENT = "to_tsvector('english'::regconfig, (title::text || ' '::text) || description)"


#: Running tickets: the ones whose SLA clocks the sweep watches (statuses.ACTIVE).
_RUNNING = "deleted_at IS NULL AND " + _in("status", tuple(status.value for status in ACTIVE))


def _partial_index(name: str, columns: tuple[str, ...], where: str) -> sa.Index:
    condition = sa.text(f"{_RUNNING} AND {where}")
    return sa.Index(name, *columns, postgresql_where=condition, sqlite_where=condition)


_FIRST_RESPONSE_RUNS = "acknowledged_at IS NULL"
_RESOLUTION_RUNS = "acknowledged_at IS NOT NULL"
_UNBREACHED = "first_response_breached_at IS NULL AND resolution_breached_at IS NULL"

#: What the SLA sweep reads (services/sweep.py), so that a pass reads only the tickets it
#: changes, never every open ticket nor every ticket at risk: per clock, the unbreached running
#: clocks on track and at risk by (priority, due time), whose ranges hold exactly the tickets
#: that come at risk or go back on track; the clocks at risk not marked yet; and the clocks
#: not marked breached by due time. Each is small next to the table or read by a narrow range.
SLA_SWEEP_INDEXES = (
    *(
        _partial_index(
            f"ix_tickets_sla_{clock}_{status}",
            ("priority", f"{clock}_due_at"),
            f"{runs} AND {_UNBREACHED} AND sla_status = '{status}'",
        )
        for clock, runs in (
            ("first_response", _FIRST_RESPONSE_RUNS),
            ("resolution", _RESOLUTION_RUNS),
        )
        for status in ("on_track", "at_risk")
    ),
    _partial_index(
        "ix_tickets_sla_at_risk_unmarked",
        ("id",),
        "sla_status = 'at_risk' AND ("
        f"({_FIRST_RESPONSE_RUNS} AND first_response_at_risk_at IS NULL)"
        f" OR ({_RESOLUTION_RUNS} AND resolution_at_risk_at IS NULL))",
    ),
    _partial_index(
        "ix_tickets_sla_first_response_unbreached",
        ("first_response_due_at",),
        f"{_FIRST_RESPONSE_RUNS} AND first_response_breached_at IS NULL",
    ),
    _partial_index(
        "ix_tickets_sla_resolution_unbreached",
        ("resolution_due_at",),
        "resolution_breached_at IS NULL",
    ),
)


class Ticket(UUIDPrimaryKey, Timestamps, db.Model):  # type: ignore[name-defined,misc]
    """A request to a department, moved through its life cycle only by ticket_service.fsm."""

    __tablename__ = "tickets"

    number: Mapped[str] = mapped_column(sa.String(16), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    department_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    requestor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    priority: Mapped[str] = mapped_column(sa.String(16), nullable=False, index=True)
    category: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    progress: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    postponed_from: Mapped[str | None] = mapped_column(sa.String(32))
    resume_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    first_response_due_at: Mapped[datetime]
    resolution_due_at: Mapped[datetime] = mapped_column(index=True)
    #: When the clocks stopped (postponed, resolved); None while they run.
    sla_paused_at: Mapped[datetime | None]
    #: Business seconds the clocks stood still in pauses that ended: a due time is the target
    #: counted from created_at plus this, so a recomputation keeps the pauses' credit.
    sla_paused_seconds: Mapped[float] = mapped_column(
        sa.Float, nullable=False, default=0.0, server_default="0"
    )
    #: When the resolution due time was set by hand: a pause that began before stays out of it.
    resolution_due_overridden_at: Mapped[datetime | None]
    first_response_breached_at: Mapped[datetime | None]
    resolution_breached_at: Mapped[datetime | None]
    #: When the sweep first found each clock at risk (its ticket.sla_at_risk event went out).
    first_response_at_risk_at: Mapped[datetime | None]
    resolution_at_risk_at: Mapped[datetime | None]
    sla_status: Mapped[str] = mapped_column(
        sa.String(16), nullable=False, default="on_track", index=True
    )
    attachments: Mapped[list[Any]] = mapped_column(nullable=False, default=list)
    deleted_at: Mapped[datetime | None]
    #: Hash of the newest history row, so that rows cut off the end of the chain show too.
    audit_head: Mapped[str | None] = mapped_column(sa.String(64))
    #: What ``q`` searches, computed by PostgreSQL from title and description (SEARCH_DOCUMENT)
    #: and stored, so that testing a row is a lookup rather than a parse; never loaded. A plain,
    #: empty text column on SQLite, where ``q`` is a substring match.
    search_vector: Mapped[Any] = mapped_column(
        TSVECTOR().with_variant(sa.Text(), "sqlite"),
        sa.Computed(SEARCH_DOCUMENT, persisted=True),
        deferred=True,
    )

    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint(_in("priority", PRIORITIES), name="priority_known"),
        sa.CheckConstraint(_in("sla_status", SLA_STATUSES), name="sla_status_known"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL)", name="closed_at_iff_closed"
        ),
        sa.CheckConstraint(
            "(status IN ('resolved', 'closed')) = (resolved_at IS NOT NULL)",
            name="resolved_at_iff_resolved",
        ),
        sa.CheckConstraint(
            "(status = 'postponed') = (postponed_from IS NOT NULL AND resume_at IS NOT NULL)",
            name="postponed_has_resume",
        ),
        sa.CheckConstraint(
            "status NOT IN ('assigned', 'in_progress', 'waiting_approval', 'resolved')"
            " OR assignee_id IS NOT NULL",
            name="worked_has_assignee",
        ),
        sa.CheckConstraint(
            "status NOT IN ('in_progress', 'waiting_approval', 'resolved')"
            " OR acknowledged_at IS NOT NULL",
            name="worked_was_acknowledged",
        ),
        # Keyset order of the list and of every filtered list; and the same order within each
        # scope a list is read by (a department, a requestor, an assignee, a status).
        sa.Index("ix_tickets_created_at_id", "created_at", "id"),
        sa.Index("ix_tickets_department_id_created_at", "department_id", "created_at", "id"),
        sa.Index("ix_tickets_requestor_id_created_at", "requestor_id", "created_at", "id"),
        sa.Index("ix_tickets_assignee_id_created_at", "assignee_id", "created_at", "id"),
        sa.Index("ix_tickets_status_created_at", "status", "created_at", "id"),
        sa.Index("ix_tickets_search_vector", "search_vector", postgresql_using="gin"),
        *SLA_SWEEP_INDEXES,
    )
