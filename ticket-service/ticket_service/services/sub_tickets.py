"""Sub-tickets: pieces of a ticket's work, each for a department and an assignee.

Every change is audited on the parent ticket's history. Creating one locks the parent row, as
resolve does, so a ticket is never resolved while a sub-ticket is being added to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession, utcnow
from hdms_common.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
)
from hdms_common.event_types import EventType
from ticket_service import fsm
from ticket_service.models import SubTicket, Ticket
from ticket_service.services.audit import append_audit, jsonable
from ticket_service.services.events import record_event
from ticket_service.services.visibility import get_visible_ticket, visible_condition
from ticket_service.statuses import FINISHED_SUB_TICKET_STATUSES, Status

#: Parent states in which work can be split.
SPLITTABLE = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_APPROVAL})
EDITABLE_FIELDS = ("title", "description", "assignee_id")


def _parent_roles(actor: CurrentUser, parent: Ticket) -> set[str]:
    return {str(r) for r in fsm.roles_of(actor, parent)}


def _may_manage(actor: CurrentUser, parent: Ticket) -> bool:
    return bool(_parent_roles(actor, parent) & {"moderator", "admin", "assignee"})


def _require_verified_assignee(assignee_id: Any, facts: Mapping[str, Any]) -> None:
    if assignee_id is not None and facts.get("assignee_verified") != assignee_id:
        raise Invalid(
            "The assignee must hold the assignee role in the sub-ticket's department.",
            errors={"assignee_id": ["Not an active assignee of this department."]},
        )


def _event(
    session: DbSession,
    event_type: str,
    parent: Ticket,
    sub_ticket: SubTicket,
    actor: CurrentUser,
    now: datetime,
    request_id: str | None,
) -> None:
    record_event(
        session=session,
        event_type=event_type,
        ticket=parent,
        actor_id=actor.id,
        now=now,
        request_id=request_id,
        sub_ticket_id=sub_ticket.id,
        sub_ticket_assignee_id=sub_ticket.assignee_id,
        sub_ticket_department_id=sub_ticket.department_id,
        sub_ticket_status=sub_ticket.status,
    )


def create_sub_ticket(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    data: Mapping[str, Any],
    facts: Mapping[str, Any],
    now: datetime | None = None,
    request_id: str | None = None,
) -> SubTicket:
    """Split work off a ticket (its moderator, an admin or its assignee)."""
    now = now or utcnow()
    parent = get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id, lock=True)
    if not _may_manage(actor, parent):
        raise Forbidden("Only a moderator, an admin or the ticket's assignee may add sub-tickets.")
    if parent.status not in SPLITTABLE:
        raise Conflict(f"Sub-tickets cannot be added to a {parent.status} ticket.")
    assignee_id = data.get("assignee_id")
    _require_verified_assignee(assignee_id, facts)
    sub_ticket = SubTicket(
        id=uuid.uuid4(),
        parent_id=parent.id,
        title=data["title"],
        description=data.get("description", ""),
        department_id=data["department_id"],
        assignee_id=assignee_id,
        **fsm.new_sub_ticket_state(assignee_id),
        version=1,
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(sub_ticket)
    session.flush()
    append_audit(
        session=session,
        ticket_id=parent.id,
        actor_id=actor.id,
        action="sub_ticket.created",
        from_state=parent.status,
        to_state=parent.status,
        changes={
            "sub_ticket_id": [None, sub_ticket.id],
            "title": [None, sub_ticket.title],
            "department_id": [None, sub_ticket.department_id],
            "assignee_id": [None, sub_ticket.assignee_id],
            "status": [None, sub_ticket.status],
        },
        request_id=request_id,
        now=now,
    )
    _event(session, EventType.SUB_TICKET_CREATED, parent, sub_ticket, actor, now, request_id)
    if assignee_id:
        _event(session, EventType.SUB_TICKET_ASSIGNED, parent, sub_ticket, actor, now, request_id)
    return sub_ticket


def list_sub_tickets(
    *, session: DbSession, actor: CurrentUser, ticket_id: uuid.UUID
) -> list[SubTicket]:
    """A visible ticket's sub-tickets, oldest first."""
    get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id)
    return list(
        session.scalars(
            sa.select(SubTicket)
            .where(SubTicket.parent_id == ticket_id)
            .order_by(SubTicket.created_at, SubTicket.id)
        )
    )


