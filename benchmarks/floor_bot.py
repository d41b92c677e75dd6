"""The framework floor: a bare aiogram bot that answers every tap with a constant text.

It does for a tap exactly what any correct bot must do and nothing else: answer the callback
query (or the button keeps spinning) and edit the tapped message — the same two Bot API calls
the production bot makes on a warm cache, through the same session (aiohttp, a custom Bot API
server, HTML parse mode) and the same polling loop (``tasks_concurrency_limit=100``). The text
is as long as a typical horoscope so both send the same number of bytes.

    BOT_TOKEN=... TELEGRAM_API_URL=http://127.0.0.1:PORT python -m benchmarks.floor_bot
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, Message

TEXT = "<b>♌ Лев · 29 ноября 2026</b>\n\n" + (
    "Сегодня звёзды советуют не торопиться: спокойный шаг приведёт дальше рывка. " * 10
)


async def on_tap(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(TEXT)


async def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(
        os.environ["BOT_TOKEN"],
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    dp = Dispatcher()
    dp.callback_query.register(on_tap)
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(
        bot,
        allowed_updates=dp.resolve_used_update_types(),
        tasks_concurrency_limit=100,
        handle_signals=True,
        close_bot_session=True,
    )


if __name__ == "__main__":
    asyncio.run(main())
