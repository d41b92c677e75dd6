"""Inline keyboards, built with aiogram's InlineKeyboardBuilder."""

from __future__ import annotations

import functools
from datetime import datetime

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    SwitchInlineQueryChosenChat,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext

from bot.callbacks import (
    ForgetAction,
    ForgetCallback,
    LanguageCallback,
    MenuCallback,
    OpenSettings,
    PushAction,
    PushBack,
    PushMode,
    PushPause,
    PushSettings,
    PushSign,
    PushStart,
    PushStep,
    PushTime,
    PushZone,
    SettingsAction,
    SettingsCallback,
    SignCallback,
    StatsCallback,
)
from bot.i18n import Strings
from services import places
from services.config import shipped_languages
from services.languages import language as language_info
from services.subscriptions import PAUSE_DAYS, Subscription
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


def settings_keyboard(
    i18n: I18nContext, subscription: Subscription | None = None
) -> InlineKeyboardMarkup:
    """One row per setting, then the daily push's: "🔔 Every morning" for a user without one,
    else change sign · time · zone, pause or resume, unsubscribe."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=i18n.get("settings-change-language"),
        callback_data=SettingsCallback(action=SettingsAction.LANGUAGE),
    )
    builder.button(
        text=i18n.get("settings-change-sign"),
        callback_data=SettingsCallback(action=SettingsAction.SIGN),
    )
    rows = [1, 1]
    if subscription is None or subscription.state == "stopped":
        builder.button(text=i18n.get("push-button"), callback_data=PushStart())
        rows.append(1)
    else:
        for action, key in (
            (PushAction.SIGN, "push-change-sign"),
            (PushAction.TIME, "push-change-time"),
            (PushAction.ZONE, "push-change-zone"),
        ):
            builder.button(text=i18n.get(key), callback_data=PushSettings(action=action))
        if subscription.state == "paused":
            builder.button(
                text=i18n.get("push-resume"), callback_data=PushSettings(action=PushAction.RESUME)
            )
        else:
            builder.button(
                text=i18n.get("push-pause"), callback_data=PushSettings(action=PushAction.PAUSE)
            )
        builder.button(
            text=i18n.get("push-unsubscribe"), callback_data=PushSettings(action=PushAction.STOP)
        )
        rows += [3, 2]
    builder.adjust(*rows)
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
        if sign is not None:  # share it, or have it every morning
            builder.row(
                share_button(i18n, sign),
                InlineKeyboardButton(
                    text=i18n.get("push-button"), callback_data=PushStart().pack()
                ),
            )
        else:
            builder.row(
                InlineKeyboardButton(text=i18n.get("push-button"), callback_data=PushStart().pack())
            )
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


# -- the daily push (bot/routers/subscribe.py) --------------------------------------------

PUSH_TIMES = ("0600", "0700", "0800", "0900", "1000", "1100")  # the time step's buttons


def hhmm(at: str) -> str:
    """``"0730"`` → ``"07:30"``."""
    return f"{at[:2]}:{at[2:]}"


def _back(mode: PushMode, to: PushStep, **chosen: object) -> PushBack:
    return PushBack(mode=mode, to=to, **chosen)


def push_sign_keyboard(
    i18n: I18nContext, mode: PushMode, selected: ZodiacSign | None
) -> InlineKeyboardMarkup:
    """Step 1: the twelve signs, the user's own marked; « Back to the menu or /settings."""
    builder = InlineKeyboardBuilder()
    for info in ZODIAC_SIGNS.values():
        label = f"{info.emoji} {info.name(i18n.locale)}"
        builder.button(
            text=f"✓ {label}" if info.key is selected else label,
            callback_data=PushSign(mode=mode, sign=info.key),
        )
    leave = PushStep.MENU if mode is PushMode.NEW else PushStep.SETTINGS
    builder.button(text=i18n.get("push-back"), callback_data=_back(mode, leave))
    builder.adjust(3, 3, 3, 3, 1)
    return builder.as_markup()


