"""Last router: anything no other router took gets a clear answer and the sign menu."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.keyboards import signs_keyboard
from bot.replies import answer_callback, show
from bot.texts import Texts


async def stale_button(query: CallbackQuery, texts: Texts, language: str) -> None:
    """Forged, outdated or unknown callback data."""
    await answer_callback(query, texts.stale_button)
    await show(query, texts.choose_sign, signs_keyboard(language))


async def unknown_input(message: Message, texts: Texts, language: str) -> None:
    await message.answer(texts.unknown_input, reply_markup=signs_keyboard(language))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="fallback")
    router.callback_query.register(stale_button)
    router.message.register(unknown_input)
    return router
