"""Applying a life-cycle transition: the FSM decides and writes the state, this module adds what
comes with it in the same transaction: the SLA clocks, the history row and the outbox event.

Every ticket transition goes through :func:`apply_transition` (routes, approval rounds, the
sweep); ticket_service.fsm holds the table and the checks and imports no service.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession
from hdms_common.event_types import EventType
from ticket_service import fsm
from ticket_service.config import TicketPolicy
from ticket_service.models import Ticket
from ticket_service.services import sla
from ticket_service.services.audit import append_audit
from ticket_service.services.events import record_event
from ticket_service.services.visibility import get_visible_ticket
from ticket_service.statuses import TERMINAL


def apply_transition(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    action: fsm.Action | str,
    actor: CurrentUser,
    payload: Mapping[str, Any],
    policy: TicketPolicy,
    version: int | None = None,
    facts: Mapping[str, Any] | None = None,
    extra_roles: frozenset[fsm.Role] = frozenset(),
    now: datetime | None = None,
    request_id: str | None = None,
) -> Ticket:
    """Apply one transition to a ticket the actor can see; flushes, the caller commits.

    Order of checks: visible (404), then those of :func:`fsm.decide` (409, 403, 412, guards),
    then the conditional write of :func:`fsm.write` (409 or 412 when someone was faster).
    """
    transition = fsm.TRANSITIONS[fsm.Action(action)]
    now = now or policy.clock()
    # Without a version the change is meant for the latest state: lock the row so that it
    # waits for a concurrent writer instead of failing as stale.
    ticket = get_visible_ticket(
        session=session,
        actor=actor,
        ticket_id=ticket_id,
        lock=transition.locks_ticket or version is None,
    )
    decision = fsm.decide(
        session=session,
        ticket=ticket,
        action=transition.action,
        actor=actor,
        payload=payload,
        policy=policy,
        now=now,
        version=version,
        facts=facts,
        extra_roles=extra_roles,
    )
    changes = {**decision.changes, **_clock_changes(ticket, decision, policy=policy, now=now)}
    # sla_status is derived from the new values below; it belongs to the row's changes too.
    before = {name: getattr(ticket, name) for name in (*changes, "sla_status")}
    fsm.write(
        session=session,
        ticket=ticket,
        decision=decision,
        actor=actor,
        changes=changes,
        now=now,
        reread=lambda: get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id),
    )
    new_sla = sla.sla_status_of(ticket, policy=policy, now=now)
    if new_sla != ticket.sla_status:
        ticket.sla_status = new_sla
        session.flush()

    diff = {
        name: [value, getattr(ticket, name)]
        for name, value in before.items()
        if value != getattr(ticket, name)
    }
    audit_changes = dict(diff)
    if facts and "approval_outcome" in facts:
        audit_changes["approval_outcome"] = [None, facts["approval_outcome"]]
    if facts and "approval_id" in facts:
        audit_changes["approval_id"] = [None, facts["approval_id"]]
    if transition.action == fsm.Action.REQUEST_APPROVAL:
        audit_changes["approver_ids"] = [None, [str(a) for a in payload["approver_ids"]]]
        audit_changes["mode"] = [None, payload.get("mode", "all")]
    append_audit(
        session=session,
        ticket_id=ticket.id,
        actor_id=actor.id,
        action=str(transition.action),
        from_state=decision.from_status,
        to_state=ticket.status,
        changes=audit_changes,
        reason=decision.reason,
        request_id=request_id,
        now=now,
    )
    _record_transition_event(
        session,
        transition,
        ticket,
        actor,
        {name: value for name, value in before.items() if name in changes},
        decision.from_status,
        decision.reason,
        now,
        request_id,
    )
    return ticket


def _clock_changes(
    ticket: Ticket, decision: fsm.Decision, *, policy: TicketPolicy, now: datetime
) -> dict[str, Any]:
    """The SLA columns a transition moves: entering postponed or resolved stops the clocks,
    leaving them for a state that is worked on starts them again."""
    pausing = sla.PAUSING_STATES
    if decision.target in pausing and decision.from_status not in pausing:
        return sla.pause_changes(now=now)
    if decision.from_status in pausing and decision.target not in pausing | TERMINAL:
        return sla.resume_changes(ticket, policy=policy, now=now)
    return {}


def _record_transition_event(
    session: DbSession,
    transition: fsm.Transition,
    ticket: Ticket,
    actor: CurrentUser,
    before: Mapping[str, Any],
    from_status: str,
    reason: str | None,
    now: datetime,
    request_id: str | None,
) -> None:
    extra: dict[str, Any]
    if transition.event == EventType.TICKET_ASSIGNED:
        extra = {"previous_assignee_id": before.get("assignee_id")}
    elif transition.event == EventType.TICKET_UPDATED:
        extra = {"changed": sorted(k for k in before if k != "status")}
    else:
        extra = {
            "action": str(transition.action),
            "from_status": from_status,
            "to_status": ticket.status,
            "reason": reason,
        }
    record_event(
        session=session,
        event_type=transition.event,
        ticket=ticket,
        actor_id=actor.id,
        now=now,
        request_id=request_id,
        **extra,
    )
