"""SLA clocks: due dates in business hours, pauses, status, breaches and the periodic sweep.

Both clocks start when the ticket is created: first response runs until acknowledge, resolution
until resolve. postponed and resolved stop both; when the ticket leaves them each due date moves
by the business time the clocks stood still, and that time is added to ``sla_paused_seconds``.
So a due date is always its target counted from created_at plus the pauses that ended, and a
priority change recomputes it from there, from the time the clocks actually ran. An override
(``resolution_due_overridden_at``) is the due time from then on: the pause running when it was
made does not move it, later pauses do. sla_status is computed live for responses and stored by
the sweep and by every change so that lists can filter on it, with the same meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ticket_service.config import TicketPolicy
from ticket_service.models import Ticket
from ticket_service.statuses import CLOCKS_PAUSED, CLOCKS_STOPPED, Status

HOUR = 3600.0
#: States whose clocks no longer run.
STOPPED_STATES = CLOCKS_STOPPED
#: States that stop the clocks until the ticket leaves them (resume, reopen).
PAUSING_STATES = CLOCKS_PAUSED
CLOCKS = ("first_response", "resolution")


def due_dates(
    *, policy: TicketPolicy, priority: str, start: datetime, paused_seconds: float = 0.0
) -> tuple[datetime, datetime]:
    """(first response due, resolution due) for a ticket of ``priority`` opened at ``start``
    whose clocks stood still ``paused_seconds`` of business time in pauses that ended."""
    target = policy.targets[priority]
    calendar = policy.calendar
    return (
        calendar.add(start, target.first_response_hours * HOUR + paused_seconds),
        calendar.add(start, target.resolution_hours * HOUR + paused_seconds),
    )


def running_clock(ticket: Ticket) -> str | None:
    """Which clock runs now: first_response, resolution, or None."""
    if ticket.status in STOPPED_STATES or ticket.status == Status.POSTPONED:
        return None
    return "first_response" if ticket.acknowledged_at is None else "resolution"


def sla_status_of(ticket: Ticket, *, policy: TicketPolicy, now: datetime) -> str:
    """paused while postponed (breach marks stay in the *_breached_at fields), else breached,
    at_risk (under the configured fraction left) or on_track.

    The ticket's JSON and the stored copy the ?sla_status= filter reads both come from here.
    """
    if ticket.status == Status.POSTPONED:
        return "paused"
    if ticket.first_response_breached_at or ticket.resolution_breached_at:
        return "breached"
    clock = running_clock(ticket)
    if clock is None:
        return "on_track"
    due = ticket.first_response_due_at if clock == "first_response" else ticket.resolution_due_at
    remaining = policy.calendar.seconds_between(now, due)
    if remaining <= 0:
        return "breached"
    if remaining < at_risk_share(policy, priority=ticket.priority, clock=clock):
        return "at_risk"
    return "on_track"


def at_risk_share(policy: TicketPolicy, *, priority: str, clock: str) -> float:
    """Business seconds left under which a running clock is at risk: the configured fraction of
    its target (of one hour for a priority without a target)."""
    target = policy.targets.get(priority)
    if clock == "first_response":
        total = target.first_response_hours * HOUR if target else HOUR
    else:
        total = target.resolution_hours * HOUR if target else HOUR
    return policy.at_risk_fraction * max(total, 1.0)


MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class RiskBounds:
    """The due times at which :func:`sla_status_of` changes at one instant, so that the sweep
    can find the tickets whose status changes with an index range instead of computing every
    ticket's status.

    A running, unbreached clock is at risk exactly when ``opens < due < limits[(priority,
    clock)]``: at or before ``opens`` no business time is left (the live status says breached,
    the breach is marked by wall-clock time), from the limit on at least the at-risk share is.
    """

    opens: datetime
    limits: dict[tuple[str, str], datetime]


def risk_bounds(*, policy: TicketPolicy, priorities: tuple[str, ...], now: datetime) -> RiskBounds:
    """The :class:`RiskBounds` of ``now`` for each priority and clock."""
    calendar = policy.calendar
    # The latest instant with no business time after now: now itself in working hours, else
    # the next opening (due times are microsecond values).
    opens = calendar.add(now, MICROSECOND.total_seconds()) - MICROSECOND
    limits = {
        (priority, clock): _first_instant_with(
            policy, now, at_risk_share(policy, priority=priority, clock=clock)
        )
        for priority in priorities
        for clock in CLOCKS
    }
    return RiskBounds(opens=opens, limits=limits)


def _first_instant_with(policy: TicketPolicy, now: datetime, seconds: float) -> datetime:
    """The earliest instant ``due`` with ``seconds_between(now, due) >= seconds``, to the
    microsecond and with the same float comparison as :func:`sla_status_of`."""
    calendar = policy.calendar
    instant = calendar.add(now, seconds)
    while calendar.seconds_between(now, instant) < seconds:
        instant += MICROSECOND
    while instant > now and calendar.seconds_between(now, instant - MICROSECOND) >= seconds:
        instant -= MICROSECOND
    return instant


def pause_changes(*, now: datetime) -> dict[str, Any]:
    """Column changes when a ticket is postponed or resolved: both clocks stop."""
    return {"sla_paused_at": now}


def resume_changes(ticket: Ticket, *, policy: TicketPolicy, now: datetime) -> dict[str, Any]:
    """Column changes when the clocks start again (resume, reopen): the due dates move by the
    business time paused, except a resolution due time set by hand during this pause."""
    paused_at = ticket.sla_paused_at or now
    paused = max(policy.calendar.seconds_between(paused_at, now), 0.0)
    calendar = policy.calendar
    overridden_at = ticket.resolution_due_overridden_at
    resolution_moves = overridden_at is None or overridden_at < paused_at
    return {
        "sla_paused_at": None,
        "sla_paused_seconds": (ticket.sla_paused_seconds or 0.0) + paused,
        "first_response_due_at": calendar.add(ticket.first_response_due_at, paused),
        "resolution_due_at": (
            calendar.add(ticket.resolution_due_at, paused)
            if resolution_moves
            else ticket.resolution_due_at
        ),
    }


def clock_reference(ticket: Ticket, clock: str, *, now: datetime) -> datetime:
    """The instant a clock's due time is measured against: when the first response came, when
    the clocks stopped, or now."""
    if clock == "first_response" and ticket.acknowledged_at is not None:
        return ticket.acknowledged_at
    if ticket.status in PAUSING_STATES and ticket.sla_paused_at is not None:
        return ticket.sla_paused_at
    return now


def recompute_changes(
    ticket: Ticket, *, policy: TicketPolicy, priority: str, now: datetime
) -> dict[str, Any]:
    """Column changes when the priority changes: new due dates from the business time the
    clocks have run (pauses excluded), the override dropped, and a breach mark cleared where
    the new due time lies ahead again."""
    first_due, resolution_due = due_dates(
        policy=policy,
        priority=priority,
        start=ticket.created_at,
        paused_seconds=ticket.sla_paused_seconds or 0.0,
    )
    changes: dict[str, Any] = {
        "first_response_due_at": first_due,
        "resolution_due_at": resolution_due,
        "resolution_due_overridden_at": None,
    }
    for clock, due in (("first_response", first_due), ("resolution", resolution_due)):
        if due > clock_reference(ticket, clock, now=now):
            changes[f"{clock}_breached_at"] = None
    return changes


@dataclass
class SweepReport:
    """What one sweep did."""

    breaches: list[tuple[str, str]] = field(default_factory=list)  # (ticket number, kind)
    at_risk: list[tuple[str, str]] = field(default_factory=list)  # (ticket number, kind)
    resumed: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    refreshed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "breaches": [{"ticket": t, "sla_kind": k} for t, k in self.breaches],
            "at_risk": [{"ticket": t, "sla_kind": k} for t, k in self.at_risk],
            "resumed": self.resumed,
            "closed": self.closed,
            "refreshed": self.refreshed,
        }


def breach_kinds(ticket: Ticket, *, now: datetime) -> list[tuple[str, datetime]]:
    """The clocks of ``ticket`` that ran out and are not yet marked: [(kind, due_at)]."""
    kinds: list[tuple[str, datetime]] = []
    if ticket.status in STOPPED_STATES or ticket.status == Status.POSTPONED:
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
