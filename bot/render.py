"""Turning a horoscope into a Telegram message: escaped for HTML, within 4096 characters."""

from __future__ import annotations

import functools
import html
from datetime import date

from bot.i18n import format_day
from services.ai.text import cut_at_sentence
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

TELEGRAM_TEXT_LIMIT = 4096


@functools.lru_cache(maxsize=256)
def horoscope_message(sign: ZodiacSign, day: date, text: str, language: str) -> str:
    """The message of a tap: the same for every tap of a (sign, day, language) until the text
    changes, so it is rendered once (the text's hash is cached on the str it is keyed by)."""
    info = ZODIAC_SIGNS[sign]
    title = f"{info.emoji} {info.name(language)} · {format_day(day, language)}"
    # Telegram counts the text after entity parsing: the visible header plus the body.
    body = cut_at_sentence(text, TELEGRAM_TEXT_LIMIT - len(title) - 2)
    return f"<b>{html.escape(title)}</b>\n\n{html.escape(body, quote=False)}"
