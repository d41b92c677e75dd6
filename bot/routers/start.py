"""/start, /horoscope, /help and the "all signs" button."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MenuCallback
from bot.keyboards import signs_keyboard
from bot.replies import answer_callback, show
from bot.texts import Texts
from services.config import Settings


async def start(message: Message, texts: Texts, language: str) -> None:
    name = html.escape(message.from_user.first_name if message.from_user else "")
    await message.answer(
        f"{texts.greeting.format(name=name)}\n\n{texts.choose_sign}",
        reply_markup=signs_keyboard(language),
    )


async def choose(message: Message, texts: Texts, language: str) -> None:
    await message.answer(texts.choose_sign, reply_markup=signs_keyboard(language))


async def help_(message: Message, texts: Texts, settings: Settings) -> None:
    when = settings.generation_time.strftime("%H:%M")
    await message.answer(texts.help.format(time=when, tz=html.escape(settings.timezone)))


async def menu(query: CallbackQuery, texts: Texts, language: str) -> None:
    await answer_callback(query)
    await show(query, texts.choose_sign, signs_keyboard(language))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(choose, Command("horoscope"))
    router.message.register(help_, Command("help"))
    router.callback_query.register(menu, MenuCallback.filter())
    return router
