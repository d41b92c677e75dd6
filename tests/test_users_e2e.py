"""Users through the production bot (polling, real HTTP to the Bot API stand-in) on both
databases: no SQL on a known user's warm tap, the last sign offered first, /language,
/settings, /forget."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.common import StatementCounter
from bot.app import BotApp
from bot.callbacks import (
    ForgetAction,
    ForgetCallback,
    LanguageCallback,
    SettingsAction,
    SettingsCallback,
    SignCallback,
)
from bot.keyboards import native_name
from db import repositories
from db.models import ForgottenUser, User
from services.clock import Clock
from services.config import Settings, shipped_languages
from services.users import UserService
from services.zodiac import ZodiacSign
from tests.conftest import NOON
from tests.standins.telegram import ApiCall, FakeTelegram
from tests.test_bot_e2e import (
    USER,
    Now,
    StartBot,
    back_to_menu,
    buttons,
    sent,
    settled,
    tap_and_wait,
)

LEO = SignCallback(sign=ZodiacSign.LEO).pack()
QUIET = {"view_flush_seconds": 3600, "cache_refresh_seconds": 3600}  # no background SQL


async def say(tg: FakeTelegram, text: str, user: int = USER, **kwargs: Any) -> ApiCall:
    """Send ``text``; return the bot's next sendMessage to that user."""
    before = sum(1 for c in tg.calls if sent("sendMessage", user)(c))
    tg.send_text(text, user_id=user, **kwargs)
    calls = await tg.wait_for_count(sent("sendMessage", user), before + 1)
    return calls[-1]


def message_id(call: ApiCall) -> int:
    return int(call.result["message_id"])


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC, PostgreSQL an aware time in the session's zone."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def labels(call: ApiCall) -> list[str]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


async def user_row(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int = USER
) -> User | None:
    async with sessionmaker() as session:
        return await session.get(User, user_id)


class Bots:
    """BotApps this test runs itself, so it can wait for one to have stopped (its final
    flush done, its SQLite file let go) before it looks at the database or starts another."""

    def __init__(self, make_settings: Callable[..., Settings], tg: FakeTelegram) -> None:
        self._make_settings = make_settings
        self._tg = tg
        self.running: dict[BotApp, asyncio.Task[None]] = {}

    async def start(self, now: Now | None = None, **overrides: Any) -> BotApp:
        settings = self._make_settings(telegram_api_url=self._tg.base_url, **overrides)
        app = BotApp(settings, clock=Clock("Europe/Moscow", now or Now(NOON)))
        self.running[app] = asyncio.create_task(app.run(handle_signals=False))
        await self._tg.wait_until_polling()
        await settled(app)
        return app

    async def stop(self, app: BotApp) -> None:
        await app.stop()
        await self.running.pop(app)


@pytest.fixture
async def bots(
    make_settings: Callable[..., Settings], fake_telegram: FakeTelegram
) -> AsyncIterator[Bots]:
    bots = Bots(make_settings, fake_telegram)
    try:
        yield bots
    finally:
        for app in list(bots.running):
            with contextlib.suppress(RuntimeError):  # already stopping
                await bots.stop(app)


async def start_moscow(start_bot: StartBot, now: Now | None = None, **overrides: Any) -> BotApp:
    app = await start_bot(clock=Clock("Europe/Moscow", now or Now(NOON)), **overrides)
    await settled(app)
    return app


