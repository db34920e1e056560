"""Tickets: create, list, read, edit, soft delete, SLA override, attachments.

Status changes are not here: they go through ticket_service.services.transitions.apply_transition.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import make_transient_to_detached, scoped_session

from hdms_common.auth import MODERATOR, CurrentUser
from hdms_common.db import (
    DbSession,
    autocommit_engine,
    check_version,
    update_versioned,
    utcnow,
)
from hdms_common.errors import Conflict, Forbidden, Invalid
from hdms_common.event_types import EventType
from hdms_common.idempotency import COMMIT_ADDS_ROWS
from hdms_common.pagination import (
    OrderKey,
    Page,
    SortKey,
    keyset_after,
    keyset_ordering,
    keyset_page,
    keyset_statement,
    read_page,
)
from ticket_service import fsm
from ticket_service.config import TicketPolicy
from ticket_service.fsm import Role as TicketRole
from ticket_service.fsm import allowed_actions, roles_of, stale_ticket
from ticket_service.models import AuditLog, OutboxEvent, Ticket
from ticket_service.models.tickets import PRIORITIES
from ticket_service.services import sla
from ticket_service.services.audit import append_audit, first_audit_row, row_values
from ticket_service.services.events import outbox_values, record_event
from ticket_service.services.visibility import (
    IdIn,
    bound_visibility_branches,
    get_visible_ticket,
    sees_all,
    visibility_branches,
    visibility_params,
    visible_condition,
)
from ticket_service.statuses import TERMINAL, Status

NUMBER_PREFIX = "HD-"
NUMBER_DIGITS = 6
EDITABLE_FIELDS = ("title", "description", "priority", "category")

#: low 0 ... critical 3: sorts by urgency, which the names do not.
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES)}
PRIORITY_RANK_SQL = sa.case(PRIORITY_RANK, value=Ticket.priority, else_=-1)


def _priority_rank(ticket: Ticket) -> int:
    return PRIORITY_RANK.get(ticket.priority, -1)


#: The list's sort orders: the keyset (ending with the unique id) and its direction.
SORTS: dict[str, tuple[list[OrderKey], bool]] = {
    "-created_at": ([Ticket.created_at, Ticket.id], True),
    "created_at": ([Ticket.created_at, Ticket.id], False),
    "due_at": ([Ticket.resolution_due_at, Ticket.id], False),
    "-priority": ([SortKey(PRIORITY_RANK_SQL, _priority_rank), Ticket.created_at, Ticket.id], True),
}
DEFAULT_SORT = "-created_at"


def _number_sql() -> sa.ScalarSelect[str]:
    """PostgreSQL: the next ``number`` (HD-000123, at least six digits), drawn from
    ``ticket_number_seq`` by the INSERT itself, so that numbering costs no round trip."""
    number = sa.column("n", sa.BigInteger)
    digits = sa.cast(number, sa.Text)
    width = sa.func.greatest(NUMBER_DIGITS, sa.func.length(digits))
    return (
        sa.select(sa.literal(NUMBER_PREFIX) + sa.func.lpad(digits, width, "0"))
        .select_from(sa.func.nextval("ticket_number_seq").alias("n"))
        .scalar_subquery()
    )


def _next_number_embedded(session: DbSession) -> str:
    """SQLite (one embedded process, one writer at a time): the highest number + 1."""
    digits_of = sa.func.substr(Ticket.number, len(NUMBER_PREFIX) + 1)
    last = int(session.scalar(sa.select(sa.func.max(sa.cast(digits_of, sa.Integer)))) or 0)
    return f"{NUMBER_PREFIX}{last + 1:0{NUMBER_DIGITS}d}"


#: Every column of a ticket but the search vector (never loaded): what the create returns.
_TICKET_COLUMNS = tuple(c for c in Ticket.__table__.columns if c.key != "search_vector")


#: The create's INSERTs on SQLite: fixed statements whose values are all bound parameters, so
#: each is compiled once and found in the compiled cache by a constant key (a
#: ``.values(**row)`` per call made SQLAlchemy build and hash a new statement each time).
_INSERT_TICKET = sa.insert(Ticket.__table__).returning(*_TICKET_COLUMNS)
_INSERT_HISTORY = sa.insert(AuditLog.__table__)
_INSERT_OUTBOX = sa.insert(OutboxEvent.__table__)


def _prefixed_values(table: sa.Table, prefix: str) -> dict[str, sa.BindParameter[Any]]:
    """Every column of ``table`` as a bound parameter named ``prefix + column``: the three
    INSERTs of one statement need names of their own."""
    return {c.key: sa.bindparam(f"{prefix}{c.key}", type_=c.type) for c in table.columns}


@functools.cache
def _create_statement(ticket_keys: tuple[str, ...]) -> sa.Select[Any]:
    """PostgreSQL: the whole create as one statement, three INSERTs in data-modifying CTEs.

    The ticket draws its number; the history row is the chain's first (its hash is the
    ticket's ``audit_head``); ticket.created takes the drawn number into its payload. One
    statement is atomic by itself, so without anything else to write in its transaction it
    runs as one round trip, with no BEGIN or COMMIT (see :func:`create_ticket`)."""
    tickets, history, outbox = Ticket.__table__, AuditLog.__table__, OutboxEvent.__table__
    ticket_values = {
        key: value for key, value in _prefixed_values(tickets, "t_").items() if key in ticket_keys
    }
    ticket = (
        sa.insert(tickets)
        .values(number=_number_sql(), **ticket_values)
        .returning(*_TICKET_COLUMNS)
        .cte("created_ticket")
    )
    history_row = sa.insert(history).values(_prefixed_values(history, "h_")).cte("first_history")
    outbox_columns = ("id", "event_type", "payload", "request_id", "occurred_at")
    outbox_values = _prefixed_values(outbox, "o_")
    payload = sa.func.jsonb_set(
        outbox_values["payload"],
        sa.literal_column("'{ticket_number}'"),
        sa.func.to_jsonb(ticket.c.number),
        type_=outbox.c.payload.type,
    )
    created_event = (
        sa.insert(outbox)
        .from_select(
            outbox_columns,
            sa.select(
                *(payload if name == "payload" else outbox_values[name] for name in outbox_columns)
            ).select_from(ticket),
        )
        .cte("created_event")
    )
    return sa.select(ticket).add_cte(history_row, created_event)


def _prefixed(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{key}": value for key, value in values.items()}


#: The columns a ticket's JSON shows or derives its live fields from (sla_status, sla_clock,
#: allowed_actions): what a list loads, as plain rows rather than ORM objects.
VIEW_COLUMNS = (
    "id",
    "number",
    "title",
    "description",
    "department_id",
    "requestor_id",
    "assignee_id",
    "priority",
    "category",
    "status",
    "version",
    "progress",
    "postponed_from",
    "resume_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "resolution_note",
    "first_response_due_at",
    "resolution_due_at",
    "first_response_breached_at",
    "resolution_breached_at",
    "attachments",
    "deleted_at",
    "created_at",
    "updated_at",
)


def ticket_view(
    ticket: Ticket | sa.Row[Any],
    *,
    actor: CurrentUser,
    policy: TicketPolicy,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The ticket (an ORM object or a row of VIEW_COLUMNS) as its reader sees it: live
    sla_status and the actions open to them."""
    now = now or policy.clock()
    source: Any = ticket  # the rules below read only VIEW_COLUMNS, which a row has too
    if isinstance(ticket, sa.Row):
        data = ticket._asdict()
    else:
        data = {name: getattr(source, name) for name in VIEW_COLUMNS}
    data["sla_status"] = sla.sla_status_of(source, policy=policy, now=now)
    data["sla_clock"] = sla.running_clock(source)
    data["due_at"] = source.resolution_due_at
    data["allowed_actions"] = allowed_actions(source, actor)
    return data


