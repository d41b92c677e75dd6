"""All SQL lives here. Upserts use each dialect's ``insert().on_conflict_*`` so the same
code runs on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, case, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ConversationState,
    ForgottenUser,
    HoroscopeCache,
    HoroscopeView,
    PushDelivery,
    Subscription,
    User,
)

# Rows per multi-row statement: 1,000 x 6 columns stays far below SQLite's and asyncpg's
# 32,766 bound parameters.
CHUNK = 1000


def _insert(session: AsyncSession, model: type[Any]) -> Any:
    # The dialect's module is imported here, where the engine has already loaded it: the
    # other one (~0.6 MB of RSS for SQLite's under PostgreSQL) never loads in the process.
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(model)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


async def get_content(session: AsyncSession, sign: str, day: date, language: str) -> str | None:
    result = await session.execute(
        select(HoroscopeCache.content).where(
            HoroscopeCache.zodiac_sign == sign,
            HoroscopeCache.horoscope_date == day,
            HoroscopeCache.language == language,
        )
    )
    return result.scalar_one_or_none()


async def get_day(session: AsyncSession, day: date) -> dict[tuple[str, str], str]:
    """(sign, language) -> content of every horoscope stored for ``day``."""
    result = await session.execute(
        select(HoroscopeCache.zodiac_sign, HoroscopeCache.language, HoroscopeCache.content).where(
            HoroscopeCache.horoscope_date == day
        )
    )
    return {(sign, language): content for sign, language, content in result}


async def save_content(
    session: AsyncSession, sign: str, day: date, language: str, content: str, *, replace: bool
) -> str:
    """Store a horoscope idempotently and return the text that is now stored.

    ``replace=False`` keeps a text someone else stored first (``ON CONFLICT DO NOTHING``);
    ``replace=True`` overwrites it (``/regen``).
    """
    stmt = _insert(session, HoroscopeCache).values(
        zodiac_sign=sign, horoscope_date=day, language=language, content=content
    )
    index = [HoroscopeCache.zodiac_sign, HoroscopeCache.horoscope_date, HoroscopeCache.language]
    if replace:
        stmt = stmt.on_conflict_do_update(
            index_elements=index,
            set_={"content": stmt.excluded.content, "created_at": func.now()},
        )
        await session.execute(stmt)
        return content
    await session.execute(stmt.on_conflict_do_nothing(index_elements=index))
    stored = await get_content(session, sign, day, language)
    return stored if stored is not None else content


async def delete_before(session: AsyncSession, day: date) -> int:
    result = await session.execute(
        delete(HoroscopeCache).where(HoroscopeCache.horoscope_date < day)
    )
    return int(getattr(result, "rowcount", 0) or 0)


ViewKey = tuple[str, date, str]  # (sign, day, language)


async def add_views(session: AsyncSession, counts: Mapping[ViewKey, int]) -> None:
    """``view_count = view_count + excluded.view_count`` for each (sign, day, language) in one
    statement."""
    rows = [
        {"zodiac_sign": sign, "view_date": day, "language": language, "view_count": count}
        for (sign, day, language), count in counts.items()
        if count
    ]
    if not rows:
        return
    stmt = _insert(session, HoroscopeView).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[HoroscopeView.zodiac_sign, HoroscopeView.view_date, HoroscopeView.language],
        set_={"view_count": HoroscopeView.view_count + stmt.excluded.view_count},
    )
    await session.execute(stmt)


async def views_between(
    session: AsyncSession, first: date, last: date
) -> list[tuple[str, date, str, int]]:
    """(sign, day, language, views) of every row dated ``first`` … ``last``."""
    result = await session.execute(
        select(
            HoroscopeView.zodiac_sign,
            HoroscopeView.view_date,
            HoroscopeView.language,
            HoroscopeView.view_count,
        )
        .where(HoroscopeView.view_date >= first, HoroscopeView.view_date <= last)
        .order_by(HoroscopeView.view_date, HoroscopeView.zodiac_sign, HoroscopeView.language)
    )
    return [(sign, day, language, count) for sign, day, language, count in result]


async def stored_on(session: AsyncSession, day: date) -> set[tuple[str, str]]:
    """The (sign, language) pairs stored for ``day``."""
    result = await session.execute(
        select(HoroscopeCache.zodiac_sign, HoroscopeCache.language).where(
            HoroscopeCache.horoscope_date == day
        )
    )
    return {(sign, language) for sign, language in result}


# -- users ----------------------------------------------------------------------------------
#
# Forgetting across replicas. A replica batches last-seen writes for a few seconds; the user
# may meanwhile say /forget on another replica. Two rules keep such a write from re-creating
# the user:
# - ``forget_user`` records the id in ``forgotten_users`` and deletes the row in one
#   transaction, after first inserting the user's key (ON CONFLICT DO NOTHING): on
#   PostgreSQL that waits for a batched write's uncommitted insert of the same user to
#   commit, so the DELETE that follows sees it.
# - ``record_activity`` runs its UPSERT and then, in the same transaction, deletes the rows
#   it touched that ``forgotten_users`` says were forgotten at or after their last activity.
# A user who comes back after /forget (activity later than the note) is a new user again.


@dataclass(frozen=True, slots=True)
class UserRow:
    user_id: int
    language: str | None
    detected_language: str | None
    sign: str | None
    first_seen: datetime
    last_seen: datetime
    blocked: bool


@dataclass(frozen=True, slots=True)
class Activity:
    """What one user did since the last flush: when first and last, and what changed (None:
    nothing new, keep what is stored)."""

    user_id: int
    first_seen: datetime
    last_seen: datetime
    detected_language: str | None
    sign: str | None
    referred_by: int | None = None  # set for a new user only (services/users.py: refer)


_USER_COLUMNS = (
    User.user_id,
    User.language,
    User.detected_language,
    User.sign,
    User.first_seen,
    User.last_seen,
    User.blocked,
)


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``size`` items at a time, taken lazily: a generator of rows is never held whole."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# The batched activity write runs beside live taps: its Python work (parameters per row) is
# cut into chunks this big, each followed by a round trip during which the loop serves taps.
ACTIVITY_CHUNK = 200


async def get_user(session: AsyncSession, user_id: int) -> UserRow | None:
    result = await session.execute(select(*_USER_COLUMNS).where(User.user_id == user_id))
    row = result.one_or_none()
    return UserRow(*row) if row is not None else None


async def record_activity(
    session: AsyncSession, activities: Iterable[Activity], now: datetime
) -> None:
    """One UPSERT per ``ACTIVITY_CHUNK`` users: insert new users, else move ``last_seen``
    forward and set what changed; ``updated_at`` moves only when the sign or detected language
    did."""
    # One statement shape, executed with a list of rows (executemany): SQLAlchemy compiles it
    # once and caches it. A multi-row VALUES of 1,000 × 6 parameters was compiled anew every
    # flush: ~200 ms of CPU on the event loop per 1,000 users (benchmark 2's open-loop p99).
    stmt = _insert(session, User)
    new = stmt.excluded
    changed = or_(
        and_(new.sign.is_not(None), new.sign.is_distinct_from(User.sign)),
        and_(
            new.detected_language.is_not(None),
            new.detected_language.is_distinct_from(User.detected_language),
        ),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[User.user_id],
        set_={
            "detected_language": func.coalesce(new.detected_language, User.detected_language),
            "sign": func.coalesce(new.sign, User.sign),
            # Once: a referrer is only ever sent for a user this process believed new.
            "referred_by": func.coalesce(User.referred_by, new.referred_by),
            "last_seen": case(
                (new.last_seen > User.last_seen, new.last_seen), else_=User.last_seen
            ),
            "updated_at": case((changed, new.updated_at), else_=User.updated_at),
        },
    )
    connection = await session.connection()  # Core, not the ORM's bulk-insert layer
    for chunk in _chunks(activities, ACTIVITY_CHUNK):
        rows = [
            {
                "user_id": a.user_id,
                "detected_language": a.detected_language,
                "sign": a.sign,
                "referred_by": a.referred_by,
                "first_seen": a.first_seen,
                "last_seen": a.last_seen,
                "updated_at": now,
            }
            for a in chunk
        ]
        await connection.execute(stmt, rows)
        ids = [a.user_id for a in chunk]
        await session.execute(
            delete(User).where(
                User.user_id.in_(ids),
                exists().where(
                    ForgottenUser.user_id == User.user_id,
                    ForgottenUser.forgotten_at >= User.last_seen,
                ),
            )
        )


async def set_user_language(
    session: AsyncSession, user_id: int, language: str | None, now: datetime
) -> None:
    """The user's explicit choice, written at once (a new user is created with it)."""
    stmt = _insert(session, User).values(
        user_id=user_id, language=language, first_seen=now, last_seen=now, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[User.user_id],
        set_={"language": stmt.excluded.language, "updated_at": stmt.excluded.updated_at},
    )
    await session.execute(stmt)


