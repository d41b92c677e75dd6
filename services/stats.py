"""View counting: in memory on the hot path, written in batches.

Every returned horoscope adds one to a dict entry (no I/O, no await). A background loop
writes the accumulated counts every ``VIEW_FLUSH_SECONDS`` with one UPSERT
(``view_count = view_count + excluded.view_count``) and once more at shutdown, so a
graceful stop loses nothing and a hard kill loses at most one interval. A failed write puts
its counts back, so a database restart loses nothing either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories
from services.batching import CountsFlusher


class ViewCounter(CountsFlusher[repositories.ViewKey]):
    name = "views"

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession] | None,
        *,
        interval: float = 5.0,
    ) -> None:
        super().__init__(sessionmaker, interval=interval)
        self.counted_by_sign: dict[str, int] = {}

    def count(self, sign: str, day: date, language: str) -> None:
        self._add((sign, day, language))
        self.counted_by_sign[sign] = self.counted_by_sign.get(sign, 0) + 1

    async def _write(
        self, session: AsyncSession, batch: Mapping[repositories.ViewKey, int]
    ) -> None:
        await repositories.add_views(session, batch)


@dataclass(frozen=True, slots=True)
class ViewStats:
    today: date
    per_sign_today: dict[str, int]
    per_sign_7d: dict[str, int]
    per_sign_30d: dict[str, int]

    @property
    def total_today(self) -> int:
        return sum(self.per_sign_today.values())


async def load_view_stats(session: AsyncSession, today: date) -> ViewStats:
    rows = await repositories.views_between(session, today - timedelta(days=29), today)
    today_counts: dict[str, int] = {}
    week: dict[str, int] = {}
    month: dict[str, int] = {}
    for sign, day, _language, count in rows:
        month[sign] = month.get(sign, 0) + count
        if day > today - timedelta(days=7):
            week[sign] = week.get(sign, 0) + count
        if day == today:
            today_counts[sign] = today_counts.get(sign, 0) + count
    return ViewStats(today, today_counts, week, month)


# -- /stats: one period compared with what came before ------------------------------------

PERIODS = (1, 7, 30)  # today, the last 7 days, the last 30 days (each including today)
HISTORY_DAYS = 60  # enough for "the last 30 days" and the 30 before them


@dataclass(frozen=True, slots=True)
class ViewHistory:
    today: date
    counts: dict[tuple[str, date], int]  # (sign, day) -> views, every language
    languages: dict[tuple[str, date], int] = field(default_factory=dict)  # (language, day)

    def per_language(self, first: date, last: date) -> dict[str, int]:
        """Views per language from ``first`` to ``last``, the most read first."""
        totals: dict[str, int] = {}
        for (language, day), count in self.languages.items():
            if first <= day <= last and count:
                totals[language] = totals.get(language, 0) + count
        return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))

    def per_sign(self, first: date, last: date) -> dict[str, int]:
        totals: dict[str, int] = {}
        for (sign, day), count in self.counts.items():
            if first <= day <= last:
                totals[sign] = totals.get(sign, 0) + count
        return totals

    def total(self, first: date, last: date) -> int:
        return sum(self.per_sign(first, last).values())

    def last_days(self, days: int) -> int:
        """Views in the ``days`` days ending today (today included)."""
        return self.total(self.today - timedelta(days=days - 1), self.today)

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """``current``: views per sign in the period. ``baseline``: what it is compared with,
    per sign: for today, the daily average of the 7 days before; for 7 or 30 days, the
    same number of days just before. ``previous_total`` is yesterday's total for today."""

    period: int
    today: date
    current: dict[str, float]
    baseline: dict[str, float]
    total: int
    previous_total: int
    today_total: int
    week_total: int
    month_total: int
    by_language: dict[str, int] = field(default_factory=dict)  # the period's views, most first

    @property
    def change(self) -> int:
        return self.total - self.previous_total

    @property
    def change_percent(self) -> float | None:
        if self.previous_total == 0:
            return None
        return 100.0 * self.change / self.previous_total

    @property
    def empty(self) -> bool:
        return not any(self.current.values()) and not any(self.baseline.values())

    def most_and_least(self, signs: list[str]) -> tuple[tuple[str, int], tuple[str, int]]:
        """The most and the least read sign in the period (ties: the first in ``signs``)."""
        counts = [(sign, int(self.current.get(sign, 0))) for sign in signs]
        most = max(counts, key=lambda item: item[1])
        least = min(counts, key=lambda item: item[1])
        return most, least


async def load_view_history(
    session: AsyncSession, today: date, days: int = HISTORY_DAYS
) -> ViewHistory:
    rows = await repositories.views_between(session, today - timedelta(days=days - 1), today)
    counts: dict[tuple[str, date], int] = {}
    languages: dict[tuple[str, date], int] = {}
    for sign, day, language, count in rows:
        counts[(sign, day)] = counts.get((sign, day), 0) + count
        languages[(language, day)] = languages.get((language, day), 0) + count
    return ViewHistory(today, counts, languages)


def period_stats(history: ViewHistory, period: int, signs: list[str]) -> PeriodStats:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    today = history.today
    first = today - timedelta(days=period - 1)
    current = history.per_sign(first, today)
    if period == 1:
        week = history.per_sign(today - timedelta(days=7), today - timedelta(days=1))
        baseline = {sign: week.get(sign, 0) / 7 for sign in signs}
        yesterday = today - timedelta(days=1)
        previous_total = history.total(yesterday, yesterday)
    else:
        before = history.per_sign(first - timedelta(days=period), first - timedelta(days=1))
        baseline = {sign: float(before.get(sign, 0)) for sign in signs}
        previous_total = sum(before.values())
    return PeriodStats(
        period=period,
        today=today,
        current={sign: float(current.get(sign, 0)) for sign in signs},
        baseline=baseline,
        total=sum(current.values()),
        previous_total=previous_total,
        today_total=history.last_days(1),
        week_total=history.last_days(7),
        month_total=history.last_days(30),
        by_language=history.per_language(first, today),
    )
