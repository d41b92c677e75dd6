"""/start, /horoscope, /help and the "all signs" button."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext

from bot.callbacks import MenuCallback
from bot.keyboards import signs_keyboard, start_keyboard
from bot.replies import answer_callback, show
from bot.routers.users import user_sign
from services.config import Settings
from services.users import UserState


async def start(message: Message, i18n: I18nContext, user_state: UserState | None = None) -> None:
    """A returning user's sign comes first ("♌ Leo — today's horoscope"), the twelve below."""
    name = html.escape(message.from_user.first_name if message.from_user else "")
    await message.answer(
        f"{i18n.get('greeting', name=name)}\n\n{i18n.get('choose-sign')}",
        reply_markup=start_keyboard(i18n, user_sign(user_state)),
    )


async def choose(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("choose-sign"), reply_markup=signs_keyboard(i18n.locale))


async def help_(message: Message, i18n: I18nContext, settings: Settings) -> None:
    # The commands, then what is stored about the user, why, and how to delete it.
    parts = (
        i18n.get("help", tz=html.escape(settings.timezone)),
        i18n.get("help-push"),
        i18n.get("help-users"),
    )
    await message.answer("\n\n".join(parts))


async def menu(query: CallbackQuery, i18n: I18nContext) -> None:
    await answer_callback(query)
    await show(query, i18n.get("choose-sign"), signs_keyboard(i18n.locale))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(choose, Command("horoscope"))
    router.message.register(help_, Command("help"))
    router.callback_query.register(menu, MenuCallback.filter())
    return router