def push_time_keyboard(
    i18n: I18nContext, mode: PushMode, sign: ZodiacSign | None
) -> InlineKeyboardMarkup:
    """Step 2: 06:00 … 11:00, "another time" (typed), « Back."""
    builder = InlineKeyboardBuilder()
    for at in PUSH_TIMES:
        builder.button(text=hhmm(at), callback_data=PushTime(mode=mode, sign=sign, at=at))
    builder.button(text=i18n.get("push-other-time"), callback_data=PushTime(mode=mode, sign=sign))
    back = _back(mode, PushStep.SIGN) if mode is PushMode.NEW else _back(mode, PushStep.SETTINGS)
    builder.button(text=i18n.get("push-back"), callback_data=back)
    builder.adjust(3, 3, 1, 1)
    return builder.as_markup()


def push_back_keyboard(i18n: I18nContext, back: PushBack) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=i18n.get("push-back"), callback_data=back)
    return builder.as_markup()


def push_zone_keyboard(
    i18n: I18nContext, mode: PushMode, sign: ZodiacSign | None, at: str, now: datetime
) -> InlineKeyboardMarkup:
    """Step 3: share location, the language's common zones (two a row), « Back."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=i18n.get("push-share-location"),
        callback_data=PushZone(mode=mode, sign=sign, at=at, zone="loc"),
    )
    zones = places.common_zones(i18n.locale)
    for zone in zones:
        builder.button(
            text=places.zone_label(zone, i18n.locale, now),
            callback_data=PushZone(mode=mode, sign=sign, at=at, zone=places.common_zone_id(zone)),
        )
    if mode is PushMode.NEW:
        back = _back(mode, PushStep.TIME, sign=sign)
    else:
        back = _back(mode, PushStep.SETTINGS)
    builder.button(text=i18n.get("push-back"), callback_data=back)
    builder.adjust(1, *([2] * ((len(zones) + 1) // 2)), 1)
    return builder.as_markup()


def push_cities_keyboard(
    i18n: I18nContext,
    mode: PushMode,
    sign: ZodiacSign | None,
    at: str,
    cities: list[places.City],
) -> InlineKeyboardMarkup:
    """Several cities of one name: "Springfield, IL, United States · America/Chicago" each."""
    builder = InlineKeyboardBuilder()
    for city in cities:
        builder.button(
            text=city.label(i18n.locale),
            callback_data=PushZone(mode=mode, sign=sign, at=at, zone=f"g{city.geonameid}"),
        )
    builder.button(
        text=i18n.get("push-back"), callback_data=_back(mode, PushStep.ZONE, sign=sign, at=at)
    )
    builder.adjust(1)
    return builder.as_markup()


def location_request_keyboard(i18n: I18nContext) -> ReplyKeyboardMarkup:
    """A reply keyboard: the one place Telegram offers "send my location"."""
    button = KeyboardButton(text=i18n.get("push-send-location"), request_location=True)
    return ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)


def push_done_keyboard(i18n: I18nContext) -> InlineKeyboardMarkup:
    """Under the confirmation: « All signs · ⚙️ Settings, as under the push itself."""
    builder = InlineKeyboardBuilder()
    builder.button(text=i18n.get("all-signs"), callback_data=MenuCallback())
    builder.button(text=i18n.get("push-open-settings"), callback_data=OpenSettings())
    builder.adjust(2)
    return builder.as_markup()


@functools.lru_cache(maxsize=64)
def _push_keyboard(language: str, all_signs: str, settings: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=all_signs, callback_data=MenuCallback())
    builder.button(text=settings, callback_data=OpenSettings())
    builder.adjust(2)
    return builder.as_markup()


def pause_keyboard(i18n: I18nContext) -> InlineKeyboardMarkup:
    """1, 3, 7 days or until resumed; « Back to /settings."""
    builder = InlineKeyboardBuilder()
    for days in PAUSE_DAYS:
        builder.button(
            text=i18n.get("push-pause-days", days=days), callback_data=PushPause(days=days)
        )
    builder.button(text=i18n.get("push-pause-forever"), callback_data=PushPause(days=0))
    builder.button(text=i18n.get("push-back"), callback_data=OpenSettings())
    builder.adjust(len(PAUSE_DAYS), 1, 1)
    return builder.as_markup()


def push_keyboard(strings: Strings) -> InlineKeyboardMarkup:
    """Under a daily push: « All signs · ⚙️ Settings (built once per language: read-only)."""
    return _push_keyboard(
        strings.locale, strings.get("all-signs"), strings.get("push-open-settings")
    )
