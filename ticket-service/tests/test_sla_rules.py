"""The SLA rules of docs/ticket-life-cycle.md, one table row each, through the real API.

Every row walks one ticket through a working calendar: Europe/Berlin, Monday to Friday
09:00-17:00, with Good Friday (2027-03-26) and Easter Monday (2027-03-29) off, and the change
to summer time on Sunday 2027-03-28 in between (a working day then starts at 07:00 UTC instead
of 08:00). Time is the service's injectable clock, set by each step: nothing sleeps.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hdms_common.auth import service_user_id
from ticket_service.config import load_ticket_policy

BERLIN = ZoneInfo("Europe/Berlin")
SWEEPER = str(service_user_id("ticket-service"))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in Berlin in March 2027 (Monday 22nd to Wednesday 31st)."""
    return datetime(2027, 3, day, hour, minute, tzinfo=BERLIN)


class Clock:
    """A clock that stands still until a step moves it."""

    def __init__(self) -> None:
        self.now = at(22, 9)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The app runs on the Berlin office calendar and on a clock the test moves."""
    fixed = Clock()
    policy = load_ticket_policy(
        {
            "TICKET_SLA_TIMEZONE": "Europe/Berlin",
            "TICKET_SLA_WORKDAYS": "mon-fri",
            "TICKET_SLA_HOURS": "09:00-17:00",
            "TICKET_SLA_HOLIDAYS": "2027-03-26,2027-03-29",
        }
    )
    monkeypatch.setitem(
        app.extensions, "hdms_ticket_policy", dataclasses.replace(policy, clock=fixed)
    )
    return fixed


# --- the steps a row is made of -----------------------------------------------------------------

Step = tuple[Any, ...]


def when(moment: datetime) -> Step:
    return ("when", moment)


def do(action: str, **payload: Any) -> Step:
    return ("do", action, payload)


def postpone(until: datetime) -> Step:
    return ("do", "postpone", {"reason": "Waiting for the vendor", "resume_at": until.isoformat()})


def override(due: datetime) -> Step:
    return ("override", due)


def priority(name: str) -> Step:
    return ("priority", name)


def sweep() -> Step:
    return ("sweep",)


def expect(**fields: Any) -> Step:
    """The ticket's JSON has these values (times compared as instants)."""
    return ("expect", fields)


def listed(sla_status: str, present: bool = True) -> Step:
    """?sla_status= lists the ticket (or does not)."""
    return ("listed", sla_status, present)


def last_history(action: str, **changes: Any) -> Step:
    """The newest history row is ``action`` and changed these fields to [before, after]."""
    return ("history", action, changes)


def events(event_type: str, kinds: list[str]) -> Step:
    """The outbox holds exactly these ``event_type`` events (their sla_kind) for the ticket."""
    return ("events", event_type, kinds)


ACTORS = {
    "assign": "moderator",
    "acknowledge": "assignee",
    "postpone": "moderator",
    "resume": "moderator",
    "resolve": "assignee",
    "reopen": "requestor",
}
ANY = object()


# --- the table: one row per rule ------------------------------------------------------------------

