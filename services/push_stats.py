"""The daily push as operators see it: /status's subscribers, today's deliveries and the next
wave; /stats' subscribers over time.

"Today" is the day in TIMEZONE (the operator's day, the one every other admin figure uses).
Its boundaries are instants computed with the DST rule of ``services/local_time.py`` (a day
that starts at 01:00 because the clock jumped over midnight starts then), and deliveries are
counted by when they finished within them, not by their ``local_date``: see
``db/push_stats.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import push_stats
from services.clock import Clock
from services.local_time import local_due

log = structlog.get_logger(__name__)


def day_bounds(clock: Clock, day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` of the local date ``day`` in the clock's zone, as UTC instants."""
    midnight = time(0, 0)
    return local_due(day, midnight, clock.tz), local_due(
        day + timedelta(days=1), midnight, clock.tz
    )


@dataclass(frozen=True, slots=True)
class PushStatus:
    active: int  # subscriptions being delivered
    paused: int
    sent_today: int  # delivery records finished today in TIMEZONE, by status
    failed_today: int  # given up after PUSH_RETRY_MINUTES
    blocked_today: int  # Telegram said 403 / chat gone today
    due_today: int  # still to send before today's end in TIMEZONE (overdue ones included)
    blocked_users: int  # users marked blocked, as of now (whatever day it happened)
    next_wave: datetime | None  # the next due instant after now, in TIMEZONE
    next_wave_count: int  # subscriptions due in that minute


async def load_push_status(session: AsyncSession, clock: Clock) -> PushStatus:
    """Six small queries, each on an index (states: a GROUP BY over subscriptions)."""
    now = clock.utc_now()
    start, end = day_bounds(clock, clock.today())
    states = await push_stats.subscribers_by_state(session)
    finished = await push_stats.deliveries_finished_between(session, start, end)
    due = await push_stats.due_before(session, end)
    wave = await push_stats.next_wave(session, now)
    blocked = await push_stats.blocked_users(session)
    return PushStatus(
        active=states.get("active", 0),
        paused=states.get("paused", 0),
        sent_today=finished.get("sent", 0),
        failed_today=finished.get("failed", 0),
        blocked_today=finished.get("blocked", 0),
        due_today=due,
        blocked_users=blocked,
        next_wave=wave.at.astimezone(clock.tz) if wave is not None else None,
        next_wave_count=wave.count if wave is not None else 0,
    )


@dataclass(frozen=True, slots=True)
class SubscriberHistory:
    """Active subscribers per day, oldest first, ending today: the past days as counted at
    their end (``daily_counters``; None where no count was taken: the bot was down through
    the next day's job), today live."""

    days: list[date]
    counts: list[int | None]

    @property
    def today(self) -> int:
        value = self.counts[-1]
        assert value is not None
        return value

    def days_ago(self, days: int) -> int | None:
        return self.counts[-1 - days] if days < len(self.counts) else None

    @property
    def empty(self) -> bool:
        """Never a subscriber in the whole window: nothing worth a line or a chart."""
        return not any(self.counts)


async def load_subscriber_history(
    session: AsyncSession, clock: Clock, days: int
) -> SubscriberHistory:
    """The last ``days`` days, today included."""
    today = clock.today()
    first = today - timedelta(days=days - 1)
    recorded = await push_stats.daily_counts(
        session, push_stats.SUBSCRIBERS, first, today - timedelta(days=1)
    )
    live = (await push_stats.subscribers_by_state(session)).get("active", 0)
    span = [first + timedelta(days=n) for n in range(days)]
    counts: list[int | None] = [recorded.get(day) for day in span[:-1]]
    return SubscriberHistory(span, [*counts, live])


async def record_subscribers(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> bool:
    """Store the active subscribers as yesterday's end-of-day count (TIMEZONE), once: what
    the daily job does when it has run (at GENERATION_TIME, midnight by default, so the count
    is the day's end; a first start after a downtime takes it then). A later run, a restart
    or another replica leaves the stored count alone. True if written."""
    day = clock.today() - timedelta(days=1)
    async with sessionmaker() as session, session.begin():
        active = (await push_stats.subscribers_by_state(session)).get("active", 0)
        written = await push_stats.record_daily_count(session, day, push_stats.SUBSCRIBERS, active)
    if written:
        log.info("push.subscribers_recorded", day=day.isoformat(), active=active)
    return written
