"""SLA clocks: due dates in business hours, pauses, status, breaches and the periodic sweep.

Both clocks start when the ticket is created: first response runs until acknowledge, resolution
until resolve. postponed stops both; on resume each due date moves by the business time the
ticket spent postponed. sla_status is computed live for responses and stored by the sweep (and
by every transition) so that lists can filter on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ticket_service.config import TicketPolicy
from ticket_service.models import Ticket

HOUR = 3600.0
#: States whose clocks no longer run.
STOPPED_STATES = frozenset({"resolved", "closed", "rejected", "cancelled"})


def due_dates(
    *, policy: TicketPolicy, priority: str, start: datetime, paused_seconds: float = 0.0
) -> tuple[datetime, datetime]:
    """(first response due, resolution due) for a ticket of ``priority`` opened at ``start``."""
    target = policy.targets[priority]
    calendar = policy.calendar
    return (
        calendar.add(start, target.first_response_hours * HOUR + paused_seconds),
        calendar.add(start, target.resolution_hours * HOUR + paused_seconds),
    )


def running_clock(ticket: Ticket) -> str | None:
    """Which clock runs now: first_response, resolution, or None."""
    if ticket.status in STOPPED_STATES or ticket.status == "postponed":
        return None
    return "first_response" if ticket.acknowledged_at is None else "resolution"


def sla_status_of(ticket: Ticket, *, policy: TicketPolicy, now: datetime) -> str:
    """on_track, at_risk (under the configured fraction left), breached or paused."""
    if ticket.first_response_breached_at or ticket.resolution_breached_at:
        return "breached"
    if ticket.status == "postponed":
        return "paused"
    clock = running_clock(ticket)
    if clock is None:
        return "on_track"
    target = policy.targets.get(ticket.priority)
    if clock == "first_response":
        due = ticket.first_response_due_at
        total = target.first_response_hours * HOUR if target else HOUR
    else:
        due = ticket.resolution_due_at
        total = target.resolution_hours * HOUR if target else HOUR
    remaining = policy.calendar.seconds_between(now, due)
    if remaining <= 0:
        return "breached"
    if remaining < policy.at_risk_fraction * max(total, 1.0):
        return "at_risk"
    return "on_track"


def pause_changes(*, now: datetime) -> dict[str, Any]:
    """Column changes when a ticket is postponed: both clocks stop."""
    return {"sla_paused_at": now, "sla_status": "paused"}


def resume_changes(ticket: Ticket, *, policy: TicketPolicy, now: datetime) -> dict[str, Any]:
    """Column changes when a ticket leaves postponed: due dates move by the paused time."""
    paused_at = ticket.sla_paused_at or now
    paused = max(policy.calendar.seconds_between(paused_at, now), 0.0)
    calendar = policy.calendar
    return {
        "sla_paused_at": None,
        "first_response_due_at": calendar.add(ticket.first_response_due_at, paused),
        "resolution_due_at": calendar.add(ticket.resolution_due_at, paused),
    }


@dataclass
class SweepReport:
    """What one sweep did."""

    breaches: list[tuple[str, str]] = field(default_factory=list)  # (ticket number, kind)
    resumed: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    refreshed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "breaches": [{"ticket": t, "sla_kind": k} for t, k in self.breaches],
            "resumed": self.resumed,
            "closed": self.closed,
            "refreshed": self.refreshed,
        }


def breach_kinds(ticket: Ticket, *, now: datetime) -> list[tuple[str, datetime]]:
    """The clocks of ``ticket`` that ran out and are not yet marked: [(kind, due_at)]."""
    kinds: list[tuple[str, datetime]] = []
    if ticket.status in STOPPED_STATES or ticket.status == "postponed":
        return kinds
    if (
        ticket.acknowledged_at is None
        and ticket.first_response_breached_at is None
        and ticket.first_response_due_at <= now
    ):
        kinds.append(("first_response", ticket.first_response_due_at))
    if ticket.resolution_breached_at is None and ticket.resolution_due_at <= now:
        kinds.append(("resolution", ticket.resolution_due_at))
    return kinds


def auto_close_cutoff(*, policy: TicketPolicy, now: datetime) -> datetime:
    """Tickets resolved before this instant are closed by the sweep."""
    return now - timedelta(days=policy.auto_close_days)
