"""When a daily local wall-clock time is due, across daylight-saving changes.

One rule for everything that runs "every day at HH:MM in a zone" (the midnight job, a
subscriber's daily push): on each local date the time is due exactly once —

- a time that exists once: then;
- a time that does not exist that day (the clock jumps over it, e.g. 02:30 in New York on the
  spring-forward day, or 00:00 in Havana, whose spring-forward day begins at 01:00): at the
  first instant after it, the moment the clock jumps (03:00 and 01:00 local);
- a time that happens twice (the clock is set back over it): at its first occurrence only.

Plain ``zoneinfo``; the instants returned are aware and in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_due(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) at which ``at`` is due on the local date ``day`` in ``zone``."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone)  # fold=0: the first of two occurrences
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant  # the wall time exists (once, or twice and this is the first)
    return _gap_end(wall, zone)


def next_local_occurrence(at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first instant strictly after ``after`` (aware) at which ``at`` is due in ``zone``."""
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    after = after.astimezone(UTC)
    # Due instants grow with the local date; start a day early (the day may not be over).
    day = after.astimezone(zone).date() - timedelta(days=1)
    while True:
        due = local_due(day, at, zone)
        if due > after:
            return due
        day += timedelta(days=1)


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant the clock jumps over the non-existent local time ``wall``.

    For a time in a gap, ``fold=1`` maps it with the offset after the jump (an instant before
    it) and ``fold=0`` with the offset before (an instant after it): the jump lies between.
    """
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)  # before the jump
    high = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)  # after the jump
    if low > high:
        low, high = high, low
    offset_after = high.astimezone(zone).utcoffset()
    # Zone transitions fall on whole seconds: bisect to the first second with the new offset.
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == offset_after:
            hi = middle
        else:
            lo = middle
    return datetime.fromtimestamp(hi, UTC)
