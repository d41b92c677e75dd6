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


class OpenSettings(CallbackData, prefix="pset"):
    """⚙️ under a daily push: open the subscription's settings (handled by the /settings
    flow of the daily push; no fields, so the same button works in every message)."""