_UNCHANGED_STATE: Any = object()


def _record_change(
    session: DbSession,
    ticket: Ticket,
    *,
    actor_id: uuid.UUID,
    action: str,
    event_type: str,
    now: datetime,
    request_id: str | None,
    from_state: str | None = _UNCHANGED_STATE,
    changes: Mapping[str, Any] | None = None,
    reason: str | None = None,
    **event_fields: Any,
) -> None:
    """The history row and the outbox event of a change the FSM does not make, together."""
    append_audit(
        session=session,
        ticket_id=ticket.id,
        actor_id=actor_id,
        action=action,
        from_state=ticket.status if from_state is _UNCHANGED_STATE else from_state,
        to_state=ticket.status,
        changes=changes,
        reason=reason,
        request_id=request_id,
        now=now,
    )
    record_event(
        session=session,
        event_type=event_type,
        ticket=ticket,
        actor_id=actor_id,
        now=now,
        request_id=request_id,
        **event_fields,
    )


def create_ticket(
    *,
    session: DbSession,
    actor: CurrentUser,
    data: Mapping[str, Any],
    policy: TicketPolicy,
    now: datetime | None = None,
    request_id: str | None = None,
) -> Ticket:
    """Open a ticket (status new) with its SLA clocks started.

    The department and the attachments were validated by the caller against auth- and
    file-service before the transaction began; ``data["attachments"]`` holds their summaries.
    """
    now = now or policy.clock()
    first_due, resolution_due = sla.due_dates(policy=policy, priority=data["priority"], start=now)
    ticket_id = uuid.uuid4()
    values: dict[str, Any] = {
        "title": data["title"],
        "description": data["description"],
        "department_id": data["department_id"],
        "requestor_id": actor.id,
        "priority": data["priority"],
        "category": data.get("category", ""),
        **fsm.new_ticket_state(),
        "version": 1,
        "progress": 0,
        "first_response_due_at": first_due,
        "resolution_due_at": resolution_due,
        "sla_status": "on_track",
        "attachments": list(data.get("attachments", [])),
        "created_at": now,
        "updated_at": now,
    }
    history = first_audit_row(
        ticket_id=ticket_id,
        actor_id=actor.id,
        action="create",
        to_state=values["status"],
        changes={
            name: [None, values[name]]
            for name in (*EDITABLE_FIELDS, "department_id", "attachments")
        },
        request_id=request_id,
        now=now,
    )
    # Three INSERTs of fixed shape, no unit of work (on PostgreSQL one statement): the ticket
    # (its chain's head the first history row's hash), that row, and ticket.created in the
    # outbox. Nobody follows a ticket that did not exist before this
    # transaction: no chat socket is on its channel and no verdict on who sees it was kept (its
    # id was unknown until now), so its creation is not announced in real time (it is not put
    # in CHANGED_TICKETS); ticket.created still goes out through the outbox.
    ticket_values = {"id": ticket_id, "audit_head": history.hash, **values}
    if session.get_bind().dialect.name == "postgresql":
        row = _create_in_one_statement(session, ticket_values, history, actor, now, request_id)
        return _loaded(session, row)
    # The embedded SQLite (no data-modifying CTEs): the same three INSERTs one by one.
    ticket_values["number"] = _next_number_embedded(session)
    ticket = _loaded(session, session.execute(_INSERT_TICKET, ticket_values).one())
    session.execute(_INSERT_HISTORY, row_values(history))
    session.execute(
        _INSERT_OUTBOX,
        outbox_values(
            event_type=EventType.TICKET_CREATED,
            ticket=ticket,
            actor_id=actor.id,
            now=now,
            request_id=request_id,
        ),
    )
    return ticket


