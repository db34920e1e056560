"""The ticket and sub-ticket life cycles as data (docs/ticket-life-cycle.md), and their checks.

TRANSITIONS maps each action to its source states, target state, the roles allowed, its
payload schema and its guards. :func:`decide` checks the actor, the state, the version and the
guards and returns the columns the action changes; :func:`write` stores them with
``WHERE id = :id AND version = :v``. services/transitions.py runs both and adds the SLA columns,
the audit row and the outbox event in the caller's transaction. SUB_TICKET_TRANSITIONS is the
same for sub-tickets (:func:`apply_sub_ticket`, :func:`edit_sub_ticket`). No other code writes
``tickets.status`` or ``sub_tickets.status``, and this module imports no service (services
depend on it, not the reverse).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession, check_version, update_versioned
from hdms_common.errors import Conflict, Forbidden, IllegalTransition, Invalid, StaleVersion
from hdms_common.event_types import EventType
from ticket_service.actors import is_system
from ticket_service.config import TicketPolicy
from ticket_service.models import Approval, SubTicket, Ticket
from ticket_service.schemas import transitions as payloads
from ticket_service.statuses import OPEN_SUB_TICKET_STATUSES

# Re-exported: callers that name the states through the life cycle keep working.
from ticket_service.statuses import TERMINAL as TERMINAL
from ticket_service.statuses import Status as Status
from ticket_service.statuses import SubTicketStatus as SubTicketStatus


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
    event: str = EventType.TICKET_STATUS_CHANGED
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
            event=EventType.TICKET_ASSIGNED,
        ),
        _t(
            Action.REASSIGN,
            {S.ASSIGNED, S.IN_PROGRESS},
            S.ASSIGNED,
            TRIAGE,
            payloads.AssignSchema,
            guards=(assignee_differs, assignee_holds_role),
            effect=_assign,
            event=EventType.TICKET_ASSIGNED,
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
            event=EventType.TICKET_UPDATED,
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
    return list(_actions_open(ticket.status, roles_of(actor, ticket)))


@functools.lru_cache(maxsize=512)
def _actions_open(status: str, roles: frozenset[Role]) -> tuple[str, ...]:
    """The public actions from ``status`` for someone holding ``roles``: a few states times a
    few role sets, so worked out once each rather than for every ticket of every list page."""
    return tuple(
        str(t.action)
        for t in TRANSITIONS.values()
        if t.public and status in t.sources and roles & t.roles
    )


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


def illegal(ticket: Ticket, transition: Transition, actor: CurrentUser) -> IllegalTransition:
    """409: the ticket's state does not allow the action; says what it does allow."""
    return IllegalTransition(
        f"Cannot {transition.action} a ticket that is {ticket.status}.",
        allowed_actions=allowed_actions(ticket, actor),
        current_status=ticket.status,
        current_version=ticket.version,
    )


def stale_ticket(ticket: Ticket) -> StaleVersion:
    """412: the ticket changed since the client read it."""
    return StaleVersion(
        f"The ticket changed meanwhile (now version {ticket.version}); reload and retry.",
        current_version=ticket.version,
    )


def stale_sub_ticket(sub_ticket: SubTicket) -> StaleVersion:
    """412: the sub-ticket changed since the client read it."""
    return StaleVersion(
        f"The sub-ticket changed meanwhile (now version {sub_ticket.version}).",
        current_version=sub_ticket.version,
    )


@dataclass(frozen=True)
class Decision:
    """What a transition will do to a ticket: the columns it changes, status included."""

    transition: Transition
    from_status: str
    target: Status
    changes: dict[str, Any]
    reason: str | None


def decide(
    *,
    session: DbSession,
    ticket: Ticket,
    action: Action | str,
    actor: CurrentUser,
    payload: Mapping[str, Any],
    policy: TicketPolicy,
    now: datetime,
    version: int | None = None,
    facts: Mapping[str, Any] | None = None,
    extra_roles: frozenset[Role] = frozenset(),
) -> Decision:
    """Whether ``actor`` may apply ``action`` to ``ticket`` as read, and what it changes.

    Order of checks: the state allows the action (409, listing what is allowed), the actor's
    role (403), the version (412), the guards (422/409). Nothing is written.
    """
    transition = TRANSITIONS[Action(action)]
    if ticket.status not in transition.sources:
        raise illegal(ticket, transition, actor)
    if not (roles_of(actor, ticket) | extra_roles) & transition.roles:
        raise Forbidden(
            f"Only {', '.join(sorted(str(r) for r in transition.roles))} may {transition.action}."
        )
    check_version(ticket, version, stale=stale_ticket)
    context = TransitionContext(session, ticket, actor, payload, now, policy, facts or {})
    for guard in transition.guards:
        guard(context)
    from_status = ticket.status
    target = transition.target or Status(ticket.postponed_from or Status.NEW)
    changes: dict[str, Any] = {"status": str(target), **transition.effect(context)}
    if from_status == Status.POSTPONED:
        changes.update(postponed_from=None, resume_at=None)
    reason = payload.get(transition.reason_field) if transition.reason_field else None
    return Decision(transition, from_status, target, changes, reason)


