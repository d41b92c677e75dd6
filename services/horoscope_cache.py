"""HoroscopeCacheService: today's horoscope for a sign, generated once, served from memory.

A tap on a warm cache touches no database and no network: the sign's lock (uncontended,
held for microseconds), a dict look-up and an in-memory view count. On a miss, under the
sign's lock, memory is checked again, then the database, and only then is the horoscope
generated, so concurrent tappers of a cold sign share one generation. The midnight job and
``/regen`` use the same locks through :meth:`HoroscopeCacheService.ensure`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories
from services.ai import AIService, GenerationError, get_ai_service
from services.clock import Clock
from services.config import DEFAULT_TIMEZONE
from services.stats import ViewCounter
from services.zodiac import ZodiacSign

log = structlog.get_logger(__name__)

DEFAULT_ON_DEMAND_DELAYS: tuple[float, ...] = (5.0, 10.0, 30.0)

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


async def shielded(work: Coroutine[Any, Any, T]) -> T:
    """Await ``work`` in a task that a cancellation of the caller does not interrupt."""
    task = asyncio.ensure_future(work)
    task.add_done_callback(_log_orphan_failure)
    return await asyncio.shield(task)


def _log_orphan_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.debug("db.shielded_task_failed", error=repr(task.exception()))


class Outcome(StrEnum):
    GENERATED = "generated"
    PRESENT = "present"  # already stored; nothing generated
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SignResult:
    sign: ZodiacSign
    outcome: Outcome
    attempts: int = 0
    error: str | None = None
    retryable: bool = True
    alert: bool = False


class HoroscopeCacheService:
    def __init__(
        self,
        *,
        ai: AIService | None = None,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        clock: Clock | None = None,
        language: str = "ru",
        on_demand_retry_delays: Sequence[float] = DEFAULT_ON_DEMAND_DELAYS,
        views: ViewCounter | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # A fixed dict: twelve signs, twelve locks, nothing ever added (no defaultdict).
        self._locks: dict[ZodiacSign, asyncio.Lock] = {sign: asyncio.Lock() for sign in ZodiacSign}
        self._locks_loop: asyncio.AbstractEventLoop | None = None
        self._memory: dict[ZodiacSign, tuple[date, str]] = {}
        self._ai = ai
        self._sessionmaker = sessionmaker
        self.clock = clock or Clock(DEFAULT_TIMEZONE)
        self.language = language
        self.on_demand_retry_delays = tuple(on_demand_retry_delays)
        self.views = views or ViewCounter(sessionmaker)
        self._sleep = sleep
        self.llm_attempts = 0

    # -- the tap -------------------------------------------------------------------------

    async def get_horoscope(
        self, zodiac_sign: str, session: AsyncSession | None = None
    ) -> str | None:
        """Today's horoscope for the sign, or None when every generation attempt failed.

        Counts one view for each returned horoscope. Raises ValueError for an unknown sign.
        ``session``: the caller's, for a miss; without one a miss opens its own (the warm
        path needs none, so taps don't create one).
        """
        sign = ZodiacSign(zodiac_sign)
        day = self.clock.today()
        async with self._lock(sign):
            text = self._remembered(sign, day)
            if text is None:
                if session is None:
                    async with self._require_sessionmaker()() as own:
                        text = await self._load_or_generate(sign, day, own)
                else:
                    text = await self._load_or_generate(sign, day, session)
                if text is None:
                    return None
        self.views.count(sign, day)
        return text

    def is_warm(self, zodiac_sign: str) -> bool:
        """True when the next get_horoscope for this sign will be answered from memory."""
        return self._remembered(ZodiacSign(zodiac_sign), self.clock.today()) is not None

    def today(self) -> date:
        return self.clock.today()

    async def _load_or_generate(
        self, sign: ZodiacSign, day: date, session: AsyncSession
    ) -> str | None:
        text: str | None = None
        try:
            text = await repositories.get_content(session, sign, day)
            # End the transaction: the connection goes back to the pool before any LLM call.
            await session.commit()
        except SQLAlchemyError as error:
            await _quiet_rollback(session)
            log.warning("cache.db_read_failed", sign=sign.value, error=_short(error))
        if text is None:
            _, text = await self._write(sign, day, self.on_demand_retry_delays)
            if text is None:
                return None
            text = await self._store(session, sign, day, text, replace=False)
        self._remember(sign, day, text)
        return text

    # -- the job and /regen ----------------------------------------------------------------

    async def ensure(
        self,
        zodiac_sign: ZodiacSign,
        day: date,
        *,
        force: bool = False,
        retry_delays: Sequence[float] = (),
    ) -> SignResult:
        """Make sure the sign's horoscope for ``day`` is stored (``force``: written anew).

        Shares the sign's lock with taps, so a sign is never generated twice at once and a
        tap during this call waits for this text.
        """
        sign = ZodiacSign(zodiac_sign)
        async with self._lock(sign):
            if not force:
                text = self._remembered(sign, day)
                if text is None:
                    text = await self._in_session(
                        lambda session: repositories.get_content(session, sign, day)
                    )
                if text is not None:
                    self._remember(sign, day, text)
                    return SignResult(sign, Outcome.PRESENT)
            result, text = await self._write(sign, day, retry_delays)
            if text is None:
                return result
            new_text = text
            text = await self._in_session(
                lambda session: repositories.save_content(
                    session, sign, day, new_text, replace=force
                )
            )
            self._remember(sign, day, text)
            return result

    async def delete_before(self, day: date) -> int:
        return await self._in_session(lambda session: repositories.delete_before(session, day))

    async def stored_signs(self, day: date) -> set[str]:
        signs = [s.value for s in ZodiacSign]
        return await self._in_session(lambda session: repositories.signs_on(session, day, signs))

    async def close(self) -> None:
        await self.views.stop()

    # -- internals ---------------------------------------------------------------------------

    def _lock(self, sign: ZodiacSign) -> asyncio.Lock:
        # An asyncio.Lock binds to the loop it first waits on. A process may run more than
        # one loop (asyncio.run twice: CLI commands, tests), so the twelve locks are made
        # anew, once, when the running loop changes.
        loop = asyncio.get_running_loop()
        if loop is not self._locks_loop:
            if self._locks_loop is not None:
                self._locks = {s: asyncio.Lock() for s in ZodiacSign}
            self._locks_loop = loop
        return self._locks[sign]

    def _remembered(self, sign: ZodiacSign, day: date) -> str | None:
        entry = self._memory.get(sign)
        if entry is not None and entry[0] == day:
            return entry[1]
        return None

    def _remember(self, sign: ZodiacSign, day: date, text: str) -> None:
        current = self._memory.get(sign)
        if current is None or current[0] <= day:
            self._memory[sign] = (day, text)

    def _require_sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        if self._sessionmaker is None:
            raise RuntimeError("HoroscopeCacheService was built without a database")
        return self._sessionmaker

    async def _in_session(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``work`` in a session of its own and commit, shielded from cancellation.

        Stopping the bot cancels background jobs. A database call cancelled half-way can
        leave its connection holding a transaction (on SQLite: the write lock, so nothing
        else could write, not even the final view flush). Shielded, the statement and the
        commit finish and the connection goes back to the pool cleanly.
        """
        sessionmaker = self._require_sessionmaker()

        async def run() -> T:
            async with sessionmaker() as session:
                result = await work(session)
                await session.commit()
                return result

        return await shielded(run())

    @property
    def ai(self) -> AIService:
        if self._ai is None:
            self._ai = get_ai_service()
        return self._ai

    async def _write(
        self, sign: ZodiacSign, day: date, retry_delays: Sequence[float]
    ) -> tuple[SignResult, str | None]:
        """The first attempt, then one retry after each delay; fatal errors end it at once."""
        error: GenerationError | None = None
        attempts = 0
        for delay in (None, *retry_delays):
            if delay is not None:
                await self._sleep(delay)
            attempts += 1
            self.llm_attempts += 1
            started = time.perf_counter()
            try:
                text = await self.ai.generate_horoscope(sign, day, self.language)
            except GenerationError as failure:
                error = failure
                log.warning(
                    "generation.attempt_failed",
                    sign=sign.value,
                    day=day.isoformat(),
                    attempt=attempts,
                    retryable=failure.retryable,
                    error=str(failure),
                )
                if not failure.retryable:
                    break
                continue
            except Exception as failure:  # a bug in a writer must not take the bot down
                error = GenerationError(repr(failure), retryable=True)
                log.exception("generation.attempt_crashed", sign=sign.value, attempt=attempts)
                continue
            log.info(
                "generation.done",
                sign=sign.value,
                day=day.isoformat(),
                attempt=attempts,
                chars=len(text),
                seconds=round(time.perf_counter() - started, 3),
            )
            return SignResult(sign, Outcome.GENERATED, attempts), text
        assert error is not None
        log.error("generation.failed", sign=sign.value, day=day.isoformat(), attempts=attempts)
        failed = SignResult(
            sign, Outcome.FAILED, attempts, str(error), error.retryable, error.alert
        )
        return failed, None

    async def _store(
        self,
        session: AsyncSession,
        sign: ZodiacSign,
        day: date,
        text: str,
        *,
        replace: bool,
    ) -> str:
        """Save and return the stored text. A tap still gets its text when the database is
        down: it is kept in memory and the job stores it later."""
        try:
            stored = await repositories.save_content(session, sign, day, text, replace=replace)
            await session.commit()
            return stored
        except SQLAlchemyError as error:
            await _quiet_rollback(session)
            log.warning("cache.db_write_failed", sign=sign.value, error=_short(error))
            return text


async def _quiet_rollback(session: AsyncSession) -> None:
    with contextlib.suppress(SQLAlchemyError):
        await session.rollback()


def _short(error: BaseException) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


_instance: HoroscopeCacheService | None = None


def get_horoscope_cache_service() -> HoroscopeCacheService:
    """The process's default service. The bot builds its own in ``bot.app.create_app`` and
    passes it to handlers and jobs; this one serves scripts and the REPL."""
    global _instance
    if _instance is None:
        _instance = HoroscopeCacheService()
    return _instance
