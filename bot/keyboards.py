"""Inline keyboards, built with aiogram's InlineKeyboardBuilder."""

from __future__ import annotations

import functools

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext

from bot.callbacks import MenuCallback, SignCallback, StatsCallback
from services.zodiac import ZODIAC_SIGNS, ZodiacSign


@functools.lru_cache(maxsize=64)
def signs_keyboard(language: str) -> InlineKeyboardMarkup:
    """Built once per language: treat it as read-only."""
    builder = InlineKeyboardBuilder()
    for info in ZODIAC_SIGNS.values():
        builder.button(
            text=f"{info.emoji} {info.name(language)}", callback_data=SignCallback(sign=info.key)
        )
    builder.adjust(3)
    return builder.as_markup()


def back_keyboard(i18n: I18nContext) -> InlineKeyboardMarkup:
    return _back_keyboard(i18n.get("all-signs"))


@functools.lru_cache(maxsize=64)
def _back_keyboard(label: str) -> InlineKeyboardMarkup:
    """Built once per label (~30 µs a build, once per tap before): treat it as read-only."""
    builder = InlineKeyboardBuilder()
    builder.button(text=label, callback_data=MenuCallback())
    return builder.as_markup()


def retry_keyboard(i18n: I18nContext, sign: ZodiacSign) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=i18n.get("try-again"), callback_data=SignCallback(sign=sign))
    builder.button(text=i18n.get("all-signs"), callback_data=MenuCallback())
    builder.adjust(1)
    return builder.as_markup()


def stats_keyboard(i18n: I18nContext, current: int) -> InlineKeyboardMarkup:
    """Today · 7 days · 30 days under the /stats chart; the one shown is marked."""
    builder = InlineKeyboardBuilder()
    for period in (1, 7, 30):
        if period == 1:
            label = i18n.get("stats-button-today")
        else:
            label = i18n.get("stats-button-days", days=period)
        builder.button(
            text=f"• {label} •" if period == current else label,
            callback_data=StatsCallback(period=period),
        )
    builder.adjust(3)
    return builder.as_markup()
