"""Approval rounds: request one (the ticket waits), approvers decide once each, the round ends.

Mode ``all``: approved when every approver approved, declined at the first decline. Mode
``any``: approved at the first approval, declined when every approver declined. When the round
ends the ticket goes back to in_progress through the FSM, with the outcome in its history.

An approver who loses HDMS access (deactivated, or no grant left) drops out of the rounds still
waiting for them: the remaining approvers decide, and a round with none left is cancelled, so
that no round waits forever (:func:`drop_out_approver`, run on ``employee.access_changed``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession, utcnow
from hdms_common.errors import Conflict, Forbidden, NotFound
from hdms_common.event_types import EventType
from hdms_common.pagination import Page, keyset_page
from ticket_service import fsm
from ticket_service.config import TicketPolicy
from ticket_service.models import Approval, ApprovalDecision, Ticket
from ticket_service.services.audit import append_audit
from ticket_service.services.events import record_event
from ticket_service.services.transitions import apply_transition
from ticket_service.services.visibility import (
    SYSTEM_ACTOR,
    get_visible_ticket,
    json_list_contains,
    visible_condition,
)


def request_approval(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    data: Mapping[str, Any],
    policy: TicketPolicy,
    version: int | None,
    facts: Mapping[str, Any],
    now: datetime | None = None,
    request_id: str | None = None,
) -> Approval:
    """Open a round on an in-progress ticket (which moves to waiting_approval)."""
    now = now or utcnow()
    approval_id = uuid.uuid4()  # named in the transition's history row
    ticket = apply_transition(
        session=session,
        ticket_id=ticket_id,
        action=fsm.Action.REQUEST_APPROVAL,
        actor=actor,
        payload=data,
        policy=policy,
        version=version,
        facts={**facts, "approval_id": approval_id},
        now=now,
        request_id=request_id,
    )
    approver_ids = [str(a) for a in data["approver_ids"]]
    approval = Approval(
        id=approval_id,
        ticket_id=ticket.id,
        mode=data.get("mode", "all"),
        approver_ids=approver_ids,
        status="pending",
        note=data.get("note", ""),
        requested_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(approval)
    session.flush()
    record_event(
        session=session,
        event_type=EventType.APPROVAL_REQUESTED,
        ticket=ticket,
        actor_id=actor.id,
        now=now,
        request_id=request_id,
        approval_id=approval.id,
        approver_ids=approver_ids,
        mode=approval.mode,
    )
    return approval


def cancel_approval_round(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    data: Mapping[str, Any],
    policy: TicketPolicy,
    version: int | None,
    now: datetime | None = None,
    request_id: str | None = None,
) -> Ticket:
    """End the pending round as cancelled; the ticket goes back to in_progress.

    A round must always be able to end, even when its approvers never decide.
    """
    now = now or utcnow()
    ticket = apply_transition(
        session=session,
        ticket_id=ticket_id,
        action=fsm.Action.CANCEL_APPROVAL,
        actor=actor,
        payload=data,
        policy=policy,
        version=version,
        now=now,
        request_id=request_id,
    )
    approval = session.scalar(
        sa.select(Approval).where(Approval.ticket_id == ticket.id, Approval.status == "pending")
    )
    if approval is not None:
        approval.status = "cancelled"
        approval.decided_at = now
        approval.updated_at = now
        session.flush()
        record_event(
            session=session,
            event_type=EventType.APPROVAL_DECIDED,
            ticket=ticket,
            actor_id=actor.id,
            now=now,
            request_id=request_id,
            approval_id=approval.id,
            outcome="cancelled",
            reason=data.get("reason"),
        )
    return ticket


def list_approvals(
    *, session: DbSession, actor: CurrentUser, ticket_id: uuid.UUID
) -> list[Approval]:
    """A visible ticket's rounds, oldest first."""
    get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id)
    return list(
        session.scalars(
            sa.select(Approval).where(Approval.ticket_id == ticket_id).order_by(Approval.created_at)
        )
    )


def list_rounds_for_approver(
    *,
    session: DbSession,
    actor: CurrentUser,
    limit: int,
    cursor: str | None = None,
    pending: bool | None = None,
) -> Page[tuple[Approval, Ticket]]:
    """The rounds naming ``actor`` as an approver (admins: every round), newest first, each
    with its ticket; ``pending`` True keeps the rounds still waiting for the actor's decision,
    False the others (decided by them, or ended)."""
    statement = (
        sa.select(Approval)
        .join(Ticket, Ticket.id == Approval.ticket_id)
        .where(Ticket.deleted_at.is_(None))
    )
    if not actor.is_admin:
        statement = statement.where(json_list_contains(Approval.approver_ids, actor.id))
    if pending is not None:
        decided = (
            sa.select(ApprovalDecision.id)
            .where(
                ApprovalDecision.approval_id == Approval.id,
                ApprovalDecision.approver_id == actor.id,
            )
            .correlate(Approval)
            .exists()
        )
        # An approver who dropped out (lost HDMS access) no longer has the round to decide.
        dropped = json_list_contains(Approval.dropped_approver_ids, actor.id)
        waiting = sa.and_(Approval.status == "pending", ~decided, ~dropped)
        statement = statement.where(waiting if pending else ~waiting)
    page = keyset_page(
        session, statement, order_by=[Approval.created_at, Approval.id], limit=limit, cursor=cursor
    )
    ids = {approval.ticket_id for approval in page.items}
    tickets = {t.id: t for t in session.scalars(sa.select(Ticket).where(Ticket.id.in_(ids)))}
    return Page(
        items=[(approval, tickets[approval.ticket_id]) for approval in page.items],
        next_cursor=page.next_cursor,
    )


