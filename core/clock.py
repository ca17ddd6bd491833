"""Time as the core sees it: UTC instants, local (Asia/Ho_Chi_Minh) dates. Tests inject FakeClock."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, tz: str = "Asia/Ho_Chi_Minh"):
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()

    def current_period(self) -> str:
        return period_of(self.today())


class FakeClock(Clock):
    """A clock that stands still until moved: `FakeClock(datetime(2026, 11, 26, 9, tzinfo=...))`."""

    def __init__(self, at: datetime | date, tz: str = "Asia/Ho_Chi_Minh"):
        super().__init__(tz)
        if not isinstance(at, datetime):
            at = datetime(at.year, at.month, at.day, 9, 0, tzinfo=self.tz)
        elif at.tzinfo is None:
            at = at.replace(tzinfo=self.tz)
        self._now = at.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta) -> None:
        self._now += timedelta(**delta)


def period_of(day: date) -> str:
    """'2026-11' for a day of November 2026: what strftime("%Y-%m") gives, without its C call and
    format parsing (a turn asks for it three times)."""
    return f"{day.year:04d}-{day.month:02d}"


def period_add(period: str, months: int) -> str:
    year, month = map(int, period.split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
