"""View counting: in memory on the hot path, written in batches.

Every returned horoscope adds one to a dict entry (no I/O, no await). A background loop
writes the accumulated counts every ``VIEW_FLUSH_SECONDS`` with one UPSERT
(``view_count = view_count + excluded.view_count``) and once more at shutdown, so a
graceful stop loses nothing and a hard kill loses at most one interval. A failed write puts
its counts back, so a database restart loses nothing either.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import date, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories

log = structlog.get_logger(__name__)


class ViewCounter:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession] | None,
        *,
        interval: float = 5.0,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._interval = interval
        self._pending: dict[tuple[str, date], int] = {}
        self._task: asyncio.Task[None] | None = None
        self._flushing: asyncio.Task[int] | None = None
        self.flushed_total = 0
        self.counted_by_sign: dict[str, int] = {}
        self.last_flush_ok = time.monotonic()

    def count(self, sign: str, day: date) -> None:
        key = (sign, day)
        self._pending[key] = self._pending.get(key, 0) + 1
        self.counted_by_sign[sign] = self.counted_by_sign.get(sign, 0) + 1

    @property
    def flush_lag(self) -> float:
        """Seconds the oldest unwritten view may have waited (0 when nothing is pending)."""
        return time.monotonic() - self.last_flush_ok if self._pending else 0.0

    @property
    def pending(self) -> int:
        return sum(self._pending.values())

    async def flush(self) -> int:
        """Write what has accumulated; return how many views were written."""
        if not self._pending:
            self.last_flush_ok = time.monotonic()
            return 0
        if self._sessionmaker is None:
            raise RuntimeError("ViewCounter has no database to flush to")
        # Swap before the first await: taps counted during the write land in the new dict.
        batch, self._pending = self._pending, {}
        try:
            async with self._sessionmaker() as session, session.begin():
                await repositories.add_views(session, batch)
        except BaseException:
            for key, count in batch.items():
                self._pending[key] = self._pending.get(key, 0) + count
            raise
        written = sum(batch.values())
        self.flushed_total += written
        self.last_flush_ok = time.monotonic()
        return written

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="view-flush")

    async def stop(self) -> None:
        """Stop the loop and write everything that is left (retrying briefly)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._flushing is not None:  # a periodic write was under way: let it land
            with contextlib.suppress(Exception):
                await self._flushing
        for attempt in range(3):
            try:
                await self.flush()
                return
            except Exception as error:
                log.warning("views.final_flush_failed", attempt=attempt + 1, error=repr(error))
        if self._pending:
            log.error("views.lost_at_shutdown", views=self.pending)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            # Shielded: cancelling the loop must not cut a write in half (it could commit
            # and still put its counts back, counting them twice).
            self._flushing = asyncio.ensure_future(self.flush())
            try:
                written = await asyncio.shield(self._flushing)
            except Exception as error:
                log.warning("views.flush_failed", pending=self.pending, error=repr(error))
            else:
                if written:
                    log.debug("views.flushed", views=written)


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
    for sign, day, count in rows:
        month[sign] = month.get(sign, 0) + count
        if day > today - timedelta(days=7):
            week[sign] = week.get(sign, 0) + count
        if day == today:
            today_counts[sign] = today_counts.get(sign, 0) + count
    return ViewStats(today, today_counts, week, month)
