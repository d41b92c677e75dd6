"""What the bot keeps about a user, in the user's hands: /language, /settings, /forget.

The services do the work: ``LocaleManager.set_locale`` writes the choice (``UserService.
set_language``, at once), ``UserService.forget`` deletes. ``user_state`` comes from
``UsersMiddleware`` (None if the database could not be read for a user seen the first time).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext

from bot.alerts import sign_label
from bot.callbacks import (
    ForgetAction,
    ForgetCallback,
    LanguageCallback,
    OpenSettings,
    SettingsAction,
    SettingsCallback,
)
from bot.i18n import format_day_month
from bot.keyboards import (
    forget_keyboard,
    languages_keyboard,
    native_name,
    settings_keyboard,
    signs_keyboard,
    start_keyboard,
)
from bot.replies import answer_callback, show
from services.config import shipped_languages
from services.runtime import Services
from services.subscriptions import Subscription
from services.users import UserService, UserState
from services.zodiac import ZodiacSign


def user_sign(state: UserState | None) -> ZodiacSign | None:
    """The sign the user tapped last, if any (and still a sign)."""
    if state is None or state.sign is None:
        return None
    try:
        return ZodiacSign(state.sign)
    except ValueError:
        return None


def settings_text(
    i18n: I18nContext, state: UserState | None, subscription: Subscription | None = None
) -> str:
    """One line per setting under the title, then the daily push's."""
    language = native_name(i18n.locale)
    if state is None or state.language is None:
        language = i18n.get("settings-language-auto", language=language)
    sign = user_sign(state)
    sign_text = sign_label(sign, i18n.locale) if sign is not None else i18n.get("settings-no-sign")
    lines = [
        i18n.get("settings-title"),
        i18n.get("settings-language", language=language),
        i18n.get("settings-sign", sign=sign_text),
        push_line(i18n, subscription),
    ]
    return "\n".join(lines)


def push_line(i18n: I18nContext, subscription: Subscription | None) -> str:
    """``🔔 Every morning: ♌ Leo at 07:30 (Asia/Yekaterinburg)``, paused or off."""
    if subscription is None or subscription.state == "stopped":
        return i18n.get("push-settings-off")
    args = {
        "sign": sign_label(ZodiacSign(subscription.sign), i18n.locale),
        "time": subscription.push_time.strftime("%H:%M"),
        "zone": subscription.timezone,
    }
    if subscription.state == "paused":
        if subscription.paused_until is None:
            return i18n.get("push-settings-paused-forever", **args)
        until = format_day_month(subscription.paused_until, i18n.locale)
        return i18n.get("push-settings-paused", date=until, **args)
    return i18n.get("push-settings-on", **args)


async def settings_view(
    i18n: I18nContext, state: UserState | None, services: Services, user_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """/settings' text and buttons; reads the user's subscription (one query: rare)."""
    subscription = await services.subscriptions.get(user_id)
    return settings_text(i18n, state, subscription), settings_keyboard(i18n, subscription)


async def language_menu(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("choose-language"), reply_markup=languages_keyboard(i18n.locale))


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageCallback,
    i18n: I18nContext,
    user_state: UserState | None = None,
) -> None:
    await answer_callback(query)
    await i18n.set_locale(callback_data.code)  # written before it is believed; i18n switches
    text = f"{i18n.get('language-chosen', language=native_name(i18n.locale))}\n\n"
    text += i18n.get("choose-sign")
    await show(query, text, start_keyboard(i18n, user_sign(user_state)))


async def settings(
    message: Message, i18n: I18nContext, services: Services, user_state: UserState | None = None
) -> None:
    assert message.from_user is not None
    text, markup = await settings_view(i18n, user_state, services, message.from_user.id)
    await message.answer(text, reply_markup=markup)


async def open_settings(
    query: CallbackQuery,
    i18n: I18nContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    """ "⚙️ Settings" under a message (the push, the subscription's confirmation)."""
    await answer_callback(query)
    text, markup = await settings_view(i18n, user_state, services, query.from_user.id)
    await show(query, text, markup)


async def change_setting(
    query: CallbackQuery, callback_data: SettingsCallback, i18n: I18nContext
) -> None:
    await answer_callback(query)
    if callback_data.action is SettingsAction.LANGUAGE:
        await show(query, i18n.get("choose-language"), languages_keyboard(i18n.locale))
    else:
        await show(query, i18n.get("choose-sign"), signs_keyboard(i18n.locale))


async def forget_ask(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("forget-confirm"), reply_markup=forget_keyboard(i18n))


async def forget_answer(
    query: CallbackQuery, callback_data: ForgetCallback, i18n: I18nContext, users: UserService
) -> None:
    await answer_callback(query)
    if callback_data.action is ForgetAction.CONFIRM:
        await users.forget(query.from_user.id)
        await show(query, i18n.get("forget-done"))
    else:
        await show(query, i18n.get("forget-cancelled"))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="users")
    router.message.register(language_menu, Command("language"))
    router.message.register(settings, Command("settings"))
    router.message.register(forget_ask, Command("forget"))
    # Forged or outdated language codes fall through to the fallback router's "out of date".
    shipped = shipped_languages()
    router.callback_query.register(choose_language, LanguageCallback.filter(F.code.in_(shipped)))
    router.callback_query.register(change_setting, SettingsCallback.filter())
    router.callback_query.register(open_settings, OpenSettings.filter())
    router.callback_query.register(forget_answer, ForgetCallback.filter())
    return router
