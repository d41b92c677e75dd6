"""Admin commands: /regen [sign] and /stats. Anyone else is told they are for admins."""

from __future__ import annotations

import html
import time

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import format_day
from bot.texts import Texts
from services.horoscope_cache import HoroscopeCacheService, SignResult
from services.scheduler import generate_daily_horoscopes
from services.stats import load_view_stats
from services.zodiac import ZODIAC_SIGNS, ZodiacSign, parse_sign

router = Router(name="admin")

PROGRESS_EDIT_INTERVAL = 2.0  # seconds between progress edits: stay clear of flood limits


class IsAdmin(Filter):
    async def __call__(self, message: Message, admin_ids: frozenset[int]) -> bool:
        return message.from_user is not None and message.from_user.id in admin_ids


async def regen(
    message: Message,
    command: CommandObject,
    cache: HoroscopeCacheService,
    texts: Texts,
    language: str,
) -> None:
    signs = list(ZodiacSign)
    if command.args:
        sign = parse_sign(command.args)
        if sign is None:
            await message.answer(
                texts.regen_unknown_sign.format(sign=html.escape(command.args[:64]))
            )
            return
        signs = [sign]
    day = cache.today()
    when = format_day(day, texts, language)
    status = await message.answer(texts.regen_started.format(date=when, count=len(signs)))
    done = 0
    last_edit = time.monotonic()

    async def progress(_: SignResult) -> None:
        nonlocal done, last_edit
        done += 1
        if done < len(signs) and time.monotonic() - last_edit >= PROGRESS_EDIT_INTERVAL:
            last_edit = time.monotonic()
            await _edit(status, texts.regen_progress.format(date=when, done=done, count=len(signs)))

    report = await generate_daily_horoscopes(
        cache,
        day=day,
        signs=signs,
        force=True,
        retry_delays=cache.on_demand_retry_delays,
        cleanup=False,
        exclusive=False,  # an admin's request is not skipped while the job runs elsewhere
        progress=progress,
    )
    summary = texts.regen_done.format(
        seconds=f"{report.seconds:.1f}", generated=len(report.generated), count=len(signs)
    )
    if report.failed:
        names = ", ".join(ZODIAC_SIGNS[s].name(language) for s in report.failed)
        summary += texts.regen_failed_line.format(signs=names)
    await _edit(status, summary)


async def stats(
    message: Message,
    cache: HoroscopeCacheService,
    session: AsyncSession,
    texts: Texts,
    language: str,
) -> None:
    await cache.views.flush()  # include the taps not yet written
    data = await load_view_stats(session, cache.today())
    if not data.per_sign_30d:
        await message.answer(texts.stats_empty)
        return
    lines = [texts.stats_title.format(date=format_day(data.today, texts, language)), ""]
    for sign, info in ZODIAC_SIGNS.items():
        lines.append(
            texts.stats_line.format(
                emoji=info.emoji,
                name=info.name(language),
                today=data.per_sign_today.get(sign, 0),
                week=data.per_sign_7d.get(sign, 0),
                month=data.per_sign_30d.get(sign, 0),
            )
        )
    lines += [
        "",
        texts.stats_total.format(
            today=data.total_today,
            week=sum(data.per_sign_7d.values()),
            month=sum(data.per_sign_30d.values()),
        ),
    ]
    await message.answer("\n".join(lines))


async def not_admin(message: Message, texts: Texts) -> None:
    await message.answer(texts.admin_only)


async def _edit(status: Message, text: str) -> None:
    try:
        await status.edit_text(text)
    except TelegramBadRequest:
        await status.answer(text)


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="admin")
    router.message.register(regen, Command("regen"), IsAdmin())
    router.message.register(stats, Command("stats"), IsAdmin())
    router.message.register(not_admin, Command("regen", "stats"))
    return router
