"""Cold taps never hold up warm ones: the real BotApp, polling the Bot API stand-in (and in
webhook mode, the test playing Telegram's side), the LLM stand-in held by a gate the test
opens. Nothing here waits on time: every step waits for a call the stand-ins recorded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotApp
from bot.callbacks import MenuCallback, PushStart, SignCallback
from db.models import HoroscopeView
from services.clock import Clock
from services.config import Settings
from services.zodiac import ZodiacSign
from tests.standins.openai_api import FakeOpenAI
from tests.standins.telegram import ApiCall, FakeTelegram
from tests.test_bot_e2e import Now, next_day_cold, settled
from tests.test_production import SECRET, accept_http_webhooks, deliver, free_port

StartBot = Callable[..., Awaitable[BotApp]]
Flush = Callable[[], Awaitable[None]]  # hands the queued updates to the bot (webhook mode)
LEO = SignCallback(sign=ZodiacSign.LEO).pack()
ARIES = SignCallback(sign=ZodiacSign.ARIES).pack()
WARMUP, WARM = 500, 501
COLD = list(range(600, 630))  # 30 users tapping the cold sign


async def nothing() -> None:
    return None


def edit_in(user: int, marker: str) -> Callable[[ApiCall], bool]:
    return lambda c: (
        c.method == "editMessageText"
        and c.ok
        and c.params["chat_id"] == user
        and marker in c.params["text"]
    )


def edits_in(users: Iterable[int], marker: str) -> Callable[[ApiCall], bool]:
    chats = set(users)
    return lambda c: (
        c.method == "editMessageText"
        and c.ok
        and c.params["chat_id"] in chats
        and marker in c.params["text"]
    )


def buttons(tg: FakeTelegram, user: int, message_id: int) -> list[str]:
    rows = tg.messages[(user, message_id)].get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


async def open_menus(tg: FakeTelegram, users: list[int], flush: Flush) -> dict[int, int]:
    """/start from each user; user -> the id of their message with the sign buttons."""
    for user in users:
        tg.send_text("/start", user_id=user)
    await flush()
    chats = set(users)
    calls = await tg.wait_for_count(
        lambda c: c.method == "sendMessage" and c.ok and c.params["chat_id"] in chats, len(users)
    )
    return {c.params["chat_id"]: int(c.result["message_id"]) for c in calls}


async def viewed(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(HoroscopeView.zodiac_sign, func.sum(HoroscopeView.view_count)).group_by(
                HoroscopeView.zodiac_sign
            )
        )
        return {sign: int(count) for sign, count in rows}


async def start_with_llm(
    start_bot: StartBot, llm: FakeOpenAI, **overrides: Any
) -> tuple[BotApp, Now]:
    """The bot polling, writing with the LLM stand-in, views written only at the stop."""
    now = Now(datetime(2026, 6, 15, 9, 0, tzinfo=UTC))
    app = await start_bot(
        clock=Clock("Europe/Moscow", now),
        openai_api_key="sk-test",
        openai_base_url=llm.base_url,
        view_flush_seconds=3600,
        **overrides,
    )
    return app, now


async def tap_cold(
    app: BotApp, tg: FakeTelegram, llm: FakeOpenAI, now: Now, users: list[int]
) -> dict[int, int]:
    """Midnight passes; each user taps Leo (cold) while the LLM is held. user -> message id."""
    await next_day_cold(app, now)
    menus = await open_menus(tg, users, nothing)
    llm.gate = asyncio.Event()
    for user in users:
        tg.tap(menus[user], LEO, user_id=user)
    return menus


async def warm_behind_cold(
    app: BotApp, tg: FakeTelegram, llm: FakeOpenAI, now: Now, flush: Flush
) -> None:
    """Midnight passes; Aries is made warm; 30 users tap Leo (cold) while the LLM is held;
    then one more user taps Aries: answered while all 30 still wait, before the LLM answers.
    Then the LLM answers and all 30 get Leo's horoscope."""
    await next_day_cold(app, now)  # every sign is cold
    menus = await open_menus(tg, [WARMUP, WARM, *COLD], flush)
    tg.tap(menus[WARMUP], ARIES, user_id=WARMUP)
    await flush()
    await tg.wait_for(edit_in(WARMUP, "Aries ·"))  # Aries is warm now

    llm.gate = asyncio.Event()
    calls = len(llm.calls)
    for user in COLD:
        tg.tap(menus[user], LEO, user_id=user)
    await flush()
    await llm.wait_calls(calls + 1)  # Leo's one generation is under way, held
    await tg.wait_for_count(edits_in(COLD, "⏳"), 10)  # as many as MAX_CONCURRENT_UPDATES

    tg.tap(menus[WARM], ARIES, user_id=WARM)
    await flush()
    await tg.wait_for(edit_in(WARM, "Aries ·"))
    assert llm.in_flight == {ZodiacSign.LEO: 1}  # Leo's one generation, still held
    assert not any(edits_in(COLD, "Leo ·")(c) for c in tg.calls)  # nobody got Leo yet
    preparing = await tg.wait_for_count(edits_in(COLD, "⏳"), len(COLD))
    assert len({c.params["chat_id"] for c in preparing}) == len(COLD)  # all 30 wait
    assert buttons(tg, WARM, menus[WARM]) == [PushStart().pack(), MenuCallback().pack()]

    llm.gate.set()
    shown = await tg.wait_for_count(edits_in(COLD, "Leo ·"), len(COLD))
    assert {c.params["chat_id"] for c in shown} == set(COLD)
    assert len(llm.calls) == calls + 1  # one generation for all 30


