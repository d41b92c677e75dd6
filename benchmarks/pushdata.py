"""Subscribers for the push benchmarks, written straight into PostgreSQL with
``generate_series`` (100,000 rows in about a second): users in the six languages (as their
apps report them), the twelve signs, a spread of IANA zones whose local ``push_time`` all
fall on the same UTC minute."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from benchmarks.botapi import PUSH_USER_BASE
from benchmarks.common import asyncpg_dsn
from services.zodiac import ZodiacSign

SIGNS = [sign.value for sign in ZodiacSign]
LANGUAGES = ["ru", "en", "uk", "es", "de", "pt"]
# Whole-hour, half-hour, 45-minute and +14 offsets, both hemispheres: the subscribers' local
# dates differ (texts of two dates are needed), as in life.
ZONES = [
    "Europe/Moscow",
    "Europe/Berlin",
    "Europe/Lisbon",
    "Europe/Kyiv",
    "America/New_York",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Pacific/Kiritimati",
]


def due_minute(at: datetime | None = None) -> datetime:
    """The UTC minute (its start) that ``at`` (default: now) falls in."""
    at = at or datetime.now(UTC)
    return at.replace(second=0, microsecond=0)


def local_times(minute: datetime) -> list[time]:
    """For each of ``ZONES``: the local wall time at which ``minute`` happens there."""
    return [minute.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None) for zone in ZONES]


async def seed_due(
    url: str, n: int, minute: datetime, *, base: int = PUSH_USER_BASE, users: bool = True
) -> None:
    """``n`` active subscriptions (user ids ``base`` …), all due at ``minute``, and their
    users; one transaction (the sender sees all of them or none)."""
    now = datetime.now(UTC)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        async with conn.transaction():
            if users:
                await conn.execute(
                    """
                    INSERT INTO users (user_id, language, detected_language, sign, first_seen,
                                       last_seen, updated_at, blocked)
                    SELECT $1::bigint + i, NULL, ($2::text[])[1 + i % 6],
                           ($3::text[])[1 + i % 12], $4, $4, $4, false
                    FROM generate_series(0, $5::int - 1) AS i
                    """,
                    base,
                    LANGUAGES,
                    SIGNS,
                    now - timedelta(days=30),
                    n,
                )
            await conn.execute(
                """
                INSERT INTO subscriptions (user_id, sign, push_time, timezone, state, next_due,
                                           created_at, updated_at)
                SELECT $1::bigint + i, ($2::text[])[1 + (i / 7) % 12],
                       ($3::time[])[1 + i % $6::int], ($4::text[])[1 + i % $6::int],
                       'active', $5, $7, $7
                FROM generate_series(0, $8::int - 1) AS i
                """,
                base,
                SIGNS,
                local_times(minute),
                ZONES,
                minute,
                len(ZONES),
                now,
                n,
            )
    finally:
        await conn.close()


async def delivery_counts(url: str) -> dict[str, int]:
    """Delivery records by status."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT status, count(*) FROM push_deliveries GROUP BY status")
        return {row[0]: int(row[1]) for row in rows}
    finally:
        await conn.close()
