"""The states a ticket and a sub-ticket can be in, named once.

Models, the life cycle (fsm), the SLA clocks, the sweep and the schemas all import them from
here; this module imports nothing of the service, so any of them can.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A ticket's state (docs/ticket-life-cycle.md)."""

    NEW = "new"
    UNDER_REVIEW = "under_review"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_APPROVAL = "waiting_approval"
    POSTPONED = "postponed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


#: States a ticket never leaves.
TERMINAL = frozenset({Status.CLOSED, Status.REJECTED, Status.CANCELLED})
#: States someone is still working towards (the sweep watches their clocks).
ACTIVE = (
    Status.NEW,
    Status.UNDER_REVIEW,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.WAITING_APPROVAL,
)
#: States whose SLA clocks no longer run.
CLOCKS_STOPPED = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.CANCELLED})
#: States that stop the SLA clocks until the ticket leaves them (resume, reopen).
CLOCKS_PAUSED = frozenset({Status.POSTPONED, Status.RESOLVED})


class SubTicketStatus(StrEnum):
    """A sub-ticket's state: open -> assigned -> in_progress -> done, or cancelled."""

    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


#: Sub-tickets that still hold their parent back from resolve.
OPEN_SUB_TICKET_STATUSES = (
    SubTicketStatus.OPEN,
    SubTicketStatus.ASSIGNED,
    SubTicketStatus.IN_PROGRESS,
)
#: Sub-tickets that can no longer be edited.
FINISHED_SUB_TICKET_STATUSES = frozenset({SubTicketStatus.DONE, SubTicketStatus.CANCELLED})