def get_sub_ticket(
    *, session: DbSession, actor: CurrentUser, sub_ticket_id: uuid.UUID, lock: bool = False
) -> tuple[SubTicket, Ticket]:
    """A sub-ticket and its parent, when the actor may see the parent (404 otherwise).

    With ``lock`` the parent's row is locked first, as every write of a sub-ticket does, and
    the sub-ticket is read after it: writes that send no version then apply one after the other
    on the latest state instead of failing with 412.
    """
    if lock:
        locked = session.scalar(
            sa.select(Ticket.id)
            .join(SubTicket, SubTicket.parent_id == Ticket.id)
            .where(SubTicket.id == sub_ticket_id, visible_condition(actor))
            .with_for_update(of=Ticket)
        )
        if locked is None:
            raise NotFound("No such sub-ticket.")
    row = session.execute(
        sa.select(SubTicket, Ticket)
        .join(Ticket, Ticket.id == SubTicket.parent_id)
        .where(SubTicket.id == sub_ticket_id, visible_condition(actor))
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFound("No such sub-ticket.")
    return row[0], row[1]


def _jsonable_diff(diff: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    return {name: [jsonable(value) for value in values] for name, values in diff.items()}


def update_sub_ticket(
    *,
    session: DbSession,
    actor: CurrentUser,
    sub_ticket_id: uuid.UUID,
    data: Mapping[str, Any],
    facts: Mapping[str, Any],
    version: int | None = None,
    now: datetime | None = None,
    request_id: str | None = None,
) -> SubTicket:
    """Edit a sub-ticket or (re)assign it (the parent's moderator, an admin or assignee)."""
    now = now or utcnow()
    sub_ticket, parent = get_sub_ticket(
        session=session, actor=actor, sub_ticket_id=sub_ticket_id, lock=True
    )
    if not _may_manage(actor, parent):
        raise Forbidden("Only a moderator, an admin or the ticket's assignee may edit sub-tickets.")
    if sub_ticket.status in FINISHED_SUB_TICKET_STATUSES:
        raise Conflict(f"A {sub_ticket.status} sub-ticket cannot be edited.")
    changes = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if "assignee_id" in changes:
        if changes["assignee_id"] is None:
            raise Invalid(
                "A sub-ticket cannot be unassigned.", errors={"assignee_id": ["Required."]}
            )
        _require_verified_assignee(changes["assignee_id"], facts)
    diff = _jsonable_diff(
        fsm.edit_sub_ticket(
            session=session, sub_ticket=sub_ticket, changes=changes, version=version, now=now
        )
    )
    if diff:
        append_audit(
            session=session,
            ticket_id=parent.id,
            actor_id=actor.id,
            action="sub_ticket.updated",
            from_state=parent.status,
            to_state=parent.status,
            changes={"sub_ticket_id": [None, sub_ticket.id], **diff},
            request_id=request_id,
            now=now,
        )
    if "assignee_id" in diff:
        _event(session, EventType.SUB_TICKET_ASSIGNED, parent, sub_ticket, actor, now, request_id)
    return sub_ticket


def change_sub_ticket_status(
    *,
    session: DbSession,
    actor: CurrentUser,
    sub_ticket_id: uuid.UUID,
    action: str,
    version: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
    request_id: str | None = None,
) -> SubTicket:
    """start, complete (the sub-ticket's assignee) or cancel (parent's moderator/admin/assignee)."""
    now = now or utcnow()
    sub_ticket, parent = get_sub_ticket(
        session=session, actor=actor, sub_ticket_id=sub_ticket_id, lock=True
    )
    diff = _jsonable_diff(
        fsm.apply_sub_ticket(
            session=session,
            sub_ticket=sub_ticket,
            parent=parent,
            action=action,
            actor=actor,
            version=version,
            now=now,
        )
    )
    append_audit(
        session=session,
        ticket_id=parent.id,
        actor_id=actor.id,
        action=f"sub_ticket.{action}",
        from_state=parent.status,
        to_state=parent.status,
        changes={"sub_ticket_id": [None, sub_ticket.id], **diff},
        reason=reason,
        request_id=request_id,
        now=now,
    )
    _event(session, EventType.SUB_TICKET_STATUS_CHANGED, parent, sub_ticket, actor, now, request_id)
    return sub_ticket
