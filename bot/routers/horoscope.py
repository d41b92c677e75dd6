"""A tap on a sign: answer the button, then show today's horoscope."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import SignCallback
from bot.keyboards import back_keyboard, retry_keyboard
from bot.render import horoscope_message
from bot.replies import answer_callback, show
from services.horoscope_cache import HoroscopeCacheService
from services.zodiac import ZODIAC_SIGNS


async def show_horoscope(
    query: CallbackQuery,
    callback_data: SignCallback,
    cache: HoroscopeCacheService,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    await answer_callback(query)
    sign = callback_data.sign
    language = i18n.locale
    if not cache.is_warm(sign):
        await show(query, i18n.get("preparing", sign=ZODIAC_SIGNS[sign].name(language)))
    day = cache.today()  # the day get_horoscope answers for, even if generating takes a while
    text = await cache.get_horoscope(sign, session)
    if text is None:
        name = ZODIAC_SIGNS[sign].name(language)
        await show(query, i18n.get("apology", sign=name), retry_keyboard(i18n, sign))
        return
    await show(query, horoscope_message(sign, day, text, language), back_keyboard(i18n))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="horoscope")
    router.callback_query.register(show_horoscope, SignCallback.filter())
    return router
