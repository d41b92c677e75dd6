"""The production bot (polling) over real HTTP against the Bot API and LLM stand-ins."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotApp
from bot.callbacks import MenuCallback, PushStart, SignCallback
from db import repositories
from db.models import HoroscopeView
from services.clock import Clock
from services.zodiac import ZODIAC_SIGNS, ZodiacSign
from tests.conftest import NOON
from tests.standins.openai_api import FakeOpenAI, Reply
from tests.standins.telegram import ApiCall, FakeTelegram

StartBot = Callable[..., Awaitable[BotApp]]
USER = 1001
ADMIN = 42


def sent(method: str, chat: int = USER) -> Callable[[ApiCall], bool]:
    return lambda c: c.method == method and c.ok and c.params["chat_id"] == chat


async def open_menu(tg: FakeTelegram, user: int = USER) -> int:
    """/start, and the id of the message with the sign buttons."""
    before = sum(1 for c in tg.calls if sent("sendMessage", user)(c))
    tg.send_text("/start", user_id=user)
    calls = await tg.wait_for_count(sent("sendMessage", user), before + 1)
    return int(calls[-1].result["message_id"])


async def back_to_menu(tg: FakeTelegram, message_id: int) -> None:
    query_id = tg.tap(message_id, MenuCallback().pack())
    await tg.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.ok
            and "Choose" in c.params["text"]
            and c.seq > tg.answered_callbacks[query_id].seq
        )
    )


def buttons(tg: FakeTelegram, message_id: int, chat: int = USER) -> list[str]:
    rows = tg.messages[(chat, message_id)].get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


async def tap_and_wait(tg: FakeTelegram, message_id: int, data: str, user: int = USER) -> ApiCall:
    """Tap a button; return the edit that shows the final (non-"preparing") text."""
    query_id = tg.tap(message_id, data, user_id=user)
    await tg.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id
    )
    return await tg.wait_for(
        lambda c: (
            c.method in ("editMessageText", "sendMessage")
            and c.params["chat_id"] == user
            and c.seq > tg.answered_callbacks[query_id].seq
            and "⏳" not in c.params["text"]
        )
    )


@pytest.mark.date_sensitive
async def test_start_and_every_sign(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_bot()
    menu = await open_menu(fake_telegram)
    greeting = fake_telegram.messages[(USER, menu)]
    assert "Choose your zodiac sign" in greeting["text"]
    assert buttons(fake_telegram, menu) == [SignCallback(sign=s).pack() for s in ZodiacSign]
    labels = [b["text"] for row in greeting["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0] == "♈ Aries" and labels[-1] == "♓ Pisces"

    today = app.services.cache.today()
    for sign in ZodiacSign:
        query_id = fake_telegram.tap(menu, SignCallback(sign=sign).pack())
        shown = await fake_telegram.wait_for(
            lambda c, s=sign: (
                c.method == "editMessageText"
                and c.ok
                and ZODIAC_SIGNS[s].name("en") in c.params["text"]
                and "⏳" not in c.params["text"]
            )
        )
        answer = fake_telegram.answered_callbacks[query_id]
        # The callback query is answered before anything else happens for that tap.
        tap_calls = [c for c in fake_telegram.calls if c.seq >= answer.seq and c.seq <= shown.seq]
        assert tap_calls[0] is answer
        async with sessionmaker() as session:
            stored = await repositories.get_content(session, sign, today, "en")
        assert stored is not None
        message = fake_telegram.messages[(USER, menu)]
        assert message["text"].endswith(stored)
        assert buttons(fake_telegram, menu) == [PushStart().pack(), MenuCallback().pack()]
        await back_to_menu(fake_telegram, menu)  # for the next sign
    commands = [c["command"] for c in fake_telegram.commands_for()]
    assert commands == [
        "start",
        "horoscope",
        "subscribe",
        "stop",
        "language",
        "settings",
        "help",
        "forget",
    ]


class Now:
    """A clock a test can move: starts at ``at`` (UTC)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def settled(app: BotApp) -> None:
    """Wait for the start-up fill of today's horoscopes to finish."""
    await asyncio.gather(*(t for t in app.services.background if t.get_name() == "startup-fill"))


