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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from hdms_common.auth import MODERATOR, CurrentUser
from hdms_common.db import DbSession
from hdms_common.errors import NotFound
from ticket_service.actors import SERVICE_NAME as SERVICE_NAME
from ticket_service.actors import SYSTEM_ACTOR as SYSTEM_ACTOR
from ticket_service.actors import is_system
from ticket_service.models import Approval, SubTicket, Ticket


def visible_condition(actor: CurrentUser) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting the tickets ``actor`` may see (soft-deleted ones excluded).

    The tickets of the sub-tickets and approval rounds naming the actor are read once, as a
    list of ids (:class:`IdIn`), not tested ticket by ticket, so that PostgreSQL can use an
    index for each branch of the OR.
    """
    alive = Ticket.deleted_at.is_(None)
    if actor.is_admin or is_system(actor):
        return alive
    clauses = own_ticket_conditions(actor)
    departments = actor.departments_for(MODERATOR)
    if departments:
        clauses.append(Ticket.department_id.in_(sorted(departments)))
    return sa.and_(alive, sa.or_(*clauses))


def own_ticket_conditions(actor: CurrentUser) -> list[sa.ColumnElement[bool]]:
    """The tickets that are ``actor``'s own, one condition per way (any of them shows a
    ticket): requested, assigned, holding a sub-ticket assigned to them, or with an approval
    round naming them. Each has an index of its own."""
    return _own_conditions(actor.id, str(actor.id))


def _own_conditions(viewer: Any, viewer_text: Any) -> list[sa.ColumnElement[bool]]:
    """:func:`own_ticket_conditions` of the viewer ``viewer`` (a UUID or a bound parameter),
    whose id as text is ``viewer_text``."""
    sub_tickets = sa.select(SubTicket.parent_id).where(SubTicket.assignee_id == viewer)
    approvals = sa.select(Approval.ticket_id).where(
        json_list_contains(Approval.approver_ids, viewer_text)
    )
    return [
        Ticket.requestor_id == viewer,
        Ticket.assignee_id == viewer,
        IdIn(Ticket.id, sub_tickets),
        IdIn(Ticket.id, approvals),
    ]


def sees_all(actor: CurrentUser) -> bool:
    """Whether ``actor`` sees every ticket that is not deleted: an admin or the system."""
    return actor.is_admin or is_system(actor)


def visibility_branches(actor: CurrentUser) -> list[sa.ColumnElement[bool]]:
    """The ways a ticket is visible to ``actor`` (who does not see all), one condition each,
    each served by an index of its own: the ways it is their own, then one per department
    they moderate (an IN over several departments could not be walked in the list's order)."""
    departments = sorted(actor.departments_for(MODERATOR))
    return [
        *own_ticket_conditions(actor),
        *(Ticket.department_id == department for department in departments),
    ]


def bound_visibility_branches(departments: int) -> list[sa.ColumnElement[bool]]:
    """:func:`visibility_branches` of any viewer who moderates ``departments`` departments,
    with bound parameters where the viewer's ids go (:func:`visibility_params` gives them): a
    statement built on these serves every such viewer."""
    viewer = sa.bindparam("viewer", type_=sa.Uuid())
    viewer_text = sa.bindparam("viewer_text", type_=sa.Text())
    return [
        *_own_conditions(viewer, viewer_text),
        *(
            Ticket.department_id == sa.bindparam(f"department_{index}", type_=sa.Uuid())
            for index in range(departments)
        ),
    ]


def visibility_params(actor: CurrentUser) -> dict[str, Any]:
    """The values of :func:`bound_visibility_branches`' parameters for ``actor``."""
    departments = sorted(actor.departments_for(MODERATOR))
    return {
        "viewer": actor.id,
        "viewer_text": str(actor.id),
        **{f"department_{index}": department for index, department in enumerate(departments)},
    }


class IdIn(sa.ColumnElement[bool]):
    """``column IN (subquery)`` for an uncorrelated subquery; on PostgreSQL
    ``column = ANY(ARRAY(subquery))``: the subquery then runs once before the scan and its
    result is a value an index can be searched with, where IN would be a filter tried on each
    row (which, inside an OR, keeps the planner from using any index for the whole OR)."""

    inherit_cache = True
    type = sa.Boolean()
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, subquery: sa.Select[Any] | sa.CompoundSelect[Any]) -> None:
        self.column = column
        self.subquery = subquery


@compiles(IdIn)
def _id_in(element: IdIn, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(element.subquery), **kw))


@compiles(IdIn, "postgresql")
def _id_in_postgresql(element: IdIn, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY(ARRAY{compiler.process(element.subquery.scalar_subquery(), **kw)})"


def json_list_contains(column: Any, value: Any) -> sa.ColumnElement[bool]:
    """Whether the JSON list ``column`` holds ``value`` (a UUID, or a bound parameter of one
    as text)."""
    # A text match on the JSON list works on both databases: a UUID never overlaps another.
    text = value if isinstance(value, sa.BindParameter) else str(value)
    return sa.cast(column, sa.Text).contains(text)


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
