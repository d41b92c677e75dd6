"""Dispatcher and request middlewares."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.replies import answer_callback
from services.throttle import RateLimiter
from services.users import UserService

log = structlog.get_logger(__name__)


class DbSessionMiddleware(BaseMiddleware):
    """Outer middleware on updates: one AsyncSession per update, as ``data["session"]``.

    Opening a session takes no connection; one is checked out only if a handler queries, so
    a tap served from memory never touches the pool. Such a session has nothing to release,
    so it is not closed either: ``close()`` costs a greenlet round trip (~35 µs a tap in
    benchmarks/e2e.py) to do nothing.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session = self._sessionmaker()
        data["session"] = session
        try:
            return await handler(event, data)
        finally:
            if session.in_transaction():
                await session.close()


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


class UpdateGuard(BaseMiddleware):
    """Outermost middleware on updates: drops a re-delivered update (same ``update_id``,
    bounded memory of the last ``remember`` ids), counts updates by type, and keeps track
    of the handlers in flight so a graceful stop can wait for them."""

    def __init__(self, remember: int = 4096) -> None:
        self._seen: set[int] = set()
        self._order: deque[int] = deque()
        self._remember = remember
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.handled: dict[str, int] = {}
        self.duplicates = 0

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update_id = getattr(event, "update_id", None)
        if update_id is not None:
            if update_id in self._seen:
                self.duplicates += 1
                log.info("update.duplicate", update_id=update_id)
                return None
            self._seen.add(update_id)
            self._order.append(update_id)
            if len(self._order) > self._remember:
                self._seen.discard(self._order.popleft())
        kind = getattr(event, "event_type", "unknown")
        self.handled[kind] = self.handled.get(kind, 0) + 1
        task = asyncio.current_task()
        if task is None:
            return await handler(event, data)
        self.in_flight.add(task)
        try:
            return await handler(event, data)
        finally:
            self.in_flight.discard(task)

    async def drain(self, timeout: float) -> int:
        """Wait (at most ``timeout`` s) for the handlers running now; return how many are left."""
        running = {t for t in self.in_flight if t is not asyncio.current_task()}
        if not running:
            return 0
        _, late = await asyncio.wait(running, timeout=timeout)
        return len(late)


class ThrottleMiddleware(BaseMiddleware):
    """Outer middleware on updates: a user sending more than THROTTLE_RATE messages or button
    presses a second is slowed down. A throttled press is still answered, with a short toast
    (a press left unanswered spins in the client), and not handled; a throttled message is
    dropped, with at most one notice a minute. Admins are never throttled; other update
    kinds pass."""

    def __init__(self, limiter: RateLimiter, admin_ids: frozenset[int]) -> None:
        self.limiter = limiter
        self._admin_ids = admin_ids

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        query, message = event.callback_query, event.message
        sender = query.from_user if query is not None else message.from_user if message else None
        if sender is None or sender.id in self._admin_ids or self.limiter.allow(sender.id):
            return await handler(event, data)
        log.info("update.throttled", kind=event.event_type)
        too_fast = data["i18n"].get("too-fast")
        if query is not None:
            await answer_callback(query, too_fast)
        elif message is not None and self.limiter.should_notice(sender.id):
            try:
                await message.answer(too_fast)
            except TelegramAPIError as error:
                log.info("update.throttle_notice_failed", error=error.message)
        return None


class UsersMiddleware(BaseMiddleware):
    """Outer middleware on updates, before the language is resolved: the sender's state
    (``data["user_state"]``, their chosen language for ``LocaleManager.chosen``, their sign)
    and their activity (last seen, the language their app is in, resolved to a shipped one by
    ``detect``), queued for the next batched write.

    A user already in memory costs two dict lookups and no await: no SQL on a warm tap. A
    user this process has not seen yet is read once. A database that fails that read does
    not stop the update: it is answered as for a new user (``user_state`` None).
    """

    def __init__(self, users: UserService, detect: Callable[[str | None], str]) -> None:
        self._users = users
        self._detect = detect

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        sender = data.get("event_from_user")
        if sender is None or sender.is_bot:
            return await handler(event, data)
        code = sender.language_code
        detected = self._detect(code) if code else None
        state = self._users.seen(sender.id, detected)
        if state is None:
            try:
                state = await self._users.touch(sender.id, detected)
            except Exception as error:
                log.warning("users.read_failed", error=repr(error))
        data["user_state"] = state
        return await handler(event, data)
