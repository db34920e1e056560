"""Ticket events (docs/events.md) applied to participants and notifications, once per event id."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from communication_service.models import ChatTicket, Notification, ProcessedEvent, SlaAlert
from communication_service.services import notifications, participants
from communication_service.services.tickets import apply_snapshot, ensure_chat_ticket
from hdms_common.db import DbSession, utcnow

SUB_TICKET_EVENTS = ("sub_ticket.created", "sub_ticket.assigned", "sub_ticket.status_changed")

#: ticket.status_changed by action -> (notification type, the requestor's title, the assignee's
#: title or "" for none). The one who acted is never notified; actions not listed notify no one.
STATUS_NOTIFICATIONS: dict[str, tuple[str, str, str]] = {
    "acknowledge": ("ticket_in_progress", "Work started on your ticket {label}", ""),
    "postpone": ("ticket_postponed", "Your ticket {label} was postponed", ""),
    "resume": ("ticket_resumed", "Your ticket {label} was resumed", ""),
    "reject": ("ticket_rejected", "Your ticket {label} was rejected", ""),
    "resolve": ("ticket_resolved", "Your ticket {label} was resolved", ""),
    "close": ("ticket_closed", "Your ticket {label} was closed", ""),
    "reopen": ("ticket_reopened", "Your ticket {label} was reopened", "{label} was reopened"),
}


#: SLA events -> (notification type, title): the assignee hears, or the moderators while the
#: ticket is unassigned; once per ticket and clock (see _first_alert).
SLA_ALERTS: dict[str, tuple[str, str]] = {
    "ticket.sla_at_risk": ("sla_at_risk", "SLA at risk"),
    "ticket.sla_breached": ("sla_breached", "SLA breached"),
}


@dataclass
class Applied:
    """What applying one event did: nothing when it had been applied before."""

    duplicate: bool = False
    notifications: list[Notification] = field(default_factory=list)


def was_processed(*, session: DbSession, event_id: str) -> bool:
    """Whether the event with this id was applied already."""
    return session.get(ProcessedEvent, event_id) is not None


def needs_moderators(
    *, session: DbSession, payload: Mapping[str, Any], event_type: str = ""
) -> bool:
    """Whether the department's moderators must be looked up for this event: a new ticket
    (they are told of it, even when the chat learnt of the ticket first, from a participant
    who opened its page before the event arrived), or a department not on the ticket yet."""
    department = payload.get("department_id")
    ticket_id = payload.get("ticket_id")
    if not department or not ticket_id:
        return False
    if event_type == "ticket.created":
        return True
    try:
        ticket = session.get(ChatTicket, uuid.UUID(str(ticket_id)))
    except ValueError:
        return False
    return ticket is None or str(ticket.department_id) != str(department)


def _label(payload: Mapping[str, Any]) -> str:
    number = payload.get("ticket_number")
    title = payload.get("title") or ""
    return f"{number} {title}".strip() if number else str(title or "a ticket")


def _uuid(value: Any) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _first_alert(
    *, session: DbSession, ticket_id: uuid.UUID, alert: str, payload: Mapping[str, Any]
) -> bool:
    """Whether this is the first ``alert`` for the clock the payload names (kind and due time).

    ticket-service may report one clock more than once (another sweep, another event id); the
    primary key of communication_sla_alerts keeps the second report silent, even when two
    consumers apply them at the same moment.
    """
    clock = f"{payload.get('sla_kind') or 'resolution'}@{payload.get('due_at') or ''}"[:100]
    values = {"ticket_id": ticket_id, "alert": alert, "clock": clock, "sent_at": utcnow()}
    insert: Any = (
        postgresql.insert(SlaAlert)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(SlaAlert)
    )
    result = session.execute(insert.values(**values).on_conflict_do_nothing())
    return bool(getattr(result, "rowcount", 0))


def apply_ticket_event(
    *,
    session: DbSession,
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    payload: Mapping[str, Any],
    moderator_ids: set[uuid.UUID] | None = None,
) -> Applied:
    """Keep the ticket's participants current and notify the people the event concerns.

    Snapshot roles (requestor, assignee, moderators) follow the newest event only, so a late
    redelivery cannot undo a later change; approvers and sub-ticket assignees are only ever
    added. ``moderator_ids`` are the department's moderators when the caller looked them up.
    The event id is recorded in the same transaction, so a redelivered event does nothing.
    """
    if was_processed(session=session, event_id=event_id):
        return Applied(duplicate=True)
    session.add(
        ProcessedEvent(event_id=event_id, event_type=event_type[:64], processed_at=utcnow())
    )
    session.flush()
    applied = Applied()
    ticket_id = _uuid(payload.get("ticket_id"))
    if ticket_id is None:
        return applied
    ticket = ensure_chat_ticket(session=session, ticket_id=ticket_id)
    is_newest = apply_snapshot(session=session, ticket=ticket, data=payload, at=occurred_at)
    if is_newest:
        participants.set_role_holders(
            session=session,
            ticket_id=ticket_id,
            role="requestor",
            user_ids=[u for u in [_uuid(payload.get("requestor_id"))] if u],
        )
        participants.set_role_holders(
            session=session,
            ticket_id=ticket_id,
            role="assignee",
            user_ids=[u for u in [_uuid(payload.get("assignee_id"))] if u],
        )
        if moderator_ids is not None:
            participants.set_role_holders(
                session=session, ticket_id=ticket_id, role="moderator", user_ids=moderator_ids
            )
    actor = _uuid(payload.get("actor_id"))
    label = _label(payload)

    def notify(user_id: uuid.UUID | None, kind: str, title: str, body: str = "") -> None:
        if user_id is None or user_id == actor:
            return
        applied.notifications.append(
            notifications.create_notification(
                session=session,
                user_id=user_id,
                type=kind,
                title=title,
                body=body,
                ticket_id=ticket_id,
                event_id=event_id,
            )
        )

    requestor = _uuid(payload.get("requestor_id"))
    assignee = _uuid(payload.get("assignee_id"))
    if event_type == "ticket.created":
        moderators = (
            moderator_ids
            if moderator_ids is not None
            else participants.holders_of(session=session, ticket_id=ticket_id, role="moderator")
        )
        for moderator in sorted(moderators):
            notify(moderator, "ticket_created", f"New ticket {label}")
    elif event_type == "ticket.assigned":
        notify(assignee, "ticket_assigned", f"{label} was assigned to you")
        notify(requestor, "ticket_assigned", f"Your ticket {label} was assigned")
    elif event_type == "ticket.status_changed":
        action = str(payload.get("action") or "")
        reason = str(payload.get("reason") or "")
        rule = STATUS_NOTIFICATIONS.get(action)
        if rule is not None:
            kind, requestor_title, assignee_title = rule
            notify(requestor, kind, requestor_title.format(label=label), reason)
            if assignee_title:
                notify(assignee, kind, assignee_title.format(label=label), reason)
    elif event_type == "approval.decided" and payload.get("outcome") in ("approved", "declined"):
        outcome = str(payload["outcome"])
        title = f"The approval on {label} was {outcome}"
        notify(requestor, f"approval_{outcome}", title)
        notify(assignee, f"approval_{outcome}", title)
    elif event_type in SLA_ALERTS:
        kind, headline = SLA_ALERTS[event_type]
        clock = "first response" if payload.get("sla_kind") == "first_response" else "resolution"
        due_at = str(payload.get("due_at") or "")
        if _first_alert(session=session, ticket_id=ticket_id, alert=kind, payload=payload):
            title = f"{headline} on {label}"
            body = f"The {clock} time is due at {due_at}."
            if event_type == "ticket.sla_breached":
                body = f"The {clock} time was due at {due_at}."
            if assignee is not None:
                notify(assignee, kind, title, body)
            else:
                for moderator in sorted(
                    participants.holders_of(session=session, ticket_id=ticket_id, role="moderator")
                ):
                    notify(moderator, kind, title, body)
    elif event_type == "approval.requested":
        approvers = payload.get("approver_ids") or []
        for approver in approvers if isinstance(approvers, list) else []:
            approver_id = _uuid(approver)
            participants.add_participant(
                session=session, ticket_id=ticket_id, user_id=approver_id, role="approver"
            )
            notify(approver_id, "approval_requested", f"Your approval is requested on {label}")
    elif event_type in SUB_TICKET_EVENTS:
        sub_assignee = _uuid(payload.get("sub_ticket_assignee_id"))
        added = participants.hold_sub_ticket(
            session=session,
            ticket_id=ticket_id,
            sub_ticket_id=_uuid(payload.get("sub_ticket_id")),
            assignee_id=sub_assignee,
            at=occurred_at,
        )
        if event_type == "sub_ticket.assigned" or (event_type == "sub_ticket.created" and added):
            notify(
                sub_assignee, "sub_ticket_assigned", f"A sub-ticket of {label} was assigned to you"
            )
    elif event_type == "ticket.updated" and "deleted_at" in (payload.get("changed") or []):
        if ticket.deleted_at is None:
            ticket.deleted_at = occurred_at
    session.flush()
    return applied