async def next_day_cold(app: BotApp, now: Now) -> None:
    """Midnight passes: every sign is cold until generated again."""
    await settled(app)
    now.at += timedelta(days=1)


async def start_cold(
    start_bot: StartBot, tg: FakeTelegram, llm: FakeOpenAI, **overrides: Any
) -> tuple[BotApp, int]:
    """A bot with the LLM stand-in, the menu open, just after midnight: every sign is cold."""
    now = Now(NOON)
    app = await start_bot(
        clock=Clock("Europe/Moscow", now),
        openai_api_key="sk-test",
        openai_base_url=llm.base_url,
        **overrides,
    )
    menu = await open_menu(tg)
    await next_day_cold(app, now)
    return app, menu


@pytest.mark.date_sensitive
async def test_cold_tap_shows_preparing_then_the_text(
    start_bot: StartBot, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    _, menu = await start_cold(start_bot, fake_telegram, fake_openai)
    fake_openai.gate = asyncio.Event()
    fake_openai.default = Reply(content="A clear and kind day. Trust it.")
    calls_before = len(fake_openai.calls)
    query_id = fake_telegram.tap(menu, SignCallback(sign=ZodiacSign.LEO).pack())
    preparing = await fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and "⏳" in c.params["text"]
    )
    assert fake_telegram.answered_callbacks[query_id].seq < preparing.seq
    assert "Leo" in preparing.params["text"]
    fake_openai.gate.set()
    shown = await fake_telegram.wait_for(
        lambda c: (
            c.method == "editMessageText" and c.ok and "A clear and kind day" in c.params["text"]
        )
    )
    assert "16 June 2026" not in shown.params["text"] and "June 16, 2026" in shown.params["text"]
    assert len(fake_openai.calls) == calls_before + 1


async def test_llm_down_apology_then_try_again_works(
    start_bot: StartBot, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    _, menu = await start_cold(
        start_bot, fake_telegram, fake_openai, on_demand_retry_delays="0.01,0.01"
    )
    fake_openai.default = Reply(status=502)
    before = len(fake_openai.calls)
    apology = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.ARIES).pack())
    assert "couldn't write the horoscope for Aries" in apology.params["text"]
    assert len(fake_openai.calls) == before + 3  # 1 + one per delay
    assert buttons(fake_telegram, menu) == [
        SignCallback(sign=ZodiacSign.ARIES).pack(),
        MenuCallback().pack(),
    ]
    fake_openai.default = Reply(content="The stars are back on duty.")
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.ARIES).pack())
    assert "The stars are back on duty." in shown.params["text"]


async def test_hostile_and_huge_llm_output_reaches_the_user_readably(
    start_bot: StartBot, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    _, menu = await start_cold(start_bot, fake_telegram, fake_openai)
    fake_openai.script.append(
        Reply(content="<b>unclosed & <script>x</script> 1 < 2 > 0 &amp; more.")
    )
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.CANCER).pack())
    assert shown.ok
    visible = fake_telegram.messages[(USER, menu)]["text"]
    assert visible.endswith("unclosed & x 1 < 2 > 0 &amp; more.")

    fake_openai.script.append(Reply(content="Luck follows the patient. " * 240))  # 6240 chars
    await back_to_menu(fake_telegram, menu)
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.TAURUS).pack())
    assert shown.ok
    assert len(fake_telegram.messages[(USER, menu)]["text"]) <= 4096


