"""Users who blocked the bot, seen where Telegram says so: a request middleware on the Bot
API session. Any call to a private chat (a user's id) that Telegram answers 403 ("bot was
blocked by the user", "user is deactivated") marks the user blocked at once
(``UserService.set_blocked``); the error still reaches the caller unchanged. A user who
writes again is unblocked by ``UserService.touch``.
"""

from __future__ import annotations

from typing import Any

import structlog
from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from services.users import UserService

log = structlog.get_logger(__name__)


class BlockedUsersMiddleware(BaseRequestMiddleware):
    def __init__(self, users: UserService) -> None:
        self._users = users

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramForbiddenError:
            user_id = _private_chat(method)
            if user_id is not None:
                try:
                    await self._users.set_blocked(user_id, True)
                except Exception as error:  # the database: the 403 is still what the caller gets
                    log.warning("users.block_not_saved", error=repr(error))
            raise


def _private_chat(method: TelegramMethod[Any]) -> int | None:
    """The user a call was for: a positive integer ``chat_id`` (groups and channels are
    negative, ``@username`` is a channel)."""
    chat_id = getattr(method, "chat_id", None)
    if isinstance(chat_id, int) and not isinstance(chat_id, bool) and chat_id > 0:
        return chat_id
    return None
