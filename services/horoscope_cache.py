"""HoroscopeCacheService: today's horoscope for a sign, generated once, served from memory.

A tap on a warm cache touches no database and no network and takes no lock: a dict look-up
and an in-memory view count. On a miss, under the sign's lock, memory is checked again, then
the database, and only then is the horoscope generated, so concurrent tappers of a cold sign
share one generation. The midnight job and ``/regen`` use the same locks through
:meth:`HoroscopeCacheService.ensure`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories
from db.locks import AdvisoryLocks, lock_key
from services.ai import AIService, GenerationError, get_ai_service
from services.clock import Clock
from services.config import DEFAULT_TIMEZONE
from services.stats import ViewCounter
from services.zodiac import ZodiacSign

log = structlog.get_logger(__name__)

DEFAULT_ON_DEMAND_DELAYS: tuple[float, ...] = (5.0, 10.0, 30.0)
SHIELDED_GRACE_SECONDS = 10.0

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


def _log_orphan_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.debug("db.shielded_task_failed", error=repr(task.exception()))


class Outcome(StrEnum):
    GENERATED = "generated"
    PRESENT = "present"  # already stored; nothing generated
    FAILED = "failed"


@dataclass(slots=True)
class CacheCounters:
    """Plain counters, read by the metrics endpoint at scrape time (nothing on the hot path
    but an integer increment)."""

    hits: int = 0
    misses: int = 0
    llm_calls: dict[str, int] = field(default_factory=dict)  # outcome -> calls
    generations: dict[str, int] = field(default_factory=dict)  # generated | failed
    generation_seconds: float = 0.0

    def llm(self, outcome: str) -> None:
        self.llm_calls[outcome] = self.llm_calls.get(outcome, 0) + 1

    def generation(self, outcome: str, seconds: float) -> None:
        self.generations[outcome] = self.generations.get(outcome, 0) + 1
        self.generation_seconds += seconds


@dataclass(frozen=True, slots=True)
class SignResult:
    sign: ZodiacSign
    outcome: Outcome
    attempts: int = 0
    error: str | None = None
    retryable: bool = True
    alert: bool = False
    kind: str = "unknown"  # services.ai.errors.FailureKind: the bot words it for admins


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
        locks: AdvisoryLocks | None = None,
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
        self._advisory = locks
        self.counters = CacheCounters()
        # Told (synchronously, so a slow listener never delays the tap) when a tap's
        # generation fails for good; the bot alerts the admins on fatal LLM errors.
        self.failure_listeners: list[Callable[[SignResult], None]] = []
        self._failures: dict[ZodiacSign, int] = dict.fromkeys(ZodiacSign, 0)
        self._shielded: set[asyncio.Task[Any]] = set()

    # -- the tap -------------------------------------------------------------------------

    def take_warm(self, zodiac_sign: str) -> tuple[date, str] | None:
        """Today's (day, horoscope) from memory, counted as one view; None on a miss
        (nothing counted). No lock, no SQL, no await: the warm tap's whole cost."""
        sign = ZodiacSign(zodiac_sign)
        day = self.clock.today()
        text = self._remembered(sign, day)
        if text is None:
            return None
        self.counters.hits += 1
        self.views.count(sign, day)
        return day, text

    async def get_horoscope(
        self, zodiac_sign: str, session: AsyncSession | None = None
    ) -> str | None:
        """Today's horoscope for the sign, or None when every generation attempt failed.

        Counts one view for each returned horoscope. Raises ValueError for an unknown sign.
        A miss reads and writes with ``session``, or with a session of its own when None.
        """
        warm = self.take_warm(zodiac_sign)
        if warm is not None:
            return warm[1]
        sign = ZodiacSign(zodiac_sign)
        day = self.clock.today()
        # A miss: under the sign's lock check memory again, then the database, and only
        # then generate. A warm tap takes no lock at all, so it never waits behind a
        # /regen of its sign (which holds the lock through its LLM call): it gets the
        # current text until the new one replaces it.
        failures_seen = self._failures[sign]
        async with self._lock(sign):
            text = self._remembered(sign, day)
            if text is None:
                if self._failures[sign] != failures_seen:
                    # The generation we waited for failed after all its attempts: the
                    # same answer for everyone who waited, not one more full cycle each.
                    return None
                self.counters.misses += 1
                async with self._session(session) as using:
                    text = await self._load_or_generate(sign, day, using)
                if text is None:
                    self._failures[sign] += 1
                    return None
            else:
                self.counters.hits += 1
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
        text = await self._read(session, sign, day)
        if text is None:
            async with self._replica_lock(sign, day):
                if self._replicas:  # another replica may have written it while we waited
                    text = await self._read(session, sign, day)
                if text is None:
                    result, text = await self._write(sign, day, self.on_demand_retry_delays)
                    if text is None:
                        self._tell_failure(result)
                        return None
                    text = await self._store(session, sign, day, text, replace=False)
        self._remember(sign, day, text)
        return text

    async def _read(self, session: AsyncSession, sign: ZodiacSign, day: date) -> str | None:
        try:
            text = await repositories.get_content(session, sign, day)
            # End the transaction: the connection goes back to the pool before any LLM call.
            await session.commit()
            return text
        except (SQLAlchemyError, OSError) as error:  # asyncpg raises OSError when refused
            await _quiet_rollback(session)
            log.warning("cache.db_read_failed", sign=sign.value, error=_short(error))
            return None

    def _tell_failure(self, result: SignResult) -> None:
        for listener in self.failure_listeners:
            try:
                listener(result)
            except Exception as error:  # a listener must not fail the tap
                log.warning("cache.failure_listener_failed", error=repr(error))

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
        tap of a sign not yet in memory waits for this text (a warm tap gets the current one).
        """
        sign = ZodiacSign(zodiac_sign)
        async with self._lock(sign), self._replica_lock(sign, day):
            if not force:
                stored = await self._in_session(
                    lambda session: repositories.get_content(session, sign, day)
                )
                if stored is None:
                    # Served from memory while the database was down: store that text now
                    # rather than write a different one.
                    stored = self._remembered(sign, day)
                    if stored is not None:
                        remembered = stored
                        stored = await self._in_session(
                            lambda session: repositories.save_content(
                                session, sign, day, remembered, replace=False
                            )
                        )
                if stored is not None:
                    self._remember(sign, day, stored)
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

    async def refresh(self) -> int:
        """Re-read today's texts so a /regen on another replica reaches this one's memory.

        Returns how many signs changed. Runs every CACHE_REFRESH_SECONDS.
        """
        day = self.clock.today()
        # Compare-and-set, with no lock (a /regen holds the sign's lock through its LLM
        # call): what was read is applied only to an entry nobody replaced meanwhile. Every
        # local write stores a new tuple, so a /regen or a tap that finished while the
        # table was being read wins over the older text read here.
        before = dict(self._memory)
        stored = await self._in_session(lambda session: repositories.get_day(session, day))
        changed = 0
        for key, content in stored.items():
            sign = ZodiacSign(key)
            entry = self._memory.get(sign)
            if entry is before.get(sign) and self._remembered(sign, day) not in (None, content):
                self._memory[sign] = (day, content)
                changed += 1
        if changed:
            log.info("cache.refreshed", signs=changed)
        return changed

    async def delete_before(self, day: date) -> int:
        return await self._in_session(lambda session: repositories.delete_before(session, day))

    async def stored_signs(self, day: date) -> set[str]:
        signs = [s.value for s in ZodiacSign]
        return await self._in_session(lambda session: repositories.signs_on(session, day, signs))

    async def close(self) -> None:
        if self._shielded:  # database work that outlived a cancelled caller
            await asyncio.wait(set(self._shielded), timeout=SHIELDED_GRACE_SECONDS)
        await self.views.stop()

    # -- internals ---------------------------------------------------------------------------

    @property
    def _replicas(self) -> bool:
        return self._advisory is not None and self._advisory.enabled

    @contextlib.asynccontextmanager
    async def exclusive_job(self, name: str, day: date) -> AsyncIterator[bool]:
        """True inside the block if this process may run the job ``name`` for ``day``:
        on PostgreSQL one replica at a time (try-lock, no waiting); always on SQLite."""
        async with contextlib.AsyncExitStack() as stack:
            acquired = True
            if self._advisory is not None:
                try:
                    acquired = await stack.enter_async_context(
                        self._advisory.hold(lock_key("job", name, day), wait=False)
                    )
                except (SQLAlchemyError, OSError) as error:
                    # The database is down: run anyway, the job's own retries deal with it.
                    log.warning("job.lock_unavailable", job=name, error=_short(error))
            yield acquired

    @contextlib.asynccontextmanager
    async def _replica_lock(self, sign: ZodiacSign, day: date) -> AsyncIterator[None]:
        """The sign's lock across processes (PostgreSQL advisory lock; nothing on SQLite).

        It holds one connection of its own while the sign is generated: at most twelve per
        process. If the database cannot give it, generation goes on without it: serving the
        user matters more than a rare second LLM call.
        """
        async with contextlib.AsyncExitStack() as stack:
            if self._advisory is not None and self._advisory.enabled:
                try:
                    await stack.enter_async_context(
                        self._advisory.hold(lock_key("generate", sign.value, day), wait=True)
                    )
                except (SQLAlchemyError, OSError) as error:
                    log.warning(
                        "cache.replica_lock_unavailable", sign=sign.value, error=_short(error)
                    )
            yield

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

    @contextlib.asynccontextmanager
    async def _session(self, session: AsyncSession | None) -> AsyncIterator[AsyncSession]:
        """``session`` as it is, or a session of our own, closed after the block."""
        if session is not None:
            yield session
            return
        async with self._require_sessionmaker()() as own:
            yield own

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

        # Shielded: a cancelled caller returns at once; the work finishes in its task,
        # which close() waits for before the engine is disposed.
        task = asyncio.ensure_future(run())
        self._shielded.add(task)
        task.add_done_callback(self._shielded.discard)
        task.add_done_callback(_log_orphan_failure)
        return await asyncio.shield(task)

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
        began = time.perf_counter()
        for delay in (None, *retry_delays):
            if delay is not None:
                await self._sleep(delay)
            attempts += 1
            started = time.perf_counter()
            try:
                text = await self.ai.generate_horoscope(sign, day, self.language)
            except GenerationError as failure:
                error = failure
                self.counters.llm("retryable_error" if failure.retryable else "fatal_error")
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
                self.counters.llm("crashed")
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
            self.counters.llm("ok")
            self.counters.generation("generated", time.perf_counter() - began)
            return SignResult(sign, Outcome.GENERATED, attempts), text
        assert error is not None
        self.counters.generation("failed", time.perf_counter() - began)
        log.error("generation.failed", sign=sign.value, day=day.isoformat(), attempts=attempts)
        failed = SignResult(
            sign, Outcome.FAILED, attempts, str(error), error.retryable, error.alert, error.kind
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
        except (SQLAlchemyError, OSError) as error:
            await _quiet_rollback(session)
            log.warning("cache.db_write_failed", sign=sign.value, error=_short(error))
            return text


async def _quiet_rollback(session: AsyncSession) -> None:
    with contextlib.suppress(SQLAlchemyError, OSError):
        await session.rollback()


def _short(error: BaseException) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


_instance: HoroscopeCacheService | None = None


def get_horoscope_cache_service() -> HoroscopeCacheService:
    """The process's default service, for scripts and the REPL. The bot builds its own in
    ``services.runtime.create_services`` and passes it to handlers and jobs."""
    global _instance
    if _instance is None:
        _instance = HoroscopeCacheService()
    return _instance