async def set_user_blocked(
    session: AsyncSession, user_id: int, blocked: bool, now: datetime
) -> bool:
    """Telegram said the user blocked the bot (403), or they wrote again. Only a stored user:
    a 403 never creates a row (nor re-creates one /forget deleted). True if a row changed."""
    result = await session.execute(
        update(User)
        .where(User.user_id == user_id, User.blocked.is_not(blocked))
        .values(blocked=blocked, updated_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def import_users(
    session: AsyncSession, rows: Sequence[tuple[int, str | None, str | None]], now: datetime
) -> None:
    """(user_id, language, sign) rows from an operator's file: the language counts as the
    user's choice; an empty value keeps what is stored. New users are first and last seen
    ``now``. One statement compiled once, executed with ``CHUNK`` rows at a time
    (executemany): a multi-row VALUES is compiled anew for every chunk, ~1 s of CPU per
    1,000 rows."""
    stmt = _insert(session, User)
    stmt = stmt.on_conflict_do_update(
        index_elements=[User.user_id],
        set_={
            "language": func.coalesce(stmt.excluded.language, User.language),
            "sign": func.coalesce(stmt.excluded.sign, User.sign),
            "updated_at": stmt.excluded.updated_at,
        },
    )
    connection = await session.connection()  # Core, not the ORM's bulk layer
    for chunk in _chunks(rows):
        await connection.execute(
            stmt,
            [
                {
                    "user_id": user_id,
                    "language": language,
                    "sign": sign,
                    "first_seen": now,
                    "last_seen": now,
                    "updated_at": now,
                }
                for user_id, language, sign in chunk
            ],
        )


async def export_users(
    session: AsyncSession,
) -> AsyncIterator[tuple[int, str | None, str | None, time | None, str | None]]:
    """(user_id, chosen language, sign, push_time, timezone) of every user, by id, streamed.

    A user with an active subscription: its sign (what ``users import`` reads the sign column
    as when push_time is set), time and zone. Otherwise the last sign tapped and no time: a
    paused or stopped subscription is not exported, since a file imported into another bot
    subscribes everyone in it, and who paused or stopped must not be pushed to."""
    active = and_(Subscription.user_id == User.user_id, Subscription.state == "active")
    result = await session.stream(
        select(
            User.user_id,
            User.language,
            func.coalesce(Subscription.sign, User.sign),
            Subscription.push_time,
            Subscription.timezone,
        )
        .outerjoin(Subscription, active)
        .order_by(User.user_id)
    )
    async for partition in result.partitions(CHUNK):
        for user_id, language, sign, push_time, timezone in partition:
            yield user_id, language, sign, push_time, timezone


async def forget_user(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """Delete everything stored about the user (their row, their subscription to the daily
    push and its delivery records, a conversation left open in /subscribe); note the id so a
    write batched elsewhere before this moment cannot re-create them. True if there was a
    row."""
    hold = _insert(session, User).values(
        user_id=user_id, first_seen=now, last_seen=now, updated_at=now
    )
    held = await session.execute(
        hold.on_conflict_do_nothing(index_elements=[User.user_id]).returning(User.user_id)
    )
    had_row = held.first() is None  # nothing inserted: the user was there
    await session.execute(delete(User).where(User.user_id == user_id))
    await session.execute(delete(Subscription).where(Subscription.user_id == user_id))
    await session.execute(delete(PushDelivery).where(PushDelivery.user_id == user_id))
    # Conversation keys begin with "<user id>:" (db/conversations.py: conversation_key).
    await session.execute(
        delete(ConversationState).where(ConversationState.key.startswith(f"{user_id}:"))
    )
    note = _insert(session, ForgottenUser).values(user_id=user_id, forgotten_at=now)
    note = note.on_conflict_do_update(
        index_elements=[ForgottenUser.user_id],
        set_={"forgotten_at": note.excluded.forgotten_at},
    )
    await session.execute(note)
    return had_row


async def users_changed_since(
    session: AsyncSession, since: datetime
) -> tuple[list[UserRow], list[int]]:
    """Rows whose language or sign changed after ``since``, and ids forgotten after it."""
    changed = await session.execute(select(*_USER_COLUMNS).where(User.updated_at > since))
    forgotten = await session.execute(
        select(ForgottenUser.user_id).where(ForgottenUser.forgotten_at > since)
    )
    return [UserRow(*row) for row in changed], list(forgotten.scalars())


async def prune_forgotten(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(ForgottenUser).where(ForgottenUser.forgotten_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def user_counts(
    session: AsyncSession, day_start: datetime, week_start: datetime, month_start: datetime
) -> tuple[int, int, int, int]:
    """(total, first seen since ``day_start``, seen since ``week_start``, since
    ``month_start``) in one scan."""

    def since(column: Any, moment: datetime) -> Any:
        return func.coalesce(func.sum(case((column >= moment, 1), else_=0)), 0)

    result = await session.execute(
        select(
            func.count(),
            since(User.first_seen, day_start),
            since(User.last_seen, week_start),
            since(User.last_seen, month_start),
        ).select_from(User)
    )
    total, new, week, month = result.one()
    return int(total), int(new), int(week), int(month)


async def users_by_language(session: AsyncSession) -> dict[str | None, int]:
    """Users per language: the chosen one, else the detected one (None: neither known)."""
    language = func.coalesce(User.language, User.detected_language)
    result = await session.execute(select(language, func.count()).group_by(language))
    return {code: int(count) for code, count in result}


async def languages_seen_since(session: AsyncSession, since: datetime) -> set[str]:
    """The distinct languages (chosen, else detected) of the users seen since ``since``."""
    language = func.coalesce(User.language, User.detected_language)
    result = await session.execute(
        select(language).where(User.last_seen >= since, language.is_not(None)).distinct()
    )
    return set(result.scalars())
