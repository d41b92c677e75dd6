"""SQL for what operators see of the daily push: /status (subscribers, today's deliveries,
the next wave) and /stats (subscribers over time, kept in ``daily_counters``).

Read-only counts over ``subscriptions`` and ``push_deliveries``, plus the one daily write of
the subscriber count. The sender's own SQL (claims, delivery records) is in ``db/push.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DailyCounter, PushDelivery, Subscription, User
from db.repositories import _insert

#: The ``daily_counters`` name of the active subscribers counted at a day's end.
SUBSCRIBERS = "subscribers"


async def subscribers_by_state(session: AsyncSession) -> dict[str, int]:
    """Subscriptions per state (active, paused, stopped), one GROUP BY."""
    result = await session.execute(
        select(Subscription.state, func.count()).group_by(Subscription.state)
    )
    return {state: int(count) for state, count in result}


async def deliveries_finished_between(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[str, int]:
    """Delivery records per status (sent, failed, blocked) finished in ``[start, end)``.

    By ``finished_at``, an instant, not by ``local_date``: a subscriber's local date is the
    date in their own zone, so "local_date = today in TIMEZONE" would count Kiritimati's
    pushes for tomorrow and miss Los Angeles' for yesterday that were sent during the
    operator's day. Records still ``sending`` have no ``finished_at`` and are not counted.
    """
    result = await session.execute(
        select(PushDelivery.status, func.count())
        .where(PushDelivery.finished_at >= start, PushDelivery.finished_at < end)
        .group_by(PushDelivery.status)
    )
    return {status: int(count) for status, count in result}


async def due_before(session: AsyncSession, end: datetime) -> int:
    """Subscriptions with a due instant before ``end``: still to send by then (overdue ones
    included: a wave being sent, or a retry). A NULL ``next_due`` means nothing is due
    (stopped, or paused until resumed), so the index on ``next_due`` answers this; a pause
    that ends before ``end`` has its due instant set and is counted, as it will be sent."""
    result = await session.execute(
        select(func.count()).select_from(Subscription).where(Subscription.next_due < end)
    )
    return int(result.scalar_one())


@dataclass(frozen=True, slots=True)
class Wave:
    at: datetime  # the first due instant after ``now`` (UTC)
    count: int  # subscriptions due in that minute


async def next_wave(session: AsyncSession, now: datetime) -> Wave | None:
    """The earliest due instant after ``now`` and how many are due within the minute it
    starts (push times are whole minutes; a DST gap's end, whole seconds). None: nothing
    due. Two index range reads."""
    first = await session.execute(
        select(func.min(Subscription.next_due)).where(Subscription.next_due > now)
    )
    at = first.scalar_one()
    if at is None:
        return None
    minute = at.replace(second=0, microsecond=0)
    count = await session.execute(
        select(func.count())
        .select_from(Subscription)
        .where(
            Subscription.next_due >= minute, Subscription.next_due < minute + timedelta(minutes=1)
        )
    )
    return Wave(at, int(count.scalar_one()))


async def blocked_users(session: AsyncSession) -> int:
    """Users Telegram says blocked the bot (or whose chat is gone), as of now."""
    result = await session.execute(select(func.count()).select_from(User).where(User.blocked))
    return int(result.scalar_one())


async def record_daily_count(session: AsyncSession, day: date, name: str, count: int) -> bool:
    """Store ``count`` as ``name`` on ``day`` unless that day has one already (the first
    snapshot after the day ended wins: a restart, or another replica, does not move it).
    True if written."""
    stmt = _insert(session, DailyCounter).values(day=day, name=name, count=count)
    result = await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[DailyCounter.day, DailyCounter.name]).returning(
            DailyCounter.id
        )
    )
    return result.first() is not None


async def daily_counts(
    session: AsyncSession, name: str, first: date, last: date
) -> dict[date, int]:
    """``name``'s count per day, ``first`` … ``last`` (days without a row are absent)."""
    result = await session.execute(
        select(DailyCounter.day, DailyCounter.count).where(
            DailyCounter.name == name, DailyCounter.day >= first, DailyCounter.day <= last
        )
    )
    return {day: int(count) for day, count in result}