async def test_bad_input_gets_an_answer_and_the_bot_goes_on(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start_bot()
    menu = await open_menu(fake_telegram)
    # Forged and stale callback data: answered, and the menu comes back.
    for forged in ("sign:ophiuchus", "sign:", "garbage", "x" * 64):
        query_id = fake_telegram.tap(menu, forged, check_button=False)
        await fake_telegram.wait_for(
            lambda c, q=query_id: (
                c.method == "answerCallbackQuery" and c.params["callback_query_id"] == q
            )
        )
        assert "out of date" in fake_telegram.answered_callbacks[query_id].params["text"]
    # Unknown text and commands.
    for said in ("hello", "/nonsense", "/regen"):
        before = len(fake_telegram.calls_of("sendMessage"))
        fake_telegram.send_text(said)
        reply = (await fake_telegram.wait_for_count(sent("sendMessage"), before + 1))[-1]
        expected = "for administrators" if said == "/regen" else "I understand buttons"
        assert expected in reply.params["text"]
    # A message with no text at all (a sticker).
    fake_telegram.push_update(
        {
            "message": {
                "message_id": 999,
                "date": 0,
                "chat": {"id": USER, "type": "private"},
                "from": {"id": USER, "is_bot": False, "first_name": "U"},
                "sticker": {
                    "file_id": "x",
                    "file_unique_id": "y",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        }
    )
    before = len(fake_telegram.calls_of("sendMessage"))
    await fake_telegram.wait_for_count(sent("sendMessage"), before + 1)
    # Still alive and well.
    shown = await tap_and_wait(
        fake_telegram, await open_menu(fake_telegram), SignCallback(sign=ZodiacSign.LEO).pack()
    )
    assert "Leo" in shown.params["text"]


async def test_telegram_quirks_are_absorbed(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    app = await start_bot()
    await settled(app)
    menu = await open_menu(fake_telegram)
    leo = SignCallback(sign=ZodiacSign.LEO).pack()
    # A double tap: both land on the menu; the second edit is "message is not modified".
    fake_telegram.tap(menu, leo)
    fake_telegram.tap(menu, leo)
    edits = await fake_telegram.wait_for_count("editMessageText", 2)
    assert sorted(c.ok for c in edits) == [False, True]
    second = next(c for c in edits if not c.ok)
    assert "message is not modified" in (second.description or "")
    # A callback answered too late.
    fake_telegram.fail_next(
        "answerCallbackQuery",
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    fake_telegram.tap(menu, MenuCallback().pack(), check_button=False)
    await fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and c.ok and c.seq > second.seq
    )
    # Flood control: the edit is retried after retry_after.
    fake_telegram.fail_next(
        "editMessageText", 429, "Too Many Requests: retry after 1", retry_after=1
    )
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.VIRGO).pack())
    assert not shown.ok and shown.error_code == 429
    retried = await fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and c.ok and c.seq > shown.seq
    )
    assert "Virgo" in retried.params["text"]
    # A message that can no longer be edited: a new message is sent instead.
    fake_telegram.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    fake_telegram.tap(menu, MenuCallback().pack(), check_button=False)
    fresh = await fake_telegram.wait_for(lambda c: sent("sendMessage")(c) and c.seq > retried.seq)
    assert "Choose your zodiac sign" in fresh.params["text"]
    assert fresh.params["reply_markup"]["inline_keyboard"]


@pytest.mark.date_sensitive
async def test_regen_is_for_admins_and_replaces_all_twelve(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_bot(openai_api_key="sk-test", openai_base_url=fake_openai.base_url)
    await settled(app)
    today = app.services.cache.today()
    async with sessionmaker() as session:
        before = await repositories.get_day(session, today)
    assert len(before) == 12
    calls = len(fake_openai.calls)

    fake_telegram.send_text("/regen", user_id=USER)
    refused = await fake_telegram.wait_for(sent("sendMessage", USER))
    assert "for administrators only" in refused.params["text"]
    assert len(fake_openai.calls) == calls

    fake_telegram.send_text("/regen", user_id=ADMIN)
    done = await fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and "Done" in c.params.get("text", "")
    )
    assert "12 of 12" in done.params["text"]
    assert len(fake_openai.calls) == calls + 12
    async with sessionmaker() as session:
        after = await repositories.get_day(session, today)
    assert set(after) == set(before) and all(after[s] != before[s] for s in before)
    # memory too: a tap shows the new text
    menu = await open_menu(fake_telegram)
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.PISCES).pack())
    assert html.escape(after[("pisces", "en")], quote=False) in shown.params["text"]

    fake_telegram.send_text("/regen Лев", user_id=ADMIN)
    one = await fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and "1 of 1" in c.params.get("text", "")
    )
    assert one.ok and len(fake_openai.calls) == calls + 13
    fake_telegram.send_text("/regen ophiuchus", user_id=ADMIN)
    unknown = await fake_telegram.wait_for(
        lambda c: c.method == "sendMessage" and "Unknown sign" in c.params.get("text", "")
    )
    assert "ophiuchus" in unknown.params["text"]


