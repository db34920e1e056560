"""The periodic sweep: resume postponed tickets, auto-close resolved ones, mark SLA breaches
and the clocks that came at risk.

It runs every minute (Celery beat, the embedded loop, or `flask sla-sweep`). Each ticket is
handled in its own transaction and committed, so one failure costs one ticket, not the batch,
and a sweep that runs twice marks nothing twice (every step re-reads the row under a lock).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hdms_common.db import DbSession
from hdms_common.errors import DomainError
from hdms_common.event_types import EventType
from ticket_service import fsm
from ticket_service.config import TicketPolicy
from ticket_service.models import Ticket
from ticket_service.models.tickets import PRIORITIES
from ticket_service.services import sla
from ticket_service.services.audit import append_audit
from ticket_service.services.events import record_event
from ticket_service.services.transitions import apply_transition
from ticket_service.services.visibility import SYSTEM_ACTOR
from ticket_service.statuses import ACTIVE, Status

log = logging.getLogger(__name__)


def _ids(session: DbSession, statement: sa.Select[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(session.scalars(statement))
    session.rollback()  # end the read before the per-ticket transactions
    return ids


def _automatic(
    session: DbSession,
    ticket_id: uuid.UUID,
    action: fsm.Action,
    reason: str,
    policy: TicketPolicy,
    now: datetime,
) -> bool:
    try:
        apply_transition(
            session=session,
            ticket_id=ticket_id,
            action=action,
            actor=SYSTEM_ACTOR,
            payload={"reason": reason},
            policy=policy,
            now=now,
        )
        session.commit()
        return True
    except DomainError as exc:
        # Someone changed the ticket meanwhile: the next sweep looks again.
        session.rollback()
        log.info("sweep: %s of %s skipped: %s", action, ticket_id, exc.detail)
        return False


def mark_breaches(
    *, session: DbSession, ticket_id: uuid.UUID, policy: TicketPolicy, now: datetime
) -> list[str]:
    """Mark the clocks of one ticket that ran out, once each; returns the kinds marked."""
    ticket = session.scalar(
        sa.select(Ticket)
        .where(Ticket.id == ticket_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if ticket is None:
        return []
    kinds = sla.breach_kinds(ticket, now=now)
    for kind, due_at in kinds:
        column = f"{kind}_breached_at"
        changes: dict[str, list[Any]] = {column: [None, now]}
        if ticket.sla_status != "breached":
            changes["sla_status"] = [ticket.sla_status, "breached"]
        setattr(ticket, column, now)
        ticket.sla_status = "breached"
        session.flush()
        append_audit(
            session=session,
            ticket_id=ticket.id,
            actor_id=SYSTEM_ACTOR.id,
            action="sla_breached",
            from_state=ticket.status,
            to_state=ticket.status,
            changes=changes,
            reason=f"{kind} due at {due_at.isoformat()}",
            now=now,
        )
        record_event(
            session=session,
            event_type=EventType.TICKET_SLA_BREACHED,
            ticket=ticket,
            actor_id=SYSTEM_ACTOR.id,
            now=now,
            sla_kind=kind,
            due_at=due_at,
        )
    return [kind for kind, _ in kinds]


def sweep_tickets(
    *, session: DbSession, policy: TicketPolicy, now: datetime | None = None, batch: int = 500
) -> sla.SweepReport:
    """One pass of the sweep; commits per ticket."""
    now = now or policy.clock()
    report = sla.SweepReport()
    alive = Ticket.deleted_at.is_(None)

    due_to_resume = sa.select(Ticket.id).where(
        alive, Ticket.status == Status.POSTPONED, Ticket.resume_at <= now
    )
    for ticket_id in _ids(session, due_to_resume.limit(batch)):
        if _automatic(session, ticket_id, fsm.Action.RESUME, "resume_at reached", policy, now):
            report.resumed.append(str(ticket_id))

    cutoff = sla.auto_close_cutoff(policy=policy, now=now)
    due_to_close = sa.select(Ticket.id).where(
        alive, Ticket.status == Status.RESOLVED, Ticket.resolved_at <= cutoff
    )
    for ticket_id in _ids(session, due_to_close.limit(batch)):
        if _automatic(session, ticket_id, fsm.Action.CLOSE, "closed automatically", policy, now):
            report.closed.append(str(ticket_id))

    overdue = _overdue(now=now)
    for ticket_id in _ids(session, overdue.limit(batch)):
        number = session.scalar(sa.select(Ticket.number).where(Ticket.id == ticket_id)) or ""
        for kind in mark_breaches(session=session, ticket_id=ticket_id, policy=policy, now=now):
            report.breaches.append((number, kind))
        session.commit()

    report.refreshed = refresh_sla_status(session=session, policy=policy, now=now, report=report)
    return report


def _sla_status_to_store(ticket: Ticket, *, policy: TicketPolicy, now: datetime) -> str | None:
    """The status to store for a running ticket (on_track or at_risk) when it differs from the
    stored one or its clock is at risk unmarked; None when there is nothing to do."""
    status = sla.sla_status_of(ticket, policy=policy, now=now)
    if status not in ("on_track", "at_risk"):
        return None  # breaches are marked by mark_breaches, pauses by the transitions
    clock = sla.running_clock(ticket)
    unmarked = status == "at_risk" and clock and getattr(ticket, f"{clock}_at_risk_at") is None
    return status if status != ticket.sla_status or unmarked else None


def store_sla_status(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    policy: TicketPolicy,
    now: datetime,
    report: sla.SweepReport | None = None,
) -> bool:
    """Store one ticket's on_track/at_risk status, audited, and the first time a clock is found
    at risk mark it and emit ticket.sla_at_risk (once per clock); commits. The row is read
    again under a lock, so concurrent sweeps mark and emit once. Like a breach mark, this does
    not change the ticket's version."""
    ticket = session.scalar(
        sa.select(Ticket)
        .where(Ticket.id == ticket_id, Ticket.deleted_at.is_(None), Ticket.status.in_(ACTIVE))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    status = _sla_status_to_store(ticket, policy=policy, now=now) if ticket else None
    if ticket is None or status is None:
        session.rollback()
        return False
    clock = sla.running_clock(ticket)
    changes: dict[str, list[Any]] = {}
    if status != ticket.sla_status:
        changes["sla_status"] = [ticket.sla_status, status]
        ticket.sla_status = status
    first_at_risk = status == "at_risk" and clock is not None
    if first_at_risk and getattr(ticket, f"{clock}_at_risk_at") is None:
        changes[f"{clock}_at_risk_at"] = [None, now]
        setattr(ticket, f"{clock}_at_risk_at", now)
    else:
        first_at_risk = False
    session.flush()
    due_at: datetime | None = getattr(ticket, f"{clock}_due_at") if clock else None
    append_audit(
        session=session,
        ticket_id=ticket.id,
        actor_id=SYSTEM_ACTOR.id,
        action="sla_at_risk" if first_at_risk else "sla_status_changed",
        from_state=ticket.status,
        to_state=ticket.status,
        changes=changes,
        reason=f"{clock} due at {due_at.isoformat()}" if clock and due_at else None,
        now=now,
    )
    if first_at_risk:
        record_event(
            session=session,
            event_type=EventType.TICKET_SLA_AT_RISK,
            ticket=ticket,
            actor_id=SYSTEM_ACTOR.id,
            now=now,
            sla_kind=clock,
            due_at=due_at,
        )
        if report is not None:
            report.at_risk.append((ticket.number, str(clock)))
    session.commit()
    return True


def refresh_sla_status(
    *,
    session: DbSession,
    policy: TicketPolicy,
    now: datetime,
    report: sla.SweepReport | None = None,
) -> int:
    """Store the live sla_status of running tickets (on_track <-> at_risk) for list filters,
    and mark each clock the first time it is at risk (ticket.sla_at_risk); returns how many
    tickets changed.

    The tickets whose status changes are found by due-time ranges (:func:`sla.risk_bounds`)
    over the partial indexes of migration 0006, so a pass reads only those tickets, however
    many are open or already at risk; each is then checked again by the rules and written in
    its own transaction.
    """
    changed = 0
    for ticket_id in _ids(session, _status_changes(policy=policy, now=now)):
        if store_sla_status(
            session=session, ticket_id=ticket_id, policy=policy, now=now, report=report
        ):
            changed += 1
    return changed


#: Per clock: its due time, whether it runs (by acknowledge) and its at-risk mark.
_CLOCK_COLUMNS = {
    "first_response": (
        Ticket.first_response_due_at,
        Ticket.acknowledged_at.is_(None),
        Ticket.first_response_at_risk_at,
    ),
    "resolution": (
        Ticket.resolution_due_at,
        Ticket.acknowledged_at.is_not(None),
        Ticket.resolution_at_risk_at,
    ),
}


def _status_changes(*, policy: TicketPolicy, now: datetime) -> sa.Select[uuid.UUID]:
    """The running tickets for which :func:`_sla_status_to_store` has something to store: those
    whose stored on_track/at_risk differs from the live one, and those at risk whose running
    clock is not marked yet.

    Each is a range of (priority, due time) in one partial index of migration 0006 (a clock on
    track, a clock at risk, an unmarked one) that only such tickets fall in, so the query reads
    them and no other. The ranges are row comparisons, which only a (priority, due time) index
    can serve: the planner cannot read them from an index that holds the tickets at risk too.
    """
    bounds = sla.risk_bounds(policy=policy, priorities=PRIORITIES, now=now)
    unbreached = (
        Ticket.first_response_breached_at.is_(None),
        Ticket.resolution_breached_at.is_(None),
    )
    ranges: list[sa.ColumnElement[bool]] = []
    for clock, (due, runs, at_risk_at) in _CLOCK_COLUMNS.items():
        key = sa.tuple_(Ticket.priority, due)
        at_risk_now: list[sa.ColumnElement[bool]] = []
        for priority in PRIORITIES:
            limit = bounds.limits[(priority, clock)]
            of_clock = (runs, *unbreached, Ticket.priority == priority)
            # Comes at risk.
            ranges.append(
                sa.and_(
                    *of_clock,
                    Ticket.sla_status == "on_track",
                    key > (priority, bounds.opens),
                    key < (priority, limit),
                )
            )
            # Goes back on track (its due time moved, or the policy changed).
            ranges.append(
                sa.and_(*of_clock, Ticket.sla_status == "at_risk", key >= (priority, limit))
            )
            at_risk_now.append(
                sa.and_(Ticket.priority == priority, due > bounds.opens, due < limit)
            )
        # At risk but its clock not marked yet (a change stored at_risk, not the sweep).
        ranges.append(
            sa.and_(
                runs,
                *unbreached,
                Ticket.sla_status == "at_risk",
                at_risk_at.is_(None),
                sa.or_(*at_risk_now),
            )
        )
    return sa.select(Ticket.id).where(
        Ticket.deleted_at.is_(None), Ticket.status.in_(ACTIVE), sa.or_(*ranges)
    )


def _overdue(*, now: datetime) -> sa.Select[uuid.UUID]:
    """The running tickets with a clock past its due time and not marked breached (read from
    the partial indexes of migration 0006, which hold only unmarked clocks)."""
    return sa.select(Ticket.id).where(
        Ticket.deleted_at.is_(None),
        Ticket.status.in_(ACTIVE),
        sa.or_(
            sa.and_(
                Ticket.acknowledged_at.is_(None),
                Ticket.first_response_breached_at.is_(None),
                Ticket.first_response_due_at <= now,
            ),
            sa.and_(Ticket.resolution_breached_at.is_(None), Ticket.resolution_due_at <= now),
        ),
    )