def _create_in_one_statement(
    session: DbSession,
    ticket_values: dict[str, Any],
    history: AuditLog,
    actor: CurrentUser,
    now: datetime,
    request_id: str | None,
) -> sa.Row[Any]:
    """Run :func:`_create_statement`; outside a transaction when it is the only write of one.

    When the session has begun nothing yet and its commit is to add nothing (no
    Idempotency-Key row: :data:`~hdms_common.idempotency.COMMIT_ADDS_ROWS`), the statement
    runs on a connection in autocommit (:func:`hdms_common.db.autocommit_engine`): one round
    trip instead of BEGIN, statement, COMMIT. Otherwise it joins the session's transaction.
    """
    # The event's payload is built from the ticket as it will be; its number, drawn by the
    # statement, is put into the payload by the statement too.
    draft = Ticket(**ticket_values, number=None)
    event = outbox_values(
        event_type=EventType.TICKET_CREATED,
        ticket=draft,
        actor_id=actor.id,
        now=now,
        request_id=request_id,
    )
    params = {
        **_prefixed("t_", ticket_values),
        **_prefixed("h_", row_values(history)),
        **_prefixed("o_", event),
    }
    statement = _create_statement(tuple(ticket_values))
    current = session() if isinstance(session, scoped_session) else session
    if current.in_transaction() or current.info.get(COMMIT_ADDS_ROWS):
        return session.execute(statement, params).one()
    engine = autocommit_engine(current.get_bind().engine, current_app.extensions)
    with engine.connect() as connection:
        return connection.execute(statement, params).one()


