"""The ticket life cycle as data (docs/ticket-life-cycle.md), and the one function that applies it.

TRANSITIONS maps each action to its source states, target state, the roles allowed, its
payload schema and its guards. :func:`apply` checks the actor, the state, the version and the
guards, then updates the row with ``WHERE id = :id AND version = :v``, writes the audit row and
the outbox event, all in the caller's transaction. No other code writes ``tickets.status``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession
from hdms_common.errors import Conflict, Forbidden, IllegalTransition, Invalid, StaleVersion
from ticket_service.config import TicketPolicy
from ticket_service.models import Approval, SubTicket, Ticket
from ticket_service.models.sub_tickets import OPEN_SUB_TICKET_STATUSES
from ticket_service.schemas import transitions as payloads
from ticket_service.services import sla
from ticket_service.services.audit import append_audit
from ticket_service.services.events import record_event
from ticket_service.services.visibility import get_visible_ticket, is_system


class Status(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_APPROVAL = "waiting_approval"
    POSTPONED = "postponed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


TERMINAL = frozenset({Status.CLOSED, Status.REJECTED, Status.CANCELLED})


class Action(StrEnum):
    REVIEW = "review"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    REJECT = "reject"
    POSTPONE = "postpone"
    RESUME = "resume"
    ACKNOWLEDGE = "acknowledge"
    PROGRESS = "progress"
    REQUEST_APPROVAL = "request_approval"
    APPROVAL_DECIDED = "approval_decided"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"
    CANCEL_APPROVAL = "cancel_approval"


class Role(StrEnum):
    """Roles relative to one ticket."""

    REQUESTOR = "requestor"
    MODERATOR = "moderator"
    ASSIGNEE = "assignee"
    ADMIN = "admin"
    APPROVER = "approver"
    SYSTEM = "system"


@dataclass(frozen=True)
class TransitionContext:
    """What guards and effects see: the ticket as read, who acts, the payload, known facts."""

    session: DbSession
    ticket: Ticket
    actor: CurrentUser
    payload: Mapping[str, Any]
    now: datetime
    policy: TicketPolicy
    facts: Mapping[str, Any]


Guard = Callable[[TransitionContext], None]
Effect = Callable[[TransitionContext], dict[str, Any]]


# --- guards: each raises a domain error naming what is wrong ---------------------------------


def assignee_holds_role(ctx: TransitionContext) -> None:
    """The new assignee holds the assignee role in the ticket's department (checked upstream)."""
    if ctx.facts.get("assignee_verified") != ctx.payload.get("assignee_id"):
        raise Invalid(
            "The assignee must hold the assignee role in the ticket's department.",
            errors={"assignee_id": ["Not an active assignee of this department."]},
        )


def assignee_differs(ctx: TransitionContext) -> None:
    """Reassign names someone else than the current assignee."""
    if ctx.payload.get("assignee_id") == ctx.ticket.assignee_id:
        raise Invalid(
            "The ticket is already assigned to this person.",
            errors={"assignee_id": ["Must differ from the current assignee."]},
        )


def resume_at_in_future(ctx: TransitionContext) -> None:
    """A postponement ends in the future."""
    resume_at = ctx.payload.get("resume_at")
    if not isinstance(resume_at, datetime) or resume_at <= ctx.now:
        raise Invalid(
            "resume_at must be in the future.", errors={"resume_at": ["Must be in the future."]}
        )


def progress_not_decreasing(ctx: TransitionContext) -> None:
    """Progress only goes down when a note explains why."""
    percent = ctx.payload.get("percent", 0)
    if percent < ctx.ticket.progress and not ctx.payload.get("note"):
        raise Invalid(
            "Progress may only decrease with a note explaining why.",
            errors={"note": ["Required when the percentage decreases."]},
        )


def no_open_sub_tickets(ctx: TransitionContext) -> None:
    """A ticket is not resolved while a sub-ticket is open, assigned or in progress."""
    open_count = ctx.session.scalar(
        sa.select(sa.func.count())
        .select_from(SubTicket)
        .where(
            SubTicket.parent_id == ctx.ticket.id,
            SubTicket.status.in_(OPEN_SUB_TICKET_STATUSES),
        )
    )
    if open_count:
        raise Conflict(f"The ticket has {open_count} open sub-ticket(s).")


