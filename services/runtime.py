"""The services one process owns, built from settings (the bot, the CLI and benchmarks
share this so they are wired the same way)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, create_sessionmaker
from db.locks import AdvisoryLocks
from services.ai import AIService, create_ai_service
from services.clock import Clock
from services.config import Settings
from services.horoscope_cache import HoroscopeCacheService
from services.scheduler import DailyJobState
from services.stats import ViewCounter

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
    daily: DailyJobState = field(default_factory=DailyJobState)
    scheduler: AsyncIOScheduler | None = None
    regen: RegenState = field(default_factory=RegenState)
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """A background task the process owns: kept referenced, cancelled by stop_background."""
        task = asyncio.create_task(coro, name=name)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        task.add_done_callback(_log_failure)
        return task

    async def stop_background(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)  # cancels a running job; it resumes at start-up
        self.scheduler = None
        for task in list(self.background):
            task.cancel()
        for task in list(self.background):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def refresh_loop(self) -> None:
        """Re-read today's texts every CACHE_REFRESH_SECONDS, so a /regen on another replica
        (or `horoscope-bot generate --force`) reaches this process within that bound."""
        while True:
            await asyncio.sleep(self.settings.cache_refresh_seconds)
            try:
                await self.cache.refresh()
            except Exception as error:
                log.warning("cache.refresh_failed", error=repr(error))

    async def close(self) -> None:
        await self.stop_background()
        await self.cache.close()  # final view flush
        await self.ai.close()
        await self.engine.dispose()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background.failed", task=task.get_name(), error=repr(task.exception()))


def create_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    ai = create_ai_service(settings)
    cache = HoroscopeCacheService(
        ai=ai,
        sessionmaker=sessionmaker,
        clock=clock or Clock(settings.tz),
        language=settings.default_language,
        on_demand_retry_delays=settings.on_demand_retry_delays,
        views=ViewCounter(sessionmaker, interval=settings.view_flush_seconds),
        locks=AdvisoryLocks(engine),
    )
    return Services(settings=settings, engine=engine, ai=ai, cache=cache)
