"""The composition root: settings in, a wired bot, dispatcher and services out."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, ErrorEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.middlewares import DbSessionMiddleware, RetryAfterMiddleware
from bot.routers import all_routers
from bot.texts import get_texts
from db.engine import create_engine, create_sessionmaker, safe_url
from services.ai import AIService, create_ai_service
from services.clock import Clock
from services.config import Settings
from services.horoscope_cache import HoroscopeCacheService
from services.scheduler import generate_daily_horoscopes, get_scheduler
from services.stats import ViewCounter

log = structlog.get_logger(__name__)


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryAfterMiddleware())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@dataclass
class Services:
    """What the bot's process owns besides the Bot and Dispatcher; closed by :meth:`close`."""

    settings: Settings
    engine: AsyncEngine
    ai: AIService
    cache: HoroscopeCacheService
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


def create_dispatcher(settings: Settings, services: Services) -> Dispatcher:
    language = settings.language.value
    dp = Dispatcher(
        settings=settings,
        services=services,
        cache=services.cache,
        admin_ids=settings.admin_ids,
        language=language,
        texts=get_texts(language),
    )
    dp.update.outer_middleware(DbSessionMiddleware(create_sessionmaker(services.engine)))
    dp.include_routers(*all_routers())
    dp.errors.register(on_error)
    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp


async def on_startup(bot: Bot, dispatcher: Dispatcher, services: Services) -> None:
    settings = services.settings
    texts = get_texts(settings.language.value)
    await bot.set_my_commands(
        [
            BotCommand(command="start", description=texts.cmd_start),
            BotCommand(command="horoscope", description=texts.cmd_horoscope),
            BotCommand(command="help", description=texts.cmd_help),
        ]
    )
    services.cache.views.start()
    scheduler = get_scheduler(
        services.cache,
        timezone=settings.timezone,
        at=settings.generation_time,
        retry_delays=settings.daily_retry_delays,
    )
    scheduler.start()  # on the running loop
    dispatcher["scheduler"] = scheduler
    job = scheduler.get_job("generate_daily_horoscopes")
    log.info(
        "bot.started",
        database=safe_url(settings.database_url),
        ai=services.ai.name,
        timezone=settings.timezone,
        next_generation=str(job.next_run_time) if job else None,
    )
    # The bot may have been down at midnight: fill in today's missing signs in the background.
    task = asyncio.create_task(
        generate_daily_horoscopes(services.cache, retry_delays=settings.daily_retry_delays),
        name="startup-fill",
    )
    services.background.add(task)
    task.add_done_callback(services.background.discard)


async def on_shutdown(dispatcher: Dispatcher, services: Services) -> None:
    scheduler: AsyncIOScheduler | None = dispatcher.workflow_data.pop("scheduler", None)
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=False)
    for task in list(services.background):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    await services.cache.views.stop()
    log.info("bot.stopped", views_written=services.cache.views.flushed_total)


async def on_error(event: ErrorEvent, bot: Bot, texts: Any = None) -> bool:
    """One bad update never stops the bot: log it, tell the user something went wrong."""
    update = event.update
    log.error(
        "update.failed",
        update_id=update.update_id,
        error=repr(event.exception),
        exc_info=event.exception,
    )
    chat_id: int | None = None
    if update.message is not None:
        chat_id = update.message.chat.id
    elif update.callback_query is not None:
        chat_id = update.callback_query.from_user.id
    if chat_id is not None and texts is not None:
        with contextlib.suppress(Exception):
            await bot.send_message(chat_id, texts.something_went_wrong)
    return True


async def run_polling(settings: Settings, *, clock: Clock | None = None) -> None:
    services = create_services(settings, clock=clock)
    bot = create_bot(settings)
    dp = create_dispatcher(settings, services)
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await dp.start_polling(
            bot,
            allowed_updates=dp.resolve_used_update_types(),
            tasks_concurrency_limit=settings.max_concurrent_updates,
            handle_signals=True,
            close_bot_session=True,
        )
    finally:
        await services.close()