def no_pending_approval(ctx: TransitionContext) -> None:
    """A ticket is not resolved while an approval round is pending."""
    pending = ctx.session.scalar(
        sa.select(sa.func.count())
        .select_from(Approval)
        .where(Approval.ticket_id == ctx.ticket.id, Approval.status == "pending")
    )
    if pending:
        raise Conflict("An approval round is still pending.")


def within_reopen_window(ctx: TransitionContext) -> None:
    """Reopen only within the configured days after resolve."""
    resolved_at = ctx.ticket.resolved_at
    if resolved_at is None or ctx.now - resolved_at > timedelta(days=ctx.policy.reopen_days):
        raise Conflict(f"A ticket can only be reopened within {ctx.policy.reopen_days} days.")


def requester_not_approver(ctx: TransitionContext) -> None:
    """Whoever requests a round cannot approve it: a round is a second pair of eyes."""
    if str(ctx.actor.id) in {str(a) for a in ctx.payload.get("approver_ids", [])}:
        raise Invalid(
            "Whoever requests an approval round cannot be one of its approvers.",
            errors={"approver_ids": [f"You requested this round: {ctx.actor.id}"]},
        )


def approvers_verified(ctx: TransitionContext) -> None:
    """Every approver is an active HDMS user (checked upstream with auth-service)."""
    wanted = {str(a) for a in ctx.payload.get("approver_ids", [])}
    known = {str(a) for a in ctx.facts.get("approvers_verified", [])}
    unknown = sorted(wanted - known)
    if unknown:
        raise Invalid(
            "Every approver must be an active HDMS user.",
            errors={"approver_ids": [f"Unknown or inactive: {', '.join(unknown)}"]},
        )


def approval_round_completed(ctx: TransitionContext) -> None:
    """The ticket leaves waiting_approval only when its round has an outcome."""
    if ctx.facts.get("approval_outcome") not in ("approved", "declined"):
        raise Conflict("The approval round is not complete.")


def triage_or_round_requester(ctx: TransitionContext) -> None:
    """A round is cancelled by a moderator or admin, or by the assignee who requested it (or by
    ticket-service itself when no approver is left to decide it)."""
    roles = roles_of(ctx.actor, ctx.ticket)
    if roles & {Role.MODERATOR, Role.ADMIN, Role.SYSTEM}:
        return
    requested_by = ctx.session.scalar(
        sa.select(Approval.requested_by).where(
            Approval.ticket_id == ctx.ticket.id, Approval.status == "pending"
        )
    )
    if requested_by != ctx.actor.id:
        raise Forbidden("Only a moderator, an admin or who requested the round may cancel it.")


# --- effects: the columns an action changes besides status -----------------------------------


def _assign(ctx: TransitionContext) -> dict[str, Any]:
    return {"assignee_id": ctx.payload["assignee_id"]}


def _postpone(ctx: TransitionContext) -> dict[str, Any]:
    return {
        "postponed_from": ctx.ticket.status,
        "resume_at": ctx.payload["resume_at"],
        **sla.pause_changes(now=ctx.now),
    }


def _acknowledge(ctx: TransitionContext) -> dict[str, Any]:
    return {"acknowledged_at": ctx.ticket.acknowledged_at or ctx.now}


def _progress(ctx: TransitionContext) -> dict[str, Any]:
    return {"progress": ctx.payload["percent"]}


def _resolve(ctx: TransitionContext) -> dict[str, Any]:
    return {
        "resolved_at": ctx.now,
        "resolution_note": ctx.payload["resolution_note"],
        "progress": 100,
        **sla.pause_changes(now=ctx.now),
    }


def _close(ctx: TransitionContext) -> dict[str, Any]:
    return {"closed_at": ctx.now}


def _reopen(ctx: TransitionContext) -> dict[str, Any]:
    return {"resolved_at": None}


def _nothing(ctx: TransitionContext) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: back to the state the ticket was postponed from
    roles: frozenset[Role]
    payload: type[ma.Schema]
    guards: tuple[Guard, ...] = ()
    effect: Effect = _nothing
    event: str = "ticket.status_changed"
    #: False for actions that only another operation may trigger (approval decisions).
    public: bool = True
    #: Lock the ticket row before the guards run (guards that read other rows).
    locks_ticket: bool = False
    reason_field: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _t(
    action: Action,
    sources: set[Status],
    target: Status | None,
    roles: set[Role],
    payload: type[ma.Schema] = payloads.VersionOnlySchema,
    **kwargs: Any,
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), payload, **kwargs)