@pytest.mark.date_sensitive
@pytest.mark.usefixtures("utc_host")
async def test_utc_host_at_2100_uses_the_moscow_date(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    instant = datetime(2026, 12, 31, 21, 0, 30, tzinfo=UTC)  # 00:00:30 on 1 January in Moscow
    app = await start_bot(clock=Clock("Europe/Moscow", lambda: instant))
    await settled(app)
    menu = await open_menu(fake_telegram)
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.CAPRICORN).pack())
    assert "January 1, 2027" in shown.params["text"]
    await app.stop()
    async with sessionmaker() as session:
        days = await repositories.get_day(session, datetime(2027, 1, 1).date())
        views = (
            await session.execute(select(HoroscopeView.view_date, HoroscopeView.view_count))
        ).all()
    assert len(days) == 12
    assert [(d.isoformat(), n) for d, n in views] == [("2027-01-01", 1)]


@pytest.mark.date_sensitive
async def test_k_taps_k_views_after_graceful_stop(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_bot(view_flush_seconds=3600)
    await settled(app)
    menu = await open_menu(fake_telegram)
    for _ in range(4):
        await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.LIBRA).pack())
        await back_to_menu(fake_telegram, menu)
    await app.stop()
    async with sessionmaker() as session:
        rows = (
            await session.execute(select(HoroscopeView.zodiac_sign, HoroscopeView.view_count))
        ).all()
    assert [tuple(r) for r in rows] == [("libra", 4)]


@pytest.mark.date_sensitive
async def test_russian_by_default_help_and_commands(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start_bot(default_language="ru", clock=Clock("Europe/Moscow", now=Now(NOON)))
    fake_telegram.send_text("/start")  # no language_code: the default language
    greeting = await fake_telegram.wait_for(sent("sendMessage"))
    assert "Выберите свой знак зодиака" in greeting.params["text"]
    labels = [b["text"] for row in greeting.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[:3] == ["♈ Овен", "♉ Телец", "♊ Близнецы"]
    assert [c["description"] for c in fake_telegram.commands_for()] == [
        "Начать",
        "Гороскоп на сегодня",
        "Гороскоп каждое утро",
        "Отключить утренний гороскоп",
        "Язык",
        "Настройки",
        "Помощь",
        "Удалить мои данные",
    ]
    fake_telegram.send_text("/help")
    help_ = await fake_telegram.wait_for(
        lambda c: c.method == "sendMessage" and "/horoscope" in c.params["text"]
    )
    assert "полночь (Europe/Moscow)" in help_.params["text"]
    menu = int(greeting.result["message_id"])
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.SCORPIO).pack())
    assert shown.params["text"].startswith("<b>♏ Скорпион · 15 июня 2026")  # fixed_clock()


