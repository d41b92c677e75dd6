"""What to do with a claimed subscription, from the IANA rules at claim time (pure).

The stored ``next_due`` only says *when to look*: on claiming, the due instant is computed
again from the local time and the zone (``services/local_time.py``), so a tzdata update
between the subscription and the delivery cannot shift a push, and a row claimed late (the
bot was down) delivers the subscriber's *current* local date, not a stale one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.local_time import local_due
from services.subscriptions import first_due_on_or_after


@dataclass(frozen=True, slots=True)
class Plan:
    """``deliver``: send the horoscope of ``day`` (due at ``due``), then the row is next due
    at ``next_due``. Otherwise nothing is sent and the row is next due at ``next_due`` (None:
    nothing due)."""

    deliver: bool
    next_due: datetime | None
    day: date | None = None
    due: datetime | None = None
    activate: bool = False  # a pause that has run out ends


def plan_delivery(
    *,
    push_time: time,
    timezone: str,
    state: str,
    paused_until: date | None,
    stored_due: datetime,
    now: datetime,
) -> Plan:
    zone = ZoneInfo(timezone)
    # The latest local date whose due instant has come: today's, or yesterday's if today's
    # time is still ahead (never older: a subscriber gets today's horoscope, not a backlog).
    today = now.astimezone(zone).date()
    day = today
    due = local_due(day, push_time, zone)
    if due > now:
        day = today - timedelta(days=1)
        due = local_due(day, push_time, zone)
    stored_day = stored_due.astimezone(zone).date()
    if day < stored_day:
        # The rules moved the instant later (tzdata changed): not yet.
        return Plan(False, local_due(stored_day, push_time, zone))
    if state == "paused":
        if paused_until is None:
            return Plan(False, None)  # paused until resumed (a stale row): nothing due
        if day < paused_until:
            return Plan(False, first_due_on_or_after(paused_until, push_time, zone, now))
    after = first_due_on_or_after(day + timedelta(days=1), push_time, zone, due)
    return Plan(True, after, day, due, activate=state == "paused")
