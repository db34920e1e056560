"""Business-hours arithmetic for SLA clocks: pure functions of a calendar, no database.

A calendar is a set of working weekdays, one working window per day (local wall-clock times),
an IANA time zone and a set of holidays. Windows are built per local date and converted to UTC,
so daylight-saving days count the hours that really pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: The furthest a clock may run (a calendar with a few working hours a year is still bounded).
MAX_DAYS = 3660
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days (0 = Monday), the daily window [start, end), a time zone and holidays."""

    workdays: frozenset[int]
    start: time
    end: time | None  # None means midnight at the end of the day (a window up to 24:00)
    zone: ZoneInfo
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.workdays or not self.workdays <= set(range(7)):
            raise ValueError("a calendar needs at least one working day (0-6)")
        if self.end is not None and self.end <= self.start:
            raise ValueError("the working window must end after it starts")

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a local date in UTC, or None on a day off."""
        if day.weekday() not in self.workdays or day in self.holidays:
            return None
        opens = datetime.combine(day, self.start, tzinfo=self.zone)
        if self.end is None:
            closes = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
        else:
            closes = datetime.combine(day, self.end, tzinfo=self.zone)
        return opens.astimezone(UTC), closes.astimezone(UTC)

    def _windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        day = moment.astimezone(self.zone).date() - timedelta(days=1)
        for offset in range(MAX_DAYS):
            window = self.window(day + timedelta(days=offset))
            if window is not None:
                yield window

    def add(self, moment: datetime, seconds: float) -> datetime:
        """The instant when ``seconds`` of business time have passed after ``moment``."""
        _require_aware(moment)
        remaining = timedelta(seconds=seconds)
        if remaining <= timedelta(0):
            return moment
        for opens, closes in self._windows_from(moment):
            if closes <= moment:
                continue
            begin = max(opens, moment)
            available = closes - begin
            if available >= remaining:
                return (begin + remaining).astimezone(UTC)
            remaining -= available
        raise ValueError("the calendar has no working time in range")

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        _require_aware(start)
        _require_aware(end)
        if end < start:
            return -self.seconds_between(end, start)
        total = timedelta(0)
        for opens, closes in self._windows_from(start):
            if opens >= end:
                break
            begin, finish = max(opens, start), min(closes, end)
            if finish > begin:
                total += finish - begin
        return total.total_seconds()

    def is_working_time(self, moment: datetime) -> bool:
        window = self.window(moment.astimezone(self.zone).date())
        return window is not None and window[0] <= moment < window[1]


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("business-hours arithmetic needs aware datetimes")


def parse_workdays(text: str) -> frozenset[int]:
    """``mon-fri`` or ``mon,tue,thu`` or ``sun-thu`` -> weekday numbers."""
    days: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if "-" in part:
            first, last = (WEEKDAY_NAMES.index(p.strip()[:3]) for p in part.split("-", 1))
            day = first
            days.add(day)
            while day != last:
                day = (day + 1) % 7
                days.add(day)
        else:
            days.add(WEEKDAY_NAMES.index(part[:3]))
    return frozenset(days)


def parse_hours(text: str) -> tuple[time, time | None]:
    """``09:00-17:00`` -> (09:00, 17:00); ``00:00-24:00`` -> (00:00, None)."""
    first, last = (p.strip() for p in text.split("-", 1))
    start = time.fromisoformat(first)
    end = None if last in ("24:00", "24:00:00") else time.fromisoformat(last)
    return start, end


def parse_holidays(text: str) -> frozenset[date]:
    """``2026-12-25,2027-01-01`` -> dates."""
    return frozenset(date.fromisoformat(p.strip()) for p in text.split(",") if p.strip())
