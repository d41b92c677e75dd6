"""HoroscopeCacheService: today's horoscope for a sign in a language, generated once, served
from memory.

Everything is keyed by (sign, language): the memory, the table, the view counts, and the
single-flight rule (one generation per sign, day and language however many tap at once).
A tap on a warm cache touches no database and no network and takes no lock: a dict look-up
and an in-memory view count. On a miss, under the sign's lock (twelve fixed locks, one per
sign, shared by its languages), memory is checked again, then the database, and only then is
the horoscope generated, so concurrent tappers of a cold (sign, language) share one
generation. The midnight job and ``/regen`` use the same locks through
:meth:`HoroscopeCacheService.ensure`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories
from db.locks import AdvisoryLocks, lock_key
from services.ai import AIService, GenerationError, get_ai_service
from services.clock import Clock
from services.config import DEFAULT_TIMEZONE
from services.languages import available_languages
from services.stats import ViewCounter
from services.zodiac import ZodiacSign

log = structlog.get_logger(__name__)

DEFAULT_ON_DEMAND_DELAYS: tuple[float, ...] = (5.0, 10.0, 30.0)
SHIELDED_GRACE_SECONDS = 10.0

Sleep = Callable[[float], Awaitable[None]]
LanguagesInUse = Callable[[], Awaitable[Sequence[str]]]
Key = tuple[ZodiacSign, str]  # (sign, language)
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
    language: str = ""


class HoroscopeCacheService:
    def __init__(
        self,
        *,
        ai: AIService | None = None,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        clock: Clock | None = None,
        language: str = "ru",
        languages_in_use: LanguagesInUse | None = None,
        subscriber_zones: Callable[[], Awaitable[set[str]]] | None = None,
        on_demand_retry_delays: Sequence[float] = DEFAULT_ON_DEMAND_DELAYS,
        views: ViewCounter | None = None,
        locks: AdvisoryLocks | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # A fixed dict: twelve signs, twelve locks, nothing ever added (no defaultdict).
        self._locks: dict[ZodiacSign, asyncio.Lock] = {sign: asyncio.Lock() for sign in ZodiacSign}
        self._locks_loop: asyncio.AbstractEventLoop | None = None
        # At most 12 × shipped languages entries: a language not shipped is refused before
        # anything is stored for it.
        self._memory: dict[Key, tuple[date, str]] = {}
        # Texts of other dates than today (the daily push: tomorrow for zones ahead of
        # TIMEZONE, yesterday for zones behind), kept apart so a tap's warm path stays one
        # look-up of today's; only dates within a day of today are kept.
        self._other_days: dict[tuple[ZodiacSign, str, date], str] = {}
        self._languages = frozenset(available_languages())
        self._ai = ai
        self._sessionmaker = sessionmaker
        self.clock = clock or Clock(DEFAULT_TIMEZONE)
        self.language = self._check_language(language)  # DEFAULT_LANGUAGE
        # What the daily job and /regen write: DEFAULT_LANGUAGE plus the languages of the
        # users active lately, or LANGUAGES (services/runtime.py wires it).
        self._languages_in_use = languages_in_use
        # The IANA zones of the daily push's subscribers (services/runtime.py wires it).
        self._subscriber_zones = subscriber_zones
        self.on_demand_retry_delays = tuple(on_demand_retry_delays)
        self.views = views or ViewCounter(sessionmaker)
        self._sleep = sleep
        self._advisory = locks
        self.counters = CacheCounters()
        # Told (synchronously, so a slow listener never delays the tap) when a tap's
        # generation fails for good; the bot alerts the admins on fatal LLM errors.
        self.failure_listeners: list[Callable[[SignResult], None]] = []
        self._failures: dict[Key, int] = {
            (sign, code): 0 for sign in ZodiacSign for code in self._languages
        }
        self._shielded: set[asyncio.Task[Any]] = set()

    # -- the tap -------------------------------------------------------------------------

    def take_warm(self, zodiac_sign: str, language: str) -> tuple[date, str] | None:
        """Today's (day, horoscope) in ``language`` from memory, counted as one view; None on
        a miss (nothing counted). No lock, no SQL, no await: the warm tap's whole cost."""
        sign = ZodiacSign(zodiac_sign)
        day = self.clock.today()
        entry = self._memory.get((sign, language))
        if entry is None or entry[0] != day:
            return None
        self.counters.hits += 1
        self.views.count(sign, day, language)
        return entry

    def peek(self, sign: ZodiacSign, language: str) -> tuple[date, str] | None:
        """Today's (day, horoscope) in ``language`` from memory, counting nothing (an inline
        query lists it; nobody has read it yet); None on a miss."""
        day = self.clock.today()
        entry = self._memory.get((sign, language))
        if entry is None or entry[0] != day:
            return None
        return entry

    async def get_horoscope(
        self, zodiac_sign: str, language: str, session: AsyncSession | None = None
    ) -> str | None:
        """Today's horoscope for the sign in ``language``, or None when every generation
        attempt failed.

        Counts one view for each returned horoscope. Raises ValueError for an unknown sign or
        a language not shipped. A miss reads and writes with ``session``, or with a session
        of its own when None.
        """
        warm = self.take_warm(zodiac_sign, language)
        if warm is not None:
            return warm[1]
        sign = ZodiacSign(zodiac_sign)
        key = (sign, self._check_language(language))
        day = self.clock.today()
        # A miss: under the sign's lock check memory again, then the database, and only
        # then generate. A warm tap takes no lock at all, so it never waits behind a
        # /regen of its sign (which holds the lock through its LLM call): it gets the
        # current text until the new one replaces it. The sign's languages share its lock:
        # a cold tap in one language waits while another language of the sign is written
        # (in-process; across replicas each (sign, day, language) has a lock of its own).
        failures_seen = self._failures[key]
        async with self._lock(sign):
            text = self._remembered(key, day)
            if text is None:
                if self._failures[key] != failures_seen:
                    # The generation we waited for failed after all its attempts: the
                    # same answer for everyone who waited, not one more full cycle each.
                    return None
                self.counters.misses += 1
                async with self._session(session) as using:
                    text = await self._load_or_generate(key, day, using)
                if text is None:
                    self._failures[key] += 1
                    return None
            else:
                self.counters.hits += 1
        self.views.count(sign, day, language)
        return text

    async def text_for_day(self, zodiac_sign: str, day: date, language: str) -> str | None:
        """The horoscope of ``day`` (any date: a subscriber's local date may be tomorrow or
        yesterday in TIMEZONE) in ``language``, or None when generating it failed after all
        attempts. From memory, else under the sign's lock the table, else one generation per
        (sign, day, language) however many ask at once (across replicas too), as for a tap.
        Counts no view: a push is not a tap."""
        sign = ZodiacSign(zodiac_sign)
        key = (sign, self._check_language(language))
        text = self._remembered(key, day)
        if text is not None:
            return text
        failures_seen = self._failures[key]
        async with self._lock(sign):
            text = self._remembered(key, day)
            if text is not None:
                return text
            if self._failures[key] != failures_seen:
                return None  # the generation we waited for failed: no second cycle each
            self.counters.misses += 1
            async with self._session(None) as session:
                text = await self._load_or_generate(key, day, session)
            if text is None:
                self._failures[key] += 1
            return text

    def is_warm(self, zodiac_sign: str, language: str) -> bool:
        """True when the next get_horoscope for this sign and language will be answered from
        memory."""
        key = (ZodiacSign(zodiac_sign), language)
        return self._remembered(key, self.clock.today()) is not None

    async def languages_in_use(self) -> tuple[str, ...]:
        """The languages the daily job and /regen write (shipped ones only, each once): what
        the injected source says (services/runtime.py: LANGUAGES, else DEFAULT_LANGUAGE and
        the users' languages), or DEFAULT_LANGUAGE alone without one."""
        if self._languages_in_use is None:
            return (self.language,)
        found = await self._languages_in_use()
        return tuple(code for code in dict.fromkeys(found) if code in self._languages)

    def today(self) -> date:
        return self.clock.today()

    async def needs_next_day(self, day: date) -> bool:
        """True when a subscriber's zone reaches ``day + 1`` before TIMEZONE does (e.g.
        Pacific/Kiritimati, 11 hours ahead of Moscow): the daily job then writes the next
        day's texts ahead, so that zone's morning wave never waits on the LLM."""
        if self._subscriber_zones is None:
            return False
        next_midnight = datetime.combine(day + timedelta(days=1), dt_time(), self.clock.tz)
        just_before = next_midnight.astimezone(UTC) - timedelta(microseconds=1)
        for name in await self._subscriber_zones():
            try:
                if just_before.astimezone(ZoneInfo(name)).date() > day:
                    return True
            except (ZoneInfoNotFoundError, ValueError):
                continue
        return False

    async def _load_or_generate(self, key: Key, day: date, session: AsyncSession) -> str | None:
        text = await self._read(session, key, day)
        if text is None:
            async with self._replica_lock(key, day):
                if self._replicas:  # another replica may have written it while we waited
                    text = await self._read(session, key, day)
                if text is None:
                    result, text = await self._write(key, day, self.on_demand_retry_delays)
                    if text is None:
                        self._tell_failure(result)
                        return None
                    text = await self._store(session, key, day, text, replace=False)
        self._remember(key, day, text)
        return text

    async def _read(self, session: AsyncSession, key: Key, day: date) -> str | None:
        sign, language = key
        try:
            text = await repositories.get_content(session, sign, day, language)
            # End the transaction: the connection goes back to the pool before any LLM call.
            await session.commit()
            return text
        except (SQLAlchemyError, OSError) as error:  # asyncpg raises OSError when refused
            await _quiet_rollback(session)
            log.warning(
                "cache.db_read_failed", sign=sign.value, language=language, error=_short(error)
            )
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
        language: str,
        *,
        force: bool = False,
        retry_delays: Sequence[float] = (),
    ) -> SignResult:
        """Make sure the sign's horoscope in ``language`` for ``day`` is stored (``force``:
        written anew).

        Shares the sign's lock with taps, so a (sign, language) is never generated twice at
        once and a tap of one not yet in memory waits for this text (a warm tap gets the
        current one).
        """
        sign = ZodiacSign(zodiac_sign)
        key = (sign, self._check_language(language))
        async with self._lock(sign), self._replica_lock(key, day):
            if not force:
                stored = await self._in_session(
                    lambda session: repositories.get_content(session, sign, day, language)
                )
                if stored is None:
                    # Served from memory while the database was down: store that text now
                    # rather than write a different one.
                    stored = self._remembered(key, day)
                    if stored is not None:
                        remembered = stored
                        stored = await self._in_session(
                            lambda session: repositories.save_content(
                                session, sign, day, language, remembered, replace=False
                            )
                        )
                if stored is not None:
                    self._remember(key, day, stored)
                    return SignResult(sign, Outcome.PRESENT, language=language)
            result, text = await self._write(key, day, retry_delays)
            if text is None:
                return result
            new_text = text
            text = await self._in_session(
                lambda session: repositories.save_content(
                    session, sign, day, language, new_text, replace=force
                )
            )
            self._remember(key, day, text)
            return result

    async def refresh(self) -> int:
        """Re-read today's texts so a /regen on another replica reaches this one's memory.

        Returns how many (sign, language) texts changed. Runs every CACHE_REFRESH_SECONDS.
        """
        day = self.clock.today()
        # Compare-and-set, with no lock (a /regen holds the sign's lock through its LLM
        # call): what was read is applied only to an entry nobody replaced meanwhile. Every
        # local write stores a new tuple, so a /regen or a tap that finished while the
        # table was being read wins over the older text read here.
        before = dict(self._memory)
        stored = await self._in_session(lambda session: repositories.get_day(session, day))
        changed = 0
        for (sign_key, language), content in stored.items():
            if language not in self._languages:  # written by a build that ships more
                continue
            key = (ZodiacSign(sign_key), language)
            entry = self._memory.get(key)
            if entry is before.get(key) and self._remembered(key, day) not in (None, content):
                self._memory[key] = (day, content)
                changed += 1
        if changed:
            log.info("cache.refreshed", signs=changed)
        return changed

    async def delete_before(self, day: date) -> int:
        return await self._in_session(lambda session: repositories.delete_before(session, day))

    async def stored(self, day: date) -> set[tuple[str, str]]:
        """The (sign, language) pairs stored for ``day``."""
        return await self._in_session(lambda session: repositories.stored_on(session, day))

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
    async def _replica_lock(self, key: Key, day: date) -> AsyncIterator[None]:
        """The (sign, day, language) lock across processes (PostgreSQL advisory lock; nothing
        on SQLite).

        Taken under the sign's in-process lock, so it holds one connection of its own while
        the sign is generated: at most twelve per process. If the database cannot give it,
        generation goes on without it: serving the user matters more than a rare second LLM
        call.
        """
        sign, language = key
        async with contextlib.AsyncExitStack() as stack:
            if self._advisory is not None and self._advisory.enabled:
                try:
                    await stack.enter_async_context(
                        self._advisory.hold(
                            lock_key("generate", sign.value, day, language), wait=True
                        )
                    )
                except (SQLAlchemyError, OSError) as error:
                    log.warning(
                        "cache.replica_lock_unavailable",
                        sign=sign.value,
                        language=language,
                        error=_short(error),
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

    def _check_language(self, language: str) -> str:
        if language not in self._languages:
            raise ValueError(f"language {language!r} is not shipped")
        return language

    def _remembered(self, key: Key, day: date) -> str | None:
        entry = self._memory.get(key)
        if entry is not None and entry[0] == day:
            return entry[1]
        other = self._other_days.get((*key, day))
        if other is not None and day == self.clock.today():
            self._remember(key, day, other)  # written ahead yesterday; today's now
        return other

    def _remember(self, key: Key, day: date, text: str) -> None:
        today = self.clock.today()
        if day != today:
            # Another date than today: kept apart (today's entry is what taps read).
            other = self._other_days
            if len(other) > 4 * len(self._failures):  # more than ~4 dates' worth: prune
                keep = {today - timedelta(days=1), today, today + timedelta(days=1)}
                for stale in [k for k in other if k[2] not in keep]:
                    del other[stale]
            other[(*key, day)] = text
            return
        self._other_days.pop((*key, day), None)
        current = self._memory.get(key)
        if current is None or current[0] <= day:
            self._memory[key] = (day, text)

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
        self, key: Key, day: date, retry_delays: Sequence[float]
    ) -> tuple[SignResult, str | None]:
        """The first attempt, then one retry after each delay; fatal errors end it at once."""
        sign, language = key
        error: GenerationError | None = None
        attempts = 0
        began = time.perf_counter()
        for delay in (None, *retry_delays):
            if delay is not None:
                await self._sleep(delay)
            attempts += 1
            started = time.perf_counter()
            try:
                text = await self.ai.generate_horoscope(sign, day, language)
            except GenerationError as failure:
                error = failure
                self.counters.llm("retryable_error" if failure.retryable else "fatal_error")
                log.warning(
                    "generation.attempt_failed",
                    sign=sign.value,
                    language=language,
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
                language=language,
                day=day.isoformat(),
                attempt=attempts,
                chars=len(text),
                seconds=round(time.perf_counter() - started, 3),
            )
            self.counters.llm("ok")
            self.counters.generation("generated", time.perf_counter() - began)
            return SignResult(sign, Outcome.GENERATED, attempts, language=language), text
        assert error is not None
        self.counters.generation("failed", time.perf_counter() - began)
        log.error(
            "generation.failed",
            sign=sign.value,
            language=language,
            day=day.isoformat(),
            attempts=attempts,
        )
        failed = SignResult(
            sign,
            Outcome.FAILED,
            attempts,
            str(error),
            error.retryable,
            error.alert,
            error.kind,
            language=language,
        )
        return failed, None

    async def _store(
        self,
        session: AsyncSession,
        key: Key,
        day: date,
        text: str,
        *,
        replace: bool,
    ) -> str:
        """Save and return the stored text. A tap still gets its text when the database is
        down: it is kept in memory and the job stores it later."""
        sign, language = key
        try:
            stored = await repositories.save_content(
                session, sign, day, language, text, replace=replace
            )
            await session.commit()
            return stored
        except (SQLAlchemyError, OSError) as error:
            await _quiet_rollback(session)
            log.warning(
                "cache.db_write_failed", sign=sign.value, language=language, error=_short(error)
            )
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
