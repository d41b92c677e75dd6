"""One process: the local Bot API server, the unmodified bot polling it, the web chat.

The bot is the production :class:`bot.app.BotApp`; only its settings differ: ``BOT_TOKEN``
is the sandbox's token, ``TELEGRAM_API_URL`` the local server, and ``ADMIN_IDS`` gets the
sandbox admin when empty. Everything else (database, LLM, language, timezone) is read as
for the real bot, so with nothing configured it is SQLite under ./data and the offline
generator.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

import structlog
from pydantic import SecretStr

from bot.app import BotApp, StopSignals
from sandbox.config import SANDBOX_ADMIN_ID, SANDBOX_TOKEN, SandboxSettings
from sandbox.telegram_api import FakeTelegram, RateLimit
from sandbox.web import ChatWeb, DueNowAnswer, SandboxUser
from services.clock import Clock
from services.config import BotMode, Settings
from services.subscriptions import DueNow, SubscriptionService

log = structlog.get_logger("sandbox")


SANDBOX_REGULAR_USERS = (
    # id, name, username, app language (None: LANGUAGE, the bot's default)
    (1001, "Alice", "alice", None),
    (1002, "Bob", "bob", None),
    (1003, "Olena", "olena", "uk"),
    (1004, "João", "joao", "pt-br"),
)


def sandbox_users(admin_ids: frozenset[int]) -> list[SandboxUser]:
    """Four regular users (two with their app in another language: Olena's in Ukrainian,
    João's in Brazilian Portuguese) and one admin (the lowest id of ADMIN_IDS)."""
    admin = min(admin_ids) if admin_ids else SANDBOX_ADMIN_ID
    regular = [
        SandboxUser(id=user_id, first_name=name, username=username, language_code=language)
        for user_id, name, username, language in SANDBOX_REGULAR_USERS
        if user_id not in admin_ids
    ]
    return [*regular, SandboxUser(id=admin, first_name="Admin", username="admin", is_admin=True)]


def due_now_answer(outcome: DueNow) -> DueNowAnswer:
    """What the "make my next delivery due now" control tells the user."""
    subscription = outcome.subscription
    if subscription is None:
        return DueNowAnswer("no_subscription", "No subscription yet: send /subscribe first.")
    if subscription.state == "stopped":
        return DueNowAnswer(
            "stopped", "You unsubscribed: send /subscribe to get the daily horoscope again."
        )
    if subscription.state == "paused":
        return DueNowAnswer("paused", "Your subscription is paused: resume it in /settings first.")
    if outcome.already_delivered and outcome.day is not None:
        following = subscription.next_local()
        when = f" Next: {following:%B %-d} at {following:%H:%M}." if following else ""
        return DueNowAnswer(
            "already_delivered",
            f"The push for {outcome.day:%B %-d}, your local date, went out already:"
            f" one a day, never twice.{when}",
        )
    due = subscription.next_due.isoformat() if subscription.next_due is not None else None
    return DueNowAnswer(
        "done", "Your next delivery is due now: it arrives in this chat in a moment.", due
    )


async def make_due_now(subscriptions: SubscriptionService, user_id: int) -> DueNowAnswer:
    return due_now_answer(await subscriptions.make_due_now(user_id))


class Sandbox:
    """Start with :meth:`start` (or ``async with``); :attr:`url` is the chat page."""

    def __init__(
        self,
        settings: Settings,
        sandbox: SandboxSettings,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.sandbox = sandbox
        rate = RateLimit(sandbox.rate_limit, sandbox.rate_burst) if sandbox.rate_limit > 0 else None
        self.tg = FakeTelegram(
            SANDBOX_TOKEN,
            username="zodiac_sandbox_bot",
            first_name="Zodiac",
            rate_limit=rate,
        )
        self.admin_ids = settings.admin_ids or frozenset({SANDBOX_ADMIN_ID})
        self.users = sandbox_users(self.admin_ids)
        self._base_settings = settings
        self._clock = clock
        self.settings = settings  # the bot's, once started
        self.web = ChatWeb(
            self.tg, self.users, language_code=settings.default_language, due_now=self._due_now
        )
        self.app: BotApp | None = None
        self.url = ""
        self._polling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.tg.start()
        try:
            self.url = await self.web.start(self.sandbox.host, self.sandbox.port)
            self.settings = self._base_settings.model_copy(
                update={
                    "bot_token": SecretStr(SANDBOX_TOKEN),
                    "telegram_api_url": self.tg.base_url,
                    "admin_ids": self.admin_ids,
                    "bot_mode": BotMode.POLLING,  # the local server is polled, like Telegram
                }
            )
            self.app = BotApp(self.settings, clock=self._clock)
            self._polling = asyncio.create_task(
                self.app.run(handle_signals=False), name="sandbox-bot"
            )
            waiting = asyncio.create_task(self.tg.wait_until_polling(timeout=120))
            await asyncio.wait({waiting, self._polling}, return_when=asyncio.FIRST_COMPLETED)
            if self._polling.done():
                waiting.cancel()
                self._polling.result()  # the bot failed to start: raise its error
                raise RuntimeError("the bot stopped before it started polling")
            waiting.result()
        except BaseException:
            await self.stop()
            raise

    async def _due_now(self, user_id: int) -> DueNowAnswer:
        if self.app is None:
            return DueNowAnswer("not_started", "The bot is still starting; try again.")
        answer = await make_due_now(self.app.services.subscriptions, user_id)
        if answer.status == "done" and self.app.services.push is not None:
            self.app.services.push.wake()  # sent now, not after the sender's idle wait
        return answer

    @property
    def polling(self) -> asyncio.Task[None] | None:
        return self._polling

    async def stop(self) -> None:
        if self._polling is not None and self.app is not None:
            if not self._polling.done():
                await self.app.stop()
            with contextlib.suppress(Exception):
                await self._polling
        await self.web.stop()
        await self.tg.stop()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


def _has_gui_browser() -> bool:
    """Only a graphical browser: on a Linux box without a display, webbrowser would pick a
    console one (lynx, w3m) and take over the terminal the logs are printed to."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def open_browser(url: str) -> bool:
    """Open ``url`` in the user's browser (in the background) if there is one."""
    if not _has_gui_browser():
        return False
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    return True


async def run_sandbox(
    settings: Settings,
    sandbox: SandboxSettings,
    *,
    say: Callable[[str], Any] = print,
) -> None:
    """Run until SIGINT/SIGTERM (or the bot stops), then close everything."""
    runner = Sandbox(settings, sandbox)
    await runner.start()
    stop = asyncio.Event()

    async def request_stop() -> None:
        stop.set()

    # Installed for the rest of the process: a stop request may arrive twice (make forwards
    # SIGTERM), and it must not find the default handler while the bot is stopping.
    StopSignals(request_stop).install()
    try:
        opened = sandbox.open_browser and open_browser(runner.url)
        say(
            f"Sandbox: open {runner.url} to chat with the bot"
            + (" (opened in your browser)" if opened else "")
            + "; Ctrl+C stops it."
        )
        log.info("sandbox.started", url=runner.url, users=[u.first_name for u in runner.users])
        assert runner.polling is not None
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({stopping, runner.polling}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if runner.polling.done():
            runner.polling.result()  # the bot stopped on its own: its error, if any
    finally:
        await runner.stop()
