""" "Today" in the configured TIMEZONE, never the host's local date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
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
