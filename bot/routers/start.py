"""/start (with a deep link too), /horoscope, /help and the "all signs" button."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

import structlog
from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext

from bot.callbacks import MenuCallback
from bot.keyboards import back_keyboard, retry_keyboard, signs_keyboard, start_keyboard
from bot.render import horoscope_message
from bot.replies import answer_callback, show
from bot.routers.users import user_sign
from services.cold_taps import ColdTaps
from services.config import Settings
from services.horoscope_cache import HoroscopeCacheService
from services.runtime import Services
from services.shares import Counter, parse_start
from services.users import UserService, UserState
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

log = structlog.get_logger(__name__)


async def start(message: Message, i18n: I18nContext, user_state: UserState | None = None) -> None:
    """A returning user's sign comes first ("♌ Leo — today's horoscope"), the twelve below."""
    name = html.escape(message.from_user.first_name if message.from_user else "")
    await message.answer(
        f"{i18n.get('greeting', name=name)}\n\n{i18n.get('choose-sign')}",
        reply_markup=start_keyboard(i18n, user_sign(user_state)),
    )


async def start_link(
    message: Message,
    command: CommandObject,
    i18n: I18nContext,
    services: Services,
    cache: HoroscopeCacheService,
    cold_taps: ColdTaps,
    users: UserService,
    user_state: UserState | None = None,
) -> None:
    """``/start leo`` (``t.me/<bot>?start=leo``): Leo's horoscope at once, in the reader's
    language; ``leo-s<id>-<mac>`` also records who shared it, for a new user. Anything else
    (forged, too long, unknown) is the normal /start."""
    link = parse_start(command.args, services.link_secret)
    if link is None or message.from_user is None:
        await start(message, i18n, user_state)
        return
    services.shares.count(Counter.DEEP_LINK)
    reader = message.from_user.id
    if link.referrer is not None and users.refer(reader, link.referrer):
        services.shares.count(Counter.REFERRED)
    sign = link.sign
    users.remember_sign(reader, sign.value)
    warm = cache.take_warm(sign, i18n.locale)
    if warm is not None:
        day, text = warm
        message_text = horoscope_message(sign, day, text, i18n.locale)
        await message.answer(message_text, reply_markup=back_keyboard(i18n, sign))
        return
    cold = ColdLink(message, sign, cache, i18n)
    if not cold_taps.start(cold, name=f"cold-link-{sign.value}"):
        refusal = "cold-stopped" if cold_taps.stopping else "cold-busy"
        await message.answer(
            i18n.get(refusal, sign=cold.name), reply_markup=retry_keyboard(i18n, sign)
        )


@dataclass(slots=True)
class ColdLink:
    """A deep link to a sign not in memory, run by ColdTaps like a cold tap: "preparing…",
    then that message becomes the horoscope (or the apology)."""

    message: Message
    sign: ZodiacSign
    cache: HoroscopeCacheService
    i18n: I18nContext
    day: date | None = None
    shown: Message | None = None

    @property
    def name(self) -> str:
        return ZODIAC_SIGNS[self.sign].name(self.i18n.locale)

    async def wait(self) -> str | None:
        self.shown = await self.message.answer(self.i18n.get("preparing", sign=self.name))
        self.day = self.cache.today()
        return await self.cache.get_horoscope(self.sign, self.i18n.locale)

    async def finish(self, text: str | None) -> None:
        if text is None or self.day is None:
            apology = self.i18n.get("apology", sign=self.name)
            await self._say(apology, retry_keyboard(self.i18n, self.sign))
            return
        message = horoscope_message(self.sign, self.day, text, self.i18n.locale)
        await self._say(message, back_keyboard(self.i18n, self.sign))

    async def stopped(self) -> None:
        notice = self.i18n.get("cold-stopped", sign=self.name)
        await self._say(notice, retry_keyboard(self.i18n, self.sign))

    async def _say(self, text: str, markup: InlineKeyboardMarkup) -> None:
        if self.shown is not None:
            try:
                await self.shown.edit_text(text, reply_markup=markup)
                return
            except TelegramBadRequest as error:
                log.info("telegram.edit_failed", error=error.message)
        await self.message.answer(text, reply_markup=markup)


async def choose(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("choose-sign"), reply_markup=signs_keyboard(i18n.locale))


async def help_(message: Message, i18n: I18nContext, settings: Settings) -> None:
    # The commands, then what is stored about the user, why, and how to delete it.
    parts = (
        i18n.get("help", tz=html.escape(settings.timezone)),
        i18n.get("help-push"),
        i18n.get("help-users"),
    )
    await message.answer("\n\n".join(parts))


async def menu(query: CallbackQuery, i18n: I18nContext) -> None:
    await answer_callback(query)
    await show(query, i18n.get("choose-sign"), signs_keyboard(i18n.locale))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="start")
    router.message.register(start_link, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(choose, Command("horoscope"))
    router.message.register(help_, Command("help"))
    router.callback_query.register(menu, MenuCallback.filter())
    return router