async def test_a_known_users_warm_tap_runs_no_sql_and_last_seen_is_written_on_stop(
    bots: Bots,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = Now(NOON)
    app = await bots.start(now, **QUIET)
    menu = message_id(await say(fake_telegram, "/start", language_code="en"))
    await tap_and_wait(fake_telegram, menu, LEO)  # the user is known to this process now
    assert app.services.users.reads == 1  # the one read, on first sight
    statements = StatementCounter(app.services.engine)
    now.at += timedelta(minutes=5)
    for sign in (ZodiacSign.VIRGO, ZodiacSign.LEO, ZodiacSign.ARIES, ZodiacSign.LEO):
        await back_to_menu(fake_telegram, menu)
        shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=sign).pack())
        assert sign.value.capitalize() in shown.params["text"]
    assert statements.count == 0
    assert app.services.users.reads == 1
    assert await user_row(sessionmaker) is None  # batched: nothing written yet
    await bots.stop(app)
    assert statements.count > 0  # the counter sees this engine: the final flush wrote
    row = await user_row(sessionmaker)
    assert row is not None
    assert (row.sign, row.detected_language, row.language) == ("leo", "en", None)
    assert utc(row.last_seen) == utc(now.at)
    assert utc(row.first_seen) == utc(NOON)


async def test_the_batched_write_lands_on_the_next_flush(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_moscow(start_bot, view_flush_seconds=0.1)
    menu = message_id(await say(fake_telegram, "/start", language_code="en-GB"))
    await tap_and_wait(fake_telegram, menu, LEO)
    # A round that was already writing when the tap landed may not hold it: the one after does.
    await app.services.users.next_round()
    await app.services.users.next_round()
    row = await user_row(sessionmaker)
    assert row is not None and (row.sign, row.detected_language) == ("leo", "en")


async def test_start_offers_a_returning_users_sign_first(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start_moscow(start_bot, default_language="ru")
    first = await say(fake_telegram, "/start", language_code="ru")
    assert labels(first)[0] == "♈ Овен" and len(labels(first)) == 12
    await tap_and_wait(fake_telegram, message_id(first), LEO)
    again = await say(fake_telegram, "/start")
    assert labels(again)[0] == "♌ Лев — гороскоп на сегодня"
    assert buttons(fake_telegram, message_id(again))[:2] == [
        LEO,
        SignCallback(sign=ZodiacSign.ARIES).pack(),
    ]
    assert len(labels(again)) == 13


async def test_language_choice_switches_everything_survives_a_restart_and_beats_the_app(
    bots: Bots,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await bots.start(default_language="ru")
    menu = await say(fake_telegram, "/language", language_code="ru")
    assert "Выберите, на каком языке" in menu.params["text"]
    # Each language by its own name, the current one marked.
    assert labels(menu) == [
        f"✓ {native_name(c)}" if c == "ru" else native_name(c) for c in shipped_languages()
    ]
    assert "English" in labels(menu) and "✓ Русский" in labels(menu)
    chosen = await tap_and_wait(fake_telegram, message_id(menu), LanguageCallback(code="en").pack())
    assert chosen.method == "editMessageText"  # answered in place, in the new language
    assert "Language set: English" in chosen.params["text"]
    assert "Choose your zodiac sign" in chosen.params["text"]
    row = await user_row(sessionmaker)
    assert row is not None and row.language == "en"  # written at once, not batched

    shown = await tap_and_wait(fake_telegram, message_id(menu), LEO)
    async with sessionmaker() as session:
        english = await repositories.get_content(
            session, ZodiacSign.LEO, app.services.cache.today(), "en"
        )
    assert english is not None and shown.params["text"].endswith(english)
    assert "Leo" in shown.params["text"] and "June 15, 2026" in shown.params["text"]
    help_ = await say(fake_telegram, "/help")
    assert "What I store about you" in help_.params["text"]
    settings = await say(fake_telegram, "/settings")
    assert "Language: English" in settings.params["text"]
    assert "(as your Telegram app)" not in settings.params["text"]
    assert "Sign: ♌ Leo" in settings.params["text"]

    await bots.stop(app)
    await bots.start(default_language="ru")  # a second BotApp, same database
    # The app's language changes afterwards: the explicit choice still wins.
    greeting = await say(fake_telegram, "/start", language_code="de")
    assert "Choose your zodiac sign" in greeting.params["text"]
    assert labels(greeting)[0] == "♌ Leo — today's horoscope"


async def test_without_a_choice_the_language_follows_the_app(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start_moscow(start_bot, default_language="ru")
    assert (
        "Choose your zodiac sign"
        in (await say(fake_telegram, "/start", language_code="en")).params["text"]
    )
    settings = await say(fake_telegram, "/settings")
    assert "Language: English (as your Telegram app)" in settings.params["text"]
    assert "Sign: not chosen yet" in settings.params["text"]
    assert (
        "Выберите свой знак"
        in (await say(fake_telegram, "/start", language_code="ru")).params["text"]
    )


async def test_settings_buttons_lead_to_the_languages_and_the_signs(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start_moscow(start_bot)
    settings = message_id(await say(fake_telegram, "/settings", language_code="en"))
    languages = await tap_and_wait(
        fake_telegram, settings, SettingsCallback(action=SettingsAction.LANGUAGE).pack()
    )
    assert "Choose the language" in languages.params["text"]
    assert buttons(fake_telegram, settings) == [
        LanguageCallback(code=c).pack() for c in shipped_languages()
    ]
    settings = message_id(await say(fake_telegram, "/settings"))
    signs = await tap_and_wait(
        fake_telegram, settings, SettingsCallback(action=SettingsAction.SIGN).pack()
    )
    assert "Choose your zodiac sign" in signs.params["text"]
    assert buttons(fake_telegram, settings) == [SignCallback(sign=s).pack() for s in ZodiacSign]


async def test_a_forged_language_gets_the_out_of_date_answer(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_moscow(start_bot)
    menu = message_id(await say(fake_telegram, "/language", language_code="en"))
    query_id = fake_telegram.tap(menu, "lang:xx", check_button=False)
    answer = await fake_telegram.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id
    )
    assert "out of date" in answer.params["text"]
    await fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and "Choose your zodiac sign" in c.params["text"]
    )
    row = await user_row(sessionmaker)
    assert row is None or row.language is None


async def test_forget_deletes_only_after_the_confirmation(
    bots: Bots,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await bots.start(**QUIET)
    users = app.services.users
    menu = message_id(await say(fake_telegram, "/start", language_code="en"))
    await tap_and_wait(fake_telegram, menu, LEO)
    await say(fake_telegram, "/language")
    assert await users.flush() == 1
    assert await user_row(sessionmaker) is not None

    # Another replica has this user's activity batched, not yet written.
    replica = UserService(sessionmaker, app.services.cache.clock)
    await replica.touch(USER, "en")
    replica.remember_sign(USER, "virgo")

    ask = await say(fake_telegram, "/forget")
    assert "Delete your data?" in ask.params["text"]
    assert labels(ask) == ["🗑 Yes, delete", "Cancel"]
    cancel = ForgetCallback(action=ForgetAction.CANCEL).pack()
    cancelled = await tap_and_wait(fake_telegram, message_id(ask), cancel)
    assert "Nothing was deleted" in cancelled.params["text"]
    assert await user_row(sessionmaker) is not None  # no confirmation, nothing deleted

    ask = await say(fake_telegram, "/forget")
    confirm = ForgetCallback(action=ForgetAction.CONFIRM).pack()
    done = await tap_and_wait(fake_telegram, message_id(ask), confirm)
    assert "I deleted everything I stored about you" in done.params["text"]
    assert await user_row(sessionmaker) is None
    assert users.cached == 0 and users.pending == 0

    await replica.flush()  # the write batched before the /forget
    await bots.stop(app)  # and this process's final flush
    async with sessionmaker() as session:
        assert (await session.execute(select(User.user_id))).scalars().all() == []
        notes = (await session.execute(select(ForgottenUser))).scalars().all()
    assert [n.user_id for n in notes] == [USER]  # only the bare id, pruned after 24 h


async def test_help_says_what_is_stored_and_how_to_delete_it(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start_moscow(start_bot, default_language="ru")
    text = (await say(fake_telegram, "/help", language_code="ru")).params["text"]
    for part in ("/forget", "/language", "/settings", "id", "знак", "даты", "24 часа"):
        assert part in text