S, R = Status, Role
TRIAGE = {R.MODERATOR, R.ADMIN}
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        _t(Action.REVIEW, {S.NEW}, S.UNDER_REVIEW, TRIAGE),
        _t(
            Action.ASSIGN,
            {S.NEW, S.UNDER_REVIEW, S.POSTPONED},
            S.ASSIGNED,
            TRIAGE,
            payloads.AssignSchema,
            guards=(assignee_holds_role,),
            effect=_assign,
            event="ticket.assigned",
        ),
        _t(
            Action.REASSIGN,
            {S.ASSIGNED, S.IN_PROGRESS},
            S.ASSIGNED,
            TRIAGE,
            payloads.AssignSchema,
            guards=(assignee_differs, assignee_holds_role),
            effect=_assign,
            event="ticket.assigned",
        ),
        _t(
            Action.REJECT,
            {S.NEW, S.UNDER_REVIEW},
            S.REJECTED,
            TRIAGE,
            payloads.ReasonSchema,
            reason_field="reason",
        ),
        _t(
            Action.POSTPONE,
            {S.NEW, S.UNDER_REVIEW, S.ASSIGNED, S.IN_PROGRESS},
            S.POSTPONED,
            TRIAGE,
            payloads.PostponeSchema,
            guards=(resume_at_in_future,),
            effect=_postpone,
            reason_field="reason",
        ),
        _t(
            Action.RESUME,
            {S.POSTPONED},
            None,
            TRIAGE | {R.SYSTEM},
            payloads.OptionalReasonSchema,
            reason_field="reason",
        ),
        _t(
            Action.ACKNOWLEDGE,
            {S.ASSIGNED},
            S.IN_PROGRESS,
            {R.ASSIGNEE},
            effect=_acknowledge,
        ),
        _t(
            Action.PROGRESS,
            {S.IN_PROGRESS},
            S.IN_PROGRESS,
            {R.ASSIGNEE},
            payloads.ProgressSchema,
            guards=(progress_not_decreasing,),
            effect=_progress,
            event="ticket.updated",
            reason_field="note",
        ),
        _t(
            Action.REQUEST_APPROVAL,
            {S.IN_PROGRESS},
            S.WAITING_APPROVAL,
            {R.ASSIGNEE, R.MODERATOR, R.ADMIN},
            payloads.RequestApprovalSchema,
            guards=(requester_not_approver, approvers_verified),
            reason_field="note",
        ),
        _t(
            Action.APPROVAL_DECIDED,
            {S.WAITING_APPROVAL},
            S.IN_PROGRESS,
            {R.APPROVER},
            guards=(approval_round_completed,),
            public=False,
        ),
        _t(
            Action.RESOLVE,
            {S.IN_PROGRESS},
            S.RESOLVED,
            {R.ASSIGNEE},
            payloads.ResolveSchema,
            guards=(no_open_sub_tickets, no_pending_approval),
            effect=_resolve,
            locks_ticket=True,
            reason_field="resolution_note",
        ),
        _t(
            Action.CLOSE,
            {S.RESOLVED},
            S.CLOSED,
            {R.REQUESTOR, R.MODERATOR, R.ADMIN, R.SYSTEM},
            effect=_close,
            # Only the sweep gives one (users' payload has no reason field).
            reason_field="reason",
        ),
        _t(
            Action.REOPEN,
            {S.RESOLVED},
            S.UNDER_REVIEW,
            {R.REQUESTOR, R.MODERATOR},
            payloads.ReasonSchema,
            guards=(within_reopen_window,),
            effect=_reopen,
            reason_field="reason",
        ),
        _t(Action.CANCEL, {S.NEW, S.UNDER_REVIEW}, S.CANCELLED, {R.REQUESTOR}),
        _t(
            Action.CANCEL_APPROVAL,
            {S.WAITING_APPROVAL},
            S.IN_PROGRESS,
            {R.ASSIGNEE, R.MODERATOR, R.ADMIN, R.SYSTEM},
            payloads.ReasonSchema,
            guards=(triage_or_round_requester,),
            locks_ticket=True,
            reason_field="reason",
        ),
    )
}


