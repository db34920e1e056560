"""The sweep reads only the tickets it changes: its queries select exactly the tickets the SLA
rules (services/sla.py) give something to store or mark, on PostgreSQL and on SQLite.

Tickets of every kind (state, priority, acknowledged or not, stored status, breach and at-risk
marks, deleted) get due times on and around the instants where a status changes at several
moments of an office calendar with holidays and a change to summer time (night, weekend,
opening time, working hours); the selection must equal what the rules computed in Python say.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from ticket_service.config import load_ticket_policy
from ticket_service.models.tickets import PRIORITIES, SLA_STATUSES
from ticket_service.services import sla, sweep
from ticket_service.statuses import Status

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = load_ticket_policy(
    {
        "TICKET_SLA_TIMEZONE": "Europe/Berlin",
        "TICKET_SLA_WORKDAYS": "mon-fri",
        "TICKET_SLA_HOURS": "09:00-17:00",
        "TICKET_SLA_HOLIDAYS": "2027-03-26,2027-03-29",
    }
)
MOMENTS = [
    datetime(2027, 3, 22, 9, 0, tzinfo=BERLIN),  # Monday, opening time
    datetime(2027, 3, 23, 14, 30, tzinfo=BERLIN),  # working hours
    datetime(2027, 3, 24, 23, 15, tzinfo=BERLIN),  # night
    datetime(2027, 3, 26, 11, 0, tzinfo=BERLIN),  # Good Friday, a holiday
    datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN),  # Saturday before summer time
    datetime(2027, 3, 30, 16, 59, 59, 999999, tzinfo=BERLIN),  # just before closing
]
STATES = [*(s.value for s in Status)]
MICROSECOND = timedelta(microseconds=1)


def due_times() -> list[datetime]:
    """Instants on, just before and just after every boundary of every moment, and around."""
    instants: list[datetime] = []
    for now in MOMENTS:
        bounds = sla.risk_bounds(policy=POLICY, priorities=PRIORITIES, now=now)
        for edge in (now, bounds.opens, *bounds.limits.values()):
            instants += [edge - MICROSECOND, edge, edge + MICROSECOND, edge + timedelta(hours=1)]
    return instants


def tickets(rng: random.Random) -> Iterator[dict[str, object]]:
    instants = due_times()
    for index in range(1500):
        status = rng.choice(STATES)
        acknowledged = status in ("in_progress", "waiting_approval", "resolved") or (
            rng.random() < 0.4
        )
        start = MOMENTS[0] - timedelta(days=3)
        yield {
            "number": f"SEL-{index}-{uuid.uuid4().hex[:6]}",
            "title": "Selection",
            "description": "A ticket of the selection test",
            "department_id": uuid.uuid4(),
            "requestor_id": uuid.uuid4(),
            "assignee_id": uuid.uuid4(),
            "priority": rng.choice(PRIORITIES),
            "status": status,
            "postponed_from": "assigned" if status == "postponed" else None,
            "resume_at": start + timedelta(days=30) if status == "postponed" else None,
            "acknowledged_at": start if acknowledged else None,
            "resolved_at": start if status in ("resolved", "closed") else None,
            "closed_at": start if status == "closed" else None,
            "sla_paused_at": start if status in ("postponed", "resolved") else None,
            "first_response_due_at": rng.choice(instants),
            "resolution_due_at": rng.choice(instants),
            "first_response_breached_at": start if rng.random() < 0.15 else None,
            "resolution_breached_at": start if rng.random() < 0.15 else None,
            "first_response_at_risk_at": start if rng.random() < 0.3 else None,
            "resolution_at_risk_at": start if rng.random() < 0.3 else None,
            "sla_status": rng.choice(SLA_STATUSES),
            "deleted_at": start if rng.random() < 0.1 else None,
        }


@pytest.mark.parametrize("which", ["postgresql", "sqlite"])
def test_sweep_selects_exactly_the_tickets_whose_sla_state_changes(
    which: str, request: pytest.FixtureRequest
) -> None:
    from ticket_service.extensions import db
    from ticket_service.models import Ticket

    app: Flask = request.getfixturevalue("app" if which == "postgresql" else "sqlite_app")
    with app.app_context():
        rows = [Ticket(**values) for values in tickets(random.Random(14))]
        db.session.add_all(rows)
        db.session.commit()
        ours = {row.id: row for row in rows}
        try:
            for now in MOMENTS:
                selected = set(db.session.scalars(sweep._status_changes(policy=POLICY, now=now)))
                expected = {
                    row.id
                    for row in rows
                    if row.deleted_at is None
                    and row.status in sweep.ACTIVE
                    and row.sla_status in ("on_track", "at_risk")
                    and sweep._sla_status_to_store(row, policy=POLICY, now=now)
                }
                assert selected & ours.keys() == expected, now
                assert expected  # some change at each moment, so the equality means something
                overdue = set(db.session.scalars(sweep._overdue(now=now)))
                expected = {
                    row.id
                    for row in rows
                    if row.deleted_at is None
                    and row.status in sweep.ACTIVE
                    and sla.breach_kinds(row, now=now)
                }
                assert overdue & ours.keys() == expected, now
                assert expected
        finally:
            db.session.rollback()
            db.session.execute(sa.delete(Ticket).where(Ticket.id.in_(list(ours))))
            db.session.commit()
