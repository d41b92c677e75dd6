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
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = structlog.get_logger(__name__)


class DbSessionMiddleware(BaseMiddleware):
    """Outer middleware on updates: one AsyncSession per update, as ``data["session"]``.

    Opening a session takes no connection; one is checked out only if a handler queries,
    so a tap served from memory never touches the pool.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
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