def roles_of(actor: CurrentUser, ticket: Ticket) -> frozenset[Role]:
    """The roles ``actor`` holds on ``ticket`` (approver is added by the approval operation)."""
    if is_system(actor):
        return frozenset({Role.SYSTEM})
    roles: set[Role] = set()
    if actor.id == ticket.requestor_id:
        roles.add(Role.REQUESTOR)
    if ticket.assignee_id is not None and actor.id == ticket.assignee_id:
        roles.add(Role.ASSIGNEE)
    if actor.moderates(ticket.department_id):
        roles.add(Role.MODERATOR)
    if actor.is_admin:
        roles.add(Role.ADMIN)
    return frozenset(roles)


def allowed_actions(ticket: Ticket, actor: CurrentUser) -> list[str]:
    """The public actions ``actor`` may try on ``ticket`` now (guards aside)."""
    if ticket.deleted_at is not None:
        return []
    roles = roles_of(actor, ticket)
    return [
        str(t.action)
        for t in TRANSITIONS.values()
        if t.public and ticket.status in t.sources and roles & t.roles
    ]


def transition_for(action: str) -> Transition:
    """The transition of ``action``; an unknown or internal action is a 422."""
    try:
        transition = TRANSITIONS[Action(action)]
    except ValueError:
        transition = None
    if transition is None or not transition.public:
        raise Invalid(
            f"Unknown action {action!r}.",
            errors={"action": [f"One of: {', '.join(public_actions())}."]},
        )
    return transition


def public_actions() -> list[str]:
    return [str(a) for a, t in TRANSITIONS.items() if t.public]


def describe_table() -> list[dict[str, Any]]:
    """The transition table as JSON for GET /api/tickets/fsm."""
    rows = []
    for transition in TRANSITIONS.values():
        schema = transition.payload()
        rows.append(
            {
                "action": str(transition.action),
                "from": sorted(str(s) for s in transition.sources),
                "to": str(transition.target) if transition.target else "postponed_from",
                "roles": sorted(str(r) for r in transition.roles),
                "payload": {
                    name: {"required": f.required, "type": type(f).__name__}
                    for name, f in schema.fields.items()
                    if name != "version"
                },
                "guards": [g.__name__ for g in transition.guards],
                "event": transition.event,
                "via_status_endpoint": transition.public,
            }
        )
    return rows


def _illegal(ticket: Ticket, transition: Transition, actor: CurrentUser) -> IllegalTransition:
    return IllegalTransition(
        f"Cannot {transition.action} a ticket that is {ticket.status}.",
        allowed_actions=allowed_actions(ticket, actor),
        current_status=ticket.status,
        current_version=ticket.version,
    )


def _stale(ticket: Ticket) -> StaleVersion:
    return StaleVersion(
        f"The ticket changed meanwhile (now version {ticket.version}); reload and retry.",
        current_version=ticket.version,
    )


