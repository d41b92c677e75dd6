"""/start, /horoscope, /help and the "all signs" button."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext

from bot.callbacks import MenuCallback
from bot.keyboards import signs_keyboard
from bot.replies import answer_callback, show
from services.config import Settings


async def start(message: Message, i18n: I18nContext) -> None:
    name = html.escape(message.from_user.first_name if message.from_user else "")
    await message.answer(
        f"{i18n.get('greeting', name=name)}\n\n{i18n.get('choose-sign')}",
        reply_markup=signs_keyboard(i18n.locale),
    )


async def choose(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("choose-sign"), reply_markup=signs_keyboard(i18n.locale))


async def help_(message: Message, i18n: I18nContext, settings: Settings) -> None:
    await message.answer(i18n.get("help", tz=html.escape(settings.timezone)))


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
