"""The composition root: settings in, a wired bot, dispatcher and services out."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, ErrorEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alerts import job_listener, tap_failure_listener, telegram_sender
from bot.middlewares import DbSessionMiddleware, RetryAfterMiddleware
from bot.routers import all_routers
from bot.texts import Texts, get_texts
from db.engine import create_sessionmaker, safe_url
from services.alerts import AdminNotifier, secret_values
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
    dp.update.outer_middleware(DbSessionMiddleware(create_sessionmaker(services.engine)))
    dp.include_routers(*all_routers())
    dp.errors.register(on_error)
    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp


async def on_startup(bot: Bot, dispatcher: Dispatcher, services: Services) -> None:
    settings = services.settings
    texts = get_texts(settings.language.value)
    commands = [
        BotCommand(command="start", description=texts.cmd_start),
        BotCommand(command="horoscope", description=texts.cmd_horoscope),
        BotCommand(command="help", description=texts.cmd_help),
    ]
    await bot.set_my_commands(commands)
    # Admins see their commands in the menu too (only in their own chats).
    admin_commands = [
        *commands,
        BotCommand(command="regen", description=texts.cmd_regen),
        BotCommand(command="stats", description=texts.cmd_stats),
        BotCommand(command="status", description=texts.cmd_status),
    ]
    for admin_id in sorted(settings.admin_ids):
        try:
            await bot.set_my_commands(admin_commands, scope=BotCommandScopeChat(chat_id=admin_id))
        except TelegramAPIError as error:  # e.g. an admin who never opened the bot
            log.info("bot.admin_commands_not_set", admin_id=admin_id, error=error.message)
    services.cache.views.start()
    # Admin alerts: the daily job's summary and failures, fatal LLM errors during taps.
    notifier = AdminNotifier(
        settings.admin_ids, telegram_sender(bot), secrets=secret_values(settings)
    )
    language = settings.language.value
    on_report = job_listener(notifier, texts, language)
    on_failure = tap_failure_listener(notifier, texts, language, services.background)
    services.daily.listeners.append(on_report)
    services.cache.failure_listeners.append(on_failure)
    dispatcher["admin_listeners"] = (on_report, on_failure)
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
    listeners = dispatcher.workflow_data.pop("admin_listeners", None)
    if listeners is not None:
        on_report, on_failure = listeners
        services.daily.listeners.remove(on_report)
        services.cache.failure_listeners.remove(on_failure)
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


async def run_polling(settings: Settings) -> None:
    await BotApp(settings).run_polling()
