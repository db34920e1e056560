"""Life-cycle actions as the API offers them: the facts each one needs from auth-service are
gathered here, then the action is applied.

An action that names people (an assignee, approvers) first reads the ticket, ends that read
transaction (no transaction stays open while another service is asked, docs/pitfalls.md), asks
the injected ``Directory`` and only then applies the change. The caller commits.
"""

from __future__ import annotations

import uuid
from typing import Any

from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession
from ticket_service import fsm
from ticket_service.config import TicketPolicy
from ticket_service.models import Approval, Ticket
from ticket_service.services import approvals, tickets, transitions
from ticket_service.services.directory import Directory


def assign(
    *,
    session: DbSession,
    directory: Directory,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    action: fsm.Action,
    payload: dict[str, Any],
    policy: TicketPolicy,
    version: int,
    request_id: str | None = None,
) -> Ticket:
    """assign or reassign, once auth-service says whether the assignee works in the ticket's
    department."""
    ticket = tickets.get_ticket(session=session, actor=actor, ticket_id=ticket_id)
    department_id = ticket.department_id
    session.rollback()
    facts = directory.assignee_facts(department_id, payload["assignee_id"])
    return transitions.apply_transition(
        session=session,
        ticket_id=ticket_id,
        action=action,
        actor=actor,
        payload=payload,
        policy=policy,
        version=version,
        facts=facts,
        request_id=request_id,
    )


def request_approval(
    *,
    session: DbSession,
    directory: Directory,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    payload: dict[str, Any],
    policy: TicketPolicy,
    version: int,
    request_id: str | None = None,
) -> Approval:
    """Open an approval round, once auth-service says which approvers are active HDMS users."""
    tickets.get_ticket(session=session, actor=actor, ticket_id=ticket_id)
    session.rollback()
    facts = directory.approver_facts(payload["approver_ids"])
    return approvals.request_approval(
        session=session,
        actor=actor,
        ticket_id=ticket_id,
        data=payload,
        policy=policy,
        version=version,
        facts=facts,
        request_id=request_id,
    )


def cancel_approval(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    payload: dict[str, Any],
    policy: TicketPolicy,
    version: int,
    request_id: str | None = None,
) -> Ticket:
    """End the pending round as cancelled; the ticket goes back to in_progress."""
    return approvals.cancel_approval_round(
        session=session,
        actor=actor,
        ticket_id=ticket_id,
        data=payload,
        policy=policy,
        version=version,
        request_id=request_id,
    )


def apply_transition(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    action: fsm.Action,
    payload: dict[str, Any],
    policy: TicketPolicy,
    version: int,
    request_id: str | None = None,
) -> Ticket:
    """An action that needs no outside facts: the table decides alone."""
    return transitions.apply_transition(
        session=session,
        ticket_id=ticket_id,
        action=action,
        actor=actor,
        payload=payload,
        policy=policy,
        version=version,
        facts={},
        request_id=request_id,
    )


def perform_action(
    *,
    session: DbSession,
    directory: Directory,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    action: fsm.Action | str,
    payload: dict[str, Any],
    policy: TicketPolicy,
    version: int,
    request_id: str | None = None,
) -> Ticket:
    """Any public action by name (``POST /api/tickets/{id}/status``); returns the ticket after
    it. ``payload`` is already checked against the action's schema."""
    transition = fsm.transition_for(str(action))
    common: dict[str, Any] = {
        "session": session,
        "actor": actor,
        "ticket_id": ticket_id,
        "payload": payload,
        "policy": policy,
        "version": version,
        "request_id": request_id,
    }
    if transition.action in (fsm.Action.ASSIGN, fsm.Action.REASSIGN):
        return assign(directory=directory, action=transition.action, **common)
    if transition.action == fsm.Action.REQUEST_APPROVAL:
        approval = request_approval(directory=directory, **common)
        return tickets.get_ticket(session=session, actor=actor, ticket_id=approval.ticket_id)
    if transition.action == fsm.Action.CANCEL_APPROVAL:
        return cancel_approval(**common)
    return apply_transition(action=transition.action, **common)
