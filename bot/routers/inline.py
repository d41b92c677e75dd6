"""Inline mode: ``@bot`` in any chat lists today's horoscopes (the sender's sign first),
``@bot leo`` / ``лев`` / ``♌`` / ``sco`` narrows them; choosing one posts it with an "Open
Zodiac" deep link. Answered in the sender's language (the same ``i18n`` as a tap), from
memory when warm (services/inline.py says what a cold sign gets)."""

from __future__ import annotations

import functools
from datetime import date

import structlog
from aiogram import Bot, Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    ChosenInlineResult,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultUnion,
    InputTextMessageContent,
)
from aiogram_i18n import I18nContext

from bot.i18n import Strings
from bot.keyboards import open_bot_keyboard
from bot.render import horoscope_message
from services.ai.text import cut_at_sentence
from services.inline import InlineAnswer
from services.runtime import Services
from services.shares import Counter, share_parameter
from services.users import UserState
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

log = structlog.get_logger(__name__)

#: Telegram keeps an answer at most this long for the same query (and never past the day).
INLINE_CACHE_SECONDS = 300
DESCRIPTION_LIMIT = 100
PREPARING_ID = "preparing"


def _sign(state: UserState | None) -> ZodiacSign | None:
    try:
        return ZodiacSign(state.sign) if state is not None and state.sign else None
    except ValueError:
        return None


def cache_seconds(services: Services) -> int:
    """No longer than until the next horoscope day begins in TIMEZONE."""
    left = services.cache.clock.seconds_to_next_day()
    return max(0, min(INLINE_CACHE_SECONDS, int(left)))


def deep_link(username: str | None, sign: ZodiacSign, user_id: int, secret: bytes) -> str | None:
    if not username:
        return None
    return f"https://t.me/{username}?start={share_parameter(sign, user_id, secret)}"


def description(text: str) -> str:
    """Today's first line, cut at a sentence."""
    return cut_at_sentence(text.strip().split("\n", 1)[0], DESCRIPTION_LIMIT)


@functools.lru_cache(maxsize=256)
def _article(
    sign: ZodiacSign, day: date, text: str, language: str, label: str
) -> tuple[InlineQueryResultArticle, InlineKeyboardMarkup, InlineKeyboardButton]:
    """A sign's result as every sender gets it, with a placeholder link: built (and
    validated) once per (sign, day, text, language); :func:`_for_sender` copies it."""
    info = ZODIAC_SIGNS[sign]
    button = InlineKeyboardButton(text=label, url="https://t.me/")
    markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
    article = InlineQueryResultArticle(
        id=sign.value,
        title=f"{info.emoji} {info.name(language)}",
        description=description(text),
        input_message_content=InputTextMessageContent(
            message_text=horoscope_message(sign, day, text, language), parse_mode=ParseMode.HTML
        ),
        reply_markup=markup,
    )
    return article, markup, button


def _for_sender(
    template: tuple[InlineQueryResultArticle, InlineKeyboardMarkup, InlineKeyboardButton],
    url: str | None,
) -> InlineQueryResultArticle:
    """The cached result with this sender's deep link: three shallow copies (model_copy, no
    validation), ~20x cheaper than building the four models anew for every query."""
    article, markup, button = template
    if url is None:
        return article.model_copy(update={"reply_markup": None})
    linked = button.model_copy(update={"url": url})
    return article.model_copy(
        update={"reply_markup": markup.model_copy(update={"inline_keyboard": [[linked]]})}
    )


def inline_results(
    answer: InlineAnswer,
    i18n: Strings,
    username: str | None,
    sender: int,
    secret: bytes,
) -> list[InlineQueryResultUnion]:
    """The articles of an answer: each ready sign's horoscope (the tap's HTML) with an "Open
    Zodiac" deep link; nothing ready: one "being written" article."""
    language = i18n.locale
    label = i18n.get("share-open-bot")
    results: list[InlineQueryResultUnion] = []
    for sign, day, text in answer.ready:
        url = deep_link(username, sign, sender, secret)
        results.append(_for_sender(_article(sign, day, text, language, label), url))
    if not results and answer.missing:  # nothing written yet: say so
        sign = answer.missing[0]
        name = ZODIAC_SIGNS[sign].name(language)
        url = deep_link(username, sign, sender, secret)
        results.append(
            InlineQueryResultArticle(
                id=PREPARING_ID,
                title=i18n.get("share-preparing-title", sign=name),
                description=i18n.get("share-preparing-description"),
                input_message_content=InputTextMessageContent(
                    message_text=i18n.get("share-preparing-message", sign=name),
                    parse_mode=ParseMode.HTML,
                ),
                reply_markup=open_bot_keyboard(label, url) if url else None,
            )
        )
    return results


async def inline_horoscopes(
    inline_query: InlineQuery,
    bot: Bot,
    services: Services,
    i18n: I18nContext,
    user_state: UserState | None = None,
) -> None:
    shares = services.shares
    shares.seen("inline_query")
    answer = await services.inline.answer(inline_query.query, i18n.locale, _sign(user_state))
    me = await bot.me()  # asked once at start-up, then cached by aiogram
    results = inline_results(
        answer, i18n, me.username, inline_query.from_user.id, services.link_secret
    )
    # Incomplete (signs still being written): not cached, so asking again shows them.
    cache_time = cache_seconds(services) if answer.complete else 0
    try:
        await inline_query.answer(results, cache_time=cache_time, is_personal=True)
    except TelegramBadRequest as error:  # too old (the user typed on), or the like
        log.info("inline.answer_failed", error=error.message)
        return
    shares.seen("inline_answer")


async def chosen(chosen_inline_result: ChosenInlineResult, services: Services) -> None:
    """A result was posted (Telegram sends these only with /setinlinefeedback on)."""
    if chosen_inline_result.result_id != PREPARING_ID:
        services.shares.count(Counter.CHOSEN)


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="inline")
    router.inline_query.register(inline_horoscopes)
    router.chosen_inline_result.register(chosen)
    return router