RULES: list[tuple[str, str, list[Step]]] = [
    (
        "business_hours",
        "Both clocks start at creation and count working hours of the calendar only: a high "
        "ticket (4 h / 16 h) opened on Thursday 16:00 gets 1 h that day; Good Friday, the "
        "weekend with the change to summer time and Easter Monday do not count. due_at is the "
        "resolution due time.",
        [
            when(at(25, 16)),
            ("create", "high"),
            expect(
                first_response_due_at=at(30, 12),  # Tuesday after Easter, 12:00 summer time
                resolution_due_at=at(31, 16),
                due_at=at(31, 16),
                sla_status="on_track",
                sla_clock="first_response",
            ),
        ],
    ),
    (
        "postponed_stops_both_clocks",
        "postponed stops both clocks (sla_status paused, no clock runs); resuming gives them "
        "back the working time the ticket spent postponed.",
        [
            when(at(22, 9)),
            ("create", "high"),  # first response due Mon 13:00, resolution Tue 17:00
            when(at(22, 10)),
            postpone(until=at(24, 9)),
            expect(sla_status="paused", sla_clock=None),
            listed("paused"),
            when(at(23, 10)),  # 7 h on Monday and 1 h on Tuesday were postponed
            do("resume"),
            expect(
                first_response_due_at=at(23, 13),
                resolution_due_at=at(24, 17),
                sla_status="on_track",
                sla_clock="first_response",
            ),
            last_history("resume", sla_status=["paused", "on_track"]),
        ],
    ),
    (
        "override_is_the_due_time_from_then_on",
        "An override is the due time from then on: a pause that began before it does not move "
        "it; a pause that begins after it does.",
        [
            when(at(22, 9)),
            ("create", "high"),
            when(at(22, 10)),
            postpone(until=at(24, 9)),
            when(at(22, 11)),
            override(at(25, 12)),
            expect(resolution_due_at=at(25, 12), sla_status="paused"),
            when(at(23, 9)),
            do("resume"),  # 7 h postponed: the first response moves, the override stays
            expect(first_response_due_at=at(23, 12), resolution_due_at=at(25, 12)),
            when(at(23, 10)),
            postpone(until=at(24, 9)),
            when(at(23, 12)),
            do("resume"),  # a later pause of 2 h moves the override by 2 h
            expect(resolution_due_at=at(25, 14)),
        ],
    ),
    (
        "resolved_stops_both_clocks",
        "resolved stops both clocks like postponed: a reopen resumes them with the time they "
        "had left, so the time spent resolved is no breach.",
        [
            when(at(22, 9)),
            ("create", "critical"),  # 1 h / 4 h: resolution due Mon 13:00
            do("assign"),
            when(at(22, 9, 30)),
            do("acknowledge"),
            when(at(22, 10)),
            do("resolve", resolution_note="Restarted the service"),
            when(at(24, 9)),  # Wednesday: 3 h of resolution time were left
            do("reopen", reason="It broke again"),
            expect(
                resolution_due_at=at(24, 12),
                sla_status="on_track",
                sla_clock="resolution",
                resolution_breached_at=None,
            ),
            sweep(),
            expect(resolution_breached_at=None, sla_status="on_track"),
            listed("on_track"),
        ],
    ),
    (
        "priority_change_counts_the_time_run",
        "A priority change recomputes the due times from the working time the clocks have run "
        "(pauses excluded), not from created_at.",
        [
            when(at(22, 9)),
            ("create", "low"),
            when(at(22, 10)),
            postpone(until=at(24, 9)),
            when(at(23, 9)),
            do("resume"),
            when(at(23, 10)),  # the clocks ran 1 h on Monday and 1 h on Tuesday
            priority("high"),  # 4 h / 16 h: 2 h and 14 h left
            expect(first_response_due_at=at(23, 12), resolution_due_at=at(24, 16)),
        ],
    ),
    (
        "priority_change_while_postponed",
        "A priority change while postponed also counts only the time run; the pause still "
        "stops the new clocks.",
        [
            when(at(22, 9)),
            ("create", "low"),
            when(at(22, 11)),  # 2 h ran
            postpone(until=at(25, 9)),
            when(at(23, 9)),
            priority("high"),
            expect(sla_status="paused"),
            when(at(24, 9)),  # postponed from Mon 11:00 to Wed 09:00: 6 h + 8 h
            do("resume"),
            expect(first_response_due_at=at(24, 11), resolution_due_at=at(25, 15)),
        ],
    ),
    (
        "breach_marked_once",
        "The sweep marks a clock's breach once, with one ticket.sla_breached event and one "
        "audited sla_breached row.",
        [
            when(at(22, 9)),
            ("create", "critical"),
            when(at(22, 10)),
            sweep(),
            sweep(),
            expect(first_response_breached_at=at(22, 10), sla_status="breached"),
            listed("breached"),
            events("ticket.sla_breached", ["first_response"]),
            last_history(
                "sla_breached",
                first_response_breached_at=[None, at(22, 10)],
                sla_status=["on_track", "breached"],
            ),
        ],
    ),
    (
        "lower_priority_clears_the_breach",
        "When a priority change moves a due time past now again, its breach mark is cleared "
        "and the clearing is audited; the sweep then marks the new time afresh.",
        [
            when(at(22, 9)),
            ("create", "critical"),
            when(at(22, 11)),
            sweep(),
            expect(sla_status="breached"),
            priority("low"),  # 16 h first response: due Tuesday 17:00
            expect(
                first_response_breached_at=None,
                first_response_due_at=at(23, 17),
                sla_status="on_track",
            ),
            listed("on_track"),
            listed("breached", present=False),
            last_history(
                "update",
                priority=["critical", "low"],
                first_response_breached_at=[at(22, 11), None],
                sla_status=["breached", "on_track"],
            ),
            sweep(),
            expect(first_response_breached_at=None),
            when(at(23, 17)),
            sweep(),
            expect(first_response_breached_at=at(23, 17), sla_status="breached"),
            events("ticket.sla_breached", ["first_response", "first_response"]),
        ],
    ),
    (
        "override_clears_the_breach",
        "When an override moves the resolution due time past now again, its breach mark is "
        "cleared and the clearing (sla_status included) is audited.",
        [
            when(at(22, 9)),
            ("create", "critical"),
            do("assign"),
            when(at(22, 9, 30)),
            do("acknowledge"),
            when(at(22, 14)),
            sweep(),
            expect(resolution_breached_at=at(22, 14), sla_status="breached"),
            override(at(23, 12)),
            expect(resolution_breached_at=None, sla_status="on_track"),
            last_history(
                "sla_override",
                resolution_due_at=[at(22, 13), at(23, 12)],
                resolution_breached_at=[at(22, 14), None],
                sla_status=["breached", "on_track"],
            ),
        ],
    ),
    (
        "postponed_breached_ticket_is_paused",
        "A postponed ticket reads paused in its JSON and in the ?sla_status= filter alike, "
        "whatever breached before; the breach time stays.",
        [
            when(at(22, 9)),
            ("create", "critical"),
            when(at(22, 10, 30)),
            sweep(),
            postpone(until=at(24, 9)),
            expect(sla_status="paused", first_response_breached_at=at(22, 10, 30)),
            listed("paused"),
            listed("breached", present=False),
            when(at(23, 9)),
            do("resume"),
            expect(sla_status="breached", first_response_breached_at=at(22, 10, 30)),
            listed("breached"),
            last_history("resume", sla_status=["paused", "breached"]),
        ],
    ),
    (
        "at_risk_once_per_clock",
        "Under 20 % of a target left is at_risk: the sweep stores it for the filter, audits it "
        "and emits ticket.sla_at_risk once per clock.",
        [
            when(at(22, 9)),
            ("create", "critical"),  # 1 h first response: at risk from 09:48
            when(at(22, 9, 47)),
            sweep(),
            expect(sla_status="on_track"),
            events("ticket.sla_at_risk", []),
            when(at(22, 9, 50)),
            sweep(),
            sweep(),
            expect(sla_status="at_risk"),
            listed("at_risk"),
            last_history(
                "sla_at_risk",
                sla_status=["on_track", "at_risk"],
                first_response_at_risk_at=[None, at(22, 9, 50)],
            ),
            events("ticket.sla_at_risk", ["first_response"]),
            do("assign"),
            do("acknowledge"),  # the resolution clock (4 h, due 13:00) runs: on track
            expect(sla_status="on_track"),
            when(at(22, 12, 20)),
            sweep(),
            expect(sla_status="at_risk"),
            events("ticket.sla_at_risk", ["first_response", "resolution"]),
        ],
    ),
]


