"""Dispatcher and request middlewares."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = structlog.get_logger(__name__)


class DbSessionMiddleware(BaseMiddleware):
    """Inner middleware: an AsyncSession as ``data["session"]`` for the handlers that ask for
    one (a ``session`` parameter), one per handled event.

    Registered on the dispatcher's message and callback-query observers, so it runs after the
    filters chose the handler and applies to every router. A tap on a sign does not take a
    session (the cache service opens its own on a miss): the hot path allocates none.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chosen: HandlerObject | None = data.get("handler")
        if chosen is not None and "session" not in chosen.params:
            return await handler(event, data)
        async with self._sessionmaker() as session:
            data["session"] = session
            return await handler(event, data)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Flood control: on 429 wait the ``retry_after`` Telegram asks for and send again.

    aiogram surfaces 429 as TelegramRetryAfter but does not retry by itself. Bounded: at most
    ``max_retries`` waits of at most ``max_wait`` seconds each, then the error propagates.
    """

    def __init__(self, *, max_retries: int = 3, max_wait: float = 30.0) -> None:
        self._max_retries = max_retries
        self._max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(self._max_retries + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self._max_retries or error.retry_after > self._max_wait:
                    raise
                log.warning(
                    "telegram.flood_wait",
                    method=type(method).__name__,
                    retry_after=error.retry_after,
                    attempt=attempt + 1,
                )
                await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")
