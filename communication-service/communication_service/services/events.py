"""Ticket events (docs/events.md) applied to participants and notifications, once per event id."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from communication_service.models import (
    ChatTicket,
    Notification,
    ProcessedEvent,
    SlaAlert,
    TicketParticipant,
)
from communication_service.services import notifications, participants
from communication_service.services.tickets import (
    SNAPSHOT_FIELDS,
    apply_snapshot,
    ensure_chat_ticket,
    snapshot_from,
)
from hdms_common.db import DbSession, utcnow
from hdms_common.event_types import EventType

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
SLA_ALERTS: dict[EventType, tuple[str, str]] = {
    EventType.TICKET_SLA_AT_RISK: ("sla_at_risk", "SLA at risk"),
    EventType.TICKET_SLA_BREACHED: ("sla_breached", "SLA breached"),
}


@dataclass
class Applied:
    """What applying one event did: nothing when it had been applied before."""

    duplicate: bool = False
    notifications: list[Notification] = field(default_factory=list)


def was_processed(*, session: DbSession, event_id: str) -> bool:
    """Whether the event with this id was applied already."""
    return session.get(ProcessedEvent, event_id) is not None


def processed_among(*, session: DbSession, event_ids: Iterable[str]) -> set[str]:
    """Which of these events were applied already (one query for a batch)."""
    ids = sorted(set(event_ids))
    if not ids:
        return set()
    return set(
        session.scalars(sa.select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.in_(ids)))
    )


def departments_needing_moderators(
    *, session: DbSession, events: Sequence[tuple[str, Mapping[str, Any]]]
) -> dict[int, str]:
    """For a batch of (type, payload) in stream order: the index of each event whose
    department's moderators must be looked up, with that department (as
    :func:`needs_moderators` decides one event at a time, the batch's earlier events counted)."""
    ticket_ids = {t for _, payload in events if (t := _uuid(payload.get("ticket_id")))}
    known: dict[uuid.UUID, str] = {}
    if ticket_ids:
        rows = session.execute(
            sa.select(ChatTicket.ticket_id, ChatTicket.department_id).where(
                ChatTicket.ticket_id.in_(sorted(ticket_ids))
            )
        )
        known = {ticket_id: str(department) for ticket_id, department in rows}
    needed: dict[int, str] = {}
    for index, (event_type, payload) in enumerate(events):
        department = payload.get("department_id")
        ticket_id = _uuid(payload.get("ticket_id"))
        if not department or ticket_id is None:
            continue
        if event_type == EventType.TICKET_CREATED or known.get(ticket_id) != str(department):
            needed[index] = str(department)
        known[ticket_id] = str(department)
    return needed


def _first_snapshot(seen: tuple[Mapping[str, Any], datetime] | None) -> dict[str, Any]:
    """The columns a chat ticket starts with when its first event is applied in a batch (what
    _apply_snapshot_queued sets on an empty row: absent fields stay NULL), all NULL when no
    event of it is known. The same keys either way: one multi-row INSERT takes them all."""
    if seen is None:
        return {**dict.fromkeys(SNAPSHOT_FIELDS), "last_event_at": None}
    payload, at = seen
    return {**snapshot_from(payload), "last_event_at": at}


#: The roles that follow the newest event's snapshot (set_role_holders).
SNAPSHOT_ROLES = ("requestor", "assignee", "moderator")


#: Chat tickets inserted unless they exist, as one statement of fixed shape run with many rows
#: of parameters: compiled once, where a multi-row VALUES of each batch's size was compiled anew.
_INSERT_CHAT_TICKETS: dict[str, Any] = {
    "postgresql": postgresql.insert(ChatTicket.__table__).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(ChatTicket.__table__).on_conflict_do_nothing(),
}


