"""ticket-service settings: the shared ones plus the SLA calendar, targets and life-cycle days.

Every value comes from the environment (``TICKET_*``) with a default that suits a small office;
docs/ticket-service.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hdms_common.config import ConfigurationError, Settings, environment, load_settings
from hdms_common.db import utcnow
from ticket_service.business_hours import (
    BusinessCalendar,
    parse_holidays,
    parse_hours,
    parse_workdays,
)

SERVICE_NAME = "ticket"
#: Business hours per priority: (first response, resolution).
DEFAULT_TARGETS = "critical=1/4,high=4/16,medium=8/40,low=16/80"


@dataclass(frozen=True)
class SlaTarget:
    first_response_hours: float
    resolution_hours: float


@dataclass(frozen=True)
class TicketPolicy:
    """What the life cycle and the SLA clocks are configured with."""

    calendar: BusinessCalendar
    targets: dict[str, SlaTarget] = field(default_factory=dict)
    at_risk_fraction: float = 0.2
    auto_close_days: int = 7
    reopen_days: int = 7
    #: Where the life cycle and the clocks read "now": the system clock, or a fixed one in tests
    #: that walk a ticket through a calendar without waiting.
    clock: Callable[[], datetime] = utcnow


def load_ticket_settings(environ: Mapping[str, str] | None = None) -> Settings:
    return load_settings(SERVICE_NAME, via_pgbouncer=True, environ=environ)


def _targets(text: str) -> dict[str, SlaTarget]:
    targets: dict[str, SlaTarget] = {}
    try:
        for part in (p.strip() for p in text.split(",") if p.strip()):
            priority, hours = part.split("=", 1)
            first, resolution = hours.split("/", 1)
            targets[priority.strip()] = SlaTarget(float(first), float(resolution))
    except ValueError as exc:
        raise ConfigurationError(
            f"TICKET_SLA_TARGETS must look like {DEFAULT_TARGETS!r}, got {text!r}"
        ) from exc
    missing = {"low", "medium", "high", "critical"} - set(targets)
    if missing:
        raise ConfigurationError(f"TICKET_SLA_TARGETS lacks {sorted(missing)}")
    return targets


def load_ticket_policy(environ: Mapping[str, str] | None = None) -> TicketPolicy:
    """Read the SLA calendar and targets; a bad value stops the start with a clear message."""
    env = environment(environ)
    try:
        zone = ZoneInfo(env.get("TICKET_SLA_TIMEZONE", "UTC"))
        start, end = parse_hours(env.get("TICKET_SLA_HOURS", "09:00-17:00"))
        calendar = BusinessCalendar(
            workdays=parse_workdays(env.get("TICKET_SLA_WORKDAYS", "mon-fri")),
            start=start,
            end=end,
            zone=zone,
            holidays=parse_holidays(env.get("TICKET_SLA_HOLIDAYS", "")),
        )
        return TicketPolicy(
            calendar=calendar,
            targets=_targets(env.get("TICKET_SLA_TARGETS", DEFAULT_TARGETS)),
            at_risk_fraction=float(env.get("TICKET_SLA_AT_RISK_FRACTION", "0.2")),
            auto_close_days=int(env.get("TICKET_AUTO_CLOSE_DAYS", "7")),
            reopen_days=int(env.get("TICKET_REOPEN_DAYS", "7")),
        )
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise ConfigurationError(f"invalid ticket SLA configuration: {exc}") from exc
