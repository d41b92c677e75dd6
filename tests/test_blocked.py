"""A user who blocked the bot: Telegram's 403 for their chat sets ``users.blocked`` at once
(a request middleware on the Bot session, bot/blocked.py); a user who writes again is
unblocked. The production BotApp against the Bot API stand-in, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotApp
from db import repositories
from services.users import UserService
from tests.conftest import fixed_clock
from tests.standins.telegram import ApiCall, FakeTelegram
from tests.test_bot_e2e import sent, settled

StartBot = Callable[..., Awaitable[BotApp]]
BLOCKER, OTHER = 501, 502


async def blocked(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> bool | None:
    async with sessionmaker() as session:
        row = await repositories.get_user(session, user_id)
    return None if row is None else row.blocked


async def seed(sessionmaker: async_sessionmaker[AsyncSession], *user_ids: int) -> None:
    now = fixed_clock().now()
    async with sessionmaker() as session, session.begin():
        await repositories.record_activity(
            session, [repositories.Activity(u, now, now, "en", None) for u in user_ids], now
        )


def to_blocker(call: ApiCall) -> bool:
    return call.method == "sendMessage" and call.params["chat_id"] == BLOCKER


async def test_a_403_for_a_users_chat_marks_them_blocked_at_once(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessionmaker, BLOCKER, OTHER)
    app = await start_bot()
    await settled(app)
    fake_telegram.blocked_users.add(BLOCKER)

    fake_telegram.send_text("/start", user_id=BLOCKER)
    refused = await fake_telegram.wait_for(to_blocker)
    assert not refused.ok and refused.error_code == 403
    # The 403 reached the handler, whose error handler's apology (sent after the flag was
    # written) is refused too.
    await fake_telegram.wait_for(lambda c: to_blocker(c) and c.seq > refused.seq)
    assert await blocked(sessionmaker, BLOCKER) is True
    fake_telegram.send_text("/start", user_id=OTHER)
    await fake_telegram.wait_for(lambda c: sent("sendMessage", OTHER)(c) and c.ok)
    assert await blocked(sessionmaker, OTHER) is False
    assert (await app.services.users.get(BLOCKER)).blocked  # the cache agrees


async def test_a_blocked_user_who_writes_again_is_unblocked(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessionmaker, BLOCKER)
    users = UserService(sessionmaker, fixed_clock())
    assert await users.set_blocked(BLOCKER, True) is True
    assert await users.set_blocked(BLOCKER, True) is False  # already so: nothing written
    assert await users.set_blocked(999, True) is False  # never stored: no row is created
    assert await blocked(sessionmaker, 999) is None

    fresh = UserService(sessionmaker, fixed_clock())  # another process reads the flag
    assert (await fresh.get(BLOCKER)).blocked
    await fresh.touch(BLOCKER, "en")  # an update from them: written at once, not batched
    assert await blocked(sessionmaker, BLOCKER) is False
    assert not (await fresh.get(BLOCKER)).blocked
    assert fresh.pending == 1  # the usual last-seen write, still batched