class Batch:
    """What the events of one batch read once instead of each: their chat tickets (inserted
    for all that are missing in one statement) and who holds the snapshot roles on them.

    Writes are queued in the session and go out at the batch's one flush: the processed ids,
    the participants and the notifications each in one statement.
    """

    def __init__(
        self,
        *,
        session: DbSession,
        ticket_ids: Iterable[uuid.UUID],
        first_seen: Mapping[uuid.UUID, tuple[Mapping[str, Any], datetime]] | None = None,
    ) -> None:
        """``first_seen``: per ticket, the payload and time of its first event in the batch; a
        chat ticket inserted here starts from that snapshot, so applying it updates nothing."""
        self.session = session
        first_seen = first_seen or {}
        ids = sorted(set(ticket_ids))
        self.tickets: dict[uuid.UUID, ChatTicket] = {}
        self.holders: dict[tuple[uuid.UUID, str], set[uuid.UUID]] = {}
        if not ids:
            return
        # Every ticket of the batch, inserted unless it exists (one statement), then read.
        now = utcnow()
        values = [
            {
                "ticket_id": t,
                "last_seq": 0,
                "created_at": now,
                "updated_at": now,
                **_first_snapshot(first_seen.get(t)),
            }
            for t in ids
        ]
        session.execute(_INSERT_CHAT_TICKETS[session.get_bind().dialect.name], values)
        self.tickets = self._load(ids)
        for ticket_id in ids:
            for role in SNAPSHOT_ROLES:
                self.holders[(ticket_id, role)] = set()
        holders = session.execute(
            sa.select(
                TicketParticipant.ticket_id, TicketParticipant.role, TicketParticipant.user_id
            ).where(
                TicketParticipant.ticket_id.in_(ids), TicketParticipant.role.in_(SNAPSHOT_ROLES)
            )
        )
        for ticket_id, role, user_id in holders:
            self.holders[(ticket_id, role)].add(user_id)

    def _load(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, ChatTicket]:
        found = self.session.scalars(sa.select(ChatTicket).where(ChatTicket.ticket_id.in_(ids)))
        return {ticket.ticket_id: ticket for ticket in found}

    def set_role_holders(
        self, *, ticket_id: uuid.UUID, role: str, user_ids: Iterable[uuid.UUID]
    ) -> None:
        """participants.set_role_holders from the batch's copy: new holders are queued."""
        wanted = set(user_ids)
        current = self.holders[(ticket_id, role)]
        gone = current - wanted
        if gone:
            self.session.execute(
                sa.delete(TicketParticipant).where(
                    TicketParticipant.ticket_id == ticket_id,
                    TicketParticipant.role == role,
                    TicketParticipant.user_id.in_(gone),
                )
            )
        now = utcnow()
        for user_id in sorted(wanted - current):
            self.session.add(
                TicketParticipant(ticket_id=ticket_id, user_id=user_id, role=role, joined_at=now)
            )
        self.holders[(ticket_id, role)] = wanted


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
    if event_type == EventType.TICKET_CREATED:
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
    batch: Batch | None = None,
) -> Applied:
    """Keep the ticket's participants current and notify the people the event concerns.

    Snapshot roles (requestor, assignee, moderators) follow the newest event only, so a late
    redelivery cannot undo a later change; approvers and sub-ticket assignees are only ever
    added. ``moderator_ids`` are the department's moderators when the caller looked them up.
    The event id is recorded in the same transaction, so a redelivered event does nothing.
    With ``batch`` (the caller checked the ids with :func:`processed_among`), the ticket and
    its role holders come from the batch, and the writes wait for the caller's flush.
    """
    if batch is None and was_processed(session=session, event_id=event_id):
        return Applied(duplicate=True)
    session.add(
        ProcessedEvent(event_id=event_id, event_type=event_type[:64], processed_at=utcnow())
    )
    if batch is None:
        session.flush()
    applied = Applied()
    ticket_id = _uuid(payload.get("ticket_id"))
    if ticket_id is None:
        return applied
    if batch is not None:
        ticket = batch.tickets[ticket_id]
        is_newest = _apply_snapshot_queued(ticket=ticket, data=payload, at=occurred_at)
    else:
        ticket = ensure_chat_ticket(session=session, ticket_id=ticket_id)
        is_newest = apply_snapshot(session=session, ticket=ticket, data=payload, at=occurred_at)
    if is_newest:
        holders: dict[str, Iterable[uuid.UUID] | None] = {
            "requestor": [u for u in [_uuid(payload.get("requestor_id"))] if u],
            "assignee": [u for u in [_uuid(payload.get("assignee_id"))] if u],
            "moderator": moderator_ids,
        }
        for role, user_ids in holders.items():
            if user_ids is None:
                continue
            if batch is not None:
                batch.set_role_holders(ticket_id=ticket_id, role=role, user_ids=user_ids)
            else:
                participants.set_role_holders(
                    session=session, ticket_id=ticket_id, role=role, user_ids=user_ids
                )
    known_type = EventType.parse(event_type)
    handler = HANDLERS.get(known_type) if known_type is not None else None
    if handler is not None:
        handler(
            _Applying(
                session=session,
                event_id=event_id,
                ticket_id=ticket_id,
                event_type=event_type,
                occurred_at=occurred_at,
                payload=payload,
                ticket=ticket,
                moderator_ids=moderator_ids,
                applied=applied,
                queued=batch is not None,
            )
        )
    if batch is None:
        session.flush()
    return applied


