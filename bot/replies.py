"""Showing things to a user without ever letting a Telegram quirk escape as an error."""

from __future__ import annotations

import structlog
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

log = structlog.get_logger(__name__)


async def answer_callback(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner. Too late or answered twice: nothing to do."""
    try:
        await query.answer(text)
    except TelegramBadRequest as error:
        log.info("telegram.callback_answer_failed", error=error.message)


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the tapped message with ``text``; send a new message when it can't be edited."""
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return
            log.info("telegram.edit_failed", error=error.message)
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)  # type: ignore[union-attr]
