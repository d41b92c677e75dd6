""" "Today" in the configured TIMEZONE, never the host's local date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """One place that answers "what day is it": tests give it a fixed ``now``."""

    def __init__(self, tz: ZoneInfo | str, now: Callable[[], datetime] = _utc_now) -> None:
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self._now = now

    def now(self) -> datetime:
        return self._now().astimezone(self.tz)

    def utc_now(self) -> datetime:
        """The instant in UTC, for timestamps: no zone conversion when the source is UTC."""
        now = self._now()
        return now if now.tzinfo is UTC else now.astimezone(UTC)

    def today(self) -> date:
        return self.now().date()

    def seconds_to_next_day(self) -> float:
        """Seconds (real ones, across a DST change too) until the next day begins in the zone."""
        now = self.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=self.tz)
        return (midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds()