def _apply_snapshot_queued(*, ticket: ChatTicket, data: Mapping[str, Any], at: datetime) -> bool:
    """apply_snapshot without its flush: the batch flushes once."""
    if ticket.last_event_at is not None and at < ticket.last_event_at:
        return False
    for key, value in snapshot_from(data).items():
        if value is not None or key == "assignee_id":
            setattr(ticket, key, value)
    ticket.last_event_at = at
    return True


@dataclass
class _Applying:
    """One event being applied: what its handler reads, and :meth:`notify` to tell someone."""

    session: DbSession
    event_id: str
    ticket_id: uuid.UUID
    event_type: str
    occurred_at: datetime
    payload: Mapping[str, Any]
    ticket: ChatTicket
    moderator_ids: set[uuid.UUID] | None
    applied: Applied
    #: Writes wait for the batch's flush (see Batch).
    queued: bool = False

    @property
    def label(self) -> str:
        return _label(self.payload)

    @property
    def requestor(self) -> uuid.UUID | None:
        return _uuid(self.payload.get("requestor_id"))

    @property
    def assignee(self) -> uuid.UUID | None:
        return _uuid(self.payload.get("assignee_id"))

    def moderators(self) -> set[uuid.UUID]:
        """The department's moderators: as looked up for this event, else as kept."""
        if self.moderator_ids is not None:
            return self.moderator_ids
        return participants.holders_of(
            session=self.session, ticket_id=self.ticket_id, role="moderator"
        )

    def notify(self, user_id: uuid.UUID | None, kind: str, title: str, body: str = "") -> None:
        """Notify ``user_id``, unless it is nobody or the one who acted."""
        if user_id is None or user_id == _uuid(self.payload.get("actor_id")):
            return
        self.applied.notifications.append(
            notifications.create_notification(
                session=self.session,
                user_id=user_id,
                type=kind,
                title=title,
                body=body,
                ticket_id=self.ticket_id,
                event_id=self.event_id,
                flush=not self.queued,
            )
        )


def _on_created(event: _Applying) -> None:
    for moderator in sorted(event.moderators()):
        event.notify(moderator, "ticket_created", f"New ticket {event.label}")


def _on_assigned(event: _Applying) -> None:
    event.notify(event.assignee, "ticket_assigned", f"{event.label} was assigned to you")
    event.notify(event.requestor, "ticket_assigned", f"Your ticket {event.label} was assigned")


