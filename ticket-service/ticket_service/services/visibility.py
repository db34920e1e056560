"""Who sees which ticket: the one rule lists, reads and writes share.

The rule is that of docs/ticket-life-cycle.md and docs/api.md:

requestor -> their own; assignee -> assigned to them or holding one of their sub-tickets;
approver -> tickets with an approval round naming them; moderator -> their departments;
admin -> all. A ticket someone may not see is answered 404, never 403.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from hdms_common.auth import MODERATOR, CurrentUser
from hdms_common.db import DbSession
from hdms_common.errors import NotFound
from ticket_service.actors import SERVICE_NAME as SERVICE_NAME
from ticket_service.actors import SYSTEM_ACTOR as SYSTEM_ACTOR
from ticket_service.actors import is_system
from ticket_service.models import Approval, SubTicket, Ticket


def visible_condition(actor: CurrentUser) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting the tickets ``actor`` may see (soft-deleted ones excluded)."""
    alive = Ticket.deleted_at.is_(None)
    if actor.is_admin or is_system(actor):
        return alive
    sub_ticket_of_theirs = (
        sa.select(SubTicket.id)
        .where(SubTicket.parent_id == Ticket.id, SubTicket.assignee_id == actor.id)
        .correlate(Ticket)
        .exists()
    )
    approver_of = (
        sa.select(Approval.id)
        .where(Approval.ticket_id == Ticket.id, json_list_contains(Approval.approver_ids, actor.id))
        .correlate(Ticket)
        .exists()
    )
    clauses: list[sa.ColumnElement[bool]] = [
        Ticket.requestor_id == actor.id,
        Ticket.assignee_id == actor.id,
        sub_ticket_of_theirs,
        approver_of,
    ]
    departments = actor.departments_for(MODERATOR)
    if departments:
        clauses.append(Ticket.department_id.in_(sorted(departments)))
    return sa.and_(alive, sa.or_(*clauses))


def json_list_contains(column: Any, value: uuid.UUID) -> sa.ColumnElement[bool]:
    """Whether the JSON list ``column`` holds ``value`` (a UUID)."""
    # A text match on the JSON list works on both databases: a UUID never overlaps another.
    return sa.cast(column, sa.Text).contains(str(value))


def get_visible_ticket(
    *, session: DbSession, actor: CurrentUser, ticket_id: uuid.UUID, lock: bool = False
) -> Ticket:
    """The ticket if ``actor`` may see it; 404 otherwise (existence is not leaked)."""
    statement = sa.select(Ticket).where(Ticket.id == ticket_id, visible_condition(actor))
    if lock:
        statement = statement.with_for_update(of=Ticket)
    ticket: Ticket | None = session.scalar(statement.execution_options(populate_existing=True))
    if ticket is None:
        raise NotFound("No such ticket.")
    return ticket


def ensure_visible(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID | None = None,
    sub_ticket_id: uuid.UUID | None = None,
    approval_id: uuid.UUID | None = None,
) -> None:
    """404 unless ``actor`` may see the ticket named directly or through one of its sub-tickets
    or approval rounds (exactly one id is given)."""
    statement = sa.select(Ticket.id).where(visible_condition(actor))
    if ticket_id is not None:
        statement, missing = statement.where(Ticket.id == ticket_id), "No such ticket."
    elif sub_ticket_id is not None:
        statement = statement.join(SubTicket, SubTicket.parent_id == Ticket.id)
        statement, missing = statement.where(SubTicket.id == sub_ticket_id), "No such sub-ticket."
    elif approval_id is not None:
        statement = statement.join(Approval, Approval.ticket_id == Ticket.id)
        statement, missing = statement.where(Approval.id == approval_id), "No such approval."
    else:
        raise ValueError("Name a ticket, a sub-ticket or an approval.")
    if session.scalar(statement) is None:
        raise NotFound(missing)
