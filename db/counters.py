"""Named counts per day (``daily_counters``): shares chosen, deep-link starts, new users
who came through a shared link. Written behind in batches (services/shares.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DailyCounter
from db.repositories import _insert

CounterKey = tuple[date, str]  # (day in TIMEZONE, counter name)


async def add_counts(session: AsyncSession, counts: Mapping[CounterKey, int]) -> None:
    """``count = count + excluded.count`` for every (day, name) in one statement."""
    rows = [
        {"day": day, "name": name, "count": count} for (day, name), count in counts.items() if count
    ]
    if not rows:
        return
    stmt = _insert(session, DailyCounter).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[DailyCounter.day, DailyCounter.name],
        set_={"count": DailyCounter.count + stmt.excluded.count},
    )
    await session.execute(stmt)


async def counts_between(session: AsyncSession, first: date, last: date) -> dict[CounterKey, int]:
    """(day, name) -> count of every row dated ``first`` … ``last``."""
    result = await session.execute(
        select(DailyCounter.day, DailyCounter.name, DailyCounter.count).where(
            DailyCounter.day >= first, DailyCounter.day <= last
        )
    )
    return {(day, name): count for day, name, count in result}