async def test_each_user_is_answered_in_their_apps_language(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    """Acceptance 1 of issue 10 for the languages shipped: the app's language when shipped
    (the full tag, then its base), else DEFAULT_LANGUAGE, from the first /start."""
    await start_bot(default_language="ru")
    expected = {
        2001: ("en", "Choose your zodiac sign", "♈ Aries"),
        2002: ("ru", "Выберите свой знак зодиака", "♈ Овен"),
        2003: ("en-GB", "Choose your zodiac sign", "♈ Aries"),
        2004: ("fr", "Выберите свой знак зодиака", "♈ Овен"),
        2005: (None, "Выберите свой знак зодиака", "♈ Овен"),
    }
    for user, (code, _, _) in expected.items():
        fake_telegram.send_text("/start", user_id=user, language_code=code)
    for user, (code, greeting, first_button) in expected.items():
        reply = await fake_telegram.wait_for(sent("sendMessage", user))
        assert greeting in reply.params["text"], code
        rows = reply.params["reply_markup"]["inline_keyboard"]
        assert rows[0][0]["text"] == first_button, code
    # The same user whose app switches language is answered in the new one at once.
    before = len([c for c in fake_telegram.calls if sent("sendMessage", 2002)(c)])
    fake_telegram.send_text("/help", user_id=2002, language_code="en")
    [*_, help_] = await fake_telegram.wait_for_count(sent("sendMessage", 2002), before + 1)
    assert "How it works" in help_.params["text"]


@pytest.mark.date_sensitive
async def test_stats_for_admins(start_bot: StartBot, fake_telegram: FakeTelegram) -> None:
    app = await start_bot(view_flush_seconds=3600)
    await settled(app)
    fake_telegram.send_text("/stats", user_id=ADMIN)
    empty = await fake_telegram.wait_for(
        lambda c: sent("sendMessage", ADMIN)(c) and "Nobody" in c.params["text"]
    )
    assert empty.params["text"] == "Nobody has read a horoscope yet. Check back later!"
    menu = await open_menu(fake_telegram)
    for sign in (ZodiacSign.LEO, ZodiacSign.LEO, ZodiacSign.ARIES):
        await tap_and_wait(fake_telegram, menu, SignCallback(sign=sign).pack())
        await back_to_menu(fake_telegram, menu)
    fake_telegram.send_text("/stats", user_id=ADMIN)
    report = await fake_telegram.wait_for(sent("sendPhoto", ADMIN))
    caption = report.result["caption"]  # the taps not yet written are counted too
    assert "Today: 3 views (+3 vs yesterday)" in caption
    assert "Most read: ♌ Leo (2)" in caption


async def test_a_failing_handler_gets_an_apology_and_the_bot_goes_on(
    start_bot: StartBot, fake_telegram: FakeTelegram, database_url: str
) -> None:
    app = await start_bot()
    await settled(app)
    engine = app.services.engine
    async with engine.begin() as conn:  # the database loses a table
        await conn.execute(text("ALTER TABLE horoscope_views RENAME TO views_away"))
    try:
        fake_telegram.send_text("/stats", user_id=ADMIN)
        sorry = await fake_telegram.wait_for(
            lambda c: c.method == "sendMessage" and "Something went wrong" in c.params["text"]
        )
        assert sorry.params["chat_id"] == ADMIN
        menu = await open_menu(fake_telegram)
        shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.LEO).pack())
        assert "Leo" in shown.params["text"]
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("ALTER TABLE views_away RENAME TO horoscope_views"))


async def test_help_says_when_the_day_really_changes(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    """Issue 9, item 9: with GENERATION_TIME=06:30 the day still changes at midnight in
    TIMEZONE (a tap generates on demand); /help must not promise 06:30."""
    await start_bot(generation_time="06:30", timezone="Asia/Tokyo")
    fake_telegram.send_text("/help")
    help_ = await fake_telegram.wait_for(
        lambda c: c.method == "sendMessage" and "/horoscope" in c.params["text"]
    )
    assert "06:30" not in help_.params["text"]
    assert "midnight (Asia/Tokyo)" in help_.params["text"]
