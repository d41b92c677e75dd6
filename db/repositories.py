"""All SQL lives here. Upserts use each dialect's ``insert().on_conflict_*`` so the same
code runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HoroscopeCache, HoroscopeView


def _insert(session: AsyncSession, model: type[Any]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
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
