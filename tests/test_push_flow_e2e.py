"""The daily push as a user sees it, through the production bot (polling, real HTTP to the
Bot API stand-in) on both databases: /subscribe and "🔔 Every morning" in three steps (a
typed time, a typed city with several matches, a shared location), the confirmation, forged
buttons, the subscription's own sign, /settings' pause / resume / unsubscribe, its time
changed (a button, typed) and « Back from its zone step, /stop, and /forget taking it all
away.

The clock: 12:00 on 15 June 2026 in Moscow (09:00 UTC): 04:00 in Chicago, 14:00 in
Yekaterinburg, so "today" and "tomorrow" differ by the subscriber's zone."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotApp
from bot.callbacks import (
    OpenSettings,
    PushAction,
    PushMode,
    PushPause,
    PushSettings,
    PushSign,
    PushStart,
    PushTime,
    PushZone,
    SignCallback,
)
from bot.keyboards import PUSH_TIMES
from db.models import ConversationState, Subscription
from services import places
from services.zodiac import ZodiacSign
from tests.standins.telegram import ApiCall, FakeTelegram
from tests.test_bot_e2e import USER, StartBot, buttons, sent, tap_and_wait
from tests.test_users_e2e import labels, message_id, say, start_moscow

pytestmark = pytest.mark.date_sensitive

LEO = SignCallback(sign=ZodiacSign.LEO).pack()


async def subscription(sessionmaker: async_sessionmaker[AsyncSession]) -> Subscription | None:
    async with sessionmaker() as session:
        return await session.get(Subscription, USER)


async def conversations(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(ConversationState)) or 0)


async def next_sent(tg: FakeTelegram, before: int) -> ApiCall:
    calls = await tg.wait_for_count(sent("sendMessage"), before + 1)
    return calls[before]


def sends(tg: FakeTelegram) -> int:
    return sum(1 for c in tg.calls if sent("sendMessage")(c))


async def start_subscribed(start_bot: StartBot) -> BotApp:
    """The bot at noon in Moscow, the user subscribed to Leo at 07:00 Moscow time."""
    app = await start_moscow(start_bot)
    await app.services.subscriptions.subscribe(USER, "leo", time(7, 0), "Europe/Moscow")
    return app


def city_buttons(tg: FakeTelegram, message: int) -> list[str]:
    return [data for data in buttons(tg, message) if data.endswith(tuple("0123456789"))]


async def test_the_flow_in_english_typed_time_and_a_city_of_several(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tg = fake_telegram
    await start_moscow(start_bot)
    menu = message_id(await say(tg, "/start", language_code="en"))
    shown = await tap_and_wait(tg, menu, LEO)
    assert "Leo" in shown.params["text"]
    assert PushStart().pack() in buttons(tg, menu)  # "🔔 Every morning" under the horoscope

    step1 = await tap_and_wait(tg, menu, PushStart().pack())
    assert step1.method == "editMessageText"  # the same message, edited in place
    assert "step 1 of 3" in step1.params["text"]
    assert "✓ ♌ Leo" in labels(step1)  # the remembered sign preselected
    assert "« Back" in labels(step1)

    step2 = await tap_and_wait(tg, menu, PushSign(mode=PushMode.NEW, sign=ZodiacSign.LEO).pack())
    assert "step 2 of 3" in step2.params["text"] and "♌ Leo" in step2.params["text"]
    assert [hh for hh in labels(step2) if ":" in hh] == [f"{t[:2]}:{t[2:]}" for t in PUSH_TIMES]
    assert labels(step2)[:1] == ["06:00"] and "11:00" in labels(step2)

    other = PushTime(mode=PushMode.NEW, sign=ZodiacSign.LEO).pack()
    typing = await tap_and_wait(tg, menu, other)
    assert "07:30" in typing.params["text"]
    assert await conversations(sessionmaker) == 1  # the typed step, on the database

    for bad in ("half past seven", "25:00", "7:3", "07-30"):
        wrong = await say(tg, bad)
        assert "for example <b>07:30</b>" in wrong.params["text"], bad
    assert await subscription(sessionmaker) is None  # the step stays open

    step3 = await say(tg, "7:30")
    assert "step 3 of 3" in step3.params["text"] and "07:30" in step3.params["text"]
    assert "📍 Share my location" in labels(step3)
    assert "New York · UTC−4" in labels(step3)  # en's common zones
    assert buttons(tg, menu) == []  # the previous flow message lost its buttons

    several = await say(tg, "springfield")
    assert "Several places are called “springfield”" in several.params["text"]
    choices = labels(several)
    assert len(choices) >= 3 and all("Springfield" in c for c in choices[:-1])
    assert "Springfield, IL, United States · America/Chicago" in choices
    chicago = choices.index("Springfield, IL, United States · America/Chicago")
    pick = buttons(tg, message_id(several))[chicago]
    assert len(pick.encode()) <= 64 and "America" not in pick  # a short id, not the zone

    done = await tap_and_wait(tg, message_id(several), pick)
    # 04:00 in Chicago now: 07:30 is still ahead today there (it is past noon in Moscow).
    assert done.params["text"] == (
        "✅ ♌ Leo every day at 07:30 (America/Chicago).\nNext: today, June 15."
    )
    assert buttons(tg, message_id(several)) == ["menu", OpenSettings().pack()]
    row = await subscription(sessionmaker)
    assert row is not None
    assert (row.sign, row.push_time, row.timezone, row.state) == (
        "leo",
        time(7, 30),
        "America/Chicago",
        "active",
    )
    assert await conversations(sessionmaker) == 0  # the conversation is over: nothing kept


async def test_the_flow_in_russian_with_a_shared_location(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tg = fake_telegram
    await start_moscow(start_bot, default_language="ru")
    step1 = await say(tg, "/subscribe", language_code="ru")
    assert "шаг 1 из 3" in step1.params["text"]
    flow = message_id(step1)
    step2 = await tap_and_wait(tg, flow, PushSign(mode=PushMode.NEW, sign=ZodiacSign.ARIES).pack())
    assert "♈ Овен: во сколько?" in step2.params["text"]
    eight = PushTime(mode=PushMode.NEW, sign=ZodiacSign.ARIES, at="0800").pack()
    step3 = await tap_and_wait(tg, flow, eight)
    assert "шаг 3 из 3" in step3.params["text"] and "в 08:00" in step3.params["text"]
    assert "Екатеринбург · UTC+5" in labels(step3)  # ru's common zones, in Russian

    before = sends(tg)
    share = PushZone(mode=PushMode.NEW, sign=ZodiacSign.ARIES, at="0800", zone="loc").pack()
    tg.tap(flow, share)
    ask = await next_sent(tg, before)
    keyboard: dict[str, Any] = ask.params["reply_markup"]
    assert keyboard["keyboard"][0][0]["request_location"] is True  # a reply keyboard
    assert "только часовой пояс" in ask.params["text"]

    before = sends(tg)
    tg.send_location(56.8389, 60.6057)  # Yekaterinburg
    removed = await next_sent(tg, before)
    assert removed.params["text"] == "📍 Часовой пояс: Asia/Yekaterinburg"
    assert removed.params["reply_markup"] == {"remove_keyboard": True}
    done = await next_sent(tg, before + 1)
    # 14:00 in Yekaterinburg: today's 08:00 has passed there, so tomorrow.
    assert done.params["text"] == (
        "✅ ♈ Овен каждый день в 08:00 (Asia/Yekaterinburg).\nСледующий: завтра, 16 июня."
    )
    row = await subscription(sessionmaker)
    assert row is not None and (row.sign, row.timezone) == ("aries", "Asia/Yekaterinburg")
    assert await conversations(sessionmaker) == 0  # no coordinates, no step left behind

    # The zone changed from /settings by a typed city: "Москва" is Moscow, not Moscow, Idaho.
    settings = await say(tg, "/settings")
    assert "🔔 Каждое утро: ♈ Овен в 08:00 (Asia/Yekaterinburg)" in settings.params["text"]
    zone_step = await tap_and_wait(
        tg, message_id(settings), PushSettings(action=PushAction.ZONE).pack()
    )
    # One step changed on its own: the zone's question, not "step 3 of 3".
    assert "В каком вы часовом поясе?" in zone_step.params["text"]
    assert "шаг" not in zone_step.params["text"]
    moved = await say(tg, "москва")
    assert "каждый день в 08:00 (Europe/Moscow)" in moved.params["text"]
    row = await subscription(sessionmaker)
    assert row is not None and (row.sign, row.timezone) == ("aries", "Europe/Moscow")


async def test_a_forged_zone_is_answered_and_the_step_shown_again(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tg = fake_telegram
    await start_moscow(start_bot)
    flow = message_id(await say(tg, "/subscribe", language_code="en"))
    await tap_and_wait(tg, flow, PushSign(mode=PushMode.NEW, sign=ZodiacSign.LEO).pack())
    at = PushTime(mode=PushMode.NEW, sign=ZodiacSign.LEO, at="0700").pack()
    await tap_and_wait(tg, flow, at)
    for forged in ("z9999", "g1", "xx", "g99999999999"):
        data = PushZone(mode=PushMode.NEW, sign=ZodiacSign.LEO, at="0700", zone=forged).pack()
        query_id = tg.tap(flow, data, check_button=False)
        answer = await tg.wait_for(
            lambda c, q=query_id: (
                c.method == "answerCallbackQuery" and c.params["callback_query_id"] == q
            )
        )
        assert answer.params["text"] == "This place is no longer on the list. Please choose again."
    assert await subscription(sessionmaker) is None
    assert "step 3 of 3" in tg.messages[(USER, flow)]["text"]


async def test_the_subscriptions_sign_is_its_own_and_settings_pause_resume_stop(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tg = fake_telegram
    subscriptions = (await start_subscribed(start_bot)).services.subscriptions
    menu = message_id(await say(tg, "/start", language_code="en"))
    await tap_and_wait(tg, menu, SignCallback(sign=ZodiacSign.VIRGO).pack())  # a partner's
    row = await subscription(sessionmaker)
    assert row is not None and row.sign == "leo"

    settings = await say(tg, "/settings")
    assert "🔔 Every morning: ♌ Leo at 07:00 (Europe/Moscow)" in settings.params["text"]
    board = message_id(settings)
    pause = await tap_and_wait(tg, board, PushSettings(action=PushAction.PAUSE).pack())
    assert labels(pause)[:4] == ["1 day", "3 days", "7 days", "Until I resume"]
    paused = await tap_and_wait(tg, board, PushPause(days=3).pack())
    # Next due was tomorrow (16 June, 07:00 has passed today): 3 days skipped → 19 June.
    assert "paused until June 19" in paused.params["text"]
    row = await subscription(sessionmaker)
    assert row is not None and row.state == "paused"
    assert row.paused_until is not None and row.paused_until.isoformat() == "2026-06-19"

    resumed = await tap_and_wait(tg, board, PushSettings(action=PushAction.RESUME).pack())
    assert "🔔 Every morning: ♌ Leo at 07:00" in resumed.params["text"]
    row = await subscription(sessionmaker)
    assert row is not None and row.state == "active" and row.next_due is not None

    changed = await tap_and_wait(tg, board, PushSettings(action=PushAction.SIGN).pack())
    assert "✓ ♌ Leo" in labels(changed)
    aries = PushSign(mode=PushMode.SIGN, sign=ZodiacSign.ARIES).pack()
    after = await tap_and_wait(tg, board, aries)
    assert "♈ Aries at 07:00" in after.params["text"]

    gone = await tap_and_wait(tg, board, PushSettings(action=PushAction.STOP).pack())
    assert "🔕 Every morning: off" in gone.params["text"]
    assert PushStart().pack() in buttons(tg, board)
    row = await subscription(sessionmaker)
    assert row is not None and row.state == "stopped" and row.next_due is None

    await subscriptions.subscribe(USER, "leo", time(9, 0), "Europe/Moscow")
    stopped = await say(tg, "/stop")
    assert "no more morning horoscopes" in stopped.params["text"]
    row = await subscription(sessionmaker)
    assert row is not None and (row.state, row.stop_reason) == ("stopped", "user")
    again = await say(tg, "/stop")
    assert "You have no morning horoscope" in again.params["text"]


async def test_settings_change_the_time_by_a_button_or_typed_and_back_from_the_zone(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tg = fake_telegram
    await start_subscribed(start_bot)
    settings = await say(tg, "/settings", language_code="en")
    board = message_id(settings)

    # A button: the time saved, /settings shown again in the same message.
    step = await tap_and_wait(tg, board, PushSettings(action=PushAction.TIME).pack())
    assert "step" not in step.params["text"] and "06:00" in labels(step)
    nine = PushTime(mode=PushMode.TIME, sign=ZodiacSign.LEO, at="0900").pack()
    saved = await tap_and_wait(tg, board, nine)
    assert saved.method == "editMessageText"
    assert "🔔 Every morning: ♌ Leo at 09:00 (Europe/Moscow)" in saved.params["text"]
    answers = [c for c in tg.calls if c.method == "answerCallbackQuery"]
    assert answers[-1].params["text"] == "✅ Saved"

    # Typed: /settings comes back as a new message, the step's message loses its buttons.
    await tap_and_wait(tg, board, PushSettings(action=PushAction.TIME).pack())
    typing = await tap_and_wait(tg, board, PushTime(mode=PushMode.TIME, sign=ZodiacSign.LEO).pack())
    assert "07:30" in typing.params["text"]
    assert await conversations(sessionmaker) == 1
    typed = await say(tg, "10:15")
    assert "🔔 Every morning: ♌ Leo at 10:15 (Europe/Moscow)" in typed.params["text"]
    assert "🕖 Time" in labels(typed)
    assert buttons(tg, board) == []
    assert await conversations(sessionmaker) == 0
    row = await subscription(sessionmaker)
    assert row is not None and row.push_time == time(10, 15)

    # « Back from the zone step: /settings again, the step forgotten.
    board = message_id(typed)
    zone_step = await tap_and_wait(tg, board, PushSettings(action=PushAction.ZONE).pack())
    assert "New York · UTC−4" in labels(zone_step)
    assert await conversations(sessionmaker) == 1
    assert labels(zone_step)[-1] == "« Back"
    again = await tap_and_wait(tg, board, buttons(tg, board)[-1])
    assert "🔔 Every morning: ♌ Leo at 10:15 (Europe/Moscow)" in again.params["text"]
    assert await conversations(sessionmaker) == 0


async def test_forget_deletes_the_subscription_and_an_open_step(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from bot.callbacks import ForgetAction, ForgetCallback

    tg = fake_telegram
    app = await start_moscow(start_bot)
    await app.services.subscriptions.subscribe(USER, "leo", time(7, 0), "Europe/Moscow")
    flow = message_id(await say(tg, "/subscribe", language_code="en"))
    await tap_and_wait(tg, flow, PushSign(mode=PushMode.NEW, sign=ZodiacSign.LEO).pack())
    await tap_and_wait(tg, flow, PushTime(mode=PushMode.NEW, sign=ZodiacSign.LEO).pack())
    assert await conversations(sessionmaker) == 1
    ask = await say(tg, "/forget")
    confirm = ForgetCallback(action=ForgetAction.CONFIRM).pack()
    await tap_and_wait(tg, message_id(ask), confirm)
    assert await subscription(sessionmaker) is None
    assert await conversations(sessionmaker) == 0


def test_zone_ids_fit_callback_data() -> None:
    longest = max(places.all_common_zones(), key=len)
    data = PushZone(
        mode=PushMode.ZONE,
        sign=ZodiacSign.SAGITTARIUS,
        at="2359",
        zone=f"g{2**32 - 1}",
    ).pack()
    assert len(data.encode()) <= 64
    assert places.common_zone_id(longest).startswith("z")