def _instant(value: Any) -> Any:
    return value.astimezone(BERLIN) if isinstance(value, datetime) else value


def _parsed(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(BERLIN)
        except ValueError:
            return value
    if isinstance(value, list):
        return [_parsed(v) for v in value]
    return value


@pytest.mark.parametrize("steps", [r[2] for r in RULES], ids=[r[0] for r in RULES])
def test_sla_rule(
    steps: list[Step],
    clock: Clock,
    app: Flask,
    api: Any,
    cast: Any,
    client: FlaskClient,
    fetch: Callable[..., list[tuple[Any, ...]]],
) -> None:
    ticket: dict[str, Any] = {}
    for step in steps:
        kind = step[0]
        if kind == "when":
            clock.now = step[1]
        elif kind == "create":
            ticket = api.create(priority=step[1])
        elif kind == "do":
            action, payload = step[1], dict(step[2])
            if action == "assign":
                payload["assignee_id"] = str(cast.assignee.id)
            api.do(ticket, action, cast.role(ACTORS[action]), **payload)
        elif kind == "override":
            response = client.patch(
                f"/api/tickets/{ticket['id']}/sla",
                json={"due_at": step[1].isoformat(), "reason": "The vendor confirmed a date"},
                headers=cast.moderator.headers,
            )
            assert response.status_code == 200, response.get_json()
        elif kind == "priority":
            response = client.patch(
                f"/api/tickets/{ticket['id']}",
                json={"priority": step[1], "version": api.get(ticket)["version"]},
                headers=cast.moderator.headers,
            )
            assert response.status_code == 200, response.get_json()
        elif kind == "sweep":
            result = app.test_cli_runner().invoke(args=["sla-sweep"])
            assert result.exit_code == 0, result.output
            json.loads(result.output)
        elif kind == "expect":
            seen = api.get(ticket)
            got = {name: _parsed(seen.get(name, "<absent>")) for name in step[1]}
            assert got == {name: _instant(v) for name, v in step[1].items()}, step
        elif kind == "listed":
            response = client.get(f"/api/tickets/?sla_status={step[1]}", headers=cast.admin.headers)
            ids = [t["id"] for t in response.get_json()["items"]]
            assert (ticket["id"] in ids) is step[2], step
        elif kind == "history":
            row = api.history(ticket, verify=True)
            assert row["verification"]["ok"] is True
            last = row["items"][-1]
            assert last["action"] == step[1], last
            changes = {name: _parsed(last["changes"].get(name)) for name in step[2]}
            assert changes == {name: _instant(v) for name, v in step[2].items()}, last
            if step[1] in ("sla_breached", "sla_at_risk"):
                assert last["actor_id"] == SWEEPER, last
        elif kind == "events":
            rows = fetch(
                "SELECT payload FROM ticket_outbox WHERE event_type = %s "
                "AND payload->>'ticket_id' = %s ORDER BY occurred_at, id",
                step[1],
                ticket["id"],
            )
            assert [r[0]["sla_kind"] for r in rows] == step[2], rows
        else:  # pragma: no cover - a typo in the table
            raise AssertionError(f"unknown step {step!r}")
