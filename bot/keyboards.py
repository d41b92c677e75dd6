"""Inline keyboards, built with aiogram's InlineKeyboardBuilder."""

from __future__ import annotations

import functools

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuCallback, SignCallback, StatsCallback
from bot.texts import Texts
from services.zodiac import ZODIAC_SIGNS, ZodiacSign


def signs_keyboard(language: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for info in ZODIAC_SIGNS.values():
        builder.button(
            text=f"{info.emoji} {info.name(language)}", callback_data=SignCallback(sign=info.key)
        )
    builder.adjust(3)
    return builder.as_markup()


@functools.cache
def back_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """Built once per language (~30 µs a build, once per tap before): treat it as read-only."""
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.all_signs, callback_data=MenuCallback())
    return builder.as_markup()


def retry_keyboard(texts: Texts, sign: ZodiacSign) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.try_again, callback_data=SignCallback(sign=sign))
    builder.button(text=texts.all_signs, callback_data=MenuCallback())
    builder.adjust(1)
    return builder.as_markup()


def stats_keyboard(texts: Texts, current: int) -> InlineKeyboardMarkup:
    """Today · 7 days · 30 days under the /stats chart; the one shown is marked."""
    builder = InlineKeyboardBuilder()
    for period in (1, 7, 30):
        label = texts.stats_button_today if period == 1 else texts.stats_button_days
        label = label.format(days=period)
        builder.button(
            text=f"• {label} •" if period == current else label,
            callback_data=StatsCallback(period=period),
        )
    builder.adjust(3)
    return builder.as_markup()
