"""Business-hours arithmetic: weekends, holidays, across midnight, time zones, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from hdms_common.config import ConfigurationError
from ticket_service.business_hours import (
    BusinessCalendar,
    parse_holidays,
    parse_hours,
    parse_workdays,
)
from ticket_service.config import load_ticket_policy
from ticket_service.services.sla import sla_status_of

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600


def office(**kwargs) -> BusinessCalendar:
    values = {"workdays": frozenset(range(5)), "start": time(9), "end": time(17), "zone": BERLIN}
    values.update(kwargs)
    return BusinessCalendar(**values)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (local(2026, 11, 23, 10), 2, local(2026, 11, 23, 12)),  # Monday, inside the day
        (local(2026, 11, 23, 7), 1, local(2026, 11, 23, 10)),  # before opening
        (local(2026, 11, 23, 16, 30), 1, local(2026, 11, 24, 9, 30)),  # across midnight
        (local(2026, 11, 27, 16), 2, local(2026, 11, 30, 10)),  # Friday -> Monday
        (local(2026, 11, 28, 12), 1, local(2026, 11, 30, 10)),  # opened on a Saturday
        (local(2026, 11, 23, 9), 8, local(2026, 11, 23, 17)),  # exactly one day
        (local(2026, 11, 23, 9), 40, local(2026, 11, 27, 17)),  # a working week
        (local(2026, 11, 23, 18), 0, local(2026, 11, 23, 18)),  # nothing to add
    ],
)
def test_add_business_hours(start, hours, due):
    calendar = office()
    assert calendar.add(start, hours * HOUR) == due
    assert calendar.seconds_between(start, due) == hours * HOUR


def test_holidays_are_skipped():
    calendar = office(holidays=parse_holidays("2026-12-24, 2026-12-25"))
    # Wednesday 23 Dec 16:00 + 2h: Thursday and Friday are holidays -> Monday 28 Dec 10:00.
    assert calendar.add(local(2026, 12, 23, 16), 2 * HOUR) == local(2026, 12, 28, 10)
    assert calendar.seconds_between(local(2026, 12, 23, 16), local(2026, 12, 28, 10)) == 2 * HOUR


def test_a_round_the_clock_window_runs_across_midnight():
    calendar = office(workdays=frozenset(range(7)), start=time(0), end=None)
    assert calendar.add(local(2026, 11, 23, 23), 2 * HOUR) == local(2026, 11, 24, 1)


def test_daylight_saving_days_count_the_hours_that_really_pass():
    calendar = office(workdays=frozenset(range(7)), start=time(0), end=None)
    # Clocks in Berlin jump from 02:00 to 03:00 on 29 March 2026: 3 real hours after 23:00.
    due = calendar.add(local(2026, 3, 28, 23), 3 * HOUR)
    assert due == datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert due.astimezone(BERLIN).hour == 3


def test_the_zone_decides_when_the_day_starts():
    tokyo = office(zone=ZoneInfo("Asia/Tokyo"))
    # 09:00 UTC on a Monday is 18:00 in Tokyo: closed; the clock starts Tuesday 09:00 JST.
    due = tokyo.add(datetime(2026, 11, 23, 9, tzinfo=UTC), HOUR)
    assert due == datetime(2026, 11, 24, 1, tzinfo=UTC)


def test_time_backwards_is_negative_and_naive_times_are_refused():
    calendar = office()
    assert calendar.seconds_between(local(2026, 11, 23, 12), local(2026, 11, 23, 10)) == -2 * HOUR
    with pytest.raises(ValueError):
        calendar.add(datetime(2026, 11, 23, 12), HOUR)


def test_calendar_parsing_and_validation():
    assert parse_workdays("mon-fri") == frozenset({0, 1, 2, 3, 4})
    assert parse_workdays("sun-thu") == frozenset({6, 0, 1, 2, 3})
    assert parse_workdays("mon,wed") == frozenset({0, 2})
    assert parse_hours("08:30-16:00") == (time(8, 30), time(16))
    assert parse_hours("00:00-24:00") == (time(0), None)
    assert parse_holidays("2026-01-01") == frozenset({date(2026, 1, 1)})
    with pytest.raises(ValueError):
        office(start=time(17), end=time(9))
    with pytest.raises(ValueError):
        office(workdays=frozenset())


@pytest.mark.parametrize(
    "environ",
    [
        {"TICKET_SLA_TIMEZONE": "Mars/Olympus"},
        {"TICKET_SLA_HOURS": "nine to five"},
        {"TICKET_SLA_WORKDAYS": "funday"},
        {"TICKET_SLA_HOLIDAYS": "christmas"},
        {"TICKET_SLA_TARGETS": "critical=1/4"},
        {"TICKET_SLA_TARGETS": "critical=fast"},
    ],
)
def test_a_bad_sla_configuration_stops_the_start(environ):
    with pytest.raises(ConfigurationError):
        load_ticket_policy(environ)


def test_default_policy():
    policy = load_ticket_policy({})
    assert policy.calendar.workdays == frozenset(range(5))
    assert policy.targets["critical"].first_response_hours == 1
    assert policy.targets["low"].resolution_hours == 80


def _ticket(**kwargs):
    values = {
        "status": "new",
        "priority": "high",
        "acknowledged_at": None,
        "first_response_breached_at": None,
        "resolution_breached_at": None,
        "first_response_due_at": local(2026, 11, 23, 13),
        "resolution_due_at": local(2026, 11, 25, 17),
        "sla_paused_seconds": 0.0,
        "resolution_due_overridden_at": None,
    }
    values.update(kwargs)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("ticket", "now", "status"),
    [
        (_ticket(), local(2026, 11, 23, 9), "on_track"),  # 4 h of 4 h left
        (_ticket(), local(2026, 11, 23, 12, 30), "at_risk"),  # 30 min of 4 h left
        (_ticket(), local(2026, 11, 23, 13), "breached"),
        (_ticket(status="postponed"), local(2026, 11, 23, 14), "paused"),
        (_ticket(acknowledged_at=local(2026, 11, 23, 10)), local(2026, 11, 23, 14), "on_track"),
        (
            _ticket(status="resolved", acknowledged_at=local(2026, 11, 23, 10)),
            local(2026, 12, 30),
            "on_track",
        ),
        (
            _ticket(first_response_breached_at=local(2026, 11, 23, 13)),
            local(2026, 11, 23, 9),
            "breached",
        ),
        (  # postponed reads paused whatever breached before (the mark stays)
            _ticket(status="postponed", first_response_breached_at=local(2026, 11, 23, 13)),
            local(2026, 11, 23, 14),
            "paused",
        ),
    ],
)
def test_sla_status(ticket, now, status):
    policy = load_ticket_policy({"TICKET_SLA_TIMEZONE": "Europe/Berlin"})
    assert sla_status_of(ticket, policy=policy, now=now) == status


def test_at_risk_counts_business_hours_not_wall_clock():
    policy = load_ticket_policy({"TICKET_SLA_TIMEZONE": "Europe/Berlin"})
    # Friday 16:50, due Monday 11:00: 2 h 10 min of business time of 4 h left -> on track.
    ticket = _ticket(first_response_due_at=local(2026, 11, 30, 11))
    assert sla_status_of(ticket, policy=policy, now=local(2026, 11, 27, 16, 50)) == "on_track"
    assert sla_status_of(ticket, policy=policy, now=local(2026, 11, 30, 10, 20)) == "at_risk"
    assert timedelta(0) < ticket.first_response_due_at - local(2026, 11, 27, 16, 50)


def test_a_postponement_over_a_weekend_moves_due_dates_by_business_time_only():
    from ticket_service.services.sla import resume_changes

    policy = load_ticket_policy({"TICKET_SLA_TIMEZONE": "Europe/Berlin"})
    ticket = _ticket(
        sla_paused_at=local(2026, 11, 27, 16),  # Friday 16:00
        first_response_due_at=local(2026, 11, 30, 11),
        resolution_due_at=local(2026, 12, 2, 12),
    )
    changes = resume_changes(ticket, policy=policy, now=local(2026, 11, 30, 10))  # Monday 10:00
    # One hour on Friday and one on Monday were lost to the pause: both dues move by 2 h.
    assert changes["first_response_due_at"] == local(2026, 11, 30, 13)
    assert changes["resolution_due_at"] == local(2026, 12, 2, 14)
    assert changes["sla_paused_at"] is None
