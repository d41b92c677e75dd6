"""The services one process owns, built from settings (the bot, the CLI and benchmarks
share this so they are wired the same way)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import push as push_db
from db.engine import StatementCount, create_engine, create_sessionmaker
from db.locks import AdvisoryLocks
from services.ai import AIService, create_ai_service
from services.clock import Clock
from services.cold_taps import ColdTaps
from services.config import Settings, shipped_languages
from services.horoscope_cache import HoroscopeCacheService, LanguagesInUse
from services.inline import InlineHoroscopes
from services.push import PushEngine, SendPacer
from services.push_stats import record_subscribers
from services.scheduler import DailyJobState, DailyReport, generate_daily_horoscopes
from services.shares import ShareCounter, link_secret
from services.stats import ViewCounter
from services.subscriptions import SubscriptionService
from services.users import UserService

log = structlog.get_logger(__name__)


@dataclass
class RegenState:
    """One /regen at a time: a second one is told this one is running."""

    running: bool = False
    started: float = 0.0  # time.monotonic()
    done: int = 0
    count: int = 0


@dataclass
class Services:
    """What the bot's process owns besides the Bot and Dispatcher; closed by :meth:`close`."""

    settings: Settings
    engine: AsyncEngine
    ai: AIService
    cache: HoroscopeCacheService
    cold_taps: ColdTaps
    users: UserService
    subscriptions: SubscriptionService
    inline: InlineHoroscopes
    shares: ShareCounter
    link_secret: bytes  # the deep links' MAC key (services/shares.py)
    daily: DailyJobState = field(default_factory=DailyJobState)
    scheduler: AsyncIOScheduler | None = None
    regen: RegenState = field(default_factory=RegenState)
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    statements: StatementCount = field(default_factory=StatementCount)
    # The daily push: Telegram's budget shared by replies and the sender (always there), and
    # the sender, which bot/app.py builds (it needs the bot's renderer and a Bot to send with).
    pacer: SendPacer = field(default_factory=lambda: SendPacer(25.0))
    push: PushEngine | None = None
    push_closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _daily_run: asyncio.Task[Any] | None = None

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """A background task the process owns: kept referenced, cancelled by stop_background."""
        task = asyncio.create_task(coro, name=name)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        task.add_done_callback(_log_failure)
        return task

    async def run_daily_job(self, **kwargs: Any) -> None:
        """What the scheduler fires: ``generate_daily_horoscopes(**kwargs)`` as a background
        task of this process, so a stop cancels it and waits for its clean-up (its locks
        released, its database work ended) like any other. APScheduler would cancel it without
        waiting, and log the cancellation as the job's error.

        One run at a time, as ``max_instances=1`` would: a run still going when the next is
        due (hours of retries) makes the new one a no-op.
        """
        if self._daily_run is not None and not self._daily_run.done():
            log.warning("daily.still_running", job=self._daily_run.get_name())
            return
        self._daily_run = self.spawn(generate_daily_horoscopes(**kwargs), name="daily-job")

    async def stop_push(self) -> None:
        """Stop the sender gracefully (messages in flight finish, claims and the lease are
        released), then close what it sent with. Idempotent."""
        if self.push is not None:
            await self.push.stop(self.settings.shutdown_grace_seconds)
        closers, self.push_closers = self.push_closers, []
        for close in closers:
            try:
                await close()
            except Exception as error:
                log.warning("push.close_failed", error=repr(error))

    async def stop_background(self) -> None:
        """Stop the scheduler, cancel the background tasks and wait for them to clean up, for
        at most SHUTDOWN_GRACE_SECONDS (a task still running then is left, and logged)."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)  # its jobs only start background tasks
        self.scheduler = None
        await self.inline.stop(self.settings.shutdown_grace_seconds)
        tasks = list(self.background)
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=self.settings.shutdown_grace_seconds)
        if late:
            log.warning("background.abandoned", tasks=sorted(task.get_name() for task in late))

    async def refresh_loop(self) -> None:
        """Re-read today's texts and the users changed elsewhere every CACHE_REFRESH_SECONDS,
        so a /regen, a language chosen or a /forget on another replica (or `horoscope-bot
        generate --force`) reaches this process within that bound."""
        while True:
            await asyncio.sleep(self.settings.cache_refresh_seconds)
            try:
                await self.cache.refresh()
            except Exception as error:
                log.warning("cache.refresh_failed", error=repr(error))
            try:
                await self.users.refresh()
            except Exception as error:
                log.warning("users.refresh_failed", error=repr(error))

    async def close(self) -> None:
        await self.cold_taps.stop(0)  # the bot's shutdown hook has stopped them already
        await self.stop_push()
        await self.stop_background()
        await self.cache.close()  # final view flush
        await self.users.stop()  # final last-seen flush
        await self.shares.stop()  # final counters' flush
        await self.ai.close()
        await self.engine.dispose()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background.failed", task=task.get_name(), error=repr(task.exception()))


ACTIVE_DAYS = 30  # a user seen within this many days keeps their language in the daily job


def languages_in_use(
    settings: Settings,
    users: UserService,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> LanguagesInUse:
    """What the daily job and /regen write: LANGUAGES when set, else DEFAULT_LANGUAGE, the
    languages of the users seen in the last ``ACTIVE_DAYS`` days and those of the
    subscribers to the daily push (who may not have written for longer)."""
    pinned = settings.languages
    default = settings.default_language
    shipped = frozenset(shipped_languages())

    async def in_use() -> tuple[str, ...]:
        if pinned:
            return pinned
        found = await users.languages_seen_since(ACTIVE_DAYS)
        if sessionmaker is not None:
            async with sessionmaker() as session:
                found |= await push_db.subscriber_languages(session) & shipped
        return (default, *sorted(found - {default}))

    return in_use


def create_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    ai = create_ai_service(settings)
    clock = clock or Clock(settings.tz)
    users = UserService(
        sessionmaker,
        clock,
        cache_size=settings.user_cache_size,
        interval=settings.view_flush_seconds,
    )
    cache = HoroscopeCacheService(
        ai=ai,
        sessionmaker=sessionmaker,
        clock=clock,
        language=settings.default_language,
        languages_in_use=languages_in_use(settings, users, sessionmaker),
        subscriber_zones=subscriber_zones(sessionmaker),
        on_demand_retry_delays=settings.on_demand_retry_delays,
        views=ViewCounter(sessionmaker, interval=settings.view_flush_seconds),
        locks=AdvisoryLocks(engine),
    )
    cold_taps = ColdTaps(settings.max_cold_taps)
    pacer = SendPacer(settings.push_rate)
    services = Services(
        settings=settings,
        engine=engine,
        ai=ai,
        cache=cache,
        cold_taps=cold_taps,
        users=users,
        subscriptions=SubscriptionService(sessionmaker, clock),
        inline=InlineHoroscopes(cache),
        shares=ShareCounter(sessionmaker, clock, interval=settings.view_flush_seconds),
        link_secret=link_secret(settings.bot_token.get_secret_value()),
        statements=StatementCount().attach(engine),
        pacer=pacer,
    )

    async def count_subscribers(report: DailyReport) -> None:
        # /stats' subscribers over time: yesterday's count, taken when the daily job has run.
        await record_subscribers(sessionmaker, clock)

    services.daily.listeners.append(count_subscribers)
    return services


def subscriber_zones(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> Callable[[], Awaitable[set[str]]]:
    """The zones of the subscriptions that will deliver: the daily job writes tomorrow's
    texts ahead when one of them reaches tomorrow before TIMEZONE does."""

    async def zones() -> set[str]:
        async with sessionmaker() as session:
            return await push_db.subscriber_zones(session)

    return zones
