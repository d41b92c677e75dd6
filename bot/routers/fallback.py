"""Last router: anything no other router took gets a clear answer and the sign menu."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext

from bot.keyboards import signs_keyboard
from bot.replies import answer_callback, show


async def stale_button(query: CallbackQuery, i18n: I18nContext) -> None:
    """Forged, outdated or unknown callback data."""
    await answer_callback(query, i18n.get("stale-button"))
    await show(query, i18n.get("choose-sign"), signs_keyboard(i18n.locale))


async def unknown_input(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("unknown-input"), reply_markup=signs_keyboard(i18n.locale))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="fallback")
    router.callback_query.register(stale_button)
    router.message.register(unknown_input)
    return router
