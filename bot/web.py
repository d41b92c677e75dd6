"""The web server: Telegram's webhook (webhook mode), /healthz and /metrics (both modes)."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.middlewares import UpdateGuard
from services.config import BotMode, Settings
from services.health import check_health
from services.metrics import create_registry, render
from services.runtime import Services

SERVICES: web.AppKey[Services] = web.AppKey("services", Services)


async def healthz(request: web.Request) -> web.Response:
    healthy, body = await check_health(request.app[SERVICES])
    return web.json_response(body, status=200 if healthy else 503)


def create_web_app(
    settings: Settings, services: Services, dp: Dispatcher, bot: Bot, guard: UpdateGuard
) -> web.Application:
    app = web.Application()
    app[SERVICES] = services
    registry = create_registry(services.cache, lambda: guard.handled)

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=render(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    if settings.bot_mode is BotMode.WEBHOOK:
        assert settings.webhook_secret is not None  # checked by Settings
        # Startup/shutdown hooks first: on stop the dispatcher's shutdown (which waits for
        # handlers and flushes views) must run before the handler closes the bot session.
        setup_application(app, dp, bot=bot)
        SimpleRequestHandler(
            dispatcher=dp,
            bot=bot,
            secret_token=settings.webhook_secret.get_secret_value(),
            handle_in_background=True,  # answer Telegram at once; the update runs as a task
        ).register(app, path=settings.webhook_path)
    return app
