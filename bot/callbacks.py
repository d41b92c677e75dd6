"""Callback data. Forged or stale data fails CallbackData validation and is answered by the
fallback router instead of reaching a handler."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from services.zodiac import ZodiacSign


class SignCallback(CallbackData, prefix="sign"):
    sign: ZodiacSign


class MenuCallback(CallbackData, prefix="menu"):
    pass


class StatsCallback(CallbackData, prefix="stats"):
    period: int  # 1 (today), 7 or 30; anything else is answered with the /stats usage


class LanguageCallback(CallbackData, prefix="lang"):
    code: str  # a shipped language; the router's filter sends anything else to the fallback


class SettingsAction(StrEnum):
    LANGUAGE = "language"
    SIGN = "sign"


class SettingsCallback(CallbackData, prefix="settings"):
    action: SettingsAction


class ForgetAction(StrEnum):
    CONFIRM = "yes"
    CANCEL = "no"


class ForgetCallback(CallbackData, prefix="forget"):
    action: ForgetAction


# -- the daily push (bot/routers/subscribe.py) --------------------------------------------


class OpenSettings(CallbackData, prefix="cfg"):
    """ "⚙️ Settings" under a message (the push, the subscription's confirmation): /settings."""


class PushMode(StrEnum):
    """What a step of the flow is for: the whole flow (/subscribe, "🔔 Every morning"), or
    one part of a subscription changed from /settings."""

    NEW = "n"
    SIGN = "s"
    TIME = "t"
    ZONE = "z"


class PushStart(CallbackData, prefix="push"):
    """ "🔔 Every morning": the flow's first step."""


class PushSign(CallbackData, prefix="pus"):
    mode: PushMode
    sign: ZodiacSign


class PushTime(CallbackData, prefix="put"):
    mode: PushMode
    sign: ZodiacSign | None = None
    at: str = ""  # "0730"; empty: "another time" (typed)


class PushZone(CallbackData, prefix="puz"):
    """A zone picked: ``z<index>`` (services/places: all_common_zones), ``g<geonameid>`` (a
    city), or ``loc`` (ask for the location)."""

    mode: PushMode
    sign: ZodiacSign | None = None
    at: str = ""
    zone: str


class PushStep(StrEnum):
    SIGN = "sign"
    TIME = "time"
    ZONE = "zone"
    MENU = "menu"  # leave the flow: the twelve signs
    SETTINGS = "cfg"  # leave the flow: /settings


class PushBack(CallbackData, prefix="pub"):
    """« Back: to the step named (with what was chosen before it)."""

    mode: PushMode
    to: PushStep
    sign: ZodiacSign | None = None
    at: str = ""


class PushAction(StrEnum):
    SIGN = "sign"
    TIME = "time"
    ZONE = "zone"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


class PushSettings(CallbackData, prefix="pset"):
    action: PushAction


class PushPause(CallbackData, prefix="ppause"):
    days: int  # 1, 3 or 7; 0: until resumed
