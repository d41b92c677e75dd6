"""The composition root: settings in, a wired bot, dispatcher and services out."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import time
from collections.abc import Callable, Coroutine
from typing import IO, Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import ErrorEvent
from aiogram_i18n import I18nContext, I18nMiddleware
from aiohttp import web

from bot.alerts import job_listener, tap_failure_listener, telegram_sender
from bot.blocked import BlockedUsersMiddleware
from bot.fsm import DatabaseStorage
from bot.i18n import Translator, create_i18n_middleware, shipped_languages
from bot.middlewares import (
    DbSessionMiddleware,
    RetryAfterMiddleware,
    ThrottleMiddleware,
    UpdateGuard,
    UsersMiddleware,
)
from bot.push import BudgetMiddleware, TelegramPushSender, create_push_bot
from bot.routers import all_routers
from bot.surfaces import sync_surfaces
from bot.web import WebhookGate, create_web_app
from db.engine import create_engine, create_sessionmaker, safe_url
from db.sqlite_guard import lock_sqlite_file
from services.alerts import AdminNotifier
from services.clock import Clock
from services.config import BotMode, Settings
from services.config import shipped_languages as shipped
from services.push import PushEngine
from services.runtime import Services, create_services
from services.scheduler import generate_daily_horoscopes, get_scheduler
from services.secrets import secret_values
from services.throttle import RateLimiter

log = structlog.get_logger(__name__)


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryAfterMiddleware())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def create_dispatcher(
    settings: Settings,
    services: Services,
    guard: UpdateGuard | None = None,
    throttle_timer: Callable[[], float] = time.monotonic,
) -> Dispatcher:
    guard = guard or UpdateGuard()
    dp = Dispatcher(
        # Conversation state (the typed steps of /subscribe) on the database, every replica
        # sees it; aiogram's own middleware stays off (it would read the state on every
        # update, taps included): bot/fsm.py's ConversationMiddleware reads it on the
        # subscribe router only.
        storage=DatabaseStorage(create_sessionmaker(services.engine), services.cache.clock),
        disable_fsm=True,
        settings=settings,
        services=services,
        guard=guard,
        cache=services.cache,
        cold_taps=services.cold_taps,
        users=services.users,
        admin_ids=settings.admin_ids,
    )
    # Outer middlewares run in the order registered: drop duplicates before a session opens.
    dp.update.outer_middleware(guard)
    # The update's language (bot/i18n.py: LocaleManager: the user's choice from UserService's
    # memory, else their app's) → handlers get ``i18n``. UsersMiddleware runs first: it reads
    # a user this process has not seen yet (once) and queues everyone's last-seen write.
    i18n = create_i18n_middleware(settings.default_language, services.users)
    dp.update.outer_middleware(UsersMiddleware(services.users, i18n.manager.detect))
    dp.update.outer_middleware(i18n)
    dp["i18n_middleware"] = i18n
    # After the language is known (the "not so fast" toast is worded in it).
    limiter = RateLimiter(settings.throttle_rate, timer=throttle_timer)
    dp.update.outer_middleware(ThrottleMiddleware(limiter, settings.admin_ids))
    dp.update.outer_middleware(DbSessionMiddleware(create_sessionmaker(services.engine)))
    dp.include_routers(*all_routers())
    dp.errors.register(on_error)
    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp


async def on_startup(
    bot: Bot, dispatcher: Dispatcher, services: Services, i18n_middleware: I18nMiddleware
) -> None:
    settings = services.settings
    if settings.legacy_language_used:
        log.warning(
            "settings.deprecated",
            setting="LANGUAGE",
            use="DEFAULT_LANGUAGE",
            message="LANGUAGE is deprecated: rename it to DEFAULT_LANGUAGE",
        )
    # Admin alerts speak the default language.
    texts = Translator(i18n_middleware.core, settings.default_language)
    if settings.bot_mode is BotMode.WEBHOOK:
        assert settings.webhook_secret is not None
        await bot.set_webhook(
            settings.webhook_endpoint,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
    # The command menus and descriptions of every shipped language: set only what differs.
    await sync_surfaces(
        bot,
        i18n_middleware.core,
        shipped_languages(),
        settings.default_language,
        settings.admin_ids,
    )
    services.cache.views.start()
    services.users.start()
    services.shares.start()
    # Admin alerts: the daily job's summary and failures, fatal LLM errors during taps.
    notifier = AdminNotifier(
        settings.admin_ids, telegram_sender(bot), secrets=secret_values(settings)
    )
    on_report = job_listener(notifier, texts)
    on_failure = tap_failure_listener(notifier, texts, services.background)
    services.daily.listeners.append(on_report)
    services.cache.failure_listeners.append(on_failure)
    dispatcher["admin_listeners"] = (on_report, on_failure)
    scheduler = get_scheduler(
        services.cache,
        timezone=settings.timezone,
        at=settings.generation_time,
        retry_delays=settings.daily_retry_delays,
        extra_job_kwargs={"on_done": services.daily.record},
        run=services.run_daily_job,
    )
    scheduler.start()  # on the running loop
    services.scheduler = scheduler
    job = scheduler.get_job("generate_daily_horoscopes")
    log.info(
        "bot.started",
        mode=settings.bot_mode.value,
        database=safe_url(settings.database_url),
        ai=services.ai.name,
        timezone=settings.timezone,
        next_generation=str(job.next_run_time) if job else None,
    )
    # The bot may have been down at midnight: fill in today's missing signs in the background.
    services.spawn(
        generate_daily_horoscopes(
            services.cache,
            retry_delays=settings.daily_retry_delays,
            on_done=services.daily.record,
        ),
        name="startup-fill",
    )
    # Texts written by another process (a replica's /regen, `horoscope-bot generate --force`)
    # reach this one's memory within CACHE_REFRESH_SECONDS.
    services.spawn(services.refresh_loop(), name="cache-refresh")
    # The daily push's sender: sends only while this replica holds the lease.
    if settings.push_enabled and services.push is not None:
        services.push.start()


async def on_shutdown(dispatcher: Dispatcher, services: Services, guard: UpdateGuard) -> None:
    # No new updates are taken any more; let the handlers already running finish (bounded)
    # so their views are counted before the final flush.
    grace = services.settings.shutdown_grace_seconds
    deadline = asyncio.get_running_loop().time() + grace
    late = await guard.drain(grace)
    if late:
        log.warning("bot.handlers_abandoned", count=late)
    # Cold taps get what is left of the grace; the ones still waiting for their horoscope
    # are told to try again while the bot session is still open.
    told = await services.cold_taps.stop(max(0.0, deadline - asyncio.get_running_loop().time()))
    if told:
        log.info("bot.cold_taps_told_to_retry", count=told)
    await services.stop_background()
    listeners = dispatcher.workflow_data.pop("admin_listeners", None)
    if listeners is not None:
        on_report, on_failure = listeners
        services.daily.listeners.remove(on_report)
        services.cache.failure_listeners.remove(on_failure)
    await services.cache.views.stop()
    await services.users.stop()
    await services.shares.stop()
    # The push sender (a task of its own, not cancelled with the background ones): the
    # messages in flight finish and are recorded, the other claimed rows and the lease are
    # released, while the bot session is still open.
    await services.stop_push()
    log.info("bot.stopped", views_written=services.cache.views.flushed_total)


async def on_error(
    event: ErrorEvent,
    bot: Bot,
    i18n_middleware: I18nMiddleware,
    i18n: I18nContext | None = None,
) -> bool:
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
        try:
            if i18n is None:  # failed before the language was known: the default one
                i18n = i18n_middleware.new_context(i18n_middleware.core.default_locale or "", {})
            await bot.send_message(chat_id, i18n.get("something-went-wrong"))
        except Exception as error:
            log.info("update.apology_failed", error=repr(error))
    return True


class StopSignals:
    """SIGTERM/SIGINT: the first asks for a graceful stop, a second one exits at once.

    The same signal repeated within ``REPEAT_WINDOW`` seconds counts once: make forwards
    SIGTERM to its children, and a service manager signals the whole process group, so one
    stop request can arrive twice.
    """

    REPEAT_WINDOW = 1.0

    def __init__(self, on_stop: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._on_stop = on_stop
        self._first: tuple[signal.Signals, float] | None = None
        self._task: asyncio.Task[None] | None = None

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._received, sig)

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)

    def _received(self, sig: signal.Signals) -> None:
        now = time.monotonic()
        if self._first is None:
            self._first = (sig, now)
            log.info("bot.stopping", signal=sig.name)
            self._task = asyncio.create_task(self._on_stop())
            return
        first_sig, first_at = self._first
        if sig is first_sig and now - first_at < self.REPEAT_WINDOW:
            return
        log.warning("bot.forced_exit", signal=sig.name)
        os._exit(1)


class BotApp:
    """One bot process: services, Bot and Dispatcher wired from settings, run in polling or
    webhook mode until stopped.

    Stopping (SIGTERM/SIGINT or :meth:`stop`): stop taking updates, let running handlers
    finish (bounded by SHUTDOWN_GRACE_SECONDS), flush view counts, stop the scheduler,
    close the bot session, dispose of the engine. A second signal exits at once.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        throttle_timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.services = create_services(settings, clock=clock)
        self.bot = create_bot(settings)
        # A 403 for a user's chat marks them blocked (bot/blocked.py).
        self.bot.session.middleware(BlockedUsersMiddleware(self.services.users))
        # Replies take Telegram's budget first; the push sender gets what they leave (with no
        # sender there is no budget to share: nothing on a reply's path).
        if settings.push_enabled:
            self.bot.session.middleware(BudgetMiddleware(self.services.pacer))
        self.guard = UpdateGuard()
        self.dp = create_dispatcher(settings, self.services, self.guard, throttle_timer)
        self.services.push = create_push_engine(settings, self.services, self.dp)
        self._stopping = asyncio.Event()

    async def run(self, *, handle_signals: bool = True) -> None:
        file_lock: IO[str] | None = lock_sqlite_file(self.settings.database_url)
        try:
            if handle_signals:
                StopSignals(self.stop).install()  # for the life of the process
            if self.settings.bot_mode is BotMode.WEBHOOK:
                await self._run_webhook()
            else:
                await self._run_polling()
        finally:
            await self.services.close()
            if file_lock is not None:
                file_lock.close()

    async def stop(self) -> None:
        self._stopping.set()
        if self.settings.bot_mode is BotMode.POLLING:
            # RuntimeError: polling has not started yet, or has already stopped.
            with contextlib.suppress(RuntimeError):
                await self.dp.stop_polling()

    def _web_app(self, gate: WebhookGate | None = None) -> web.Application:
        return create_web_app(self.settings, self.services, self.dp, self.bot, self.guard, gate)

    async def _serve(self, app: web.Application) -> web.AppRunner:
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        port = self.settings.web_port_effective
        await web.TCPSite(runner, self.settings.web_host, port).start()
        log.info("web.listening", host=self.settings.web_host, port=port)
        return runner

    async def _run_polling(self) -> None:
        runner = await self._serve(self._web_app()) if self.settings.web_port else None
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
            if self._stopping.is_set():
                return
            settle_heap()
            await self.dp.start_polling(
                self.bot,
                allowed_updates=self.dp.resolve_used_update_types(),
                tasks_concurrency_limit=self.settings.max_concurrent_updates,
                handle_signals=False,
                close_bot_session=True,
            )
        finally:
            if runner is not None:
                await runner.cleanup()

    async def _run_webhook(self) -> None:
        # runner.setup() runs the dispatcher's startup (set_webhook, scheduler). On stop the
        # gate first turns new deliveries away (503) and lets the accepted ones finish; then
        # cleanup() stops the listener and runs the dispatcher's shutdown.
        gate = WebhookGate(self.settings.webhook_path)
        runner = await self._serve(self._web_app(gate))
        settle_heap()
        try:
            await self._stopping.wait()
        finally:
            await gate.close(self.settings.shutdown_grace_seconds)
            await runner.cleanup()