def round_outcome(mode: str, approver_ids: Sequence[str], decisions: Mapping[str, str]) -> str:
    """pending, approved or declined, from the decisions so far ({approver_id: decision})."""
    approvals = sum(1 for d in decisions.values() if d == "approve")
    declines = sum(1 for d in decisions.values() if d == "decline")
    if mode == "any":
        if approvals:
            return "approved"
        return "declined" if declines == len(approver_ids) else "pending"
    if declines:
        return "declined"
    return "approved" if approvals == len(approver_ids) else "pending"


def decide_approval(
    *,
    session: DbSession,
    actor: CurrentUser,
    approval_id: uuid.UUID,
    decision: str,
    comment: str,
    policy: TicketPolicy,
    now: datetime | None = None,
    request_id: str | None = None,
) -> Approval:
    """Record one approver's decision; completing the round moves the ticket on."""
    now = now or utcnow()
    # The ticket's row first, then the round's, the order every writer of a round keeps
    # (requesting or cancelling one locks the ticket before touching the round).
    ticket_id = session.scalar(
        sa.select(Ticket.id)
        .join(Approval, Approval.ticket_id == Ticket.id)
        .where(Approval.id == approval_id, visible_condition(actor))
        .with_for_update(of=Ticket)
    )
    if ticket_id is None:
        raise NotFound("No such approval.")
    approval: Approval | None = session.scalar(
        sa.select(Approval)
        .where(Approval.id == approval_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert approval is not None  # the ticket's lock keeps the round
    if str(actor.id) not in approval.approver_ids:
        raise Forbidden("Only the approvers named in this round may decide.")
    if approval.requested_by == actor.id:
        # Rounds are refused when they name their requester; this also holds for older rows.
        raise Forbidden("Whoever requested an approval round cannot decide on it.")
    ensure_not_dropped_out(approval, actor.id)
    if approval.status != "pending":
        raise Conflict(f"This approval round is already {approval.status}.")
    decided = {str(d.approver_id): d.decision for d in approval.decisions}
    if str(actor.id) in decided:
        raise Conflict("You have already decided on this round.")
    session.add(
        ApprovalDecision(
            id=uuid.uuid4(),
            approval_id=approval.id,
            approver_id=actor.id,
            decision=decision,
            comment=comment,
            created_at=now,
        )
    )
    session.flush()
    decided[str(actor.id)] = decision
    outcome = round_outcome(approval.mode, remaining_approver_ids(approval), decided)
    # The decision itself leaves the ticket where it is; completing the round moves it in the
    # approval_decided row that follows.
    state = session.scalar(sa.select(Ticket.status).where(Ticket.id == approval.ticket_id))
    append_audit(
        session=session,
        ticket_id=approval.ticket_id,
        actor_id=actor.id,
        action="approval_decision",
        from_state=state,
        to_state=state,
        changes={"approval_id": [None, approval.id], "decision": [None, decision]},
        reason=comment or None,
        request_id=request_id,
        now=now,
    )
    if outcome != "pending":
        ticket = _end_round(
            session=session,
            approval=approval,
            outcome=outcome,
            actor=actor,
            policy=policy,
            now=now,
            request_id=request_id,
        )
    else:
        ticket = get_visible_ticket(session=session, actor=actor, ticket_id=approval.ticket_id)
    record_event(
        session=session,
        event_type=EventType.APPROVAL_DECIDED,
        ticket=ticket,
        actor_id=actor.id,
        now=now,
        request_id=request_id,
        approval_id=approval.id,
        approver_id=actor.id,
        decision=decision,
        outcome=outcome,
    )
    session.refresh(approval)
    return approval


def _end_round(
    *,
    session: DbSession,
    approval: Approval,
    outcome: str,
    actor: CurrentUser,
    policy: TicketPolicy,
    now: datetime,
    request_id: str | None,
) -> Ticket:
    """Record a round's outcome and move its ticket on (the approval_decided transition), the
    same whether the last decision or a drop-out completed it."""
    approval.status = outcome
    approval.decided_at = now
    session.flush()
    return apply_transition(
        session=session,
        ticket_id=approval.ticket_id,
        action=fsm.Action.APPROVAL_DECIDED,
        actor=actor,
        payload={},
        policy=policy,
        facts={"approval_outcome": outcome},
        extra_roles=frozenset({fsm.Role.APPROVER}),
        now=now,
        request_id=request_id,
    )


# --- approvers who lose HDMS access drop out -------------------------------------------------

DROPPED_OUT_REASON = "An approver lost HDMS access and dropped out of the round."
NO_APPROVER_LEFT_REASON = "No approver with HDMS access is left in the round."


def remaining_approver_ids(approval: Approval) -> list[str]:
    """The round's approvers who still decide it (those who kept HDMS access)."""
    dropped = {str(a) for a in approval.dropped_approver_ids or []}
    return [a for a in approval.approver_ids if str(a) not in dropped]


def ensure_not_dropped_out(approval: Approval, approver_id: uuid.UUID) -> None:
    """An approver who dropped out stays out of that round, even if access comes back."""
    if str(approver_id) in {str(a) for a in approval.dropped_approver_ids or []}:
        raise Conflict("You dropped out of this round when your HDMS access was taken away.")


def drop_out_approver(
    *,
    session: DbSession,
    approver_id: uuid.UUID,
    policy: TicketPolicy,
    now: datetime | None = None,
    request_id: str | None = None,
) -> list[Approval]:
    """Take an approver who lost HDMS access out of every pending round still waiting for them.

    Each drop-out is audited on the ticket. In mode ``all`` the remaining approvers decide (the
    round may be complete at once: everyone left had approved); in mode ``any`` the round is
    declined when everyone left declined. With no approver left the round is cancelled. A
    round that ends moves the ticket back to in_progress through the FSM, with an
    approval.decided event, as when an approver decides. Idempotent: an approver already out
    or who already decided is left alone. Returns the rounds changed.
    """
    now = now or utcnow()
    rounds = list(
        session.scalars(
            sa.select(Approval)
            .where(
                Approval.status == "pending", json_list_contains(Approval.approver_ids, approver_id)
            )
            .order_by(Approval.created_at)
            .with_for_update(of=Approval)
            .execution_options(populate_existing=True)
        )
    )
    changed = []
    for approval in rounds:
        decided = {str(d.approver_id): d.decision for d in approval.decisions}
        if str(approver_id) in decided or str(approver_id) not in remaining_approver_ids(approval):
            continue
        approval.dropped_approver_ids = [*(approval.dropped_approver_ids or []), str(approver_id)]
        approval.updated_at = now
        session.flush()
        append_audit(
            session=session,
            ticket_id=approval.ticket_id,
            actor_id=SYSTEM_ACTOR.id,
            action="approval_dropout",
            changes={
                "approval_id": [None, approval.id],
                "dropped_approver_id": [None, approver_id],
            },
            reason=DROPPED_OUT_REASON,
            request_id=request_id,
            now=now,
        )
        _end_round_if_decided(
            session=session, approval=approval, policy=policy, now=now, request_id=request_id
        )
        changed.append(approval)
    return changed


def _end_round_if_decided(
    *,
    session: DbSession,
    approval: Approval,
    policy: TicketPolicy,
    now: datetime,
    request_id: str | None,
) -> None:
    """After a drop-out: end the round if those left have decided it, or cancel it if nobody
    is left."""
    remaining = remaining_approver_ids(approval)
    decided = {str(d.approver_id): d.decision for d in approval.decisions}
    if not remaining:
        outcome = "cancelled"
    else:
        outcome = round_outcome(
            approval.mode, remaining, {k: v for k, v in decided.items() if k in remaining}
        )
    if outcome == "pending":
        return
    if outcome == "cancelled":
        ticket = apply_transition(
            session=session,
            ticket_id=approval.ticket_id,
            action=fsm.Action.CANCEL_APPROVAL,
            actor=SYSTEM_ACTOR,
            payload={"reason": NO_APPROVER_LEFT_REASON},
            policy=policy,
            now=now,
            request_id=request_id,
        )
        approval.status = "cancelled"
        approval.decided_at = now
        session.flush()
    else:
        ticket = _end_round(
            session=session,
            approval=approval,
            outcome=outcome,
            actor=SYSTEM_ACTOR,
            policy=policy,
            now=now,
            request_id=request_id,
        )
    record_event(
        session=session,
        event_type=EventType.APPROVAL_DECIDED,
        ticket=ticket,
        actor_id=SYSTEM_ACTOR.id,
        now=now,
        request_id=request_id,
        approval_id=approval.id,
        outcome=outcome,
        reason=NO_APPROVER_LEFT_REASON if outcome == "cancelled" else DROPPED_OUT_REASON,
    )
