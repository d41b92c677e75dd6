"""The bot's side of the daily push: how a push is rendered and sent, and how the bot's own
replies share Telegram's budget with the sender.

- :class:`TelegramPushSender` is the engine's ``deliver``: the same renderer as a tap
  (``bot/render.py``), « All signs · ⚙️ Settings buttons, sent on a Bot of its own
  (:func:`create_push_bot`) whose session has no flood-control middleware: a 429 reaches the
  engine, which pauses every send (``RetryAfterMiddleware`` would sleep and retry behind
  the sender's back). Telegram's answers become the engine's errors
  (``services/push/messages.py``).
- :class:`BudgetMiddleware` sits on the interactive bot's session: every message a reply
  sends takes its token from the shared :class:`~services.push.SendPacer` at once (taps
  first, the sender gets what is left), and any 429 a reply meets pauses the sender too.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram_i18n.cores import BaseCore

from bot.i18n import Translator
from bot.keyboards import push_keyboard
from bot.render import horoscope_message
from services.config import Settings
from services.push import (
    ChatGone,
    PermanentFailure,
    PushMessage,
    RetryAfter,
    SendPacer,
    TransientFailure,
)
from services.zodiac import ZodiacSign

#: Bot API methods that send a message to a chat (what Telegram's 30/s and 1/s per chat
#: count); answers to button presses, chat actions and reads do not.
COUNTED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageMedia",
        "editMessageCaption",
    }
)
PUSH_REQUEST_TIMEOUT = 10.0  # seconds: a third of PUSH_STALE_SECONDS (30 s) by default


class BudgetMiddleware(BaseRequestMiddleware):
    """On the interactive bot's session, inside ``RetryAfterMiddleware`` (so it sees every
    attempt and every raw 429)."""

    def __init__(self, pacer: SendPacer) -> None:
        self._pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ not in COUNTED_METHODS:
            return await make_request(bot, method)
        chat_id = getattr(method, "chat_id", None)
        chat = chat_id if isinstance(chat_id, int) else None
        self._pacer.spend(chat)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as error:
            self._pacer.pause(error.retry_after)
            raise
        finally:
            if chat is not None:
                self._pacer.sent(chat)


def create_push_bot(settings: Settings) -> Bot:
    """A Bot for the sender alone: same token and server, no request middlewares."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


class TelegramPushSender:
    """``deliver`` for :class:`~services.push.PushEngine`."""

    def __init__(
        self,
        bot: Bot,
        core: BaseCore[Any],
        *,
        paid_broadcast: bool = False,
        request_timeout: float = PUSH_REQUEST_TIMEOUT,
    ) -> None:
        self.bot = bot
        self._core = core
        self._paid = paid_broadcast
        # Well under the reservation's staleness: another sender never takes over a message
        # whose request may still be running.
        self._timeout = max(1, int(request_timeout))

    async def __call__(self, message: PushMessage) -> None:
        strings = Translator(self._core, message.language)
        text = horoscope_message(
            ZodiacSign(message.sign), message.day, message.text, message.language
        )
        try:
            await self.bot.send_message(
                message.user_id,
                text,
                reply_markup=push_keyboard(strings),
                allow_paid_broadcast=True if self._paid else None,
                request_timeout=self._timeout,
            )
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after) from error
        except TelegramForbiddenError as error:
            reason = "deactivated" if "deactivated" in error.message.lower() else "blocked"
            raise ChatGone(reason) from error
        except TelegramBadRequest as error:
            if "chat not found" in error.message.lower():
                raise ChatGone("chat_not_found") from error
            raise PermanentFailure("bad_request") from error
        except TelegramServerError as error:
            raise TransientFailure("server_error") from error
        except (TimeoutError, TelegramNetworkError, aiohttp.ClientError) as error:
            raise TransientFailure("network") from error
        except TelegramAPIError as error:  # 401, 404, anything new: worth another try
            raise TransientFailure("telegram_error") from error

    async def close(self) -> None:
        await self.bot.session.close()