def apply(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    action: Action | str,
    actor: CurrentUser,
    payload: Mapping[str, Any],
    policy: TicketPolicy,
    version: int | None = None,
    facts: Mapping[str, Any] | None = None,
    extra_roles: frozenset[Role] = frozenset(),
    now: datetime | None = None,
    request_id: str | None = None,
) -> Ticket:
    """Apply one transition to a ticket the actor can see; flushes, the caller commits.

    Order of checks: visible (404), state allows the action (409, listing what is allowed),
    the actor's role (403), the version (412), the guards (422/409). The update is
    conditional on the version read, so a concurrent change makes it touch no row: the
    ticket is read again and the caller gets 409 if the action no longer applies, else 412.
    """
    transition = TRANSITIONS[Action(action)]
    now = now or policy.clock()
    # Without a version the change is meant for the latest state: lock the row so that it
    # waits for a concurrent writer instead of failing as stale.
    ticket = get_visible_ticket(
        session=session,
        actor=actor,
        ticket_id=ticket_id,
        lock=transition.locks_ticket or version is None,
    )
    if ticket.status not in transition.sources:
        raise _illegal(ticket, transition, actor)
    if not (roles_of(actor, ticket) | extra_roles) & transition.roles:
        raise Forbidden(
            f"Only {', '.join(sorted(str(r) for r in transition.roles))} may {transition.action}."
        )
    if version is not None and version != ticket.version:
        raise _stale(ticket)
    context = TransitionContext(session, ticket, actor, payload, now, policy, facts or {})
    for guard in transition.guards:
        guard(context)

    from_status = ticket.status
    target = transition.target or Status(ticket.postponed_from or Status.NEW)
    changes: dict[str, Any] = {"status": str(target), **transition.effect(context)}
    if from_status == Status.POSTPONED:
        changes.update(postponed_from=None, resume_at=None)
    if (
        from_status in sla.PAUSING_STATES
        and target not in sla.PAUSING_STATES
        and target not in TERMINAL
    ):
        changes.update(sla.resume_changes(ticket, policy=policy, now=now))
    # sla_status is derived from the new values below; it belongs to the row's changes too.
    before = {name: getattr(ticket, name) for name in (*changes, "sla_status")}
    read_version = ticket.version
    result = session.execute(
        sa.update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.version == read_version)
        .values(**changes, version=read_version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        fresh = get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id)
        if fresh.status not in transition.sources:
            raise _illegal(fresh, transition, actor)
        raise _stale(fresh)
    session.refresh(ticket)
    new_sla = sla.sla_status_of(ticket, policy=policy, now=now)
    if new_sla != ticket.sla_status:
        ticket.sla_status = new_sla
        session.flush()

    diff = {
        name: [value, getattr(ticket, name)]
        for name, value in before.items()
        if value != getattr(ticket, name)
    }
    reason = payload.get(transition.reason_field) if transition.reason_field else None
    audit_changes = dict(diff)
    if facts and "approval_outcome" in facts:
        audit_changes["approval_outcome"] = [None, facts["approval_outcome"]]
    if facts and "approval_id" in facts:
        audit_changes["approval_id"] = [None, facts["approval_id"]]
    if transition.action == Action.REQUEST_APPROVAL:
        audit_changes["approver_ids"] = [None, [str(a) for a in payload["approver_ids"]]]
        audit_changes["mode"] = [None, payload.get("mode", "all")]
    append_audit(
        session=session,
        ticket_id=ticket.id,
        actor_id=actor.id,
        action=str(transition.action),
        from_state=from_status,
        to_state=ticket.status,
        changes=audit_changes,
        reason=reason,
        request_id=request_id,
        now=now,
    )
    _record_transition_event(
        session,
        transition,
        ticket,
        actor,
        {name: value for name, value in before.items() if name in changes},
        from_status,
        reason,
        now,
        request_id,
    )
    return ticket


def _record_transition_event(
    session: DbSession,
    transition: Transition,
    ticket: Ticket,
    actor: CurrentUser,
    before: Mapping[str, Any],
    from_status: str,
    reason: str | None,
    now: datetime,
    request_id: str | None,
) -> None:
    extra: dict[str, Any]
    if transition.event == "ticket.assigned":
        extra = {"previous_assignee_id": before.get("assignee_id")}
    elif transition.event == "ticket.updated":
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


# --- sub-tickets: open -> assigned -> in_progress -> done, or cancelled -----------------------


class SubTicketStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class SubTicketAction(StrEnum):
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


@dataclass(frozen=True)
class SubTicketTransition:
    action: SubTicketAction
    sources: frozenset[SubTicketStatus]
    target: SubTicketStatus
    #: "sub_assignee" is the sub-ticket's assignee; the others are roles on the parent ticket.
    roles: frozenset[str]


ST = SubTicketStatus
SUB_TICKET_TRANSITIONS: dict[SubTicketAction, SubTicketTransition] = {
    t.action: t
    for t in (
        SubTicketTransition(
            SubTicketAction.START,
            frozenset({ST.ASSIGNED}),
            ST.IN_PROGRESS,
            frozenset({"sub_assignee"}),
        ),
        SubTicketTransition(
            SubTicketAction.COMPLETE,
            frozenset({ST.IN_PROGRESS}),
            ST.DONE,
            frozenset({"sub_assignee"}),
        ),
        SubTicketTransition(
            SubTicketAction.CANCEL,
            frozenset({ST.OPEN, ST.ASSIGNED, ST.IN_PROGRESS}),
            ST.CANCELLED,
            frozenset({str(R.MODERATOR), str(R.ADMIN), str(R.ASSIGNEE)}),
        ),
    )
}