def write(
    *,
    session: DbSession,
    ticket: Ticket,
    decision: Decision,
    actor: CurrentUser,
    changes: Mapping[str, Any],
    now: datetime,
    reread: Callable[[], Ticket],
) -> None:
    """Store a decided transition (``changes``: its own plus the columns it moves along).

    The update is conditional on the version read, so a concurrent change makes it touch no
    row: the ticket is read again (``reread``) and the caller gets 409 if the action no longer
    applies, else 412.
    """

    def no_longer_applies(current: Ticket) -> None:
        fresh = reread()
        if fresh.status not in decision.transition.sources:
            raise illegal(fresh, decision.transition, actor)

    update_versioned(session, ticket, changes, now=now, stale=stale_ticket, lost=no_longer_applies)


def new_ticket_state() -> dict[str, Any]:
    """The state columns of a ticket being opened."""
    return {"status": str(Status.NEW)}


# --- sub-tickets: open -> assigned -> in_progress -> done, or cancelled -----------------------


class SubTicketAction(StrEnum):
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


@dataclass(frozen=True)
class SubTicketTransition:
    action: SubTicketAction | str
    sources: frozenset[SubTicketStatus]
    target: SubTicketStatus
    #: "sub_assignee" is the sub-ticket's assignee; the others are roles on the parent ticket.
    roles: frozenset[str]


ST = SubTicketStatus
#: The actions of POST /api/sub-tickets/{id}/status.
SUB_TICKET_TRANSITIONS: dict[SubTicketAction, SubTicketTransition] = {
    SubTicketAction(t.action): t
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
#: Not an action of its own: an open sub-ticket becomes assigned when it is given an assignee,
#: by whoever may edit it (the edit checks who).
SUB_TICKET_ASSIGNED = SubTicketTransition(
    "assign",
    frozenset({ST.OPEN}),
    ST.ASSIGNED,
    frozenset({str(R.MODERATOR), str(R.ADMIN), str(R.ASSIGNEE)}),
)


def new_sub_ticket_state(assignee_id: uuid.UUID | None) -> dict[str, Any]:
    """The state columns of a sub-ticket being created: assigned when it names an assignee."""
    return {"status": str(SUB_TICKET_ASSIGNED.target if assignee_id else ST.OPEN)}


def _write_sub_ticket(
    session: DbSession,
    sub_ticket: SubTicket,
    changes: Mapping[str, Any],
    version: int | None,
    now: datetime,
) -> dict[str, list[Any]]:
    check_version(sub_ticket, version, stale=stale_sub_ticket)
    before = {k: getattr(sub_ticket, k) for k in changes}
    update_versioned(session, sub_ticket, changes, now=now, stale=stale_sub_ticket)
    return {
        k: [v, getattr(sub_ticket, k)] for k, v in before.items() if v != getattr(sub_ticket, k)
    }


def edit_sub_ticket(
    *,
    session: DbSession,
    sub_ticket: SubTicket,
    changes: Mapping[str, Any],
    version: int | None,
    now: datetime,
) -> dict[str, list[Any]]:
    """Store an edit of a sub-ticket; an open one given an assignee becomes assigned.

    Returns {column: [before, after]} of what changed (412 on a stale version).
    """
    columns = dict(changes)
    if "assignee_id" in columns and sub_ticket.status in SUB_TICKET_ASSIGNED.sources:
        columns["status"] = str(SUB_TICKET_ASSIGNED.target)
    return _write_sub_ticket(session, sub_ticket, columns, version, now)


def apply_sub_ticket(
    *,
    session: DbSession,
    sub_ticket: SubTicket,
    parent: Ticket,
    action: SubTicketAction | str,
    actor: CurrentUser,
    version: int | None,
    now: datetime,
) -> dict[str, list[Any]]:
    """Apply one sub-ticket action: the state allows it (409, listing what is allowed), the
    actor's role (403), the version (412). Returns {column: [before, after]}."""
    transition = SUB_TICKET_TRANSITIONS[SubTicketAction(action)]
    if sub_ticket.status not in transition.sources:
        allowed = [
            str(t.action) for t in SUB_TICKET_TRANSITIONS.values() if sub_ticket.status in t.sources
        ]
        raise IllegalTransition(
            f"Cannot {action} a sub-ticket that is {sub_ticket.status}.",
            allowed_actions=allowed,
        )
    roles = {str(r) for r in roles_of(actor, parent)}
    if sub_ticket.assignee_id == actor.id:
        roles.add("sub_assignee")
    if not roles & transition.roles:
        raise Forbidden(f"You may not {action} this sub-ticket.")
    return _write_sub_ticket(session, sub_ticket, {"status": str(transition.target)}, version, now)
