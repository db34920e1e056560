"""The tamper-evident ticket history: append-only rows chained by SHA-256 per ticket.

Each row's hash covers its own content and the previous row's hash of the same ticket, so
editing, deleting or reordering a row breaks every hash after it. Times are serialised in UTC
with microseconds and UUIDs as strings, so that the hash does not depend on the database.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from hdms_common.db import DbSession
from ticket_service.models import AuditLog, Ticket

GENESIS_HASH = "0" * 64


def jsonable(value: Any) -> Any:
    """A JSON value with one spelling per value: UTC ISO times, UUIDs as strings."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def row_content(row: AuditLog) -> dict[str, Any]:
    """The fields a row's hash covers."""
    return {
        "ticket_id": jsonable(row.ticket_id),
        "seq": row.seq,
        "actor_id": jsonable(row.actor_id),
        "action": row.action,
        "from_state": row.from_state,
        "to_state": row.to_state,
        "changes": jsonable(row.changes or {}),
        "reason": row.reason,
        "request_id": row.request_id,
        "created_at": jsonable(row.created_at),
    }


def compute_hash(content: Mapping[str, Any], prev_hash: str) -> str:
    """sha256 over the canonical JSON of ``content`` followed by the previous hash."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode() + b"|" + prev_hash.encode()).hexdigest()


def _chain_row(
    *,
    ticket_id: uuid.UUID,
    seq: int,
    prev_hash: str,
    actor_id: uuid.UUID,
    action: str,
    now: datetime,
    from_state: str | None,
    to_state: str | None,
    changes: Mapping[str, Any] | None,
    reason: str | None,
    request_id: str | None,
) -> AuditLog:
    """The history row that follows ``prev_hash`` as number ``seq``, with its hash."""
    row = AuditLog(
        id=uuid.uuid4(),
        ticket_id=ticket_id,
        seq=seq,
        actor_id=actor_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        changes=jsonable(dict(changes or {})),
        reason=reason,
        request_id=request_id,
        created_at=now.astimezone(UTC),
        prev_hash=prev_hash,
        hash="",
    )
    row.hash = compute_hash(row_content(row), prev_hash)
    return row


def first_audit_row(
    *,
    ticket_id: uuid.UUID,
    actor_id: uuid.UUID,
    action: str,
    now: datetime,
    to_state: str | None = None,
    changes: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditLog:
    """The first row of the chain of a ticket that is being created (not added to a session).

    A ticket that does not exist yet has no history to lock or read: the row follows the
    genesis hash, and the caller writes the ticket with this row's hash as its ``audit_head``,
    so the create needs no lock, no read of the chain and no update of the ticket.
    """
    return _chain_row(
        ticket_id=ticket_id,
        seq=1,
        prev_hash=GENESIS_HASH,
        actor_id=actor_id,
        action=action,
        now=now,
        from_state=None,
        to_state=to_state,
        changes=changes,
        reason=None,
        request_id=request_id,
    )


def row_values(row: AuditLog) -> dict[str, Any]:
    """The columns of a history row that is not in a session, for a Core INSERT of it."""
    return {column.key: getattr(row, column.key) for column in AuditLog.__table__.columns}


def append_audit(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    actor_id: uuid.UUID,
    action: str,
    now: datetime,
    from_state: str | None = None,
    to_state: str | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str | None = None,
    request_id: str | None = None,
) -> AuditLog:
    """Append one history row to a ticket's chain.

    The ticket row is locked first, so that two writers of one ticket's history queue up
    instead of both reading the same previous row (the unique (ticket_id, seq) backs this).
    """
    session.execute(sa.select(Ticket.id).where(Ticket.id == ticket_id).with_for_update())
    last = session.execute(
        sa.select(AuditLog.seq, AuditLog.hash)
        .where(AuditLog.ticket_id == ticket_id)
        .order_by(AuditLog.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    row = _chain_row(
        ticket_id=ticket_id,
        seq=seq,
        prev_hash=prev_hash,
        actor_id=actor_id,
        action=action,
        now=now,
        from_state=from_state,
        to_state=to_state,
        changes=changes,
        reason=reason,
        request_id=request_id,
    )
    session.add(row)
    session.flush()
    session.execute(
        sa.update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(audit_head=row.hash)
        .execution_options(synchronize_session=False)
    )
    return row


def list_history(*, session: DbSession, ticket_id: uuid.UUID) -> list[AuditLog]:
    """A ticket's history, oldest first."""
    return list(
        session.scalars(
            sa.select(AuditLog).where(AuditLog.ticket_id == ticket_id).order_by(AuditLog.seq)
        )
    )


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking one ticket's chain: ok, or the first row that does not fit."""

    ticket_id: uuid.UUID
    ok: bool
    rows: int
    broken_seq: int | None = None
    broken_id: uuid.UUID | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "broken_seq": self.broken_seq,
            "broken_id": str(self.broken_id) if self.broken_id else None,
            "problem": self.problem,
        }


def verify_rows(ticket_id: uuid.UUID, rows: list[AuditLog], head: str | None) -> ChainReport:
    """Check a ticket's rows (in seq order): numbering, links, hashes, and the head.

    ``head`` is the hash the ticket row recorded for its newest history row.
    """
    prev_hash = GENESIS_HASH
    for expected_seq, row in enumerate(rows, start=1):
        problem = None
        if row.seq != expected_seq:
            problem = f"row {expected_seq} is missing (found seq {row.seq})"
        elif row.prev_hash != prev_hash:
            problem = "the link to the previous row does not match"
        elif row.hash != compute_hash(row_content(row), row.prev_hash):
            problem = "the row's content does not match its hash"
        if problem:
            return ChainReport(ticket_id, False, len(rows), row.seq, row.id, problem)
        prev_hash = row.hash
    if (head or GENESIS_HASH) != prev_hash:
        last = rows[-1].seq if rows else 0
        return ChainReport(
            ticket_id,
            False,
            len(rows),
            last + 1,
            None,
            f"rows after seq {last} are missing (the ticket records a newer head)",
        )
    return ChainReport(ticket_id, True, len(rows))


def verify_chain(*, session: DbSession, ticket_id: uuid.UUID) -> ChainReport:
    """Verify one ticket's history chain."""
    head = session.scalar(sa.select(Ticket.audit_head).where(Ticket.id == ticket_id))
    return verify_rows(ticket_id, list_history(session=session, ticket_id=ticket_id), head)


def verify_all_chains(*, session: DbSession, batch: int = 500) -> list[ChainReport]:
    """Verify every ticket's chain; returns the broken ones (an empty list when all are ok)."""
    broken: list[ChainReport] = []
    last_id: uuid.UUID | None = None
    while True:
        statement = sa.select(Ticket.id).order_by(Ticket.id).limit(batch)
        if last_id is not None:
            statement = statement.where(Ticket.id > last_id)
        ids = list(session.scalars(statement))
        if not ids:
            return broken
        for ticket_id in ids:
            report = verify_chain(session=session, ticket_id=ticket_id)
            if not report.ok:
                broken.append(report)
        session.expunge_all()
        last_id = ids[-1]
