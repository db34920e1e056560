"""The periodic sweep: resume postponed tickets, auto-close resolved ones, mark SLA breaches.

It runs every minute (Celery beat, the embedded loop, or `flask sla-sweep`). Each ticket is
handled in its own transaction and committed, so one failure costs one ticket, not the batch,
and a sweep that runs twice marks nothing twice (every step re-reads the row under a lock).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import sqlalchemy as sa

from hdms_common.db import DbSession, utcnow
from hdms_common.errors import DomainError
from ticket_service import fsm
from ticket_service.config import TicketPolicy
from ticket_service.models import Ticket
from ticket_service.services import sla
from ticket_service.services.audit import append_audit
from ticket_service.services.events import record_event
from ticket_service.services.visibility import SYSTEM_ACTOR

log = logging.getLogger(__name__)
ACTIVE = ("new", "under_review", "assigned", "in_progress", "waiting_approval")


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
        fsm.apply(
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
            changes={column: [None, now]},
            reason=f"{kind} due at {due_at.isoformat()}",
            now=now,
        )
        record_event(
            session=session,
            event_type="ticket.sla_breached",
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
    now = now or utcnow()
    report = sla.SweepReport()
    alive = Ticket.deleted_at.is_(None)

    due_to_resume = sa.select(Ticket.id).where(
        alive, Ticket.status == "postponed", Ticket.resume_at <= now
    )
    for ticket_id in _ids(session, due_to_resume.limit(batch)):
        if _automatic(session, ticket_id, fsm.Action.RESUME, "resume_at reached", policy, now):
            report.resumed.append(str(ticket_id))

    cutoff = sla.auto_close_cutoff(policy=policy, now=now)
    due_to_close = sa.select(Ticket.id).where(
        alive, Ticket.status == "resolved", Ticket.resolved_at <= cutoff
    )
    for ticket_id in _ids(session, due_to_close.limit(batch)):
        if _automatic(session, ticket_id, fsm.Action.CLOSE, "closed automatically", policy, now):
            report.closed.append(str(ticket_id))

    overdue = sa.select(Ticket.id).where(
        alive,
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
    for ticket_id in _ids(session, overdue.limit(batch)):
        number = session.scalar(sa.select(Ticket.number).where(Ticket.id == ticket_id)) or ""
        for kind in mark_breaches(session=session, ticket_id=ticket_id, policy=policy, now=now):
            report.breaches.append((number, kind))
        session.commit()

    report.refreshed = refresh_sla_status(session=session, policy=policy, now=now, batch=batch)
    return report


def refresh_sla_status(
    *, session: DbSession, policy: TicketPolicy, now: datetime, batch: int = 500
) -> int:
    """Store the live sla_status of running tickets (on_track <-> at_risk) for list filters.

    Only tickets that can be at risk are read: a clock due later than ``now`` plus the largest
    at-risk share of any target (in business time) has more than that share left, whatever
    its priority. So the sweep stays cheap however many tickets are open.
    """
    calendar = policy.calendar
    share = policy.at_risk_fraction * sla.HOUR
    first_horizon = calendar.add(
        now, share * max(t.first_response_hours for t in policy.targets.values())
    )
    resolution_horizon = calendar.add(
        now, share * max(t.resolution_hours for t in policy.targets.values())
    )
    candidates = sa.or_(
        Ticket.sla_status == "at_risk",
        sa.and_(Ticket.acknowledged_at.is_(None), Ticket.first_response_due_at <= first_horizon),
        Ticket.resolution_due_at <= resolution_horizon,
    )
    changed = 0
    last_id: uuid.UUID | None = None
    while True:
        statement = (
            sa.select(Ticket)
            .where(
                Ticket.deleted_at.is_(None),
                Ticket.status.in_(ACTIVE),
                Ticket.sla_status.in_(("on_track", "at_risk")),
                candidates,
            )
            .order_by(Ticket.id)
            .limit(batch)
        )
        if last_id is not None:
            statement = statement.where(Ticket.id > last_id)
        tickets = list(session.scalars(statement))
        if not tickets:
            session.rollback()
            return changed
        for ticket in tickets:
            status = sla.sla_status_of(ticket, policy=policy, now=now)
            if status != ticket.sla_status and status in ("on_track", "at_risk"):
                session.execute(
                    sa.update(Ticket)
                    .where(Ticket.id == ticket.id, Ticket.sla_status == ticket.sla_status)
                    .values(sla_status=status)
                    .execution_options(synchronize_session=False)
                )
                changed += 1
        last_id = tickets[-1].id
        session.commit()
