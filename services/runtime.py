"""The services one process owns, built from settings (the bot, the CLI and benchmarks
share this so they are wired the same way)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, create_sessionmaker
from services.ai import AIService, create_ai_service
from services.clock import Clock
from services.config import Settings
from services.horoscope_cache import HoroscopeCacheService
from services.scheduler import DailyJobState
from services.stats import ViewCounter


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
    regen: RegenState = field(default_factory=RegenState)
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    async def close(self) -> None:
        await self.cache.close()  # final view flush
        await self.ai.close()
        await self.engine.dispose()


def create_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    ai = create_ai_service(settings)
    cache = HoroscopeCacheService(
        ai=ai,
        sessionmaker=sessionmaker,
        clock=clock or Clock(settings.tz),
        language=settings.language.value,
        on_demand_retry_delays=settings.on_demand_retry_delays,
        views=ViewCounter(sessionmaker, interval=settings.view_flush_seconds),
    )
    return Services(settings=settings, engine=engine, ai=ai, cache=cache)