def create_push_engine(settings: Settings, services: Services, dp: Dispatcher) -> PushEngine:
    """The daily push's sender, rendering like a tap and sending on a Bot of its own (no
    flood-control middleware: a 429 must reach the sender). Started by the startup hook when
    PUSH_ENABLED; stopped by the shutdown hook."""
    lease, stale = settings.push_lease_seconds, settings.push_stale_seconds
    sender = TelegramPushSender(
        create_push_bot(settings),
        dp["i18n_middleware"].core,
        paid_broadcast=settings.push_paid_broadcast,
        request_timeout=stale / 3,
    )
    services.push_closers.append(sender.close)
    database = services.engine
    if database.dialect.name == "postgresql":
        # Connections of its own, whose open transactions the server ends when idle for
        # half a lease: a frozen or vanished host cannot keep the lease row or a claimed
        # row locked past the takeover (db/engine.py).
        database = create_engine(settings.database_url, idle_transaction_seconds=lease / 2)
        services.push_closers.append(database.dispose)
    return PushEngine(
        sessionmaker=create_sessionmaker(database),
        clock=services.cache.clock,
        deliver=sender,
        texts=services.cache.text_for_day,
        pacer=services.pacer,
        languages=shipped(),
        default_language=settings.default_language,
        users=services.users,
        batch_size=settings.push_batch_size,
        max_in_flight=settings.push_max_in_flight,
        retry_minutes=settings.push_retry_minutes,
        lease_seconds=lease,
        renew_seconds=lease / 4,
        claim_seconds=stale,
        stale_seconds=stale,
    )


def settle_heap() -> None:
    """Move everything start-up allocated (modules, pydantic schemas, SQLAlchemy mappers…) out
    of the garbage collector's sight. The bot imports ~3x the objects a bare aiogram bot does;
    without this every full collection walks all of them, which showed up as extra CPU per
    tap spread over whatever frame happened to allocate (docs/BENCHMARKS.md)."""
    gc.collect()
    gc.freeze()


async def run_bot(settings: Settings) -> None:
    await BotApp(settings).run()