def _loaded(session: DbSession, row: sa.Row[Any]) -> Ticket:
    """The row an INSERT returned as the ticket the caller is answered with: persistent in
    the session as if it had been loaded, without a re-read."""
    ticket = Ticket(**row._mapping)
    make_transient_to_detached(ticket)
    session.add(ticket)
    return ticket


def list_tickets(
    *,
    session: DbSession,
    actor: CurrentUser,
    limit: int,
    cursor: str | None = None,
    status: list[str] | None = None,
    priority: list[str] | None = None,
    department_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
    requestor_id: uuid.UUID | None = None,
    sla_status: str | None = None,
    q: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    sort: str = DEFAULT_SORT,
) -> Page[sa.Row[Any]]:
    """The tickets ``actor`` may see, filtered, one keyset page at a time, in the ``sort``
    order: newest first (default), oldest first, resolution due soonest first, or most urgent
    priority first then newest. The items are rows of VIEW_COLUMNS (for ticket_view), not
    ORM objects: a page is only read, and building twenty tracked objects cost more than the
    query."""
    filters: list[sa.ColumnElement[bool]] = []
    if status:
        filters.append(Ticket.status.in_(status))
    if priority:
        filters.append(Ticket.priority.in_(priority))
    if department_id:
        filters.append(Ticket.department_id == department_id)
    if assignee_id:
        filters.append(Ticket.assignee_id == assignee_id)
    if requestor_id:
        filters.append(Ticket.requestor_id == requestor_id)
    if sla_status:
        filters.append(Ticket.sla_status == sla_status)
    if created_after:
        filters.append(Ticket.created_at >= created_after)
    if created_before:
        filters.append(Ticket.created_at < created_before)
    if q:
        filters.append(_search(session, q))
    order_by, descending = SORTS[sort]
    if not sees_all(actor) and not filters and not cursor:
        # The most asked page: the first, unfiltered. Its statement depends on the viewer only
        # through bound parameters, so it is built (and its cache key worked out) once.
        first_page = _first_page_statement(len(actor.departments_for(MODERATOR)), sort, limit)
        return read_page(
            session,
            first_page,
            order_by=order_by,
            limit=limit,
            order=sort,
            params=visibility_params(actor),
        )
    columns = [getattr(Ticket, name) for name in VIEW_COLUMNS]
    statement = sa.select(*columns)
    if not sees_all(actor):
        statement = statement.where(
            _page_candidates(
                filters,
                branches=visibility_branches(actor),
                order_by=order_by,
                limit=limit,
                cursor=cursor,
                descending=descending,
                order=sort,
            )
        )
    else:
        statement = statement.where(visible_condition(actor), *filters)
    return keyset_page(
        session,
        statement,
        order_by=order_by,
        limit=limit,
        cursor=cursor,
        descending=descending,
        order=sort,
    )


@functools.lru_cache(maxsize=64)
def _first_page_statement(departments: int, sort: str, limit: int) -> sa.Select[Any]:
    """The first unfiltered page of anyone who moderates ``departments`` departments and does
    not see every ticket (:func:`_page_candidates`), with the viewer's ids as bound parameters
    (``visibility_params``)."""
    order_by, descending = SORTS[sort]
    candidates = _page_candidates(
        [],
        branches=bound_visibility_branches(departments),
        order_by=order_by,
        limit=limit,
        cursor=None,
        descending=descending,
        order=sort,
    )
    statement = sa.select(*(getattr(Ticket, name) for name in VIEW_COLUMNS)).where(candidates)
    return keyset_statement(
        statement, order_by=order_by, limit=limit, cursor=None, descending=descending, order=sort
    )


