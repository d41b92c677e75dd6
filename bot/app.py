"""The composition root: settings in, a wired bot, dispatcher and services out."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, ErrorEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.middlewares import DbSessionMiddleware, RetryAfterMiddleware
from bot.routers import all_routers
from bot.texts import Texts, get_texts
from db.engine import create_sessionmaker, safe_url
from services.clock import Clock
from services.config import Settings
from services.runtime import Services, create_services
from services.scheduler import generate_daily_horoscopes, get_scheduler

log = structlog.get_logger(__name__)


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryAfterMiddleware())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


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
    sessions = DbSessionMiddleware(create_sessionmaker(services.engine))
    dp.message.middleware(sessions)
    dp.callback_query.middleware(sessions)
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
        extra_job_kwargs={"on_done": services.daily.record},
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
        generate_daily_horoscopes(
            services.cache,
            retry_delays=settings.daily_retry_delays,
            on_done=services.daily.record,
        ),
        name="startup-fill",
    )
    services.background.add(task)
    task.add_done_callback(services.background.discard)


SHUTDOWN_GRACE_SECONDS = 10.0


async def on_shutdown(dispatcher: Dispatcher, services: Services) -> None:
    # Polling has stopped taking updates; let the handlers already running finish (bounded),
    # so their views are counted before the final flush. aiogram keeps them in a private set.
    in_flight: set[asyncio.Task[Any]] = set(getattr(dispatcher, "_handle_update_tasks", ()))
    if in_flight:
        _, late = await asyncio.wait(in_flight, timeout=SHUTDOWN_GRACE_SECONDS)
        if late:
            log.warning("bot.handlers_abandoned", count=len(late))
    scheduler: AsyncIOScheduler | None = dispatcher.workflow_data.pop("scheduler", None)
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=False)
    for task in list(services.background):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    await services.cache.views.stop()
    log.info("bot.stopped", views_written=services.cache.views.flushed_total)


async def on_error(event: ErrorEvent, bot: Bot, texts: Texts) -> bool:
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
    if chat_id is not None:
        with contextlib.suppress(Exception):
            await bot.send_message(chat_id, texts.something_went_wrong)
    return True


class BotApp:
    """One bot process: services, Bot and Dispatcher, wired from settings."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.services = create_services(settings, clock=clock)
        self.bot = create_bot(settings)
        self.dp = create_dispatcher(settings, self.services)

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        """Poll until stopped (SIGTERM/SIGINT or :meth:`stop`), then close everything.

        Stopping runs the shutdown hook (final view flush, scheduler stop) before returning.
        """
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
            settle_heap()
            await self.dp.start_polling(
                self.bot,
                allowed_updates=self.dp.resolve_used_update_types(),
                tasks_concurrency_limit=self.settings.max_concurrent_updates,
                handle_signals=handle_signals,
                close_bot_session=True,
            )
        finally:
            await self.services.close()

    async def stop(self) -> None:
        await self.dp.stop_polling()


def settle_heap() -> None:
    """Move everything start-up allocated (modules, pydantic schemas, SQLAlchemy mappers…) out
    of the garbage collector's sight. The bot imports ~3x the objects a bare aiogram bot does;
    without this every full collection walks all of them, which showed up as extra CPU per
    tap spread over whatever frame happened to allocate (docs/BENCHMARKS.md)."""
    gc.collect()
    gc.freeze()


async def run_polling(settings: Settings) -> None:
    await BotApp(settings).run_polling()
