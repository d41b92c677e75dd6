"""A tap on a sign: answer the button, then show today's horoscope.

Warm (in memory): shown by the handler itself. Cold: the handler hands the tap to
``ColdTaps`` (services/cold_taps.py) and returns, so a tap waiting for the LLM never holds
one of the updates handled at once; past the bound the user is asked to try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram_i18n import I18nContext

from bot.callbacks import SignCallback
from bot.keyboards import back_keyboard, retry_keyboard
from bot.render import horoscope_message
from bot.replies import answer_callback, show
from services.cold_taps import ColdTaps
from services.horoscope_cache import HoroscopeCacheService
from services.users import UserService
from services.zodiac import ZODIAC_SIGNS, ZodiacSign


async def show_horoscope(
    query: CallbackQuery,
    callback_data: SignCallback,
    cache: HoroscopeCacheService,
    cold_taps: ColdTaps,
    users: UserService,
    i18n: I18nContext,
) -> None:
    await answer_callback(query)
    sign = callback_data.sign
    users.remember_sign(query.from_user.id, sign.value)  # memory now, the database batched
    language = i18n.locale
    warm = cache.take_warm(sign, language)
    if warm is not None:
        day, text = warm
        await show(query, horoscope_message(sign, day, text, language), back_keyboard(i18n, sign))
        return
    tap = ColdHoroscope(query, sign, cache, i18n)
    if not cold_taps.start(tap, name=f"cold-tap-{sign.value}"):
        refusal = "cold-stopped" if cold_taps.stopping else "cold-busy"
        await show(query, i18n.get(refusal, sign=tap.name), retry_keyboard(i18n, sign))


@dataclass(slots=True)
class ColdHoroscope:
    """A tap of a sign not in memory, run by ColdTaps: "preparing…", then the horoscope
    (or the apology); "try again" if the process stops first."""

    query: CallbackQuery
    sign: ZodiacSign
    cache: HoroscopeCacheService
    i18n: I18nContext
    day: date | None = None

    @property
    def name(self) -> str:
        return ZODIAC_SIGNS[self.sign].name(self.i18n.locale)

    async def wait(self) -> str | None:
        await show(self.query, self.i18n.get("preparing", sign=self.name))
        self.day = self.cache.today()  # the day get_horoscope answers for, however long it takes
        return await self.cache.get_horoscope(self.sign, self.i18n.locale)

    async def finish(self, text: str | None) -> None:
        if text is None or self.day is None:
            apology = self.i18n.get("apology", sign=self.name)
            await show(self.query, apology, retry_keyboard(self.i18n, self.sign))
            return
        message = horoscope_message(self.sign, self.day, text, self.i18n.locale)
        await show(self.query, message, back_keyboard(self.i18n, self.sign))

    async def stopped(self) -> None:
        notice = self.i18n.get("cold-stopped", sign=self.name)
        await show(self.query, notice, retry_keyboard(self.i18n, self.sign))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="horoscope")
    router.callback_query.register(show_horoscope, SignCallback.filter())
    return router