def _page_candidates(
    filters: list[sa.ColumnElement[bool]],
    *,
    branches: list[sa.ColumnElement[bool]],
    order_by: list[OrderKey],
    limit: int,
    cursor: str | None,
    descending: bool,
    order: str,
) -> sa.ColumnElement[bool]:
    """The tickets that can be on the page of someone who does not see every ticket: the
    first ``limit + 1`` after the cursor of each way a ticket is visible to them (``branches``:
    each way their own, each department they moderate), each read in the page's order through
    its own index. The page is the first ``limit + 1`` of these, as it is of their union.
    Sorting every visible ticket instead read them all (a thousand rows for a requestor of one
    ticket in a thousand at a million tickets), and an OR of the ways kept the planner from
    walking any one index in order (docs/ticket-service.md, "The list at scale")."""
    after = keyset_after(order_by, cursor, descending=descending, order=order)
    bounds = [] if after is None else [after]
    ordering = keyset_ordering(order_by, descending=descending)
    alive = Ticket.deleted_at.is_(None)
    parts = []
    for condition in branches:
        part = (
            sa.select(Ticket.id)
            .where(alive, condition, *filters, *bounds)
            .order_by(*ordering)
            .limit(limit + 1)
            .subquery()
        )
        parts.append(sa.select(part.c.id))
    return sa.and_(alive, IdIn(Ticket.id, sa.union(*parts)))


def _search(session: DbSession, q: str) -> sa.ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        # The stored vector (SEARCH_DOCUMENT) has the GIN index, and is cheap to test on a row.
        return Ticket.search_vector.bool_op("@@")(sa.func.plainto_tsquery("english", q))
    # The embedded mode's substring match: % and _ in the words typed are literal characters,
    # not LIKE wildcards (nor is the escape character itself).
    words = q.strip().lower()
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return sa.or_(
        sa.func.lower(Ticket.title).like(pattern, escape="\\"),
        sa.func.lower(Ticket.description).like(pattern, escape="\\"),
    )


def get_ticket(*, session: DbSession, actor: CurrentUser, ticket_id: uuid.UUID) -> Ticket:
    """One ticket the actor may see (404 otherwise)."""
    return get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id)


def _write(
    session: DbSession,
    ticket: Ticket,
    changes: Mapping[str, Any],
    *,
    version: int | None,
    now: datetime,
) -> dict[str, list[Any]]:
    """Conditionally update a ticket's columns (not status); returns {field: [before, after]}.

    Callers read ``ticket`` locked (SELECT ... FOR UPDATE), so a write without a version applies
    on top of the latest state and concurrent ones queue instead of failing; a version that was
    sent is compared with that latest state (412 when stale).
    """
    check_version(ticket, version, stale=stale_ticket)
    before = {name: getattr(ticket, name) for name in changes}
    update_versioned(session, ticket, changes, now=now, stale=stale_ticket)
    return {k: [v, getattr(ticket, k)] for k, v in before.items() if v != getattr(ticket, k)}


def _refresh_sla_status(
    session: DbSession, ticket: Ticket, *, policy: TicketPolicy, now: datetime
) -> dict[str, list[Any]]:
    """Store the sla_status the ticket's new values give; returns its change for the history."""
    status = sla.sla_status_of(ticket, policy=policy, now=now)
    if status == ticket.sla_status:
        return {}
    before, ticket.sla_status = ticket.sla_status, status
    session.flush()
    return {"sla_status": [before, status]}


def update_ticket(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    data: Mapping[str, Any],
    policy: TicketPolicy,
    version: int | None = None,
    now: datetime | None = None,
    request_id: str | None = None,
) -> Ticket:
    """Edit title, description, priority, category: the requestor while new, else triage."""
    now = now or policy.clock()
    ticket = get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id, lock=True)
    roles = roles_of(actor, ticket)
    triage = bool(roles & {TicketRole.MODERATOR, TicketRole.ADMIN})
    requestor_may = TicketRole.REQUESTOR in roles and ticket.status == Status.NEW
    if not (triage or requestor_may):
        raise Forbidden("Only the requestor (while new), a moderator or an admin may edit.")
    if ticket.status in TERMINAL:
        raise Conflict(f"A {ticket.status} ticket cannot be edited.")
    changes = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if "priority" in changes and changes["priority"] != ticket.priority:
        # New targets for the time the clocks ran; a manual SLA override is replaced.
        changes.update(
            sla.recompute_changes(ticket, policy=policy, priority=changes["priority"], now=now)
        )
    diff = _write(session, ticket, changes, version=version, now=now)
    diff.update(_refresh_sla_status(session, ticket, policy=policy, now=now))
    if diff:
        _record_change(
            session,
            ticket,
            actor_id=actor.id,
            action="update",
            changes=diff,
            event_type=EventType.TICKET_UPDATED,
            request_id=request_id,
            now=now,
            changed=sorted(diff),
        )
    return ticket


