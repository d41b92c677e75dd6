"""Inline keyboards, built with aiogram's InlineKeyboardBuilder."""

from __future__ import annotations

import functools

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    SwitchInlineQueryChosenChat,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext

from bot.callbacks import (
    ForgetAction,
    ForgetCallback,
    LanguageCallback,
    MenuCallback,
    SettingsAction,
    SettingsCallback,
    SignCallback,
    StatsCallback,
)
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


_BACK_KEYBOARDS: dict[tuple[str, ZodiacSign | None], InlineKeyboardMarkup] = {}


def back_keyboard(i18n: I18nContext, sign: ZodiacSign | None = None) -> InlineKeyboardMarkup:
    """Under a horoscope: "Share" (``sign``'s inline query in a chat the user picks), then
    "All signs". Built once per (language, sign) (~30 µs a build) and looked up, so a warm
    tap pays neither the build nor a Fluent look-up: treat it as read-only."""
    key = (i18n.locale, sign)
    markup = _BACK_KEYBOARDS.get(key)
    if markup is None:
        builder = InlineKeyboardBuilder()
        if sign is not None:
            builder.row(share_button(i18n, sign))
        builder.row(
            InlineKeyboardButton(text=i18n.get("all-signs"), callback_data=MenuCallback().pack())
        )
        markup = _BACK_KEYBOARDS[key] = builder.as_markup()
    return markup


def share_button(i18n: I18nContext, sign: ZodiacSign) -> InlineKeyboardButton:
    """Opens the chat picker; in the chosen chat the input reads ``@bot Leo`` (the sign's
    name in the user's language, which the inline query understands), that sign first."""
    return InlineKeyboardButton(
        text=i18n.get("share-button"),
        switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat(
            query=ZODIAC_SIGNS[sign].name(i18n.locale),
            allow_user_chats=True,
            allow_group_chats=True,
            allow_channel_chats=True,
        ),
    )


def open_bot_keyboard(label: str, url: str) -> InlineKeyboardMarkup:
    """Under a horoscope posted inline: "Open Zodiac", a deep link to the bot."""
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=label, url=url)]])


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
