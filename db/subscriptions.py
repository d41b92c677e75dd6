"""SQL for subscriptions to the daily push: a user's own row (subscribe, change, pause,
resume, stop). The sender's SQL (claims, delivery records, the lease) is in ``db/push.py``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PushDelivery, Subscription
from db.repositories import CHUNK, _chunks, _insert


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
    return SubscriptionRow(*row)  # next_due aware UTC on both databases (UTCDateTime)


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


async def make_due_now(session: AsyncSession, user_id: int, due: datetime, now: datetime) -> bool:
    """The sandbox's "make my next delivery due now": an active subscription's next push is
    due at ``due`` (a past instant). True if there was an active subscription (paused and
    stopped ones are left alone)."""
    result = await session.execute(
        update(Subscription)
        .where(Subscription.user_id == user_id, Subscription.state == "active")
        .values(next_due=due, updated_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def has_delivery(session: AsyncSession, user_id: int, local_date: date) -> bool:
    """Whether (user, local date) has a delivery record (sent, given up, blocked, or being
    sent): that date's push never goes out again."""
    result = await session.execute(
        select(PushDelivery.id).where(
            PushDelivery.user_id == user_id, PushDelivery.local_date == local_date
        )
    )
    return result.first() is not None


# -- the operator's CSV (``horoscope-bot users import|export``) ------------------------------


@dataclass(frozen=True, slots=True)
class ImportedSubscription:
    """A subscription from an operator's file, its first due instant computed by the caller."""

    user_id: int
    sign: str
    push_time: time
    timezone: str
    next_due: datetime


async def import_subscriptions(
    session: AsyncSession, rows: Iterable[ImportedSubscription], now: datetime
) -> int:
    """Write the file's subscriptions, ``CHUNK`` rows per multi-row UPSERT; return how many
    were written (new or updated).

    - a new user: an active subscription, due at ``next_due``;
    - an active subscription: its sign, time and zone replaced. Its due instant and a sender's
      claim are kept when the time and zone are unchanged (a re-import of the same file while a
      wave is being sent must not push the users still waiting in it to tomorrow), else
      replaced;
    - a paused or stopped subscription is left as it is: the user's own /settings or /stop
      (or Telegram saying the chat is gone) wins over a file. Not counted as written.
    """
    stmt = _insert(session, Subscription)
    new = stmt.excluded
    same_slot = and_(Subscription.push_time == new.push_time, Subscription.timezone == new.timezone)

    def keep_if_same(column: Any, replacement: Any) -> Any:
        return case((same_slot, column), else_=replacement)

    stmt = stmt.on_conflict_do_update(
        index_elements=[Subscription.user_id],
        set_={
            "sign": new.sign,
            "push_time": new.push_time,
            "timezone": new.timezone,
            "next_due": keep_if_same(
                func.coalesce(Subscription.next_due, new.next_due), new.next_due
            ),
            "claimed_by": keep_if_same(Subscription.claimed_by, None),
            "claimed_until": keep_if_same(Subscription.claimed_until, None),
            "failing_since": keep_if_same(Subscription.failing_since, None),
            "updated_at": new.updated_at,
        },
        where=Subscription.state == "active",
    ).returning(Subscription.user_id)
    # One statement compiled once, executed with a chunk of rows (executemany; SQLAlchemy
    # batches it into multi-row INSERTs itself): a multi-row VALUES built per chunk is
    # compiled anew every time, ~1 s of CPU per 1,000 rows.
    connection = await session.connection()
    written = 0
    for chunk in _chunks(rows, CHUNK):
        result = await connection.execute(
            stmt,
            [
                {
                    "user_id": row.user_id,
                    "sign": row.sign,
                    "push_time": row.push_time,
                    "timezone": row.timezone,
                    "state": "active",
                    "next_due": row.next_due,
                    "created_at": now,
                    "updated_at": now,
                }
                for row in chunk
            ],
        )
        written += len(result.all())
    return written
