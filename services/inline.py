"""Inline mode (``@bot leo`` in any chat): which of today's horoscopes an inline query gets.

Warm signs come from the cache's memory (:meth:`HoroscopeCacheService.peek`: no lock, no
SQL, no view counted). A cold sign (after midnight, before the job has written it) is
written as for a tap, through :meth:`HoroscopeCacheService.ensure`, which shares the sign's
lock and the replicas' lock with taps: one generation however many ask. At most one such
task runs per (sign, language) in this process, whoever asked; a query for one sign waits
for it a few seconds (Telegram drops an answer after about 10 s), a query for several never
waits: it gets the signs that are ready and the others are written in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import date

import structlog

from services.horoscope_cache import HoroscopeCacheService
from services.zodiac import ZodiacSign, find_signs

log = structlog.get_logger(__name__)

DEFAULT_WAIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    ready: list[tuple[ZodiacSign, date, str]]  # in the order they are offered
    missing: list[ZodiacSign]  # asked for, not written yet (being written now)

    @property
    def complete(self) -> bool:
        return not self.missing


class InlineHoroscopes:
    def __init__(
        self, cache: HoroscopeCacheService, *, wait_seconds: float = DEFAULT_WAIT_SECONDS
    ) -> None:
        self._cache = cache
        self.wait_seconds = wait_seconds
        # At most one per (sign, language): 12 × shipped languages.
        self._writing: dict[tuple[ZodiacSign, str], asyncio.Task[None]] = {}

    @staticmethod
    def signs(query: str, first: ZodiacSign | None = None) -> list[ZodiacSign]:
        """The signs ``query`` asks for (all twelve when it names none), ``first`` first."""
        found = find_signs(query[:256]) or list(ZodiacSign)
        if first is not None and first in found:
            found.remove(first)
            found.insert(0, first)
        return found

    async def answer(
        self, query: str, language: str, first: ZodiacSign | None = None
    ) -> InlineAnswer:
        signs = self.signs(query, first)
        ready, missing = self._split(signs, language)
        if missing:
            writing = [self._write(sign, language) for sign in missing]
            if len(signs) == 1:  # one sign asked for: worth a short wait
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(writing[0]), self.wait_seconds)
                ready, missing = self._split(signs, language)
        return InlineAnswer(ready, missing)

    def _split(
        self, signs: list[ZodiacSign], language: str
    ) -> tuple[list[tuple[ZodiacSign, date, str]], list[ZodiacSign]]:
        ready: list[tuple[ZodiacSign, date, str]] = []
        missing: list[ZodiacSign] = []
        for sign in signs:
            entry = self._cache.peek(sign, language)
            if entry is None:
                missing.append(sign)
            else:
                ready.append((sign, *entry))
        return ready, missing

    def _write(self, sign: ZodiacSign, language: str) -> asyncio.Task[None]:
        key = (sign, language)
        task = self._writing.get(key)
        if task is None:
            task = asyncio.create_task(self._ensure(sign, language), name=f"inline-{sign.value}")
            self._writing[key] = task
            task.add_done_callback(lambda _: self._writing.pop(key, None))
        return task

    async def _ensure(self, sign: ZodiacSign, language: str) -> None:
        cache = self._cache
        try:
            result = await cache.ensure(
                sign, cache.today(), language, retry_delays=cache.on_demand_retry_delays
            )
        except Exception as error:  # the database is down…: the next query tries again
            log.warning("inline.write_failed", sign=sign.value, error=repr(error))
            return
        if result.error is not None:
            log.warning("inline.write_failed", sign=sign.value, error=result.error)

    @property
    def writing(self) -> int:
        return len(self._writing)

    async def stop(self, grace: float) -> None:
        """Cancel the writes under way and let them release their locks (at most ``grace``)."""
        tasks = list(self._writing.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
