"""Inline keyboards, built with aiogram's InlineKeyboardBuilder."""

from __future__ import annotations

import functools

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext

from bot.callbacks import (
    ForgetAction,
    ForgetCallback,
    LanguageCallback,
    MenuCallback,
    OpenSettings,
    SettingsAction,
    SettingsCallback,
    SignCallback,
    StatsCallback,
)
from bot.i18n import Strings
from services.config import shipped_languages
from services.languages import language as language_info
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


def start_keyboard(i18n: I18nContext, sign: ZodiacSign | None) -> InlineKeyboardMarkup:
    """The twelve signs; for a user whose sign is known, "♌ Leo — today's horoscope" above."""
    if sign is None:
        return signs_keyboard(i18n.locale)
    info = ZODIAC_SIGNS[sign]
    return _start_keyboard(
        i18n.locale, sign, i18n.get("your-sign", emoji=info.emoji, sign=info.name(i18n.locale))
    )


@functools.lru_cache(maxsize=256)
def _start_keyboard(language: str, sign: ZodiacSign, label: str) -> InlineKeyboardMarkup:
    """Built once per (language, sign, label): treat it as read-only."""
    first = InlineKeyboardButton(text=label, callback_data=SignCallback(sign=sign).pack())
    return InlineKeyboardMarkup(
        inline_keyboard=[[first], *signs_keyboard(language).inline_keyboard]
    )


def native_name(code: str) -> str:
    """ "Українська": a language as its speakers write it (services/languages/<code>.json)."""
    return language_info(code).native_name


@functools.lru_cache(maxsize=64)
def languages_keyboard(current: str) -> InlineKeyboardMarkup:
    """The shipped languages by their own names, the current one marked."""
    builder = InlineKeyboardBuilder()
    for code in shipped_languages():
        name = native_name(code)
        builder.button(
            text=f"✓ {name}" if code == current else name,
            callback_data=LanguageCallback(code=code),
        )
    builder.adjust(2)
    return builder.as_markup()


def settings_keyboard(i18n: I18nContext) -> InlineKeyboardMarkup:
    """One row per setting (the daily push adds its own)."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=i18n.get("settings-change-language"),
        callback_data=SettingsCallback(action=SettingsAction.LANGUAGE),
    )
    builder.button(
        text=i18n.get("settings-change-sign"),
        callback_data=SettingsCallback(action=SettingsAction.SIGN),
    )
    builder.adjust(1)
    return builder.as_markup()


def forget_keyboard(i18n: I18nContext) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=i18n.get("forget-yes"), callback_data=ForgetCallback(action=ForgetAction.CONFIRM)
    )
    builder.button(
        text=i18n.get("forget-cancel"), callback_data=ForgetCallback(action=ForgetAction.CANCEL)
    )
    builder.adjust(2)
    return builder.as_markup()


_BACK_KEYBOARDS: dict[str, InlineKeyboardMarkup] = {}


def back_keyboard(i18n: I18nContext) -> InlineKeyboardMarkup:
    """Built once per language (~30 µs a build) and looked up by the locale, so a warm tap
    pays neither the build nor a Fluent look-up: treat it as read-only."""
    markup = _BACK_KEYBOARDS.get(i18n.locale)
    if markup is None:
        builder = InlineKeyboardBuilder()
        builder.button(text=i18n.get("all-signs"), callback_data=MenuCallback())
        markup = _BACK_KEYBOARDS[i18n.locale] = builder.as_markup()
    return markup


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


@functools.lru_cache(maxsize=64)
def _push_keyboard(language: str, all_signs: str, settings: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=all_signs, callback_data=MenuCallback())
    builder.button(text=settings, callback_data=OpenSettings())
    builder.adjust(2)
    return builder.as_markup()


def push_keyboard(strings: Strings) -> InlineKeyboardMarkup:
    """Under a daily push: « All signs · ⚙️ Settings (built once per language: read-only)."""
    return _push_keyboard(
        strings.locale, strings.get("all-signs"), strings.get("push-open-settings")
    )