def _on_status_changed(event: _Applying) -> None:
    action = str(event.payload.get("action") or "")
    reason = str(event.payload.get("reason") or "")
    rule = STATUS_NOTIFICATIONS.get(action)
    if rule is None:
        return
    kind, requestor_title, assignee_title = rule
    event.notify(event.requestor, kind, requestor_title.format(label=event.label), reason)
    if assignee_title:
        event.notify(event.assignee, kind, assignee_title.format(label=event.label), reason)


def _on_approval_decided(event: _Applying) -> None:
    outcome = event.payload.get("outcome")
    if outcome not in ("approved", "declined"):
        return
    title = f"The approval on {event.label} was {outcome}"
    event.notify(event.requestor, f"approval_{outcome}", title)
    event.notify(event.assignee, f"approval_{outcome}", title)


def _on_sla(event: _Applying) -> None:
    kind, headline = SLA_ALERTS[EventType(event.event_type)]
    payload = event.payload
    clock = "first response" if payload.get("sla_kind") == "first_response" else "resolution"
    due_at = str(payload.get("due_at") or "")
    if not _first_alert(
        session=event.session, ticket_id=event.ticket_id, alert=kind, payload=payload
    ):
        return
    title = f"{headline} on {event.label}"
    body = f"The {clock} time is due at {due_at}."
    if event.event_type == EventType.TICKET_SLA_BREACHED:
        body = f"The {clock} time was due at {due_at}."
    if event.assignee is not None:
        event.notify(event.assignee, kind, title, body)
        return
    for moderator in sorted(
        participants.holders_of(session=event.session, ticket_id=event.ticket_id, role="moderator")
    ):
        event.notify(moderator, kind, title, body)


def _on_approval_requested(event: _Applying) -> None:
    approvers = event.payload.get("approver_ids") or []
    for approver in approvers if isinstance(approvers, list) else []:
        approver_id = _uuid(approver)
        participants.add_participant(
            session=event.session, ticket_id=event.ticket_id, user_id=approver_id, role="approver"
        )
        event.notify(
            approver_id, "approval_requested", f"Your approval is requested on {event.label}"
        )


def _on_sub_ticket(event: _Applying) -> None:
    sub_assignee = _uuid(event.payload.get("sub_ticket_assignee_id"))
    added = participants.hold_sub_ticket(
        session=event.session,
        ticket_id=event.ticket_id,
        sub_ticket_id=_uuid(event.payload.get("sub_ticket_id")),
        assignee_id=sub_assignee,
        at=event.occurred_at,
    )
    if event.event_type == EventType.SUB_TICKET_ASSIGNED or (
        event.event_type == EventType.SUB_TICKET_CREATED and added
    ):
        event.notify(
            sub_assignee,
            "sub_ticket_assigned",
            f"A sub-ticket of {event.label} was assigned to you",
        )


def _on_updated(event: _Applying) -> None:
    if "deleted_at" in (event.payload.get("changed") or []) and event.ticket.deleted_at is None:
        event.ticket.deleted_at = event.occurred_at


#: What each event type does beyond keeping the participants current; types not listed (and
#: types this version does not know) only do that.
HANDLERS: dict[EventType, Callable[[_Applying], None]] = {
    EventType.TICKET_CREATED: _on_created,
    EventType.TICKET_ASSIGNED: _on_assigned,
    EventType.TICKET_STATUS_CHANGED: _on_status_changed,
    EventType.APPROVAL_DECIDED: _on_approval_decided,
    EventType.TICKET_SLA_AT_RISK: _on_sla,
    EventType.TICKET_SLA_BREACHED: _on_sla,
    EventType.APPROVAL_REQUESTED: _on_approval_requested,
    EventType.SUB_TICKET_CREATED: _on_sub_ticket,
    EventType.SUB_TICKET_ASSIGNED: _on_sub_ticket,
    EventType.SUB_TICKET_STATUS_CHANGED: _on_sub_ticket,
    EventType.TICKET_UPDATED: _on_updated,
}
