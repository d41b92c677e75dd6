"""SQL for subscriptions to the daily push: a user's own row (subscribe, change, pause,
resume, stop). The sender's SQL (claims, delivery records, the lease) is in ``db/push.py``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Subscription
from db.repositories import _insert


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    user_id: int
    sign: str
    push_time: time
    timezone: str
    state: str  # active | paused | stopped
    paused_until: date | None
    stop_reason: str | None
    next_due: datetime | None


_COLUMNS = (
    Subscription.user_id,
    Subscription.sign,
    Subscription.push_time,
    Subscription.timezone,
    Subscription.state,
    Subscription.paused_until,
    Subscription.stop_reason,
    Subscription.next_due,
)


async def get_subscription(session: AsyncSession, user_id: int) -> SubscriptionRow | None:
    result = await session.execute(select(*_COLUMNS).where(Subscription.user_id == user_id))
    row = result.one_or_none()
    if row is None:
        return None
    found = SubscriptionRow(*row)
    # SQLite gives DateTime(timezone=True) back naive (the UTC wall time).
    if found.next_due is not None and found.next_due.tzinfo is None:
        found = dataclasses.replace(found, next_due=found.next_due.replace(tzinfo=UTC))
    return found


async def upsert_subscription(
    session: AsyncSession,
    user_id: int,
    *,
    sign: str,
    push_time: time,
    timezone: str,
    next_due: datetime,
    now: datetime,
) -> None:
    """Subscribe (again): active from now, any pause or stop forgotten, any claim dropped."""
    values: dict[str, Any] = {
        "sign": sign,
        "push_time": push_time,
        "timezone": timezone,
        "state": "active",
        "paused_until": None,
        "stop_reason": None,
        "next_due": next_due,
        "claimed_by": None,
        "claimed_until": None,
        "failing_since": None,
        "updated_at": now,
    }
    stmt = _insert(session, Subscription).values(user_id=user_id, created_at=now, **values)
    stmt = stmt.on_conflict_do_update(index_elements=[Subscription.user_id], set_=values)
    await session.execute(stmt)


async def update_subscription(
    session: AsyncSession, user_id: int, now: datetime, **values: Any
) -> bool:
    """Set columns of the user's row (sign, push_time, timezone, state, paused_until,
    stop_reason, next_due); True if there was a row."""
    result = await session.execute(
        update(Subscription).where(Subscription.user_id == user_id).values(updated_at=now, **values)
    )
    return bool(getattr(result, "rowcount", 0))