async def test_polling_a_warm_tap_is_answered_while_cold_taps_wait(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app, now = await start_with_llm(start_bot, fake_openai, max_concurrent_updates=10)
    await warm_behind_cold(app, fake_telegram, fake_openai, now, nothing)
    await app.stop()
    assert await viewed(sessionmaker) == {"aries": 2, "leo": len(COLD)}  # once per shown


@pytest.fixture
async def webhook_bot(
    fake_telegram: FakeTelegram, make_settings: Callable[..., Settings]
) -> AsyncIterator[Callable[..., Awaitable[tuple[BotApp, Flush]]]]:
    """The production BotApp in webhook mode; ``flush`` posts the queued updates to it the
    way Telegram does (tests/test_production.py plays Telegram's side the same way)."""
    accept_http_webhooks(fake_telegram)
    running: list[tuple[BotApp, asyncio.Task[None]]] = []
    http = aiohttp.ClientSession()

    async def start(clock: Clock, **overrides: Any) -> tuple[BotApp, Flush]:
        port = free_port()
        settings = make_settings(
            telegram_api_url=fake_telegram.base_url,
            bot_mode="webhook",
            webhook_url="https://bot.example.com",
            webhook_secret=SECRET,
            web_host="127.0.0.1",
            web_port=port,
            **overrides,
        )
        app = BotApp(settings, clock=clock)
        running.append((app, asyncio.create_task(app.run(handle_signals=False))))
        await fake_telegram.wait_for("setWebhook")

        async def flush() -> None:
            statuses = await deliver(
                http, fake_telegram, f"http://127.0.0.1:{port}/webhook", SECRET
            )
            assert set(statuses) <= {200}

        return app, flush

    yield start
    for app, task in running:
        await app.stop()
        await task
    await http.close()


async def test_webhook_a_warm_tap_is_answered_while_cold_taps_wait(
    webhook_bot: Callable[..., Awaitable[tuple[BotApp, Flush]]],
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = Now(datetime(2026, 6, 15, 9, 0, tzinfo=UTC))
    app, flush = await webhook_bot(
        Clock("Europe/Moscow", now),
        openai_api_key="sk-test",
        openai_base_url=fake_openai.base_url,
        view_flush_seconds=3600,
    )
    # The start-up fill's twelve LLM calls: the listener started right after the fill did.
    await fake_openai.wait_calls(12)
    await settled(app)
    await warm_behind_cold(app, fake_telegram, fake_openai, now, flush)
    await app.stop()
    assert await viewed(sessionmaker) == {"aries": 2, "leo": len(COLD)}


async def test_past_the_bound_a_cold_tap_is_told_busy_with_a_retry_button(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    port = free_port()
    app, now = await start_with_llm(
        start_bot, fake_openai, max_cold_taps=5, web_host="127.0.0.1", web_port=port
    )
    users = COLD[:8]
    menus = await tap_cold(app, fake_telegram, fake_openai, now, users)
    assert fake_openai.gate is not None
    busy = await fake_telegram.wait_for_count(edits_in(users, "again in a minute"), 3)
    preparing = await fake_telegram.wait_for_count(edits_in(users, "⏳"), 5)
    told_busy = {c.params["chat_id"] for c in busy}
    assert len(told_busy) == 3 and told_busy.isdisjoint(c.params["chat_id"] for c in preparing)
    for user in told_busy:
        assert buttons(fake_telegram, user, menus[user]) == [LEO, MenuCallback().pack()]
    assert not any(edits_in(users, "Leo ·")(c) for c in fake_telegram.calls)  # all still wait
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        metrics = await response.text()
    assert "zodiac_cold_taps_waiting 5.0" in metrics
    assert "zodiac_cold_taps_refused_total 3.0" in metrics

    fake_openai.gate.set()
    shown = await fake_telegram.wait_for_count(edits_in(users, "Leo ·"), 5)
    assert {c.params["chat_id"] for c in shown}.isdisjoint(told_busy)
    again = min(told_busy)
    fake_telegram.tap(menus[again], LEO, user_id=again)  # "try again": warm by now
    await fake_telegram.wait_for(edit_in(again, "Leo ·"))
    await app.stop()
    assert await viewed(sessionmaker) == {"leo": 6}


async def test_a_stop_tells_waiting_cold_taps_to_try_again(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # The LLM is held: nothing finishes within a grace of 0 s.
    app, now = await start_with_llm(start_bot, fake_openai, shutdown_grace_seconds=0)
    users = COLD[:3]
    menus = await tap_cold(app, fake_telegram, fake_openai, now, users)
    await fake_telegram.wait_for_count(edits_in(users, "⏳"), 3)
    await app.stop()  # returns once the bot session is closed
    for user in users:
        message = fake_telegram.messages[(user, menus[user])]
        assert "restarting" in message["text"] and "Leo" in message["text"]
        assert buttons(fake_telegram, user, menus[user]) == [LEO, MenuCallback().pack()]
    assert fake_openai.in_flight == {}  # the held generation was cancelled with the stop
    assert await viewed(sessionmaker) == {}