def delete_ticket(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    version: int | None = None,
    now: datetime | None = None,
    request_id: str | None = None,
) -> None:
    """Soft-delete (admin): the row and its history stay, nobody sees the ticket any more."""
    now = now or utcnow()
    ticket = get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id, lock=True)
    if not actor.is_admin:
        raise Forbidden("Only an admin may delete a ticket.")
    diff = _write(session, ticket, {"deleted_at": now}, version=version, now=now)
    _record_change(
        session,
        ticket,
        actor_id=actor.id,
        action="delete",
        changes=diff,
        event_type=EventType.TICKET_UPDATED,
        request_id=request_id,
        now=now,
        changed=["deleted_at"],
    )


def override_sla(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    due_at: datetime,
    reason: str,
    policy: TicketPolicy,
    version: int | None = None,
    now: datetime | None = None,
    request_id: str | None = None,
) -> Ticket:
    """Set the resolution due date by hand (moderator of the department, admin), audited.

    The override is the due time from then on: a pause running now does not move it when it
    ends. A breach already marked for resolution is cleared (the new time is in the future),
    so the sweep marks the new date once.
    """
    now = now or policy.clock()
    ticket = get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id, lock=True)
    if not roles_of(actor, ticket) & {TicketRole.MODERATOR, TicketRole.ADMIN}:
        raise Forbidden("Only a moderator of the department or an admin may change the SLA.")
    if ticket.status in TERMINAL or ticket.status == Status.RESOLVED:
        raise Conflict(f"The SLA of a {ticket.status} ticket cannot change.")
    if due_at <= now:
        raise Invalid(
            "due_at must be in the future.", errors={"due_at": ["Must be in the future."]}
        )
    diff = _write(
        session,
        ticket,
        {
            "resolution_due_at": due_at,
            "resolution_breached_at": None,
            "resolution_due_overridden_at": now,
        },
        version=version,
        now=now,
    )
    diff.update(_refresh_sla_status(session, ticket, policy=policy, now=now))
    _record_change(
        session,
        ticket,
        actor_id=actor.id,
        action="sla_override",
        changes=diff,
        reason=reason,
        event_type=EventType.TICKET_UPDATED,
        request_id=request_id,
        now=now,
        changed=sorted(diff),
    )
    return ticket


def add_attachment(
    *,
    session: DbSession,
    actor: CurrentUser,
    ticket_id: uuid.UUID,
    attachment: Mapping[str, Any],
    now: datetime | None = None,
    request_id: str | None = None,
) -> Ticket:
    """Link a file (already validated with file-service by the caller) to a ticket."""
    now = now or utcnow()
    ticket = get_visible_ticket(session=session, actor=actor, ticket_id=ticket_id, lock=True)
    if ticket.status in TERMINAL:
        raise Conflict(f"Nothing can be attached to a {ticket.status} ticket.")
    if any(a.get("file_key") == attachment["file_key"] for a in ticket.attachments):
        raise Conflict("This file is already attached.", errors={"file_key": ["Already attached."]})
    _write(
        session,
        ticket,
        {"attachments": [*ticket.attachments, dict(attachment)]},
        version=None,
        now=now,
    )
    _record_change(
        session,
        ticket,
        actor_id=actor.id,
        action="attachment_added",
        changes={"attachments": [None, dict(attachment)]},
        event_type=EventType.TICKET_ATTACHMENT_ADDED,
        request_id=request_id,
        now=now,
        file_key=attachment["file_key"],
    )
    return ticket
