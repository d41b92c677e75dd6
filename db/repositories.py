"""All SQL lives here. Upserts use each dialect's ``insert().on_conflict_*`` so the same
code runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


async def get_content(session: AsyncSession, sign: str, day: date) -> str | None:
    result = await session.execute(
        select(HoroscopeCache.content).where(
            HoroscopeCache.zodiac_sign == sign, HoroscopeCache.horoscope_date == day
        )
    )
    return result.scalar_one_or_none()


async def get_day(session: AsyncSession, day: date) -> dict[str, str]:
    """sign -> content of every horoscope stored for ``day``."""
    result = await session.execute(
        select(HoroscopeCache.zodiac_sign, HoroscopeCache.content).where(
            HoroscopeCache.horoscope_date == day
        )
    )
    return {sign: content for sign, content in result}


async def save_content(
    session: AsyncSession, sign: str, day: date, content: str, *, replace: bool
) -> str:
    """Store a horoscope idempotently and return the text that is now stored.

    ``replace=False`` keeps a text someone else stored first (``ON CONFLICT DO NOTHING``);
    ``replace=True`` overwrites it (``/regen``).
    """
    stmt = _insert(session, HoroscopeCache).values(
        zodiac_sign=sign, horoscope_date=day, content=content
    )
    index = [HoroscopeCache.zodiac_sign, HoroscopeCache.horoscope_date]
    if replace:
        stmt = stmt.on_conflict_do_update(
            index_elements=index,
            set_={"content": stmt.excluded.content, "created_at": func.now()},
        )
        await session.execute(stmt)
        return content
    await session.execute(stmt.on_conflict_do_nothing(index_elements=index))
    stored = await get_content(session, sign, day)
    return stored if stored is not None else content


async def delete_before(session: AsyncSession, day: date) -> int:
    result = await session.execute(
        delete(HoroscopeCache).where(HoroscopeCache.horoscope_date < day)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def add_views(session: AsyncSession, counts: Mapping[tuple[str, date], int]) -> None:
    """``view_count = view_count + excluded.view_count`` for each (sign, day) in one statement."""
    rows = [
        {"zodiac_sign": sign, "view_date": day, "view_count": count}
        for (sign, day), count in counts.items()
        if count
    ]
    if not rows:
        return
    stmt = _insert(session, HoroscopeView).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[HoroscopeView.zodiac_sign, HoroscopeView.view_date],
        set_={"view_count": HoroscopeView.view_count + stmt.excluded.view_count},
    )
    await session.execute(stmt)


async def views_between(
    session: AsyncSession, first: date, last: date
) -> list[tuple[str, date, int]]:
    result = await session.execute(
        select(HoroscopeView.zodiac_sign, HoroscopeView.view_date, HoroscopeView.view_count)
        .where(HoroscopeView.view_date >= first, HoroscopeView.view_date <= last)
        .order_by(HoroscopeView.view_date, HoroscopeView.zodiac_sign)
    )
    return [(sign, day, count) for sign, day, count in result]


async def signs_on(session: AsyncSession, day: date, signs: Iterable[str]) -> set[str]:
    result = await session.execute(
        select(HoroscopeCache.zodiac_sign).where(
            HoroscopeCache.horoscope_date == day, HoroscopeCache.zodiac_sign.in_(list(signs))
        )
    )
    return set(result.scalars())
