"""Turning a horoscope into a Telegram message: escaped for HTML, within 4096 characters."""

from __future__ import annotations

import html
from datetime import date

from bot.texts import Texts
from services.ai.text import cut_at_sentence
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

TELEGRAM_TEXT_LIMIT = 4096


def format_day(day: date, texts: Texts, language: str) -> str:
    month = texts.months[day.month - 1]
    return f"{day.day} {month} {day.year}" if language == "ru" else f"{month} {day.day}, {day.year}"


def horoscope_message(sign: ZodiacSign, day: date, text: str, texts: Texts, language: str) -> str:
    info = ZODIAC_SIGNS[sign]
    title = f"{info.emoji} {info.name(language)} · {format_day(day, texts, language)}"
    # Telegram counts the text after entity parsing: the visible header plus the body.
    body = cut_at_sentence(text, TELEGRAM_TEXT_LIMIT - len(title) - 2)
    return f"<b>{html.escape(title)}</b>\n\n{html.escape(body, quote=False)}"
