"""The web server: Telegram's webhook (webhook mode), /healthz and /metrics (both modes)."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_LATEST

from bot.middlewares import UpdateGuard
from services.config import BotMode, Settings
from services.health import check_health
from services.metrics import create_registry, render
from services.runtime import Services

SERVICES: web.AppKey[Services] = web.AppKey("services", Services)


class WebhookGate:
    """Closes the webhook before the process stops: new deliveries get 503 (Telegram delivers
    them again later, to this or another replica) and :meth:`close` returns once every update
    already accepted has been handed to the dispatcher and handled.

    aiohttp's cleanup runs the shutdown hooks *before* it waits for open requests, so without
    this an update accepted during the stop would get its 200 and then find the bot session
    closed: lost, since Telegram never sends it again.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self.closing = False
        self._open = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.handler: SimpleRequestHandler | None = None

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != self._path:
            return await handler(request)
        if self.closing:
            return web.Response(status=503, text="stopping")
        self._open += 1
        self._idle.clear()
        try:
            return await handler(request)
        finally:
            self._open -= 1
            if not self._open:
                self._idle.set()

    async def close(self, timeout: float) -> None:
        self.refuse_new()
        await self.drained(timeout)

    def refuse_new(self) -> None:
        self.closing = True

    async def drained(self, timeout: float) -> None:
        """Every accepted delivery handed over and handled (or ``timeout`` passed)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()
                # The accepted updates run as tasks of the request handler (aiogram keeps
                # them in a private set): let them finish while the bot session is open.
                feeding = set(getattr(self.handler, "_background_feed_update_tasks", ()))
                if feeding:
                    await asyncio.wait(feeding)


async def healthz(request: web.Request) -> web.Response:
    healthy, body = await check_health(request.app[SERVICES])
    return web.json_response(body, status=200 if healthy else 503)


def create_web_app(
    settings: Settings,
    services: Services,
    dp: Dispatcher,
    bot: Bot,
    guard: UpdateGuard,
    gate: WebhookGate | None = None,
) -> web.Application:
    app = web.Application(middlewares=[gate.middleware] if gate is not None else [])
    app[SERVICES] = services
    registry = create_registry(
        services.cache,
        lambda: guard.handled,
        services.cold_taps,
        lambda: services.statements.total,
        services.shares,
        lambda: services.push,
    )

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=render(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    if settings.bot_mode is BotMode.WEBHOOK:
        assert settings.webhook_secret is not None  # checked by Settings
        # Startup/shutdown hooks first: on stop the dispatcher's shutdown (which waits for
        # handlers and flushes views) must run before the handler closes the bot session.
        setup_application(app, dp, bot=bot)
        webhook = SimpleRequestHandler(
            dispatcher=dp,
            bot=bot,
            secret_token=settings.webhook_secret.get_secret_value(),
            handle_in_background=True,  # answer Telegram at once; the update runs as a task
        )
        webhook.register(app, path=settings.webhook_path)
        if gate is not None:
            gate.handler = webhook
    return app
